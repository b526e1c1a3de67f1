using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Iam.Policies;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Simulation;

/// <summary>
/// The task role and execution role ECS must assume to start a task. A role LocalEcs holds must trust
/// <c>ecs-tasks.amazonaws.com</c>, else the task is not launched, with ECS's message. A role LocalEcs never saw is
/// checked by format only (existing projects name roles created elsewhere), unless <c>--strict-iam-roles</c> asks that
/// every role of this account exist. Roles of other accounts cannot be checked and pass.
/// </summary>
internal static class TaskRoles
{
    public const string TasksService = "ecs-tasks.amazonaws.com";

    /// <summary>A role name or ARN as ECS accepts it, as an ARN.</summary>
    public static string Normalize(string roleOrName) =>
        roleOrName.StartsWith("arn:", StringComparison.Ordinal) ? roleOrName : $"arn:aws:iam::{Account.Id}:role/{roleOrName}";

    /// <summary>The task and execution roles a launch uses: RunTask overrides win over the task definition's.</summary>
    public static IEnumerable<string> Of(JsonObject definition, JsonObject? overrides) =>
        new[] { overrides?.Str("taskRoleArn") ?? definition.Str("taskRoleArn"), overrides?.Str("executionRoleArn") ?? definition.Str("executionRoleArn") }
            .OfType<string>()
            .Select(Normalize);

    /// <summary>ECS's reason for not launching the task, or null when it can.</summary>
    public static string? LaunchFailure(SimulationContext context, JsonObject definition, JsonObject? overrides = null)
    {
        foreach (var arn in Of(definition, overrides))
        {
            if (!arn.StartsWith($"arn:aws:iam::{Account.Id}:", StringComparison.Ordinal))
            {
                continue;
            }

            var role = context.Account.Iam.FindRoleByArn(arn);
            if (role is null ? context.Runtime.Options.StrictIamRoles : !Trusts(role))
            {
                return $"ECS was unable to assume the role '{arn}' that was provided for this task. Please verify that the role being passed has the proper trust relationship and permissions and that your IAM user has permissions to pass this role.";
            }
        }

        return null;
    }

    private static bool Trusts(IamRole role)
    {
        try
        {
            return TrustPolicy.AllowsService(PolicyDocument.Parse(role.AssumeRolePolicyDocument, PolicyKind.Trust), TasksService);
        }
        catch (PolicyFormatException)
        {
            return false;
        }
    }
}
