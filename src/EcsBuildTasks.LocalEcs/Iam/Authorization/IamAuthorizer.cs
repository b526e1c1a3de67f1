using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using EcsBuildTasks.LocalEcs.Hosting;
using EcsBuildTasks.LocalEcs.Iam.Authorization.Tables;
using EcsBuildTasks.LocalEcs.Iam.Policies;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Iam.Authorization;

/// <summary>
/// Authorises AWS requests against identity-based policies when asked to: a default policy (<c>--iam-policy</c>, or the
/// control API without an access key) and policies per access key (control API). A session from AssumeRole of a role
/// LocalEcs holds gets the role's policies. Access keys with no policy while nothing applies are unrestricted, as
/// LocalEcs always was. Every check (allowed or not, enforced or not) is recorded for <c>GET /_localecs/iam/usage</c>.
/// </summary>
internal sealed class IamAuthorizer
{
    /// <summary>Every service's action table; a test keeps them in step with the served operations.</summary>
    public static readonly IReadOnlyList<ActionTable> Tables =
    [
        EcsActions.Table, EcrActions.Table, Elbv2Actions.Table, CloudMapActions.Table, AutoScalingActions.Table,
        CloudWatchActions.Table, LogsActions.Table, StsActions.Table, Ec2Actions.Table, IamActions.Table,
        SecretsManagerActions.Table, SsmActions.Table, Route53Actions.Table,
    ];

    private static readonly Dictionary<string, ActionTable> BySigningName = Tables.ToDictionary(t => t.SigningName, StringComparer.Ordinal);

