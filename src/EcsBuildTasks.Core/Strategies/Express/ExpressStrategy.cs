using System.Globalization;
using Amazon.Runtime;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Features.EcsServices;
using EcsBuildTasks.Core.Features.Failures;
using EcsBuildTasks.Core.Features.Images;
using EcsBuildTasks.Core.Features.Preflight;
using EcsBuildTasks.Core.Features.Results;
using EcsBuildTasks.Core.Features.TaskDefinitions;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using EcsService = EcsBuildTasks.Aws.ECS.Model.Service;

namespace EcsBuildTasks.Core.Strategies.Express;

/// <summary>
/// <c>EcsDeploymentStrategy=Express</c>: the project runs as an ECS Express Mode service. ECS provisions the HTTPS load
/// balancer (shared by the VPC's Express services), target groups, security groups, the rollback alarm and the
/// scaling, and answers with the service's URL. The package creates the service when it is missing and updates it
/// when the configuration differs (nothing when nothing does), follows the service deployment ECS starts for the
/// change (a canary with the circuit breaker and the rollback alarm: ECS rolls a failing configuration back itself),
/// waits for the URL, and reports it.
/// </summary>
internal sealed partial class ExpressStrategy(string healthCheckPath) : IDeploymentStrategy
{
    public const string StrategyName = "Express";

    /// <summary>The health check path when the project sets none: every ASP.NET Core app can answer on the root.</summary>
    public const string DefaultHealthCheckPath = "/";

    public string Name => StrategyName;

    /// <summary>ECS makes the service behind an Express service itself; the plan says what the strategy deploys.</summary>
    public bool DeploysServiceDefinition => false;

    /// <summary>
    /// ECS makes and keeps the Express service's scalable target and its one target tracking policy (requests per target
    /// count on the target group ECS provisions) from the scaling target the package sends; the package never suspends it.
    /// </summary>
    public bool ConfiguresAutoScaling => false;

    /// <summary>ECS registers the task definitions of the primary container, without the package's fingerprint tag.</summary>
    public bool RecordsImageOnService => true;

    public string HealthCheckPath { get; } = healthCheckPath;

    public static IDeploymentStrategy Create(StrategyChoice choice)
    {
        ArgumentNullException.ThrowIfNull(choice);
        return new ExpressStrategy(choice.Values.Get(EcsProperties.ExpressHealthCheckPath) ?? DefaultHealthCheckPath);
    }

    /// <summary>
    /// When the package registers the task definition, its application container's one port mapping gets the name ECS
    /// requires; the service definition is not used (Express makes its ECS service itself).
    /// </summary>
    public void Shape(GeneratedDefinitions definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        if (ExpressConfiguration.NeedsTaskDefinition(definitions) && definitions.MainContainer.PortMappings is [var mapping])
        {
            mapping.Name ??= "http";
        }
    }

