using System.Globalization;
using Amazon.Runtime;
using EcsBuildTasks.Aws.ECS;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Features.EcsServices;
using EcsBuildTasks.Core.Features.Failures;
using EcsBuildTasks.Core.Features.Preflight;
using EcsBuildTasks.Core.Features.Results;
using EcsBuildTasks.Core.Features.TaskDefinitions;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Strategies.ManagedDaemon;

/// <summary>
/// <c>EcsDeploymentStrategy=ManagedDaemon</c>: the project is an ECS managed daemon, one task on every container
/// instance of the <c>EcsCapacityProvider</c> items' Managed Instances capacity providers, started before other tasks
/// on an instance and deployed by ECS's own daemon deployments (drain, replace, bake; rolled back by the circuit
/// breaker or an alarm). The package registers the daemon task definition from the project's properties (only when
/// it changed), creates or updates the daemon (nothing when nothing changed), and follows the daemon deployment
/// capacity provider by capacity provider.
/// </summary>
internal sealed partial class ManagedDaemonStrategy(double? drainPercent) : IDeploymentStrategy
{
    public const string StrategyName = "ManagedDaemon";

    private static readonly string[] InFlight = ["PENDING", "IN_PROGRESS", "ROLLBACK_IN_PROGRESS", "STOP_REQUESTED"];

    public string Name => StrategyName;

    /// <summary>A managed daemon is no ECS service; the plan says what the strategy deploys.</summary>
    public bool DeploysServiceDefinition => false;

    /// <summary>A daemon runs one task per instance: nothing to scale (the scaling properties are ECS6021).</summary>
    public bool ConfiguresAutoScaling => false;

    public static IDeploymentStrategy Create(StrategyChoice choice)
    {
        ArgumentNullException.ThrowIfNull(choice);
        double? drain = null;
        if (choice.Values.Get(EcsProperties.DaemonDrainPercent) is { } text)
        {
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                drain = value;
            }
            else
            {
                choice.Values.Error(DiagnosticCodes.DaemonDeploymentSettingInvalid, EcsProperties.DaemonDrainPercent, $"{EcsProperties.DaemonDrainPercent}='{text}' is not a number from 0 to 100.");
            }
        }

