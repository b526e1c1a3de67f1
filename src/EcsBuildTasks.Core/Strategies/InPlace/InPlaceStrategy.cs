using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Features.Concurrency;
using EcsBuildTasks.Core.Features.EcsServices;
using EcsBuildTasks.Core.Features.Failures;
using EcsBuildTasks.Core.Features.Plan;
using EcsBuildTasks.Core.Features.Preflight;
using EcsBuildTasks.Core.Features.Results;
using EcsBuildTasks.Core.Features.TaskDefinitions;
using EcsBuildTasks.Core.Features.VersionedServices;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using EcsService = EcsBuildTasks.Aws.ECS.Model.Service;

namespace EcsBuildTasks.Core.Strategies.InPlace;

/// <summary>
/// The strategies that deploy one ECS service in place through the ECS deployment controller (Rolling, and
/// BlueGreen/Canary/Linear). Applying registers the task definition (only when changed), runs the pre-deploy tasks,
/// prepares Cloud Map and Service Connect, suspends auto scaling, and creates or updates the service (only what
/// changed); monitoring follows the service deployment ECS runs; the build's rollback stops it with ROLLBACK; the
/// report says which revision runs, with the stopped tasks' evidence on failure. A subclass says how the service
/// definition's deployment configuration looks, checks what it needs, and may follow the deployment more closely.
/// </summary>
internal abstract partial class InPlaceStrategy : IDeploymentStrategy
{
    private ServiceDeploymentsInFlight? inFlight;

    public abstract string Name { get; }

    /// <summary>One service and its revision: what the deployed-inputs seal describes.</summary>
    public bool RecordsDeployedInputs => true;

    /// <summary>The deployment controller's strategy this strategy runs (<c>deploymentConfiguration.strategy</c>).</summary>
    protected abstract string ControllerStrategy { get; }

    /// <summary>
    /// Writes the strategy into the deployment configuration; it is always sent, so that a service switches strategies
    /// with the next publish.
    /// </summary>
    public virtual void Shape(GeneratedDefinitions definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        (definitions.Service.DeploymentConfiguration ??= new DeploymentConfiguration()).Strategy = ControllerStrategy;
    }

    public abstract void Validate(GeneratedDefinitions definitions, DiagnosticCollection diagnostics);

    public virtual IEnumerable<string> PlanLines(GeneratedDefinitions definitions) => [];

    public virtual IReadOnlyList<PlannedStep> PlannedSteps(GeneratedDefinitions definitions) => [];