    public void Validate(GeneratedDefinitions definitions, DiagnosticCollection diagnostics)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        ArgumentNullException.ThrowIfNull(diagnostics);
        ExpressValidation.Validate(definitions, HealthCheckPath, diagnostics);
    }

    public IEnumerable<string> PlanLines(GeneratedDefinitions definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var settings = definitions.Settings;
        var beyond = ExpressConfiguration.BeyondPrimaryContainer(definitions);
        yield return $"  Express     service {definitions.Service.ServiceName} in cluster {definitions.Service.Cluster}: ECS provisions the HTTPS load balancer, security groups, rollback alarm and scaling, and gives the URL";
        yield return beyond.Count == 0
            ? "  Express     container described inline (primary container); ECS registers its task definition"
            : $"  Express     task definition {definitions.TaskDefinition.Family} registered by the package ({string.Join(", ", beyond)})";
        yield return $"  Express     health check {HealthCheckPath} on port {TaskDefinitionBuilder.DefaultContainerPort(settings, definitions.MainContainer)}; {(settings.AutoScaling is null ? "ECS's default scaling (1 to 20 tasks on 60% average CPU)" : "scaling as below")}";
        yield return settings.Subnets.Count > 0
            ? $"  Express     subnets {string.Join(", ", settings.Subnets)}{(settings.SecurityGroups.Count > 0 ? $"; security groups {string.Join(", ", settings.SecurityGroups)}" : "; ECS creates the tasks' security group")}"
            : "  Express     network: the default VPC, and a security group ECS creates for the tasks";
    }

    /// <summary>A service of that name must be an Express service (or missing): ECS cannot turn one kind into the other.</summary>
    public async Task PreflightAsync(ServicePreflightContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var service = context.Definitions.Service;
        EcsService? existing;
        try
        {
            existing = await ServiceLookup.FindAsync(context.Aws, service.Cluster!, service.ServiceName!, cancellationToken).ConfigureAwait(false);
        }
        catch (DeploymentException ex) when (ex.InnerException is ClusterNotFoundException)
        {
            return;
        }

        if (existing is not null && existing.ResourceManagementType?.Value != "ECS")
        {
            context.Problems.Error(DiagnosticCodes.ExpressServiceNotExpress, EcsProperties.ServiceName,
                $"{EcsProperties.ServiceName}={service.ServiceName}: cluster {service.Cluster} has a service of that name that is not an Express service (you manage its load balancer and scaling); ECS cannot turn it into one. Choose another {EcsProperties.ServiceName}, or delete that service first (aws ecs delete-service --cluster {service.Cluster} --service {service.ServiceName} --force).");
        }
        else if (existing is not null)
        {
            context.Log.Info($"EcsBuildTasks: Express service {service.ServiceName} exists in {service.Cluster}; it is updated when its configuration differs");
            context.Log.Info(context.Definitions.Settings.AutoScaling is null
                ? $"EcsBuildTasks: auto scaling: ECS manages the Express service's scaling target; no {EcsProperties.AutoScalingMinCapacity}/{EcsProperties.AutoScalingMaxCapacity} given, so it keeps what it has"
                : $"EcsBuildTasks: auto scaling: ECS manages the Express service's scaling target (the project's minimum, maximum and metric go into its configuration); it is not suspended while the service deploys");
        }
    }

    public async Task<AppliedDeployment> ApplyAsync(DeploymentContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (aws, log, time, definitions) = (context.Aws, context.Log, context.Time, context.Definitions);
        var startedAt = time.GetUtcNow();
        var started = time.GetTimestamp();
        var (cluster, name) = (definitions.Service.Cluster!, definitions.Service.ServiceName!);
        var existing = await ServiceLookup.FindAsync(aws, cluster, name, cancellationToken).ConfigureAwait(false);
        string? registered = null;
        if (ExpressConfiguration.NeedsTaskDefinition(definitions))
        {
            var revision = await new TaskDefinitionRegistrar(aws, log).RegisterAsync(definitions.TaskDefinition, context.GitCommit, context.ImageFingerprint, cancellationToken).ConfigureAwait(false);
            registered = revision.Arn;
        }

        // The log group with the project's retention; Express would create it without one.
        await new LogGroups(aws, log).EnsureAsync(definitions.TaskDefinition, definitions.Settings, cancellationToken).ConfigureAwait(false);
        var desired = ExpressConfiguration.Of(definitions, HealthCheckPath, registered);
        var requestedAt = time.GetUtcNow().UtcDateTime;
        if (existing is null)
        {
            var role = definitions.Settings.TrafficShifting.InfrastructureRoleArn!;
            log.Info($"EcsBuildTasks: creating Express service {name} in {cluster}");
            var created = (await Call("ECS CreateExpressGatewayService", () => aws.Ecs.CreateExpressGatewayServiceAsync(desired.CreateRequest(definitions.Settings, cluster, name, role), cancellationToken)).ConfigureAwait(false)).Service!;
            var taskDefinition = created.ActiveConfigurations?.FirstOrDefault()?.TaskDefinitionArn ?? registered ?? string.Empty;
            var service = await ServiceLookup.FindAsync(aws, cluster, name, cancellationToken).ConfigureAwait(false) ?? new EcsService { ServiceName = name, ServiceArn = created.ServiceArn, ClusterArn = created.Cluster };
            return new ExpressDeployment(new ServiceChange(ServiceChangeKind.Created, service, requestedAt, []), created.ServiceArn!, taskDefinition, created.CurrentDeployment, startedAt, started, definitions.Settings.Wait)
            {
                TaskDefinitionChanged = true,
            };
        }

        var current = await DescribeAsync(aws, existing.ServiceArn!, cancellationToken).ConfigureAwait(false);
        var running = Newest(current);
        var changes = running is null ? ["configuration"] : desired.ChangesFrom(running);
        if (changes.Count == 0)
        {
            log.Info($"EcsBuildTasks: Express service {name} is up to date (its configuration is the project's); not updating it");
            return new ExpressDeployment(new ServiceChange(ServiceChangeKind.Unchanged, existing, requestedAt, []), existing.ServiceArn!, running!.TaskDefinitionArn ?? string.Empty, current.CurrentDeployment, startedAt, started, definitions.Settings.Wait)
            {
                Url = UrlOf(current),
            };
        }

        log.Info($"EcsBuildTasks: updating Express service {name} ({string.Join(", ", changes)})");
        var updated = (await Call("ECS UpdateExpressGatewayService", () => aws.Ecs.UpdateExpressGatewayServiceAsync(desired.UpdateRequest(existing.ServiceArn!), cancellationToken)).ConfigureAwait(false)).Service!;
        var target = updated.TargetConfiguration?.TaskDefinitionArn ?? running?.TaskDefinitionArn ?? string.Empty;
        var after = await DescribeAsync(aws, existing.ServiceArn!, cancellationToken).ConfigureAwait(false);
        var changedService = await ServiceLookup.FindAsync(aws, cluster, name, cancellationToken).ConfigureAwait(false) ?? existing;
        return new ExpressDeployment(new ServiceChange(ServiceChangeKind.Updated, changedService, requestedAt, changes), existing.ServiceArn!, target, after.CurrentDeployment, startedAt, started, definitions.Settings.Wait)
        {
            TaskDefinitionChanged = target != running?.TaskDefinitionArn,
        };
    }

    public async Task<DeploymentVerdict> MonitorAsync(DeploymentContext context, AppliedDeployment deployment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var express = (ExpressDeployment)deployment;
        var options = WaitOptions.For(context.Settings, context.ResolvedEndpoint);
        if (express.IsRollback)
        {
            // A rollback goes back to what served before: it runs to its end.
            options = options with { FailFastFailedTasks = null };
        }

        express.Watch ??= new ServiceDeploymentWatch(context.Aws, context.Log, context.Time, express.Change, express.TaskDefinitionArn, options, express.DeploymentArn);
        var wait = await express.Watch.WatchAsync(cancellationToken).ConfigureAwait(false);
        express.LastWait = wait;
        if (wait.Outcome is DeploymentOutcome.Succeeded or DeploymentOutcome.RolledBack && !wait.BuildMustRollBack)
        {
            express.Url = await WaitForUrlAsync(context, express, options.Timeout, cancellationToken).ConfigureAwait(false);
        }

        return new DeploymentVerdict(wait.Outcome) { RollbackNeeded = wait.BuildMustRollBack };
    }

    public async Task<AppliedDeployment> RollbackAsync(DeploymentContext context, AppliedDeployment? deployment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (deployment is ExpressDeployment { Watch: { } watch, LastWait: { } last })
        {
            // A limit of the build: the service deployment is stopped with ROLLBACK, and ECS returns to what served before.
            await watch.RequestRollbackAsync(last.Outcome, cancellationToken).ConfigureAwait(false);
            return deployment;
        }

        var (aws, log, time) = (context.Aws, context.Log, context.Time);
        var (cluster, name) = (context.Definitions.Service.Cluster!, context.Definitions.Service.ServiceName!);
        var started = time.GetTimestamp();
        var startedAt = time.GetUtcNow();
        var service = await ServiceLookup.FindAsync(aws, cluster, name, cancellationToken).ConfigureAwait(false)
            ?? throw new DeploymentException(DiagnosticCodes.ServiceNotFound, EcsProperties.ServiceName, $"{EcsProperties.ServiceName}={name}: there is no Express service of that name in cluster {cluster}.");
        var history = await ServiceRollback.HistoryAsync(aws, cluster, name, cancellationToken).ConfigureAwait(false);
        var inFlight = history?.FirstOrDefault(d => d.Status?.Value is "PENDING" or "IN_PROGRESS");
        var requestedAt = time.GetUtcNow().UtcDateTime;
        if (inFlight?.ServiceDeploymentArn is { } arn)
        {
            await ServiceRollback.StopAsync(aws, arn, cancellationToken).ConfigureAwait(false);
            log.Info($"EcsBuildTasks: asked ECS to roll back the Express service deployment in flight ({arn})");
            return new ExpressDeployment(new ServiceChange(ServiceChangeKind.Updated, service, requestedAt, ["rollback"]), service.ServiceArn!, service.TaskDefinition ?? string.Empty, arn, startedAt, started, wait: true)
            {
                IsRollback = true,
            };
        }

        var previous = await new ServiceRollback(aws, log, time).PreviousTaskDefinitionAsync(service, history, cancellationToken).ConfigureAwait(false)
            ?? throw new DeploymentException(DiagnosticCodes.NothingToRollBack, EcsProperties.ServiceName,
                $"The Express service {name} has no earlier configuration to return to (it runs {Arns.Short(service.TaskDefinition)}).");
        log.Info($"EcsBuildTasks: rolling Express service {name} back from {Arns.Short(service.TaskDefinition)} to {Arns.Short(previous)}");

        // The task definitions of an Express service (ECS's and the package's) have the Main container ECS requires, so
        // the earlier one is passed as the service's task definition; the next publish describes the container again.
        await Call("ECS UpdateExpressGatewayService", () => aws.Ecs.UpdateExpressGatewayServiceAsync(new UpdateExpressGatewayServiceRequest { ServiceArn = service.ServiceArn, TaskDefinitionArn = previous }, cancellationToken)).ConfigureAwait(false);
        var after = await DescribeAsync(aws, service.ServiceArn!, cancellationToken).ConfigureAwait(false);
        return new ExpressDeployment(new ServiceChange(ServiceChangeKind.Updated, service, requestedAt, ["taskDefinitionArn"]), service.ServiceArn!, previous, after.CurrentDeployment, startedAt, started, wait: true)
        {
            IsRollback = true,
        };
    }

    public async Task<DeploymentReport> ReportAsync(DeploymentContext context, AppliedDeployment deployment, DeploymentVerdict? verdict, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var express = (ExpressDeployment)deployment;
        var (aws, log, time, definitions) = (context.Aws, context.Log, context.Time, context.Definitions);
        var (cluster, name) = (definitions.Service.Cluster!, definitions.Service.ServiceName!);
        var wait = express.LastWait;
        var image = express.IsRollback ? null : definitions.MainContainer.Image;
        DeploymentResult Result(string status) => StrategyResults.Of(context, status, express.ServiceArn, image, (express.TaskDefinitionArn, express.TaskDefinitionChanged), (express.StartedAt, express.Started), wait?.Duration) with
        {
            Url = express.Url,
            RunningTaskDefinitionArn = wait?.RunningTaskDefinition ?? (status is "up-to-date" ? express.TaskDefinitionArn : null),
            ServiceDeploymentArn = wait?.ServiceDeploymentArn ?? express.DeploymentArn,
            ServiceDeploymentStatus = wait?.Status,
            StatusReason = wait?.StatusReason,
            ServiceChange = express.Change.Kind.ToString().ToLowerInvariant(),
            ChangedMembers = express.Change.ChangedMembers,
        };

        if (express.Change.Kind == ServiceChangeKind.Unchanged)
        {
            return new DeploymentReport(Result("up-to-date"), null);
        }

        if (wait is null)
        {
            log.Info($"EcsBuildTasks: not waiting for the Express service deployment ({EcsProperties.Wait}=false); follow it with: dotnet msbuild -t:EcsStatus");
            return new DeploymentReport(Result("not-waited"), null);
        }

        if (express.IsRollback)
        {
            var back = wait.Outcome is DeploymentOutcome.Succeeded or DeploymentOutcome.RolledBack;
            if (back)
            {
                log.Info($"EcsBuildTasks: rolled back: Express service {name} runs {Arns.Short(wait.RunningTaskDefinition ?? express.TaskDefinitionArn)}{(express.Url is { } url ? $" at {url}" : string.Empty)}");
            }

            return new DeploymentReport(Result(back ? "rolled-back" : DeploymentResult.StatusName(wait.Outcome)), back ? null
                : new EcsDiagnostic(DiagnosticCodes.DeploymentFailed, DiagnosticSeverity.Error, EcsProperties.ServiceName,
                    $"The rollback of the Express service {name} did not complete ({wait.Status ?? wait.Outcome.ToString()}); it runs {Arns.Short(wait.RunningTaskDefinition) ?? "an unknown revision"}. Check it with: dotnet msbuild -t:EcsStatus"));
        }

        if (wait.Outcome == DeploymentOutcome.Succeeded)
        {
            if (express.Url is null)
            {
                return new DeploymentReport(Result("no-url"), new EcsDiagnostic(DiagnosticCodes.ExpressUrlNotReady, DiagnosticSeverity.Error, EcsProperties.TimeoutMinutes,
                    $"The Express service {name} runs {Arns.Short(express.TaskDefinitionArn)}, but ECS listed no ingress path (URL) for it within {EcsProperties.TimeoutMinutes}={context.Settings.TimeoutMinutes}. Its load balancer or certificate may still be provisioning: check it with dotnet msbuild -t:EcsStatus (or aws ecs describe-express-gateway-service --service-arn {express.ServiceArn})."));
            }

            log.Info($"EcsBuildTasks: Express service {name} serves {Arns.Short(express.TaskDefinitionArn)} at {express.Url}");
            await RecordImageAsync(context, express, cancellationToken).ConfigureAwait(false);
            return new DeploymentReport(Result("succeeded"), null);
        }

        if (wait.Outcome != DeploymentOutcome.Cancelled)
        {
            var details = await new FailureDiagnostics(aws).CollectAsync(cluster, name, express.TaskDefinitionArn, express.Change.RequestedAt, wait.Events, CancellationToken.None).ConfigureAwait(false);
            if (details.Count > 0)
            {
                log.Info($"EcsBuildTasks: why the deployment of {Arns.Short(express.TaskDefinitionArn)} failed:");
                foreach (var line in details)
                {
                    log.Info(line);
                }
            }
        }

        return new DeploymentReport(Result(DeploymentResult.StatusName(wait.Outcome)) with { ApiCalls = aws.RequestCount }, Failure(express, wait, cluster, name, context.WhereItGoesOn));
    }

    public async Task<IReadOnlyList<string>> StatusAsync(DeploymentContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var aws = context.Aws;
        var (cluster, name) = (context.Definitions.Service.Cluster!, context.Definitions.Service.ServiceName!);
        var service = await ServiceLookup.FindAsync(aws, cluster, name, cancellationToken).ConfigureAwait(false);
        if (service is null)
        {
            return [$"EcsBuildTasks: there is no Express service {name} in {cluster} yet: dotnet publish -p:EcsDeploy=true creates it"];
        }

        var express = await DescribeAsync(aws, service.ServiceArn!, cancellationToken).ConfigureAwait(false);
        var inv = CultureInfo.InvariantCulture;
        var lines = new List<string>
        {
            $"EcsBuildTasks: Express service {name} in {cluster}: {express.Status?.StatusCode?.Value}{(express.Status?.StatusReason is { } reason ? $" ({reason})" : string.Empty)}",
            $"  URL             {UrlOf(express) ?? "none yet (the load balancer is being provisioned)"}",
        };
        foreach (var configuration in (express.ActiveConfigurations ?? []).OrderByDescending(c => c.CreatedAt))
        {
            var scaling = configuration.ScalingTarget;
            lines.Add(string.Create(inv, $"  Configuration   {Arns.Short(configuration.TaskDefinitionArn)}: {configuration.Cpu} CPU, {configuration.Memory} MiB, health check {configuration.HealthCheckPath}, {scaling?.MinTaskCount}-{scaling?.MaxTaskCount} tasks on {scaling?.AutoScalingMetric?.Value} {scaling?.AutoScalingTargetValue}"));
        }

        lines.AddRange((await new ServiceStatus(aws).LinesAsync(cluster, name, cancellationToken).ConfigureAwait(false)).Skip(1));
        return lines;
    }

    /// <summary>
    /// Tags the service with the fingerprint and digest of the image it now serves, so that the next publish of the same
    /// content deploys that image again (an unchanged publish changes nothing) instead of pushing a copy with a new
    /// digest, which would be a new configuration. Only after success: a rolled-back image is never recorded.
    /// </summary>
    private static async Task RecordImageAsync(DeploymentContext context, ExpressDeployment express, CancellationToken cancellationToken)
    {
        var image = context.Definitions.MainContainer.Image;
        var at = image?.IndexOf("@sha256:", StringComparison.Ordinal) ?? -1;
        if (context.ImageFingerprint is not { } fingerprint || at < 0)
        {
            return;
        }

        await AwsCalls.RunAsync("ECS TagResource", () => context.Aws.Ecs.TagResourceAsync(new TagResourceRequest
        {
            ResourceArn = express.ServiceArn,
            Tags = [new Tag { Key = ImageReuse.FingerprintTag, Value = fingerprint }, new Tag { Key = ImageReuse.DigestTag, Value = image![(at + 1)..] }],
        }, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>The service's URL once ECS lists an ingress path for it (the load balancer and certificate are ready).</summary>
    private static async Task<string?> WaitForUrlAsync(DeploymentContext context, ExpressDeployment deployment, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var (aws, log, time) = (context.Aws, context.Log, context.Time);
        var interval = TimeSpan.FromSeconds(1);
        var announced = false;
        while (true)
        {
            var service = await DescribeAsync(aws, deployment.ServiceArn, cancellationToken).ConfigureAwait(false);
            if (UrlOf(service) is { } url)
            {
                return url;
            }

            if (time.GetElapsedTime(deployment.Started) > timeout)
            {
                return null;
            }

            if (!announced)
            {
                log.Info($"EcsBuildTasks: the Express service {service.ServiceName} runs; waiting for ECS to give its URL (load balancer and certificate)");
                announced = true;
            }

            await Task.Delay(interval, time, cancellationToken).ConfigureAwait(false);
            interval = TimeSpan.FromSeconds(Math.Min(interval.TotalSeconds * 1.5, 10));
        }
    }

    private static EcsDiagnostic Failure(ExpressDeployment deployment, WaitResult wait, string cluster, string name, string goesOn)
    {
        var revision = Arns.Short(deployment.TaskDefinitionArn);
        var running = Arns.Short(wait.RunningTaskDefinition);
        var reason = wait.StatusReason is { Length: > 0 } r ? $" Reason: {r}." : string.Empty;
        var check = "dotnet msbuild -t:EcsStatus";
        return wait.Outcome switch
        {
            DeploymentOutcome.RolledBack => Error(DiagnosticCodes.DeploymentRolledBack, EcsProperties.ServiceName,
                $"The new configuration of the Express service {name} ({revision}) failed and ECS rolled it back: the service serves the previous configuration ({running}) again{(deployment.Url is { } url ? $" at {url}" : string.Empty)}.{reason} The diagnostics above say why the new revision did not become healthy."),
            DeploymentOutcome.TimedOut => Error(DiagnosticCodes.DeploymentTimedOut, EcsProperties.TimeoutMinutes,
                $"The deployment of {revision} to the Express service {name} did not finish within {EcsProperties.TimeoutMinutes}; the build rolled it back and the service runs {running}.{reason}"),
            DeploymentOutcome.FailedFast => Error(DiagnosticCodes.FailFastTriggered, EcsProperties.FailFastFailedTasks,
                $"Tasks of {revision} kept failing ({EcsProperties.FailFastFailedTasks}); the build stopped the Express service deployment and {name} runs {running}.{reason}"),
            DeploymentOutcome.Stopped => Error(DiagnosticCodes.DeploymentStopped, EcsProperties.ServiceName,
                $"The deployment {wait.ServiceDeploymentArn} of {revision} was stopped outside this build; the Express service {name} runs {running}. Check it with: {check}"),
            DeploymentOutcome.Cancelled => new EcsDiagnostic(DiagnosticCodes.WaitCancelled, DiagnosticSeverity.Warning, EcsProperties.Wait,
                $"Stopped waiting (the build was cancelled). The deployment of {revision} to the Express service {name} {goesOn}. Check it: {check}; roll it back: dotnet msbuild -t:EcsRollback."),
            _ => Error(DiagnosticCodes.DeploymentFailed, EcsProperties.ServiceName,
                $"The deployment of {revision} to the Express service {name} in {cluster} failed{(deployment.Change.Kind == ServiceChangeKind.Created ? " and the service is new, so there is no previous configuration to return to" : string.Empty)}: it is on {running ?? "no healthy revision"} ({wait.Status ?? "unknown state"}).{reason} Fix the cause shown above and publish again, or roll back with dotnet msbuild -t:EcsRollback."),
        };
    }

    private static EcsDiagnostic Error(DiagnosticDescriptor descriptor, string subject, string message) => new(descriptor, DiagnosticSeverity.Error, subject, message);

    private static ExpressGatewayServiceConfiguration? Newest(ECSExpressGatewayService service) =>
        (service.ActiveConfigurations ?? []).OrderByDescending(c => c.CreatedAt ?? DateTime.MinValue).FirstOrDefault();

    private static string? UrlOf(ECSExpressGatewayService service) =>
        (service.ActiveConfigurations ?? []).SelectMany(c => c.IngressPaths ?? []).Select(p => p.Endpoint).FirstOrDefault(e => !string.IsNullOrEmpty(e)) is { } endpoint
            ? (endpoint.Contains("://", StringComparison.Ordinal) ? endpoint : $"https://{endpoint}/")
            : null;

    private static async Task<ECSExpressGatewayService> DescribeAsync(AwsSession aws, string serviceArn, CancellationToken cancellationToken) =>
        (await AwsCalls.RunAsync("ECS DescribeExpressGatewayService", () => aws.Ecs.DescribeExpressGatewayServiceAsync(new DescribeExpressGatewayServiceRequest { ServiceArn = serviceArn }, cancellationToken)).ConfigureAwait(false)).Service
        ?? throw new DeploymentException(DiagnosticCodes.ServiceNotFound, EcsProperties.ServiceName, $"ECS described no Express service {serviceArn}.");

    /// <summary>An Express call ECS rejects is the project's to fix (ECS3001, with ECS's words); other failures as every call's.</summary>
    private static async Task<T> Call<T>(string action, Func<Task<T>> call)
    {
        try
        {
            return await AwsCalls.RunAsync(action, call).ConfigureAwait(false);
        }
        catch (DeploymentException ex) when (ex.InnerException is AmazonServiceException service && !AwsCalls.IsAccessDenied(service) && service.StatusCode is System.Net.HttpStatusCode.BadRequest)
        {
            throw new DeploymentException(DiagnosticCodes.ServiceRejected, EcsProperties.ServiceName, $"ECS rejected the Express service ({action}): {service.ErrorCode}: {service.Message}", ex);
        }
    }
}
