using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Iam;
using EcsBuildTasks.LocalEcs.Iam.Policies;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Services.Iam;

/// <summary>
/// IAM's policy simulator for a principal (SimulatePrincipalPolicy): the identity-based policies of a role LocalEcs
/// holds, or of a principal given policies through the control API (LocalEcs's own user: the default policy), plus the
/// policies the request adds, evaluated with the same evaluator that enforces them, for every action on every resource.
/// As in IAM, only the context keys the request supplies are known: a condition on any other key does not match, and
/// the key is listed in <c>MissingContextValues</c>. A build uses it to learn before deploying whether a role (the
/// execution role reading a secret) or the build's own principal may do what the deployment will need.
/// </summary>
internal sealed partial class IamApi
{
    private JsonObject SimulatePrincipalPolicy(IamState iam, JsonObject input)
    {
        var source = input.Str("PolicySourceArn") ?? throw Missing("policySourceArn");
        var actions = input.Strings("ActionNames").ToList();
        if (input["ActionNames"] is null)
        {
            throw Missing("actionNames");
        }

        var resources = input.Strings("ResourceArns").ToList() is { Count: > 0 } given ? given : ["*"];
        var policies = SourcePolicies(iam, source);
        foreach (var (document, i) in input.Strings("PolicyInputList").Select((d, i) => (d, i)))
        {
            policies?.Add((new NamedPolicy($"PolicyInputList.{i + 1}", ParseInput(document)), "none"));
        }

        var context = ContextEntries(input);
        var results = new List<JsonNode?>();
        foreach (var action in actions)
        {
            if (action.Length is < 3 or > 128 || !action.Contains(':', StringComparison.Ordinal))
            {
                throw new AwsServiceException("InvalidInput", $"Action {action} is not valid: actions look like service:Operation.");
            }

            foreach (var resource in resources)
            {
                results.Add(Evaluate(policies, new RequestContext(action, resource, context)));
            }
        }

        return new JsonObject { ["EvaluationResults"] = results.ToJsonArray() };
    }

    /// <summary>The policies of the principal to simulate with the type IAM reports for each; null for LocalEcs's unrestricted user.</summary>
    private List<(NamedPolicy Policy, string SourceType)>? SourcePolicies(IamState iam, string source)
    {
        var parts = source.Split(':', 6);
        if (parts is not ["arn", "aws", "iam", "", _, var resource] || !(resource.StartsWith("role/", StringComparison.Ordinal) || resource.StartsWith("user/", StringComparison.Ordinal) || resource.StartsWith("group/", StringComparison.Ordinal)))
        {
            throw new AwsServiceException("InvalidInput", $"Invalid ARN {source}: the policy source must be the ARN of an IAM user, group or role.");
        }

        var name = resource[(resource.LastIndexOf('/') + 1)..];
        if (resource.StartsWith("role/", StringComparison.Ordinal))
        {
            var role = iam.FindRoleByArn(source) ?? throw NoSuchEntity($"The role with name {name} cannot be found.");
            return [.. RolePermissions.Policies(role).Select(p => (p, ManagedPolicies.IsAwsManaged(p.Name) ? "aws-managed" : "role"))];
        }

        var (known, policies) = authorizer.PoliciesOfPrincipal(source);
        if (!known)
        {
            throw NoSuchEntity(resource.StartsWith("user/", StringComparison.Ordinal) ? $"The user with name {name} cannot be found." : $"The group with name {name} cannot be found.");
        }

        return policies?.Select(p => (p, "user")).ToList();
    }

    private static PolicyDocument ParseInput(string document)
    {
        try
        {
            return PolicyDocument.Parse(document, PolicyKind.Identity);
        }
        catch (PolicyFormatException e)
        {
            throw new AwsServiceException("InvalidInput", $"Policy document in PolicyInputList is not valid: {e.Message}");
        }
    }

    private static Dictionary<string, IReadOnlyList<string>> ContextEntries(JsonObject input)
    {
        var keys = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in input.Arr("ContextEntries")?.OfType<JsonObject>() ?? [])
        {
            var name = entry.Str("ContextKeyName") ?? throw Missing("contextEntries.member.contextKeyName");
            keys[name] = [.. entry.Strings("ContextKeyValues")];
        }

        return keys;
    }

    /// <summary>One result: the decision, the statements that made it, and the condition keys the request left unknown.</summary>
    private static JsonObject Evaluate(List<(NamedPolicy Policy, string SourceType)>? policies, RequestContext request)
    {
        var result = new JsonObject { ["EvalActionName"] = request.Action, ["EvalResourceName"] = request.Resource };
        if (policies is null)
        {
            // LocalEcs's own user while nothing is enforced: every request is allowed, by no policy in particular.
            result["EvalDecision"] = "allowed";
            result["MatchedStatements"] = new JsonArray();
            result["MissingContextValues"] = new JsonArray();
            return result;
        }

        var named = policies.Select(p => p.Policy).ToList();
        var evaluation = PolicyEvaluator.Evaluate(named, request);
        var matched = evaluation.Decision switch
        {
            Decision.Allow => PolicyEvaluator.AllowingStatements(named, request).Select(m => m.Policy).Distinct(),
            Decision.ExplicitDeny => [evaluation.Policy!],
            _ => [],
        };
        result["EvalDecision"] = evaluation.Decision switch { Decision.Allow => "allowed", Decision.ExplicitDeny => "explicitDeny", _ => "implicitDeny" };
        result["MatchedStatements"] = matched
            .Select(p => (JsonNode?)new JsonObject { ["SourcePolicyId"] = p.Name, ["SourcePolicyType"] = policies.First(s => s.Policy == p).SourceType })
            .ToJsonArray();
        result["MissingContextValues"] = MissingKeys(named, request).Select(k => (JsonNode?)JsonValue.Create(k)).ToJsonArray();
        return result;
    }

    /// <summary>Condition keys of the statements that name the action and resource, which the request does not supply.</summary>
    private static IEnumerable<string> MissingKeys(List<NamedPolicy> policies, RequestContext request) =>
        policies.SelectMany(p => p.Document.Statements
                .Where(s => PolicyEvaluator.Applies(p.Document, WithoutConditions(s), request))
                .SelectMany(s => s.Conditions.Select(c => c.Key)))
            .Where(k => request.Values(k) is null)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Order(StringComparer.Ordinal);

    private static PolicyStatement WithoutConditions(PolicyStatement statement) => new()
    {
        Index = statement.Index,
        Sid = statement.Sid,
        Effect = statement.Effect,
        Actions = statement.Actions,
        NotAction = statement.NotAction,
        Resources = statement.Resources,
        NotResource = statement.NotResource,
        Principals = statement.Principals,
        Conditions = [],
    };
}
