using System.Globalization;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using EcsBuildTasks.Aws.IdentityManagement;
using EcsBuildTasks.Aws.IdentityManagement.Model;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Features.IamPolicy;

/// <summary>
/// <c>EcsCheckPermissions</c>: before anything changes, asks IAM's policy simulator whether the deploying principal may
/// do what the project's policy (<c>-t:EcsIamPolicy</c>) lists, statement by statement, with the condition values the
/// statement expects (the cluster, the service a role is passed to, the DNS record); every action it may not do is
/// ECS7130 with the statement to add. The failure-only statements are checked too: a failure the build could not report
/// or roll back would leave the service in an unknown state. When the principal may not simulate itself, nothing is
/// checked and the log says so.
/// </summary>
internal sealed class PermissionCheck(AwsSession aws, IDeploymentLog log)
{
    /// <summary>How many missing actions the error lists before "and N more".</summary>
    private const int Listed = 5;

    /// <summary>
    /// The IAM principal behind a caller identity: a user or role as it is, an assumed role's session as its role (the
    /// session ARN carries no role path: a role with a path is then not found, and the check is skipped); null for the
    /// account's root or a federated user, which the simulator cannot take.
    /// </summary>
    public static string? PrincipalOf(string callerArn)
    {
        ArgumentNullException.ThrowIfNull(callerArn);
        var parts = callerArn.Split(':', 6);
        if (parts is not ["arn", var partition, var service, _, var account, var resource])
        {
            return null;
        }

        if (service == "iam" && (resource.StartsWith("user/", StringComparison.Ordinal) || resource.StartsWith("role/", StringComparison.Ordinal)))
        {
            return callerArn;
        }

        return service == "sts" && resource.Split('/') is ["assumed-role", var role, _]
            ? $"arn:{partition}:iam::{account}:role/{role}"
            : null;
    }

    public async Task CheckAsync(IamPolicyDocument policy, string principal, DiagnosticCollection problems, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(problems);
        var missing = new List<(PolicyStatement Statement, string Action, string Resource)>();
        foreach (var statement in policy.Statements)
        {
            var request = new SimulatePrincipalPolicyRequest
            {
                PolicySourceArn = principal,
                ActionNames = [.. statement.Actions],
                // "*" is the simulator's default and not an ARN it takes.
                ResourceArns = statement.Resources is ["*"] ? null : [.. statement.Resources],
                ContextEntries = ContextOf(statement.Condition),
            };
            do
            {
                SimulatePrincipalPolicyResponse response;
                try
                {
                    response = await aws.Iam.SimulatePrincipalPolicyAsync(request, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is AmazonServiceException or AmazonClientException or HttpRequestException && !cancellationToken.IsCancellationRequested)
                {
                    // The check never stops a deployment by failing itself: denied, unknown principal, or the simulator unreachable.
                    log.Info($"EcsBuildTasks: {EcsProperties.CheckPermissions}: the permissions of {principal} were not checked (IAM SimulatePrincipalPolicy: {(ex is AmazonServiceException service ? service.ErrorCode + ": " : string.Empty)}{ex.Message.Split('\n')[0].Trim()}); allow it iam:SimulatePrincipalPolicy on itself for the check");
                    return;
                }

                foreach (var result in response.EvaluationResults ?? [])
                {
                    var action = result.EvalActionName ?? string.Empty;
                    if (result.ResourceSpecificResults is { Count: > 0 } perResource)
                    {
                        missing.AddRange(perResource.Where(r => r.EvalResourceDecision != PolicyEvaluationDecisionType.Allowed).Select(r => (statement, action, r.EvalResourceName ?? "*")));
                    }
                    else if (result.EvalDecision != PolicyEvaluationDecisionType.Allowed)
                    {
                        missing.Add((statement, action, result.EvalResourceName ?? "*"));
                    }
                }

                request.Marker = response.IsTruncated == true ? response.Marker : null;
            }
            while (request.Marker is not null);
        }

        if (missing.Count == 0)
        {
            log.Info(string.Create(CultureInfo.InvariantCulture, $"EcsBuildTasks: {EcsProperties.CheckPermissions}: {principal} may do all {policy.Statements.Sum(s => s.Actions.Count)} actions this deployment needs (IAM's policy simulator)"));
            return;
        }

        // Grouped by statement and action: the statement allows its actions on all its resources, and is what to add.
        var actions = missing.GroupBy(m => (m.Statement, m.Action)).ToList();
        var lines = actions.Take(Listed).Select(g =>
        {
            var (statement, action) = g.Key;
            var resources = g.Select(m => m.Resource).Distinct(StringComparer.Ordinal).ToList();
            var resource = resources.Count == 1 ? $"\"{resources[0]}\"" : "[" + string.Join(", ", resources.Select(r => $"\"{r}\"")) + "]";
            return $"{action} on {string.Join(", ", resources)} ({statement.Sid}{(statement.OnlyOnFailure ? ": needed to report and roll back a failure" : string.Empty)}): add {{\"Effect\": \"Allow\", \"Action\": \"{action}\", \"Resource\": {resource}{(statement.Condition is { } condition ? ", \"Condition\": " + condition.ToJsonString() : string.Empty)}}}";
        });
        problems.Error(DiagnosticCodes.PermissionMissing, EcsProperties.CheckPermissions,
            string.Create(CultureInfo.InvariantCulture, $"{EcsProperties.CheckPermissions}: the deploying principal {principal} may not do {actions.Count} action(s) this deployment needs, so it would stop half-way: {string.Join("; ", lines)}{(actions.Count > Listed ? $"; and {actions.Count - Listed} more" : string.Empty)}. dotnet msbuild -t:EcsIamPolicy writes the whole policy the project needs."));
    }

    /// <summary>The values a statement's conditions expect, as the simulator's context entries (the request the statement is written for).</summary>
    private static List<ContextEntry>? ContextOf(JsonObject? condition)
    {
        if (condition is null)
        {
            return null;
        }

        var entries = new List<ContextEntry>();
        foreach (var (op, keys) in condition)
        {
            foreach (var (key, value) in keys as JsonObject ?? new JsonObject())
            {
                var values = value is JsonArray array ? array.Select(v => v!.GetValue<string>()).ToList() : [value!.GetValue<string>()];
                var list = op.StartsWith("ForAllValues:", StringComparison.Ordinal) || op.StartsWith("ForAnyValue:", StringComparison.Ordinal);
                entries.Add(new ContextEntry { ContextKeyName = key, ContextKeyValues = values, ContextKeyType = list ? ContextKeyTypeEnum.StringList : ContextKeyTypeEnum.String });
            }
        }

        return entries;
    }
}