        return new ManagedDaemonStrategy(drain);
    }

    /// <summary>
    /// The daemon is no ECS service: its capacity providers are the <c>EcsCapacityProvider</c> items themselves (every
    /// instance gets a task), not a weighted strategy, so the service definition carries none.
    /// </summary>
    public void Shape(GeneratedDefinitions definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        definitions.Service.CapacityProviderStrategy = null;
    }

    public void Validate(GeneratedDefinitions definitions, DiagnosticCollection diagnostics)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        ArgumentNullException.ThrowIfNull(diagnostics);
        DaemonValidation.Validate(definitions, drainPercent, diagnostics);
    }

    public IEnumerable<string> PlanLines(GeneratedDefinitions definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var settings = definitions.Settings;
        yield return $"  Daemon      managed daemon {definitions.Service.ServiceName} in cluster {definitions.Service.Cluster}: one task on every container instance of {string.Join(", ", settings.CapacityProviders.Select(p => p.Name))}";
        yield return string.Create(CultureInfo.InvariantCulture, $"  Daemon      deployment: drain {(drainPercent is { } drain ? $"{drain}%" : "ECS's default share")} of each provider's instances at a time, bake {settings.TrafficShifting.BakeTimeMinutes ?? 0} min{(settings.Alarms.Count > 0 ? $", rolled back when {string.Join(", ", settings.Alarms)} goes into ALARM" : string.Empty)}");
    }

    /// <summary>The capacity providers exist, are Managed Instances providers of the cluster; a daemon of that name is not being deleted.</summary>
    public async Task PreflightAsync(ServicePreflightContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (aws, problems) = (context.Aws, context.Problems);
        var cluster = context.Definitions.Service.Cluster!;
        await CapacityProviderArnsAsync(aws, context.Definitions.Settings, cluster, problems, cancellationToken).ConfigureAwait(false);
        var existing = await FindAsync(aws, cluster, context.Definitions.Service.ServiceName!, cancellationToken).ConfigureAwait(false);
        if (existing?.Status?.Value == "DELETE_IN_PROGRESS")
        {
            problems.Error(DiagnosticCodes.DaemonNameTaken, EcsProperties.ServiceName,
                $"{EcsProperties.ServiceName}={context.Definitions.Service.ServiceName}: a daemon of that name is being deleted in cluster {cluster}; wait until it is gone (aws ecs describe-daemon --daemon-arn {existing.DaemonArn}) or choose another name.");
        }
    }

    public async Task<AppliedDeployment> ApplyAsync(DeploymentContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (aws, log, time, definitions) = (context.Aws, context.Log, context.Time, context.Definitions);
        var settings = definitions.Settings;
        var startedAt = time.GetUtcNow();
        var started = time.GetTimestamp();
        var (cluster, name) = (definitions.Service.Cluster!, definitions.Service.ServiceName!);
        var problems = new DiagnosticCollection();
        var providers = await CapacityProviderArnsAsync(aws, settings, cluster, problems, cancellationToken).ConfigureAwait(false);
        if (problems.HasErrors)
        {
            throw new DeploymentException([.. problems.Where(p => p.IsError)]);
        }

        var existing = await FindAsync(aws, cluster, name, cancellationToken).ConfigureAwait(false);
        var current = existing is null ? null : await CurrentAsync(aws, existing.DaemonArn!, cancellationToken).ConfigureAwait(false);
        var (taskDefinition, registered) = await RegisterAsync(context, current?.Revision?.DaemonTaskDefinitionArn, cancellationToken).ConfigureAwait(false);
        var configuration = DeploymentConfiguration(settings);
        var requestedAt = time.GetUtcNow().UtcDateTime;
        if (existing is null || current is null)
        {
            log.Info($"EcsBuildTasks: creating managed daemon {name} in {cluster} on {string.Join(", ", providers.Select(Arns.Short))}");
            var created = await Call("ECS CreateDaemon", () => aws.Ecs.CreateDaemonAsync(new CreateDaemonRequest
            {
                DaemonName = name,
                ClusterArn = cluster,
                DaemonTaskDefinitionArn = taskDefinition,
                CapacityProviderArns = [.. providers],
                DeploymentConfiguration = configuration,
                Tags = settings.Tags.Count > 0 ? [.. settings.Tags.Select(t => new Tag { Key = t.Key, Value = t.Value })] : null,
                PropagateTags = PropagateTags(settings),
                EnableECSManagedTags = settings.EnableEcsManagedTags,
                EnableExecuteCommand = settings.EnableExecuteCommand,
            }, cancellationToken)).ConfigureAwait(false);
            return new DaemonDeploymentApplied(created.DaemonArn!, ServiceChangeKind.Created, taskDefinition, created.DeploymentArn, startedAt, started, settings.Wait)
            {
                RequestedAt = requestedAt,
                TaskDefinitionRegistered = registered,
            };
        }

        // Every UpdateDaemon starts a daemon deployment, which drains and replaces instances: only what the project sets
        // and differs is a change (a member left unset is neither compared nor sent, so what ECS or someone else set stays).
        var changes = new List<string>();
        if (current.Revision?.DaemonTaskDefinitionArn != taskDefinition)
        {
            changes.Add("daemonTaskDefinitionArn");
        }

        if (!current.CapacityProviders.Order(StringComparer.Ordinal).SequenceEqual(providers.Order(StringComparer.Ordinal), StringComparer.Ordinal))
        {
            changes.Add("capacityProviderArns");
        }

        var running = current.Deployment?.DeploymentConfiguration;
        if (configuration.DrainPercent is { } drain && running?.DrainPercent != drain)
        {
            changes.Add("deploymentConfiguration.drainPercent");
        }

        if (configuration.BakeTimeInMinutes is { } bake && (running?.BakeTimeInMinutes ?? 0) != bake)
        {
            changes.Add("deploymentConfiguration.bakeTimeInMinutes");
        }

        if (configuration.Alarms?.AlarmNames is { } alarms
            && !alarms.Order(StringComparer.Ordinal).SequenceEqual((running?.Alarms?.Enable == true ? running.Alarms.AlarmNames ?? [] : []).Order(StringComparer.Ordinal), StringComparer.Ordinal))
        {
            changes.Add("deploymentConfiguration.alarms");
        }

        if (settings.EnableExecuteCommand is { } exec && exec != (current.Revision?.EnableExecuteCommand ?? false))
        {
            changes.Add("enableExecuteCommand");
        }

        if (PropagateTags(settings) is { } propagate && propagate.Value != (current.Revision?.PropagateTags?.Value ?? "NONE"))
        {
            changes.Add("propagateTags");
        }

        if (settings.EnableEcsManagedTags is { } managed && managed != (current.Revision?.EnableECSManagedTags ?? false))
        {
            changes.Add("enableECSManagedTags");
        }

        if (changes.Count == 0)
        {
            log.Info($"EcsBuildTasks: managed daemon {name} is up to date (it runs {Arns.Short(taskDefinition)} on {string.Join(", ", providers.Select(Arns.Short))}); not updating it");
            return new DaemonDeploymentApplied(existing.DaemonArn!, ServiceChangeKind.Unchanged, taskDefinition, current.Detail.DeploymentArn, startedAt, started, settings.Wait) { RequestedAt = requestedAt };
        }

        log.Info($"EcsBuildTasks: updating managed daemon {name} ({string.Join(", ", changes)})");
        var updated = await Call("ECS UpdateDaemon", () => aws.Ecs.UpdateDaemonAsync(new UpdateDaemonRequest
        {
            DaemonArn = existing.DaemonArn,
            DaemonTaskDefinitionArn = taskDefinition,
            CapacityProviderArns = [.. providers],
            DeploymentConfiguration = configuration,
            PropagateTags = PropagateTags(settings),
            EnableECSManagedTags = settings.EnableEcsManagedTags,
            EnableExecuteCommand = settings.EnableExecuteCommand,
        }, cancellationToken)).ConfigureAwait(false);
        return new DaemonDeploymentApplied(existing.DaemonArn!, ServiceChangeKind.Updated, taskDefinition, updated.DeploymentArn, startedAt, started, settings.Wait)
        {
            RequestedAt = requestedAt,
            TaskDefinitionRegistered = registered,
            Changes = changes,
            PreviousTaskDefinitionArn = current.Revision?.DaemonTaskDefinitionArn,
        };
    }

    public async Task<DeploymentVerdict> MonitorAsync(DeploymentContext context, AppliedDeployment deployment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var daemon = (DaemonDeploymentApplied)deployment;
        if (daemon.Watch is null && daemon.BuildRollbackReason is { } unrolled)
        {
            // Nothing to roll back to (a new daemon): the limit stands, and the deployment goes on in ECS.
            return new DeploymentVerdict(unrolled);
        }

        if (daemon.Watch is null)
        {
            if (daemon.DeploymentArn is not { } arn)
            {
                throw new DeploymentException(DiagnosticCodes.AwsRequestFailed, EcsProperties.ServiceName, $"ECS started no daemon deployment for {Arns.Short(daemon.DaemonArn)}.");
            }

            daemon.Watch = Watch(context, arn, daemon.IsRollback);
        }

        var wait = await daemon.Watch.WatchAsync(cancellationToken).ConfigureAwait(false);
        daemon.LastWait = wait;
        if (daemon.BuildRollbackReason is { } reason)
        {
            // The build's rollback deployment: its success is the rollback the limit asked for.
            return new DeploymentVerdict(wait.Outcome == DeploymentOutcome.Succeeded ? reason : DeploymentOutcome.Failed);
        }

        return new DeploymentVerdict(wait.Outcome) { RollbackNeeded = wait.BuildMustRollBack };
    }

    public async Task<AppliedDeployment> RollbackAsync(DeploymentContext context, AppliedDeployment? deployment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (aws, log, time) = (context.Aws, context.Log, context.Time);
        var (cluster, name) = (context.Definitions.Service.Cluster!, context.Definitions.Service.ServiceName!);
        if (deployment is DaemonDeploymentApplied { LastWait: { } last } applied)
        {
            // A limit of the build: the daemon goes back to the task definition it ran before, as a deployment of its own.
            applied.BuildRollbackReason = last.Outcome;
            if (applied.PreviousTaskDefinitionArn is not { } before || before == applied.TaskDefinitionArn)
            {
                log.Info($"EcsBuildTasks: managed daemon {name} has no earlier daemon task definition to go back to; it stays on {Arns.Short(applied.TaskDefinitionArn)}");
                applied.Watch = null;
                return applied;
            }

            log.Info($"EcsBuildTasks: rolling managed daemon {name} back to {Arns.Short(before)}");
            var rollback = await UpdateToAsync(aws, applied.DaemonArn, before, cancellationToken).ConfigureAwait(false);
            applied.Watch = rollback is null ? null : Watch(context, rollback, isRollback: true);
            return applied;
        }

        var started = time.GetTimestamp();
        var startedAt = time.GetUtcNow();
        var daemon = await FindAsync(aws, cluster, name, cancellationToken).ConfigureAwait(false)
            ?? throw new DeploymentException(DiagnosticCodes.ServiceNotFound, EcsProperties.ServiceName, $"{EcsProperties.ServiceName}={name}: there is no managed daemon of that name in cluster {cluster}.");
        var current = await CurrentAsync(aws, daemon.DaemonArn!, cancellationToken).ConfigureAwait(false);
        var now = current.Revision?.DaemonTaskDefinitionArn;
        var previous = await PreviousTaskDefinitionAsync(aws, daemon.DaemonArn!, current, cancellationToken).ConfigureAwait(false)
            ?? throw new DeploymentException(DiagnosticCodes.NothingToRollBack, EcsProperties.ServiceName,
                $"The managed daemon {name} has no earlier daemon task definition to return to (it runs {Arns.Short(now)}).");
        log.Info($"EcsBuildTasks: rolling managed daemon {name} back from {Arns.Short(now)} to {Arns.Short(previous)}");
        var deploymentArn = await UpdateToAsync(aws, daemon.DaemonArn!, previous, cancellationToken).ConfigureAwait(false);
        return new DaemonDeploymentApplied(daemon.DaemonArn!, ServiceChangeKind.Updated, previous, deploymentArn, startedAt, started, wait: true)
        {
            RequestedAt = time.GetUtcNow().UtcDateTime,
            IsRollback = true,
            PreviousTaskDefinitionArn = now,
        };
    }

    public async Task<DeploymentReport> ReportAsync(DeploymentContext context, AppliedDeployment deployment, DeploymentVerdict? verdict, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var daemon = (DaemonDeploymentApplied)deployment;
        var (aws, log, time, definitions) = (context.Aws, context.Log, context.Time, context.Definitions);
        var (cluster, name) = (definitions.Service.Cluster!, definitions.Service.ServiceName!);
        var wait = daemon.LastWait;
        var image = daemon.IsRollback ? null : definitions.MainContainer.Image;
        var providers = wait?.Deployment is { } last ? DaemonDeploymentWatch.ProviderLines(last) : await RunningLinesAsync(aws, daemon.DaemonArn, cancellationToken).ConfigureAwait(false);
        DeploymentResult Result(string status) => StrategyResults.Of(context, status, daemon.DaemonArn, image, (daemon.TaskDefinitionArn, daemon.TaskDefinitionRegistered), (daemon.StartedAt, daemon.Started), wait?.Duration) with
        {
            RunningTaskDefinitionArn = status is "succeeded" or "up-to-date" ? daemon.TaskDefinitionArn : status == "rolled-back" || daemon.BuildRollbackReason is not null ? daemon.PreviousTaskDefinitionArn : null,
            ServiceDeploymentArn = wait?.Deployment?.DaemonDeploymentArn ?? daemon.DeploymentArn,
            ServiceDeploymentStatus = wait?.Deployment?.Status?.Value,
            StatusReason = wait?.Deployment?.StatusReason,
            ServiceChange = daemon.Kind.ToString().ToLowerInvariant(),
            ChangedMembers = daemon.Changes,
            CapacityProviders = providers,
        };

        if (daemon.Kind == ServiceChangeKind.Unchanged)
        {
            return new DeploymentReport(Result("up-to-date"), null);
        }

        if (wait is null && daemon.BuildRollbackReason is null)
        {
            log.Info($"EcsBuildTasks: not waiting for the daemon deployment ({EcsProperties.Wait}=false); follow it with: dotnet msbuild -t:EcsStatus");
            return new DeploymentReport(Result("not-waited"), null);
        }

        var outcome = verdict?.Outcome ?? wait!.Outcome;
        if (daemon.IsRollback)
        {
            var back = outcome == DeploymentOutcome.Succeeded;
            if (back)
            {
                log.Info($"EcsBuildTasks: rolled back: managed daemon {name} runs {Arns.Short(daemon.TaskDefinitionArn)} ({string.Join("; ", providers)})");
            }

            return new DeploymentReport(Result(back ? "rolled-back" : DeploymentResult.StatusName(outcome)), back ? null
                : Error(DiagnosticCodes.DeploymentFailed, EcsProperties.ServiceName, $"The rollback of managed daemon {name} to {Arns.Short(daemon.TaskDefinitionArn)} did not complete ({wait?.Deployment?.Status?.Value ?? outcome.ToString()}{(wait?.Deployment?.StatusReason is { } why ? $": {why}" : string.Empty)}). Check it with: dotnet msbuild -t:EcsStatus"));
        }

        if (outcome == DeploymentOutcome.Succeeded)
        {
            log.Info($"EcsBuildTasks: managed daemon {name} runs {Arns.Short(daemon.TaskDefinitionArn)} ({string.Join("; ", providers)})");
            return new DeploymentReport(Result("succeeded"), null);
        }

        if (outcome != DeploymentOutcome.Cancelled)
        {
            var details = await StoppedTasksAsync(context, daemon).ConfigureAwait(false);
            if (details.Count > 0)
            {
                log.Info($"EcsBuildTasks: why the deployment of {Arns.Short(daemon.TaskDefinitionArn)} failed:");
                foreach (var line in details)
                {
                    log.Info(line);
                }
            }
        }

        return new DeploymentReport(Result(DeploymentResult.StatusName(outcome)) with { ApiCalls = aws.RequestCount }, Failure(daemon, outcome, wait?.Deployment, name, context.WhereItGoesOn));
    }

    public async Task<IReadOnlyList<string>> StatusAsync(DeploymentContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var aws = context.Aws;
        var (cluster, name) = (context.Definitions.Service.Cluster!, context.Definitions.Service.ServiceName!);
        var summary = await FindAsync(aws, cluster, name, cancellationToken).ConfigureAwait(false);
        if (summary is null)
        {
            return [$"EcsBuildTasks: there is no managed daemon {name} in {cluster} yet: dotnet publish -p:EcsDeploy=true creates it"];
        }

        var current = await CurrentAsync(aws, summary.DaemonArn!, cancellationToken).ConfigureAwait(false);
        var lines = new List<string>
        {
            $"EcsBuildTasks: managed daemon {name} in {cluster}: {current.Detail.Status?.Value}",
            $"  Task definition {Arns.Short(current.Revision?.DaemonTaskDefinitionArn)}",
        };
        lines.AddRange(current.Detail.CurrentRevisions?.SelectMany(r => (r.CapacityProviders ?? []).Select(p =>
            string.Create(CultureInfo.InvariantCulture, $"  Provider        {Arns.Short(p.Arn)}: {p.RunningCount} task(s) of revision {Arns.Short(r.Arn)}"))) ?? []);
        if (current.Deployment is { } deployment)
        {
            lines.Add($"  Deployment      {deployment.DaemonDeploymentArn} {deployment.Status?.Value}{(deployment.StatusReason is { } reason ? $" ({reason})" : string.Empty)}");
            lines.AddRange(DaemonDeploymentWatch.ProviderLines(deployment).Select(l => $"                  {l}"));
        }

        var history = await AwsCalls.RunAsync("ECS ListDaemonDeployments", () => aws.Ecs.ListDaemonDeploymentsAsync(new ListDaemonDeploymentsRequest { DaemonArn = summary.DaemonArn }, cancellationToken)).ConfigureAwait(false);
        foreach (var entry in (history.DaemonDeployments ?? []).OrderByDescending(d => d.CreatedAt).Take(5))
        {
            lines.Add($"  History         {entry.CreatedAt:yyyy-MM-dd HH:mm:ss} {entry.Status?.Value} {entry.DaemonDeploymentArn}{(entry.StatusReason is { } reason ? $" ({reason})" : string.Empty)}");
        }

        return lines;
    }

    private static DaemonDeploymentWatch Watch(DeploymentContext context, string deploymentArn, bool isRollback)
    {
        var options = WaitOptions.For(context.Settings, context.ResolvedEndpoint);
        var bake = TimeSpan.FromMinutes(context.Settings.TrafficShifting.BakeTimeMinutes ?? 0);
        return new DaemonDeploymentWatch(context.Aws, context.Log, context.Time, deploymentArn, options.Timeout + bake, isRollback ? null : context.Settings.FailFastFailedTasks, options.PollCap);
    }

    private DaemonDeploymentConfiguration DeploymentConfiguration(EcsSettings settings) => new()
    {
        DrainPercent = drainPercent,
        BakeTimeInMinutes = settings.TrafficShifting.BakeTimeMinutes,
        Alarms = settings.Alarms.Count > 0 ? new DaemonAlarmConfiguration { AlarmNames = [.. settings.Alarms], Enable = true } : null,
    };

    private static DaemonPropagateTags? PropagateTags(EcsSettings settings) => settings.PropagateTags switch
    {
        "NONE" => DaemonPropagateTags.NONE,
        null when settings.Tags.Count == 0 => null,
        _ => DaemonPropagateTags.DAEMON,
    };

    /// <summary>
    /// The daemon task definition to run: the one the daemon runs when it already is the project's (after a rollback the
    /// family's latest revision is not the running one), else the family's latest revision when it is, else a new one.
    /// </summary>
    private static async Task<(string Arn, bool Registered)> RegisterAsync(DeploymentContext context, string? running, CancellationToken cancellationToken)
    {
        var (aws, log, definitions) = (context.Aws, context.Log, context.Definitions);
        var (desired, _) = DaemonTaskDefinitions.Convert(definitions.TaskDefinition);
        foreach (var candidate in running is null ? [desired.Family!] : new[] { running, desired.Family! })
        {
            DaemonTaskDefinition? found;
            try
            {
                found = (await AwsCalls.RunAsync("ECS DescribeDaemonTaskDefinition", () => aws.Ecs.DescribeDaemonTaskDefinitionAsync(new DescribeDaemonTaskDefinitionRequest { DaemonTaskDefinition = candidate }, cancellationToken)).ConfigureAwait(false)).DaemonTaskDefinition;
            }
            catch (DeploymentException ex) when (ex.InnerException is AmazonServiceException { StatusCode: System.Net.HttpStatusCode.BadRequest })
            {
                found = null;
            }

            if (found is { Status.Value: "ACTIVE" } && found.Family == desired.Family && DaemonTaskDefinitions.Same(desired, found))
            {
                log.Info($"EcsBuildTasks: daemon task definition {found.Family}:{found.Revision}{(candidate == running ? " (the one the daemon runs)" : string.Empty)} is unchanged; not registering a new revision");
                return (found.DaemonTaskDefinitionArn!, false);
            }
        }

        await new LogGroups(aws, log).EnsureAsync(definitions.TaskDefinition, definitions.Settings, cancellationToken).ConfigureAwait(false);
        var tags = definitions.Settings.Tags.Select(t => new Tag { Key = t.Key, Value = t.Value }).ToList();
        if (context.GitCommit is { } commit)
        {
            tags.Add(new Tag { Key = TaskDefinitionRegistrar.GitCommitTag, Value = commit });
        }

        desired.Tags = tags.Count > 0 ? tags : null;
        var registered = await Call("ECS RegisterDaemonTaskDefinition", () => aws.Ecs.RegisterDaemonTaskDefinitionAsync(desired, cancellationToken)).ConfigureAwait(false);
        log.Info($"EcsBuildTasks: registered daemon task definition {Arns.Short(registered.DaemonTaskDefinitionArn)}");
        return (registered.DaemonTaskDefinitionArn!, true);
    }

    /// <summary>The ARNs of the <c>EcsCapacityProvider</c> items; what is wrong with them goes to <paramref name="problems"/> (ECS6023).</summary>
    private static async Task<List<string>> CapacityProviderArnsAsync(AwsSession aws, EcsSettings settings, string cluster, DiagnosticCollection problems, CancellationToken cancellationToken)
    {
        var names = settings.CapacityProviders.Select(p => p.Name).ToList();
        if (names.Count == 0)
        {
            return [];
        }

        var response = await AwsCalls.RunAsync("ECS DescribeCapacityProviders", () => aws.Ecs.DescribeCapacityProvidersAsync(new DescribeCapacityProvidersRequest { CapacityProviders = names }, cancellationToken)).ConfigureAwait(false);
        var found = response.CapacityProviders ?? [];
        var arns = new List<string>();
        foreach (var name in names)
        {
            var subject = $"{EcsProperties.CapacityProviderItem} '{name}'";
            var provider = found.Find(p => p.Name == name || p.CapacityProviderArn == name);
            if (provider is null)
            {
                problems.Error(DiagnosticCodes.DaemonCapacityProviderInvalid, subject, $"{subject}: there is no capacity provider of that name in this account and region.");
            }
            else if (provider.Type?.Value is { } type && type != "MANAGED_INSTANCES")
            {
                problems.Error(DiagnosticCodes.DaemonCapacityProviderInvalid, subject,
                    $"{subject} is a {type} capacity provider; managed daemons run on Amazon ECS Managed Instances capacity providers. For an agent on the instances of an Auto Scaling group use an ECS service with {EcsProperties.SchedulingStrategy}=DAEMON.");
            }
            else if (provider.Cluster is { } owner && Arns.Short(owner) != cluster && owner != cluster)
            {
                problems.Error(DiagnosticCodes.DaemonCapacityProviderInvalid, subject, $"{subject} belongs to cluster {Arns.Short(owner)}, not {cluster} ({EcsProperties.Cluster}).");
            }
            else
            {
                arns.Add(provider.CapacityProviderArn!);
            }
        }

        return arns;
    }

    /// <summary>The daemon named <paramref name="name"/> in the cluster, or null.</summary>
    private static async Task<DaemonSummary?> FindAsync(AwsSession aws, string cluster, string name, CancellationToken cancellationToken)
    {
        var daemons = await AwsCalls.AllPagesAsync<ListDaemonsResponse, DaemonSummary>("ECS ListDaemons",
            token => aws.Ecs.ListDaemonsAsync(new ListDaemonsRequest { ClusterArn = cluster, NextToken = token }, cancellationToken),
            page => page.DaemonSummariesList, page => page.NextToken).ConfigureAwait(false);
        return daemons.Find(d => d.DaemonArn is { } arn && arn.EndsWith("/" + name, StringComparison.Ordinal) && d.Status?.Value != "DELETED");
    }

    /// <summary>The daemon, its latest deployment, and the revision in effect (the rollback's target after a rollback).</summary>
    private static async Task<DaemonState> CurrentAsync(AwsSession aws, string daemonArn, CancellationToken cancellationToken)
    {
        var detail = (await AwsCalls.RunAsync("ECS DescribeDaemon", () => aws.Ecs.DescribeDaemonAsync(new DescribeDaemonRequest { DaemonArn = daemonArn }, cancellationToken)).ConfigureAwait(false)).Daemon!;
        var deployment = detail.DeploymentArn is { } arn ? await DaemonDeploymentWatch.DescribeAsync(aws, arn, cancellationToken).ConfigureAwait(false) : null;
        var revisionArn = deployment?.Status?.Value is "ROLLBACK_SUCCESSFUL" or "ROLLBACK_IN_PROGRESS" ? deployment.Rollback?.RollbackTargetDaemonRevisionArn : deployment?.TargetDaemonRevision?.Arn;
        revisionArn ??= detail.CurrentRevisions?.FirstOrDefault()?.Arn;
        var revision = revisionArn is null ? null
            : (await AwsCalls.RunAsync("ECS DescribeDaemonRevisions", () => aws.Ecs.DescribeDaemonRevisionsAsync(new DescribeDaemonRevisionsRequest { DaemonRevisionArns = [revisionArn] }, cancellationToken)).ConfigureAwait(false)).DaemonRevisions?.FirstOrDefault();
        var providers = deployment?.Status?.Value is "ROLLBACK_SUCCESSFUL" or "ROLLBACK_IN_PROGRESS" && deployment.Rollback?.RollbackCapacityProviders is { Count: > 0 } back
            ? back
            : deployment?.TargetDaemonRevision?.CapacityProviders?.Select(p => p.Arn).OfType<string>().ToList()
            ?? detail.CurrentRevisions?.SelectMany(r => r.CapacityProviders ?? []).Select(p => p.Arn).OfType<string>().Distinct(StringComparer.Ordinal).ToList() ?? [];
        return new DaemonState(detail, deployment, revision, providers);
    }

    /// <summary>The daemon task definition before the one in effect: a deployment in flight's source, else the newest successful deployment of another one.</summary>
    private static async Task<string?> PreviousTaskDefinitionAsync(AwsSession aws, string daemonArn, DaemonState current, CancellationToken cancellationToken)
    {
        var now = current.Revision?.DaemonTaskDefinitionArn;
        var listed = await AwsCalls.RunAsync("ECS ListDaemonDeployments", () => aws.Ecs.ListDaemonDeploymentsAsync(new ListDaemonDeploymentsRequest { DaemonArn = daemonArn }, cancellationToken)).ConfigureAwait(false);
        var deployments = (listed.DaemonDeployments ?? []).OrderByDescending(d => d.CreatedAt ?? DateTime.MinValue).ToList();
        var revisions = new List<string>();
        if (current.Deployment is { } inFlight && Array.IndexOf(InFlight, inFlight.Status?.Value) >= 0)
        {
            revisions.AddRange((inFlight.SourceDaemonRevisions ?? []).Select(r => r.Arn).OfType<string>());
        }

        revisions.AddRange(deployments.Where(d => d.Status?.Value == "SUCCESSFUL").Select(d => d.TargetDaemonRevisionArn).OfType<string>());
        if (revisions.Count == 0)
        {
            return null;
        }

        var described = await AwsCalls.RunAsync("ECS DescribeDaemonRevisions", () => aws.Ecs.DescribeDaemonRevisionsAsync(new DescribeDaemonRevisionsRequest { DaemonRevisionArns = [.. revisions.Distinct(StringComparer.Ordinal).Take(20)] }, cancellationToken)).ConfigureAwait(false);
        var byArn = (described.DaemonRevisions ?? []).Where(r => r.DaemonRevisionArn is not null).ToDictionary(r => r.DaemonRevisionArn!, r => r.DaemonTaskDefinitionArn, StringComparer.Ordinal);
        return revisions.Select(r => byArn.GetValueOrDefault(r)).FirstOrDefault(td => td is not null && td != now);
    }

    /// <summary>Deploys <paramref name="taskDefinition"/> to the daemon with its current capacity providers; the deployment's ARN.</summary>
    private static async Task<string?> UpdateToAsync(AwsSession aws, string daemonArn, string taskDefinition, CancellationToken cancellationToken)
    {
        var current = await CurrentAsync(aws, daemonArn, cancellationToken).ConfigureAwait(false);
        var updated = await Call("ECS UpdateDaemon", () => aws.Ecs.UpdateDaemonAsync(new UpdateDaemonRequest
        {
            DaemonArn = daemonArn,
            DaemonTaskDefinitionArn = taskDefinition,
            CapacityProviderArns = [.. current.CapacityProviders],
        }, cancellationToken)).ConfigureAwait(false);
        return updated.DeploymentArn;
    }

    private static async Task<IReadOnlyList<string>> RunningLinesAsync(AwsSession aws, string daemonArn, CancellationToken cancellationToken)
    {
        var detail = (await AwsCalls.RunAsync("ECS DescribeDaemon", () => aws.Ecs.DescribeDaemonAsync(new DescribeDaemonRequest { DaemonArn = daemonArn }, cancellationToken)).ConfigureAwait(false)).Daemon;
        return [.. (detail?.CurrentRevisions ?? []).SelectMany(r => r.CapacityProviders ?? []).Select(p => string.Create(CultureInfo.InvariantCulture, $"{Arns.Short(p.Arn)}: {p.RunningCount} task(s) running"))];
    }

    /// <summary>The stopped daemon tasks of the new revision: stop reason, exit codes, last log lines.</summary>
    private static async Task<IReadOnlyList<string>> StoppedTasksAsync(DeploymentContext context, DaemonDeploymentApplied daemon)
    {
        var (aws, definitions) = (context.Aws, context.Definitions);
        var (cluster, name) = (definitions.Service.Cluster!, definitions.Service.ServiceName!);
        var lines = new List<string>();
        if (daemon.LastWait?.Deployment?.StatusReason is { } reason)
        {
            lines.Add($"  Daemon deployment: {reason}");
        }

        try
        {
            var listed = await aws.Ecs.ListTasksAsync(new ListTasksRequest { Cluster = cluster, DaemonName = name, DesiredStatus = "STOPPED", MaxResults = 100 }).ConfigureAwait(false);
            if (listed.TaskArns is { Count: > 0 } arns)
            {
                var described = await aws.Ecs.DescribeTasksAsync(new DescribeTasksRequest { Cluster = cluster, Tasks = [.. arns.Take(100)] }).ConfigureAwait(false);
                var failed = (described.Tasks ?? [])
                    .Where(t => t.TaskDefinitionArn == daemon.TaskDefinitionArn && (t.StoppedAt ?? t.CreatedAt ?? DateTime.MaxValue) >= daemon.RequestedAt.AddMinutes(-1))
                    .OrderByDescending(t => t.StoppedAt ?? t.CreatedAt)
                    .Take(3);
                var definition = new TaskDefinition { ContainerDefinitions = definitions.TaskDefinition.ContainerDefinitions };
                foreach (var task in failed)
                {
                    lines.AddRange(await new FailureDiagnostics(aws).DescribeTaskAsync(task, definition, CancellationToken.None).ConfigureAwait(false));
                }
            }
        }
        catch (Exception ex) when (ex is AmazonServiceException or AmazonClientException or HttpRequestException)
        {
            lines.Add($"  (stopped daemon tasks could not be read: {ex.Message})");
        }

        return lines;
    }

    private static EcsDiagnostic Failure(DaemonDeploymentApplied daemon, DeploymentOutcome outcome, DaemonDeployment? deployment, string name, string goesOn)
    {
        var revision = Arns.Short(daemon.TaskDefinitionArn);
        var previous = Arns.Short(daemon.PreviousTaskDefinitionArn);
        var reason = deployment?.StatusReason is { Length: > 0 } r ? $" Reason: {r}." : string.Empty;
        var check = "dotnet msbuild -t:EcsStatus";
        return outcome switch
        {
            DeploymentOutcome.RolledBack => Error(DiagnosticCodes.DeploymentRolledBack, EcsProperties.ServiceName,
                $"The daemon deployment of {revision} failed and ECS rolled managed daemon {name} back: its instances run {previous ?? "the previous revision"} again.{reason} The diagnostics above say why the new daemon tasks failed."),
            DeploymentOutcome.TimedOut => Error(DiagnosticCodes.DeploymentTimedOut, EcsProperties.TimeoutMinutes,
                daemon.PreviousTaskDefinitionArn is null
                    ? $"The daemon deployment of {revision} did not finish within {EcsProperties.TimeoutMinutes}, and managed daemon {name} is new, so there is nothing to roll back to; it {goesOn}. Check it with: {check}.{reason}"
                    : $"The daemon deployment of {revision} did not finish within {EcsProperties.TimeoutMinutes}; the build rolled managed daemon {name} back to {previous}.{reason}"),
            DeploymentOutcome.FailedFast => Error(DiagnosticCodes.FailFastTriggered, EcsProperties.FailFastFailedTasks,
                $"Daemon tasks of {revision} kept failing ({EcsProperties.FailFastFailedTasks}); the build rolled managed daemon {name} back{(previous is null ? string.Empty : $" to {previous}")}.{reason}"),
            DeploymentOutcome.Stopped => Error(DiagnosticCodes.DeploymentStopped, EcsProperties.ServiceName,
                $"The daemon deployment {deployment?.DaemonDeploymentArn} of {revision} was stopped (a newer deployment of managed daemon {name} replaced it). Check it with: {check}"),
            DeploymentOutcome.Cancelled => new EcsDiagnostic(DiagnosticCodes.WaitCancelled, DiagnosticSeverity.Warning, EcsProperties.Wait,
                $"Stopped waiting (the build was cancelled). The daemon deployment of {revision} {goesOn}. Check it: {check}; roll it back: dotnet msbuild -t:EcsRollback."),
            _ => Error(DiagnosticCodes.DeploymentFailed, EcsProperties.ServiceName,
                $"The daemon deployment of {revision} failed ({deployment?.Status?.Value ?? "unknown state"}){(daemon.Kind == ServiceChangeKind.Created ? "; managed daemon " + name + " is new, so there is no previous revision to return to" : string.Empty)}.{reason} Fix the cause shown above and publish again, or roll back with dotnet msbuild -t:EcsRollback."),
        };
    }

    private static EcsDiagnostic Error(DiagnosticDescriptor descriptor, string subject, string message) => new(descriptor, DiagnosticSeverity.Error, subject, message);

    private static async Task<T> Call<T>(string action, Func<Task<T>> call)
    {
        try
        {
            return await AwsCalls.RunAsync(action, call).ConfigureAwait(false);
        }
        catch (DeploymentException ex) when (ex.InnerException is AmazonServiceException service && !AwsCalls.IsAccessDenied(service) && service.StatusCode is System.Net.HttpStatusCode.BadRequest)
        {
            throw new DeploymentException(DiagnosticCodes.ServiceRejected, EcsProperties.ServiceName, $"ECS rejected the managed daemon ({action}): {service.ErrorCode}: {service.Message}", ex);
        }
    }

    /// <summary>A daemon as it stands: its description, its latest deployment, the revision in effect and its capacity providers.</summary>
    private sealed record DaemonState(DaemonDetail Detail, DaemonDeployment? Deployment, DaemonRevision? Revision, List<string> CapacityProviders);
}