    private readonly Lock gate = new();
    private readonly IReadOnlyList<NamedPolicy>? startupPolicies;
    private readonly Dictionary<string, Grant> grants = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string RoleArn, string SessionName)> sessions = new(StringComparer.Ordinal);
    private IReadOnlyList<NamedPolicy>? defaultPolicies;

    public IamAuthorizer(string? defaultPolicy)
    {
        startupPolicies = defaultPolicy is null ? null : [new NamedPolicy("iam-policy", PolicyDocument.Parse(defaultPolicy, PolicyKind.Identity))];
        defaultPolicies = startupPolicies;
    }

    public UsageRecorder Usage { get; } = new();

    /// <summary>Whether any policy is in force (the default one or one for an access key).</summary>
    public bool Enforcing
    {
        get
        {
            lock (gate)
            {
                return defaultPolicies is not null || grants.Count > 0;
            }
        }
    }

    /// <summary>The caller an access key stands for: the principal given with its policies, an assumed role's session, else the LocalEcs user.</summary>
    public string PrincipalOf(string? accessKeyId)
    {
        if (accessKeyId is null)
        {
            return Account.UserArn;
        }

        lock (gate)
        {
            if (grants.TryGetValue(accessKeyId, out var grant) && grant.Principal is { } principal)
            {
                return principal;
            }
        }

        return sessions.TryGetValue(accessKeyId, out var session)
            ? $"arn:aws:sts::{Account.Id}:assumed-role/{session.RoleArn[(session.RoleArn.LastIndexOf('/') + 1)..]}/{session.SessionName}"
            : Account.UserArn;
    }

    /// <summary>Remembers the credentials AssumeRole handed out, so that requests signed with them act as the role.</summary>
    public void RegisterSession(string accessKeyId, string roleArn, string sessionName) => sessions[accessKeyId] = (roleArn, sessionName);

    /// <summary>
    /// Authorises an API request (under the state lock: the tables look up resources): records every check it needs and,
    /// when a policy applies to the caller, throws the service's access-denied error for the first one not allowed.
    /// </summary>
    public void Authorize(AwsRequest request)
    {
        if (!BySigningName.TryGetValue(request.Service, out var table) || !table.TryGetValue(request.Operation, out var rule))
        {
            // A served operation without an entry is a LocalEcs bug (ActionTableTests guards against it): fail loudly when it matters.
            if (Enforcing)
            {
                throw new AwsServiceException("InternalFailure", $"LocalEcs has no IAM mapping for {request.Service} {request.Operation}.", HttpStatusCode.InternalServerError);
            }

            return;
        }

        var checks = rule(new OperationContext(request)).ToList();
        var denial = Evaluate(request.AccessKeyId, request.Principal, request.Region, request.Now, request.Account, checks);
        if (denial is not null)
        {
            throw Denied(request.Service, denial.Value.Check, denial.Value.Message);
        }
    }

    /// <summary>Authorises a registry request (push or pull) for the identity that obtained the registry token; the denial message, or null.</summary>
    public string? AuthorizeRegistry(string? accessKeyId, IEnumerable<string> actions, string repositoryArn, AccountState account, DateTimeOffset now)
    {
        var region = repositoryArn.Split(':') is { Length: > 3 } parts ? parts[3] : Account.DefaultRegion;
        var checks = actions.Select(action => new AuthorizationCheck(action, repositoryArn, OperationContext.NoKeys)).ToList();
        lock (account.Sync)
        {
            return Evaluate(accessKeyId, PrincipalOf(accessKeyId), region, now, account, checks)?.Message;
        }
    }

    /// <summary>Sets the policies of an access key (or, with a null key, the default policy) and optionally the principal it stands for.</summary>
    public void SetPolicies(string? accessKeyId, IReadOnlyList<NamedPolicy> policies, string? principal)
    {
        lock (gate)
        {
            if (accessKeyId is null)
            {
                defaultPolicies = policies;
            }
            else
            {
                grants[accessKeyId] = new Grant(policies, principal);
            }
        }
    }

    /// <summary>
    /// The identity-based policies of a principal that is not a role (IAM SimulatePrincipalPolicy): the policies given
    /// with <paramref name="principalArn"/> through the control API, or for LocalEcs's own user the default policy.
    /// <c>Known</c> is false for any other principal; null policies mean unrestricted (nothing in force for the user).
    /// </summary>
    public (bool Known, IReadOnlyList<NamedPolicy>? Policies) PoliciesOfPrincipal(string principalArn)
    {
        lock (gate)
        {
            foreach (var (_, grant) in grants.OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                if (grant.Principal == principalArn)
                {
                    return (true, grant.Policies);
                }
            }

            return principalArn == Account.UserArn ? (true, defaultPolicies) : (false, null);
        }
    }

    /// <summary>Removes an access key's policies, or with a null key every policy including the default.</summary>
    public void RemovePolicies(string? accessKeyId)
    {
        lock (gate)
        {
            if (accessKeyId is null)
            {
                grants.Clear();
                defaultPolicies = null;
            }
            else
            {
                grants.Remove(accessKeyId);
            }
        }
    }

    /// <summary>The policies in force: the default and each access key's, as the control API lists them.</summary>
    public (IReadOnlyList<NamedPolicy>? Default, IReadOnlyList<(string AccessKeyId, string? Principal, IReadOnlyList<NamedPolicy> Policies)> Keys) Policies()
    {
        lock (gate)
        {
            return (defaultPolicies, grants.Select(g => (g.Key, g.Value.Principal, g.Value.Policies)).ToList());
        }
    }

    /// <summary>Back to the start: policies set through the control API and the recorded usage are forgotten; <c>--iam-policy</c> stays.</summary>
    public void Reset()
    {
        lock (gate)
        {
            grants.Clear();
            defaultPolicies = startupPolicies;
        }

        Usage.Clear();
    }

    /// <summary>Evaluates and records every check; the first denied one with its message, or null when all are allowed (or nothing applies).</summary>
    private (AuthorizationCheck Check, string Message)? Evaluate(string? accessKeyId, string principal, string region, DateTimeOffset now, AccountState account, List<AuthorizationCheck> checks)
    {
        var (grant, policies) = PoliciesFor(accessKeyId, account);
        (AuthorizationCheck, string)? denial = null;
        foreach (var check in checks)
        {
            var context = new RequestContext(check.Action, check.Resource, WithGlobalKeys(check.Keys, principal, region, now));
            if (policies is null)
            {
                Usage.Record(principal, accessKeyId, check, allowed: true, grant: null, []);
                continue;
            }

            var evaluation = PolicyEvaluator.Evaluate(policies, context);
            var allowing = evaluation.Allowed ? PolicyEvaluator.AllowingStatements(policies, context).ToList() : [];
            Usage.Record(principal, accessKeyId, check, evaluation.Allowed, grant, allowing);
            if (!evaluation.Allowed && denial is null)
            {
                denial = (check, AccessDenial.Message(principal, check.Action, check.Resource, evaluation));
            }
        }

        return denial;
    }

    /// <summary>The grant (for usage reports) and policies that apply to an access key; null policies mean unrestricted.</summary>
    private (string? Grant, IReadOnlyList<NamedPolicy>? Policies) PoliciesFor(string? accessKeyId, AccountState account)
    {
        lock (gate)
        {
            if (accessKeyId is not null && grants.TryGetValue(accessKeyId, out var grant))
            {
                return (accessKeyId, grant.Policies);
            }

            if (defaultPolicies is null && grants.Count == 0)
            {
                return (null, null);
            }

            if (accessKeyId is not null && sessions.TryGetValue(accessKeyId, out var session) && account.Iam.FindRoleByArn(session.RoleArn) is { } role)
            {
                return ("role:" + role.Arn, RolePermissions.Policies(role));
            }

            return defaultPolicies is null ? (null, null) : (UsageRecorder.DefaultGrant, defaultPolicies);
        }
    }

    /// <summary>The global condition keys every request carries, added to the service's keys for the check.</summary>
    private static Dictionary<string, IReadOnlyList<string>> WithGlobalKeys(IReadOnlyDictionary<string, IReadOnlyList<string>> keys, string principal, string region, DateTimeOffset now)
    {
        var assumed = principal.Contains(":assumed-role/", StringComparison.Ordinal);
        var principalArn = assumed
            ? $"arn:aws:iam::{Account.Id}:role/{principal.Split('/')[1]}"
            : principal;
        var result = new Dictionary<string, IReadOnlyList<string>>(keys, StringComparer.Ordinal)
        {
            ["aws:RequestedRegion"] = [region],
            ["aws:PrincipalArn"] = [principalArn],
            ["aws:PrincipalAccount"] = [Account.Id],
            ["aws:PrincipalType"] = [assumed ? "AssumedRole" : "User"],
            ["aws:CurrentTime"] = [now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)],
            ["aws:EpochTime"] = [now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)],
        };
        if (!assumed && principal.Contains(":user/", StringComparison.Ordinal))
        {
            result["aws:username"] = [principal[(principal.LastIndexOf('/') + 1)..]];
        }

        return result;
    }

    /// <summary>The service's own access-denied error: JSON services' AccessDeniedException, Query services' AccessDenied, EC2's UnauthorizedOperation.</summary>
    private static AwsServiceException Denied(string service, AuthorizationCheck check, string message) => service switch
    {
        "ec2" => new AwsServiceException("UnauthorizedOperation", "You are not authorized to perform this operation. " + (check.Resource == "*" ? message.Replace(" on resource: *", string.Empty, StringComparison.Ordinal) : message), HttpStatusCode.Forbidden),
        "elasticloadbalancing" or "sts" or "iam" or "monitoring" or "route53" => new AwsServiceException("AccessDenied", message, HttpStatusCode.Forbidden),
        _ => new AwsServiceException("AccessDeniedException", message),
    };

    private sealed record Grant(IReadOnlyList<NamedPolicy> Policies, string? Principal);
}
