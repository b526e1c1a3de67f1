using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Definitions;

/// <summary>Why a task needs an execution role, and whether the default one (<c>ecsTaskExecutionRole</c>) will do.</summary>
internal sealed record ExecutionRoleNeed(string Reason, bool DefaultRoleSuffices)
{
    /// <summary>
    /// Null when the task needs no execution role. Secrets need a role that may read them, which the managed
    /// <c>AmazonECSTaskExecutionRolePolicy</c> does not grant: the default role suffices only for image pulls and logs.
    /// </summary>
    public static ExecutionRoleNeed? Of(RegisterTaskDefinitionRequest task, LaunchTarget target)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(target);
        var containers = task.ContainerDefinitions ?? [];
        var fargate = target.IsFargate || (task.RequiresCompatibilities?.Contains("FARGATE") ?? false);
        if (containers.Exists(c => c.Secrets is { Count: > 0 }))
        {
            return new("containers read secrets", DefaultRoleSuffices: false);
        }

        if (fargate && containers.Exists(c => c.LogConfiguration?.LogDriver?.Value == "awslogs"))
        {
            return new("Fargate containers log with the awslogs driver", DefaultRoleSuffices: true);
        }

        return fargate && containers.Exists(c => IsEcrImage(c.Image)) ? new("Fargate pulls the image from ECR", DefaultRoleSuffices: true) : null;
    }

    /// <summary>
    /// True when the deployment resolves the execution role itself: none is set, the default one will do, and the target
    /// is AWS (the preflight looks up the account's <c>ecsTaskExecutionRole</c>; LocalEcs's is set when the definitions are built).
    /// </summary>
    public static bool ResolvedAtDeploy(EcsSettings settings, RegisterTaskDefinitionRequest task, LaunchTarget target)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(task);
        return task.ExecutionRoleArn is null && settings.Target == DeploymentTarget.Aws && Of(task, target) is { DefaultRoleSuffices: true };
    }

    /// <summary>LocalEcs's own <c>ecsTaskExecutionRole</c>, the execution role of <c>EcsTarget=local</c> when none is set.</summary>
    public static string LocalDefaultRoleArn => $"arn:aws:iam::{LocalEcsDefaults.Account}:role/{EcsProperties.DefaultExecutionRoleName}";

    private static bool IsEcrImage(string? image) =>
        image is not null && (image.Contains(".dkr.ecr.", StringComparison.Ordinal) || image.StartsWith("<aws_account_id>", StringComparison.Ordinal));
}
