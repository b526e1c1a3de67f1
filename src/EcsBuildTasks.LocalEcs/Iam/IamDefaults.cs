using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Iam;

/// <summary>
/// The roles every LocalEcs account starts with: <c>ecsTaskExecutionRole</c>, trusted by <c>ecs-tasks.amazonaws.com</c>
/// with <c>AmazonECSTaskExecutionRolePolicy</c> attached, as the ECS console creates it. A project deployed with
/// <c>EcsTarget=local</c> uses it when no execution role is set. Installed once per state (and again after a reset);
/// a role the user deletes stays deleted.
/// </summary>
internal static class IamDefaults
{
    public const string ExecutionRoleName = "ecsTaskExecutionRole";

    public const string EcsTasksTrustPolicy = """{"Version":"2012-10-17","Statement":[{"Sid":"","Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}""";

    public static string ExecutionRoleArn => $"arn:aws:iam::{Account.Id}:role/{ExecutionRoleName}";

    public static void Install(AccountState state, DateTimeOffset now)
    {
        if (state.Iam.DefaultsInstalled)
        {
            return;
        }

        state.Iam.DefaultsInstalled = true;
        if (state.Iam.FindRole(ExecutionRoleName) is not null)
        {
            return;
        }

        state.Iam.Roles[IamRole.Key(ExecutionRoleName)] = new IamRole
        {
            Name = ExecutionRoleName,
            Arn = ExecutionRoleArn,
            RoleId = RoleIds.Stable(ExecutionRoleArn),
            CreateDate = now,
            AssumeRolePolicyDocument = EcsTasksTrustPolicy,
            Description = "Provided by LocalEcs: lets ECS tasks pull images and write logs.",
            AttachedPolicyArns = [ManagedPolicies.TaskExecutionRolePolicyArn],
        };
    }
}

/// <summary>IAM unique ids: a type prefix (<c>AROA</c> roles, <c>ANPA</c> managed policies) and 17 upper-case characters.</summary>
internal static class RoleIds
{
    public static string Stable(string arn, string prefix = "AROA") => prefix + Ids.StableHex(arn, 17).ToUpperInvariant();

    public static string New() => "AROA" + Ids.Alphanumeric(17).ToUpperInvariant();
}