    /// <summary>The existing service, when there is one, must be one ECS can update into the desired one.</summary>
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
            // Reported by the cluster check.
            existing = null;
        }

        if (existing is not null)
        {
            ServiceUpdate.CheckCanUpdate(existing, context.Definitions, context.Problems);
        }
        else if (await VersionedServiceCheck.ServingVersionAsync(context, cancellationToken).ConfigureAwait(false) is { } version)
        {
            context.Problems.Error(DiagnosticCodes.ServiceIsVersioned, EcsProperties.DeploymentStrategy, VersionedServiceCheck.Message(context.Definitions, version, Name));
        }

        await PreflightStrategyAsync(context, existing, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The service deployments going on in the service (none when it does not exist yet).</summary>
    public Task<IReadOnlyList<InFlightDeployment>> DeploymentsInFlightAsync(DeploymentContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var service = context.Definitions.Service;
        inFlight ??= new ServiceDeploymentsInFlight(context.Aws, service.Cluster!, service.ServiceName!);
        return inFlight.FindAsync(cancellationToken);
    }

    /// <summary>The task definition and the service, as <see cref="ApplyAsync"/> would register and update them; then the strategy's own resources.</summary>
    public async Task<IReadOnlyList<ResourcePlan>> PlanAsync(DeploymentContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var aws = context.Aws;
        var (definitions, serviceConnect) = await FeaturePlans.ResolveServiceConnectAsync(aws, context.Definitions, cancellationToken).ConfigureAwait(false);
        var taskDefinition = await TaskDefinitionPlan.PlanAsync(aws, definitions, cancellationToken).ConfigureAwait(false);
        var existing = await ServiceLookup.FindAsync(aws, definitions.Service.Cluster!, definitions.Service.ServiceName!, cancellationToken).ConfigureAwait(false);
        var service = ServicePlan.Plan(definitions, existing, taskDefinition);
        var own = await PlanStrategyResourcesAsync(context with { Definitions = definitions }, existing, service, cancellationToken).ConfigureAwait(false);
        var scope = new FeaturePlanScope(taskDefinition.Changes) { RunsPreDeployTasks = taskDefinition.Changes || existing is null || existing.TaskDefinition != taskDefinition.LiveArn };
        var features = await FeaturePlans.PlanAsync(aws, definitions, cancellationToken, scope).ConfigureAwait(false);
        return [taskDefinition.Plan, .. own, service, .. serviceConnect is null ? [] : new[] { serviceConnect }, .. features];
    }

    public async Task<AppliedDeployment> ApplyAsync(DeploymentContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (aws, log, time, definitions) = (context.Aws, context.Log, context.Time, context.Definitions);
        var startedAt = time.GetUtcNow();
        var started = time.GetTimestamp();
        var existing = await ServiceLookup.FindAsync(aws, definitions.Service.Cluster!, definitions.Service.ServiceName!, cancellationToken).ConfigureAwait(false);
        ExpressServiceGuard.ThrowIfExpress(existing, definitions);
        var registered = await new TaskDefinitionRegistrar(aws, log).RegisterAsync(definitions.TaskDefinition, context.GitCommit, context.ImageFingerprint, cancellationToken).ConfigureAwait(false);
        if (registered.Registered)
        {
            // A reused revision's log groups were made when it was registered.
            await new LogGroups(aws, log).EnsureAsync(definitions.TaskDefinition, definitions.Settings, cancellationToken).ConfigureAwait(false);
        }

        var steps = new ServiceChangeSteps(aws, log, time);
        var suspension = await steps.BeforeServiceChangeAsync(definitions, registered.Arn, existing, cancellationToken).ConfigureAwait(false);
        try
        {
            ServiceUpdate.ClearStaleHooks(definitions.Service, existing);
            var change = await new ServiceUpdate(aws, log, time).ApplyAsync(definitions.Service, registered.Arn, existing, definitions.Settings, cancellationToken).ConfigureAwait(false);
            return new ServiceChangeDeployment(steps, suspension, registered, change, startedAt, started, definitions.Settings.Wait);
        }
        catch
        {
            await suspension.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async Task<DeploymentVerdict> MonitorAsync(DeploymentContext context, AppliedDeployment deployment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var watched = (WatchedServiceDeployment)deployment;
        if (watched.Watch is null)
        {
            var follower = CreateFollower(context);
            var options = WaitOptions.For(context.Settings, configuredWaits: follower?.ConfiguredWaits ?? TimeSpan.Zero) with { Observer = follower };
            var change = (ServiceChangeDeployment)watched;
            watched.Follow(new ServiceDeploymentWatch(context.Aws, context.Log, context.Time, change.Change, change.Registered.Arn, options), follower);
        }

        var wait = await watched.Watch!.WatchAsync(cancellationToken).ConfigureAwait(false);
        watched.LastWait = wait;
        return new DeploymentVerdict(wait.Outcome) { RollbackNeeded = wait.BuildMustRollBack };
    }

    public async Task<AppliedDeployment> RollbackAsync(DeploymentContext context, AppliedDeployment? deployment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (deployment is WatchedServiceDeployment { Watch: { } watch, LastWait: { } last })
        {
            await watch.RequestRollbackAsync(last.Outcome, cancellationToken).ConfigureAwait(false);
            return deployment;
        }

        var (aws, log, time) = (context.Aws, context.Log, context.Time);
        var service = context.Definitions.Service;
        var started = await new ServiceRollback(aws, log, time).StartAsync(service.Cluster!, service.ServiceName!, cancellationToken).ConfigureAwait(false);

        // Fail-fast is for new revisions: a rollback goes to the revision that served before, so it runs to its end. On a
        // blue/green service the rollback is a deployment like any other: it must not wait at the build's gates.
        var follower = ServiceDeploymentFollower.ForRollback(aws, log, time, ServiceDeploymentStages.Stages);
        var options = WaitOptions.For(context.Settings, context.ResolvedEndpoint) with { FailFastFailedTasks = null, Observer = follower };
        var rollback = new ServiceRollbackDeployment(started);
        rollback.Follow(new ServiceDeploymentWatch(aws, log, time, started.Change, started.TaskDefinitionArn, options, started.InFlightDeploymentArn), follower);
        return rollback;
    }

    public async Task<DeploymentReport> ReportAsync(DeploymentContext context, AppliedDeployment deployment, DeploymentVerdict? verdict, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return deployment switch
        {
            ServiceChangeDeployment change => await ReportChangeAsync(context, change, cancellationToken).ConfigureAwait(false),
            ServiceRollbackDeployment rollback => await ReportRollbackAsync(context, rollback).ConfigureAwait(false),
            _ => throw new ArgumentException($"{deployment.GetType().Name} is not an ECS service deployment.", nameof(deployment)),
        };
    }

    public async Task<IReadOnlyList<string>> StatusAsync(DeploymentContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return await new ServiceStatus(context.Aws).LinesAsync(context.Definitions.Service.Cluster!, context.Definitions.Service.ServiceName!, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The plan of the strategy's own resources (read-only), once the existing service (if any) and the service's plan
    /// are known; none by default.
    /// </summary>
    protected virtual Task<IReadOnlyList<ResourcePlan>> PlanStrategyResourcesAsync(DeploymentContext context, EcsService? existing, ResourcePlan service, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ResourcePlan>>([]);

    /// <summary>The strategy's own read-only checks, once the existing service (if any) is known.</summary>
    protected virtual Task PreflightStrategyAsync(ServicePreflightContext context, EcsService? existing, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Follows this strategy's deployments more closely than the watch's progress lines (stages, hooks, gates); null when there is nothing more to see.</summary>
    protected virtual ServiceDeploymentFollower? CreateFollower(DeploymentContext context) => null;

    private static async Task<DeploymentReport> ReportChangeAsync(DeploymentContext context, ServiceChangeDeployment deployment, CancellationToken cancellationToken)
    {
        var report = await ResultOfChangeAsync(context, deployment).ConfigureAwait(false);

        // Auto scaling goes back to what it was before anything else happens (on success, failure and rollback alike).
        await deployment.Suspension.DisposeAsync().ConfigureAwait(false);
        report = await deployment.Steps.AfterDeploymentAsync(context.Definitions, report, cancellationToken).ConfigureAwait(false);
        if (report.Failure is null && report.Result.Status is "succeeded" or "up-to-date" && context.InputsDigest is { } inputs)
        {
            // The service now runs what these inputs describe: say so on it, for the next publish of the same inputs. The
            // watch's last description (with tags, after the update) is the service as it is now; without a watch, the one
            // an unchanged update started from, unless its tags were just completed.
            var change = deployment.Change;
            var described = deployment.LastWait?.Service
                ?? (change.Kind == ServiceChangeKind.Unchanged && (context.Definitions.Service.Tags ?? []).TrueForAll(t => (change.Service.Tags ?? []).Exists(e => e.Key == t.Key && e.Value == t.Value))
                    ? change.Service
                    : null);
            await DeployedInputs.RecordAsync(context.Aws, context.Log, context.Definitions, inputs, described, cancellationToken).ConfigureAwait(false);
            report = report with { Result = report.Result with { ApiCalls = context.Aws.RequestCount } };
        }

        return report;
    }

    private static async Task<DeploymentReport> ResultOfChangeAsync(DeploymentContext context, ServiceChangeDeployment deployment)
    {
        var (aws, log, time, definitions) = (context.Aws, context.Log, context.Time, context.Definitions);
        var cluster = definitions.Service.Cluster!;
        var serviceName = definitions.Service.ServiceName!;
        var (registered, change) = (deployment.Registered, deployment.Change);
        var image = definitions.MainContainer.Image;
        DeploymentResult Result(string status, WaitResult? wait = null) => StrategyResults.Of(context, status, change.Service.ServiceArn, image, (registered.Arn, registered.Registered), (deployment.StartedAt, deployment.Started), wait?.Duration) with
        {
            RunningTaskDefinitionArn = wait?.RunningTaskDefinition ?? (status is "up-to-date" ? registered.Arn : null),
            ServiceDeploymentArn = wait?.ServiceDeploymentArn,
            ServiceDeploymentStatus = wait?.Status,
            StatusReason = wait?.StatusReason,
            SupersededBy = wait?.SupersededBy,
            ServiceChange = change.Kind.ToString().ToLowerInvariant(),
            ChangedMembers = change.ChangedMembers,
        };

        if (change.Kind == ServiceChangeKind.Unchanged)
        {
            return new DeploymentReport(Result("up-to-date"), null);
        }

        if (deployment.LastWait is not { } wait)
        {
            log.Info($"EcsBuildTasks: not waiting for the deployment ({EcsProperties.Wait}=false); follow it with: dotnet msbuild -t:EcsStatus");
            return new DeploymentReport(Result("not-waited"), null);
        }

        var followed = deployment.Follower is null ? null : await deployment.Follower.FinishAsync(wait, CancellationToken.None).ConfigureAwait(false);
        var result = Result(DeploymentResult.StatusName(wait.Outcome), wait) with
        {
            LifecycleStages = followed?.Stages is { Count: > 0 } stages ? stages : RolloutTimeline.From(wait),
            TimelineStartedAt = wait.StartedAt,
            VerificationGates = followed?.Gates,
        };
        if (wait.Outcome == DeploymentOutcome.Succeeded)
        {
            return new DeploymentReport(result, null);
        }

        if (wait.Outcome is not (DeploymentOutcome.Cancelled or DeploymentOutcome.Superseded) && followed?.KnowsTheCause != true)
        {
            var details = await new FailureDiagnostics(aws).CollectAsync(cluster, serviceName, registered.Arn, change.RequestedAt, wait.Events, CancellationToken.None).ConfigureAwait(false);
            if (details.Count > 0)
            {
                log.Info($"EcsBuildTasks: why the deployment of {Arns.Short(registered.Arn)} failed:");
                foreach (var line in details)
                {
                    log.Info(line);
                }
            }
        }

        return new DeploymentReport(result with { ApiCalls = aws.RequestCount }, followed?.Failure ?? Failure(wait, registered, change, cluster, serviceName, context.WhereItGoesOn));
    }

    private static async Task<DeploymentReport> ReportRollbackAsync(DeploymentContext context, ServiceRollbackDeployment rollback)
    {
        var (aws, log, time) = (context.Aws, context.Log, context.Time);
        var wait = rollback.LastWait!;
        var started = rollback.Started;
        var service = started.Change.Service;
        var followed = await rollback.Follower!.FinishAsync(wait, CancellationToken.None).ConfigureAwait(false);
        var succeeded = wait.Outcome is DeploymentOutcome.Succeeded or DeploymentOutcome.RolledBack;
        var result = new DeploymentResult
        {
            Status = succeeded ? "rolled-back" : DeploymentResult.StatusName(wait.Outcome),
            Cluster = service.ClusterArn ?? string.Empty,
            Service = service.ServiceName ?? string.Empty,
            ServiceArn = service.ServiceArn,
            RunningTaskDefinitionArn = wait.RunningTaskDefinition ?? (started.InFlightDeploymentArn is null ? started.TaskDefinitionArn : null),
            ServiceDeploymentArn = wait.ServiceDeploymentArn ?? started.InFlightDeploymentArn,
            ServiceDeploymentStatus = wait.Status,
            StatusReason = wait.StatusReason,
            DeploySeconds = time.GetElapsedTime(started.Started).TotalSeconds,
            WaitSeconds = wait.Duration.TotalSeconds,
            ApiCalls = aws.RequestCount,
            LifecycleStages = followed.Stages.Count > 0 ? followed.Stages : RolloutTimeline.From(wait),
            TimelineStartedAt = wait.StartedAt,
        };
        var failure = followed.Failure is { } trafficNotBack && trafficNotBack.Descriptor == DiagnosticCodes.TrafficNotBackOnBlue
            ? trafficNotBack
            : succeeded
            ? null
            : new EcsDiagnostic(DiagnosticCodes.DeploymentFailed, DiagnosticSeverity.Error, EcsProperties.ServiceName,
                $"The rollback of {service.ServiceName} did not complete ({wait.Status ?? wait.Outcome.ToString()}); the service runs {Arns.Short(wait.RunningTaskDefinition) ?? "an unknown revision"}. Check it with aws ecs describe-services --cluster {service.ClusterArn} --services {service.ServiceName}.");
        if (succeeded)
        {
            log.Info($"EcsBuildTasks: rolled back: {service.ServiceName} runs {Arns.Short(result.RunningTaskDefinitionArn)}");
        }

        return new DeploymentReport(result, failure);
    }

    private static EcsDiagnostic Failure(WaitResult wait, RegisteredTaskDefinition registered, ServiceChange change, string cluster, string service, string goesOn)
    {
        var revision = Arns.Short(registered.Arn);
        var running = Arns.Short(wait.RunningTaskDefinition);
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
            DeploymentOutcome.Superseded => Error(DiagnosticCodes.DeploymentSuperseded, EcsProperties.ConcurrentDeployment,
                $"The deployment of {revision} was superseded by a newer deployment ({wait.SupersededBy}) before it finished: {revision} did not fail, but the service {service} now deploys {running ?? "another revision"}, not this build's. Another build or a person changed the service meanwhile; publish again to deploy this build's revision. Check it with: {check}"),
            DeploymentOutcome.Cancelled => new EcsDiagnostic(DiagnosticCodes.WaitCancelled, DiagnosticSeverity.Warning, EcsProperties.Wait,
                $"Stopped waiting (the build was cancelled). The deployment of {revision} {goesOn}{(wait.ServiceDeploymentArn is { } arn ? $" ({arn}, {wait.Status})" : string.Empty)}. Check it: dotnet msbuild -t:EcsStatus (or {check}); roll it back: dotnet msbuild -t:EcsRollback{(wait.ServiceDeploymentArn is { } a ? $" (or aws ecs stop-service-deployment --service-deployment-arn {a} --stop-type ROLLBACK)" : string.Empty)}."),
            _ => Error(DiagnosticCodes.DeploymentFailed, EcsProperties.ServiceName,
                $"The deployment of {revision} failed{(change.Kind == ServiceChangeKind.Created ? " and the service is new, so there is no previous revision to return to" : string.Empty)}: the service {service} is on {running ?? "no healthy revision"} ({wait.Status ?? "unknown state"}).{reason} Fix the cause shown above and publish again, roll back with dotnet msbuild -t:EcsRollback, or stop the tasks with aws ecs update-service --cluster {cluster} --service {service} --desired-count 0."),
        };
    }

    private static EcsDiagnostic Error(DiagnosticDescriptor descriptor, string subject, string message) => new(descriptor, DiagnosticSeverity.Error, subject, message);
}
