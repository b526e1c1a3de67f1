using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Deployment.TrafficShifting;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Settings;
using EcsService = EcsBuildTasks.Aws.ECS.Model.Service;

namespace EcsBuildTasks.Core.Deployment;

/// <summary>The result of a deployment and, when it did not succeed, the error that fails the build.</summary>
public sealed record DeploymentReport(DeploymentResult Result, EcsDiagnostic? Failure);

/// <summary>
/// After the image is pushed: registers the task definition (only when changed), creates or updates the service (only
/// what changed), waits for the real outcome, and on failure gathers the diagnostics and says which revision runs.
/// </summary>
public sealed class EcsServiceDeployment(AwsSession aws, IDeploymentLog log, TimeProvider time)
{
    /// <summary>Pre-deploy tasks, Cloud Map, Service Connect and auto scaling around the service change.</summary>
    private readonly PlatformDeployment platform = new(aws, log, time);

    /// <summary>HTTP handler for the verification gates' URL probes (tests); null uses the default.</summary>
    public HttpMessageHandler? VerificationHandler { get; init; }

    public async Task<DeploymentReport> DeployAsync(GeneratedDefinitions definitions, string? gitCommit, string? imageFingerprint, CancellationToken cancellationToken)
    {
        var report = await DeployServiceAsync(definitions, gitCommit, imageFingerprint, cancellationToken).ConfigureAwait(false);
        return await platform.AfterDeploymentAsync(definitions, report, cancellationToken).ConfigureAwait(false);
    }

