using EcsBuildTasks.Aws.IdentityManagement.Model;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Features.Roles;

/// <summary>What the preflight found for a task that needs the account's default execution role.</summary>
/// <param name="Arn">The existing role's ARN; null when it is to be created.</param>
internal sealed record DefaultExecutionRolePlan(string? Arn)
{
    public bool Create => Arn is null;
}

/// <summary>
/// The account's <c>ecsTaskExecutionRole</c>, used when no <c>EcsExecutionRoleArn</c> is set and the default role will do
/// (<see cref="Definitions.ExecutionRoleNeed"/>): looked up read-only in the preflight (IAM GetRole); missing, it is a
/// coded error with the two commands that create it, or, with <c>EcsCreateExecutionRole=true</c>, created after every
/// check passed, as the ECS console creates it (trusted by <c>ecs-tasks.amazonaws.com</c>, with the managed
/// <c>AmazonECSTaskExecutionRolePolicy</c>), and tagged.
/// </summary>
internal sealed class DefaultExecutionRole(AwsSession aws, IDeploymentLog log)
{
    public const string RoleName = EcsProperties.DefaultExecutionRoleName;

    public const string TrustPolicy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}""";

    /// <summary>The preflight's read-only look-up: the role, the plan to create it, or (in <paramref name="problems"/>) ECS1151.</summary>
    public async Task<DefaultExecutionRolePlan?> FindAsync(EcsSettings settings, DiagnosticCollection problems, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(problems);
        try
        {
            var found = await AwsCalls.RunAsync("IAM GetRole", () => aws.Iam.GetRoleAsync(new GetRoleRequest { RoleName = RoleName }, cancellationToken)).ConfigureAwait(false);
            log.Info($"EcsBuildTasks: no {EcsProperties.ExecutionRoleArn} given: using the account's {RoleName} ({found.Role!.Arn})");
            return new DefaultExecutionRolePlan(found.Role.Arn);
        }
        catch (DeploymentException ex) when (ex.InnerException is NoSuchEntityException)
        {
            if (settings.CreateExecutionRole)
            {
                log.Info($"EcsBuildTasks: no {EcsProperties.ExecutionRoleArn} given and the account has no {RoleName}: the deployment creates it ({EcsProperties.CreateExecutionRole}=true)");
                return new DefaultExecutionRolePlan(null);
            }

            problems.Error(DiagnosticCodes.ExecutionRoleNotFound, EcsProperties.ExecutionRoleArn,
                $"No {EcsProperties.ExecutionRoleArn} is set and the account has no {RoleName}: create it with {CreateCommands(PolicyArn("aws"))}, or publish once with -p:{EcsProperties.CreateExecutionRole}=true.");
            return null;
        }
    }

    /// <summary>Creates the role after the preflight passed; returns its ARN.</summary>
    public async Task<string> CreateAsync(string partition, CancellationToken cancellationToken)
    {
        var created = await AwsCalls.RunAsync("IAM CreateRole", () => aws.Iam.CreateRoleAsync(new CreateRoleRequest
        {
            RoleName = RoleName,
            AssumeRolePolicyDocument = TrustPolicy,
            Description = "Lets ECS tasks pull images from ECR and write logs (created by EcsBuildTasks).",
            Tags = [new Tag { Key = "created-by", Value = "EcsBuildTasks" }],
        }, cancellationToken)).ConfigureAwait(false);
        await AwsCalls.RunAsync("IAM AttachRolePolicy", () => aws.Iam.AttachRolePolicyAsync(new AttachRolePolicyRequest { RoleName = RoleName, PolicyArn = PolicyArn(partition) }, cancellationToken)).ConfigureAwait(false);
        log.Info($"EcsBuildTasks: created the execution role {created.Role!.Arn} with {PolicyArn(partition)} ({EcsProperties.CreateExecutionRole}=true)");
        return created.Role.Arn!;
    }

    /// <summary>The managed policy in the account's partition (<c>aws</c>, <c>aws-cn</c>, <c>aws-us-gov</c>).</summary>
    public static string PolicyArn(string partition) => $"arn:{partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";

    /// <summary>The AWS CLI commands that create the role, joined to run as one line.</summary>
    public static string CreateCommands(string policyArn) =>
        $"aws iam create-role --role-name {RoleName} --assume-role-policy-document '{TrustPolicy}' && aws iam attach-role-policy --role-name {RoleName} --policy-arn {policyArn}";
}
