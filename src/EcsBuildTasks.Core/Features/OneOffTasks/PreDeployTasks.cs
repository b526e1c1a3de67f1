using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using EcsService = EcsBuildTasks.Aws.ECS.Model.Service;

namespace EcsBuildTasks.Core.Features.OneOffTasks;

/// <summary>
/// Runs the <c>EcsPreDeployTask</c> items one after the other with the new task definition, in the service's cluster,
/// launch settings and network, before the service changes. The first that does not exit 0 stops the deployment:
/// the service keeps running what it ran (the new revision stays registered, unused).
/// </summary>
internal sealed class PreDeployTasks(AwsSession aws, IDeploymentLog log, TimeProvider time)
{
    public PollSchedule? Schedule { get; init; }

    public async Task RunAsync(GeneratedDefinitions definitions, string taskDefinitionArn, EcsService? existing, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        ArgumentNullException.ThrowIfNull(taskDefinitionArn);
        var settings = definitions.Settings;
        var tasks = settings.PreDeployTasks;
        if (tasks.Count == 0)
        {
            return;
        }

        if (existing is not null && existing.TaskDefinition == taskDefinitionArn)
        {
            // The service runs this revision already, so its pre-deploy tasks succeeded before.
            log.Info($"EcsBuildTasks: the service runs {Arns.Short(taskDefinitionArn)} already; its pre-deploy tasks are not run again");
            return;
        }

        var runner = new OneOffTaskRunner(aws, log, time) { Schedule = Schedule ?? PollSchedule.For(aws) };
        foreach (var task in tasks)
        {
            var spec = Spec(definitions, task, taskDefinitionArn);
            var result = await runner.RunAsync(spec, cancellationToken).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                var service = definitions.Service.ServiceName;
                var untouched = existing is null
                    ? $"the service {service} was not created"
                    : $"the service {service} was not changed (it runs {Arns.Short(existing.TaskDefinition)})";
                throw new DeploymentException(DiagnosticCodes.OneOffTaskFailed, task.Subject,
                    $"The {spec.Label} ended with {result.DescribeExit()}, so the deployment stopped before touching the service: {untouched}. {Arns.Short(taskDefinitionArn)} is registered but not deployed. Its output is above.");
            }

            log.Info($"EcsBuildTasks: {spec.Label} finished with exit code 0");
        }
    }

    /// <summary>A pre-deploy task runs where the service's tasks will run: same cluster, launch settings and network.</summary>
    public static OneOffTaskSpec Spec(GeneratedDefinitions definitions, OneOffTaskSetting task, string taskDefinitionArn)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        ArgumentNullException.ThrowIfNull(task);
        var service = definitions.Service;
        return new OneOffTaskSpec(
            $"pre-deploy task {task.Name}",
            task.Subject,
            service.Cluster!,
            taskDefinitionArn,
            task.Container ?? definitions.MainContainer.Name!,
            task.Command,
            task.Environment,
            service.LaunchType?.Value,
            service.CapacityProviderStrategy,
            service.PlatformVersion,
            OneOffNetwork(service.NetworkConfiguration),
            TimeSpan.FromMinutes(task.TimeoutMinutes ?? definitions.Settings.TimeoutMinutes));
    }

    /// <summary>The service's awsvpc configuration for RunTask, copied so that the two requests share no lists.</summary>
    internal static NetworkConfiguration? OneOffNetwork(NetworkConfiguration? network) =>
        network?.AwsvpcConfiguration is { } awsvpc
            ? new NetworkConfiguration
            {
                AwsvpcConfiguration = new AwsVpcConfiguration
                {
                    Subnets = awsvpc.Subnets is null ? null : [.. awsvpc.Subnets],
                    SecurityGroups = awsvpc.SecurityGroups is null ? null : [.. awsvpc.SecurityGroups],
                    AssignPublicIp = awsvpc.AssignPublicIp,
                },
            }
            : null;
}
