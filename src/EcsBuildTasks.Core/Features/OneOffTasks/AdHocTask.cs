using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Features.Clusters;
using EcsBuildTasks.Core.Features.EcsServices;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Features.OneOffTasks;

/// <summary>
/// <c>dotnet msbuild -t:EcsRunTask</c>: runs one task the way a pre-deploy task runs, with what the service runs now
/// (its task definition, launch settings and network). Without a service it uses the family's latest revision and the
/// project's network settings. Builds and deploys nothing.
/// </summary>
internal sealed class AdHocTask(AwsSession aws, IDeploymentLog log, TimeProvider time)
{
    public PollSchedule? Schedule { get; init; }

    /// <summary>The task's result; a failure is returned as the diagnostic that fails the build.</summary>
    public async Task<(OneOffTaskResult Result, EcsDiagnostic? Failure)> RunAsync(GeneratedDefinitions definitions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var settings = definitions.Settings;
        var desired = definitions.Service;
        var cluster = desired.Cluster!;
        Service? service;
        try
        {
            service = await ServiceLookup.FindAsync(aws, cluster, desired.ServiceName!, cancellationToken).ConfigureAwait(false);
        }
        catch (DeploymentException ex) when (MissingCluster.IsMissing(ex))
        {
            throw MissingCluster.NotYet(settings, cluster, ex);
        }

        var taskDefinition = service?.TaskDefinition ?? await LatestRevisionAsync(definitions.TaskDefinition.Family!, cancellationToken).ConfigureAwait(false)
            ?? throw new DeploymentException(DiagnosticCodes.AdHocTaskNothingToRun, EcsProperties.TaskFamily,
                $"There is no service {desired.ServiceName} in cluster {cluster} and no ACTIVE revision of the family {definitions.TaskDefinition.Family} ({EcsProperties.TaskFamily}) to run: deploy first (dotnet publish -p:EcsDeploy=true).");
        var network = service is not null ? service.NetworkConfiguration : desired.NetworkConfiguration;
        if (definitions.TaskDefinition.NetworkMode?.Value == "awsvpc" && network?.AwsvpcConfiguration?.Subnets is not { Count: > 0 } && service is null)
        {
            throw new DeploymentException(DiagnosticCodes.AdHocTaskNothingToRun, EcsProperties.Subnets,
                $"The task uses the awsvpc network mode and there is no service {desired.ServiceName} to take the network from: set {EcsProperties.Subnets} and {EcsProperties.SecurityGroups}.");
        }

        var oneOff = settings.RunTask;
        var spec = new OneOffTaskSpec(
            "ad-hoc task",
            oneOff.Subject,
            cluster,
            taskDefinition,
            oneOff.Container ?? definitions.MainContainer.Name!,
            oneOff.Command,
            oneOff.Environment,
            service is not null ? service.LaunchType?.Value : desired.LaunchType?.Value,
            service is not null ? service.CapacityProviderStrategy : desired.CapacityProviderStrategy,
            service is not null ? service.PlatformVersion : desired.PlatformVersion,
            PreDeployTasks.OneOffNetwork(network),
            TimeSpan.FromMinutes(settings.TimeoutMinutes));
        log.Info($"EcsBuildTasks: running an ad-hoc task with {Arns.Short(taskDefinition)}{(service is not null ? $", as the service {service.ServiceName} runs it" : " (no service: the family's latest revision)")}");
        var result = await new OneOffTaskRunner(aws, log, time) { Schedule = Schedule ?? PollSchedule.For(aws) }.RunAsync(spec, cancellationToken).ConfigureAwait(false);
        if (result.Succeeded)
        {
            log.Info("EcsBuildTasks: the ad-hoc task finished with exit code 0");
            return (result, null);
        }

        return (result, new EcsDiagnostic(DiagnosticCodes.OneOffTaskFailed, DiagnosticSeverity.Error, oneOff.Subject,
            $"The ad-hoc task ({result.TaskArn}) ended with {result.DescribeExit()}; its output is above."));
    }

    private async Task<string?> LatestRevisionAsync(string family, CancellationToken cancellationToken)
    {
        try
        {
            var response = await AwsCalls.RunAsync("ECS DescribeTaskDefinition", () => aws.Ecs.DescribeTaskDefinitionAsync(new DescribeTaskDefinitionRequest { TaskDefinition = family }, cancellationToken)).ConfigureAwait(false);
            return response.TaskDefinition?.TaskDefinitionArn;
        }
        catch (DeploymentException ex) when (ex.InnerException is ClientException)
        {
            return null;
        }
    }
}