    private async Task<DeploymentReport> DeployServiceAsync(GeneratedDefinitions definitions, string? gitCommit, string? imageFingerprint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var settings = definitions.Settings;
        var startedAt = time.GetUtcNow();
        var started = time.GetTimestamp();
        var region = aws.Factory.ResolvedRegion.SystemName;
        var cluster = definitions.Service.Cluster!;
        var serviceName = definitions.Service.ServiceName!;

        var existing = await ServiceLookup.FindAsync(aws, cluster, serviceName, cancellationToken).ConfigureAwait(false);
        var registrar = new TaskDefinitionRegistrar(aws, log);
        var registered = await registrar.RegisterAsync(definitions.TaskDefinition, gitCommit, imageFingerprint, cancellationToken).ConfigureAwait(false);
        if (registered.Registered)
        {
            // A reused revision's log groups were made when it was registered.
            await registrar.EnsureLogGroupsAsync(definitions.TaskDefinition, settings, cancellationToken).ConfigureAwait(false);
        }

        await using var scalingSuspension = (await platform.BeforeServiceChangeAsync(definitions, registered.Arn, existing, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        TrafficShiftingBuilder.ClearStaleHooks(definitions.Service, existing);
        var change = await new ServiceDeployer(aws, log, time).ApplyAsync(definitions.Service, registered.Arn, existing, settings, cancellationToken).ConfigureAwait(false);

        var image = definitions.MainContainer.Image;
        DeploymentResult Result(string status, WaitResult? wait = null) => new()
        {
            Status = status,
            Cluster = cluster,
            Service = serviceName,
            ServiceArn = change.Service.ServiceArn,
            Image = image,
            ImageDigest = image is not null && image.Contains('@', StringComparison.Ordinal) ? image[(image.IndexOf('@', StringComparison.Ordinal) + 1)..] : null,
            TaskDefinitionArn = registered.Arn,
            TaskDefinitionRegistered = registered.Registered,
            RunningTaskDefinitionArn = wait?.RunningTaskDefinition ?? (status is "up-to-date" ? registered.Arn : null),
            ServiceDeploymentArn = wait?.ServiceDeploymentArn,
            ServiceDeploymentStatus = wait?.Status,
            StatusReason = wait?.StatusReason,
            ServiceChange = change.Kind.ToString().ToLowerInvariant(),
            ChangedMembers = change.ChangedMembers,
            Region = region,
            StartedAt = startedAt,
            FinishedAt = time.GetUtcNow(),
            DeploySeconds = time.GetElapsedTime(started).TotalSeconds,
            WaitSeconds = wait?.Duration.TotalSeconds ?? 0,
            ApiCalls = aws.RequestCount,
        };

        if (change.Kind == ServiceChangeKind.Unchanged)
        {
            return new DeploymentReport(Result("up-to-date"), null);
        }

        if (!settings.Wait)
        {
            log.Info($"EcsBuildTasks: not waiting for the deployment ({EcsProperties.Wait}=false); follow it with: dotnet msbuild -t:EcsStatus");
            return new DeploymentReport(Result("not-waited"), null);
        }

        using var traffic = TrafficShiftingMonitor.ForDeployment(aws, log, time, definitions, VerificationHandler);
        var options = WaitOptions.For(settings, configuredWaits: traffic?.ConfiguredWaits ?? TimeSpan.Zero) with { Observer = traffic };
        var wait = await new DeploymentWaiter(aws, log, time).WaitAsync(change, registered.Arn, options, cancellationToken).ConfigureAwait(false);
        var shifted = traffic is null ? null : await traffic.FinishAsync(wait, CancellationToken.None).ConfigureAwait(false);
        var result = Result(DeploymentResult.StatusName(wait.Outcome), wait) with { LifecycleStages = shifted?.Stages, VerificationGates = shifted?.Gates };
        if (wait.Outcome == DeploymentOutcome.Succeeded)
        {
            return new DeploymentReport(result, null);
        }

        if (wait.Outcome != DeploymentOutcome.Cancelled && shifted?.KnowsTheCause != true)
        {
            var details = await new FailureDiagnostics(aws).CollectAsync(cluster, serviceName, registered.Arn, change.RequestedAt, wait.Events, CancellationToken.None).ConfigureAwait(false);
            if (details.Count > 0)
            {
                log.Info($"EcsBuildTasks: why the deployment of {ServiceDeployer.ShortArn(registered.Arn)} failed:");
                foreach (var line in details)
                {
                    log.Info(line);
                }
            }
        }

        return new DeploymentReport(result with { ApiCalls = aws.RequestCount }, shifted?.Failure ?? Failure(wait, registered, change, cluster, serviceName));
    }

    private static EcsDiagnostic Failure(WaitResult wait, RegisteredTaskDefinition registered, ServiceChange change, string cluster, string service)
    {
        var revision = ServiceDeployer.ShortArn(registered.Arn);
        var running = ServiceDeployer.ShortArn(wait.RunningTaskDefinition);
        var reason = wait.StatusReason is { Length: > 0 } r ? $" Reason: {r}." : string.Empty;
        var check = $"aws ecs describe-services --cluster {cluster} --services {service}";
        return wait.Outcome switch
        {
            DeploymentOutcome.RolledBack => Error(DiagnosticCodes.DeploymentRolledBack, EcsProperties.ServiceName,
                $"The deployment of {revision} failed and ECS rolled the service {service} back: it runs {running} again.{reason} The diagnostics above say why the new revision did not become healthy."),
            DeploymentOutcome.TimedOut => Error(DiagnosticCodes.DeploymentTimedOut, EcsProperties.TimeoutMinutes,
                $"The deployment of {revision} did not finish within {EcsProperties.TimeoutMinutes}; the build rolled it back and the service {service} runs {running}.{reason}"),
            DeploymentOutcome.FailedFast => Error(DiagnosticCodes.FailFastTriggered, EcsProperties.FailFastFailedTasks,
                $"Tasks of {revision} kept failing ({EcsProperties.FailFastFailedTasks}); the build stopped the deployment and the service {service} runs {running}.{reason}"),
            DeploymentOutcome.VerificationFailed => Error(DiagnosticCodes.VerificationFailed, EcsProperties.VerifyUrl,
                $"A verification gate failed for {revision}; the build rolled the deployment back and the service {service} runs {running}.{reason}"),
            DeploymentOutcome.Stopped => Error(DiagnosticCodes.DeploymentStopped, EcsProperties.ServiceName,
                $"The deployment {wait.ServiceDeploymentArn} of {revision} was stopped outside this build; the service {service} runs {running}. Check it with: {check}"),
            DeploymentOutcome.Cancelled => new EcsDiagnostic(DiagnosticCodes.WaitCancelled, DiagnosticSeverity.Warning, EcsProperties.Wait,
                $"Stopped waiting (the build was cancelled). The deployment of {revision} goes on in ECS{(wait.ServiceDeploymentArn is { } arn ? $" ({arn}, {wait.Status})" : string.Empty)}. Check it: dotnet msbuild -t:EcsStatus (or {check}); roll it back: dotnet msbuild -t:EcsRollback{(wait.ServiceDeploymentArn is { } a ? $" (or aws ecs stop-service-deployment --service-deployment-arn {a} --stop-type ROLLBACK)" : string.Empty)}."),
            _ => Error(DiagnosticCodes.DeploymentFailed, EcsProperties.ServiceName,
                $"The deployment of {revision} failed{(change.Kind == ServiceChangeKind.Created ? " and the service is new, so there is no previous revision to return to" : string.Empty)}: the service {service} is on {running ?? "no healthy revision"} ({wait.Status ?? "unknown state"}).{reason} Fix the cause shown above and publish again, roll back with dotnet msbuild -t:EcsRollback, or stop the tasks with aws ecs update-service --cluster {cluster} --service {service} --desired-count 0."),
        };
    }

    private static EcsDiagnostic Error(DiagnosticDescriptor descriptor, string subject, string message) => new(descriptor, DiagnosticSeverity.Error, subject, message);
}

/// <summary>Finds a service that is not INACTIVE (ECS keeps describing deleted services for a while).</summary>
internal static class ServiceLookup
{
    public static async Task<EcsService?> FindAsync(AwsSession aws, string cluster, string serviceName, CancellationToken cancellationToken)
    {
        var response = await AwsCalls.RunAsync("ECS DescribeServices", () => aws.Ecs.DescribeServicesAsync(new DescribeServicesRequest { Cluster = cluster, Services = [serviceName], Include = ["TAGS"] }, cancellationToken)).ConfigureAwait(false);
        var service = response.Services?.FirstOrDefault(s => s.ServiceName == serviceName);
        return service?.Status == "INACTIVE" ? null : service;
    }
}
