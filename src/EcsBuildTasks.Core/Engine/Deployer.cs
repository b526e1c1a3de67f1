using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Features.Clusters;
using EcsBuildTasks.Core.Features.Concurrency;
using EcsBuildTasks.Core.Features.EcsServices;
using EcsBuildTasks.Core.Features.Results;
using EcsBuildTasks.Core.Features.TaskDefinitions;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Strategies;

namespace EcsBuildTasks.Core.Engine;

/// <summary>
/// Runs the steps of the strategy that shaped the definitions, whatever it is: apply, monitor until a verdict, roll
/// back when the verdict asks for it, report. <c>-t:EcsRollback</c> is the same path starting at the rollback, and
/// <c>-t:EcsStatus</c> asks the strategy where things stand.
/// <para>
/// Around every step: the session rides out throttling, server errors and lost connections
/// (<see cref="TransientFaultPolicy"/>); every printed <c>aws …</c> command points at the endpoint the build used
/// (<see cref="AwsCliCommands"/>); and no exception leaves the engine uncoded (<see cref="UnexpectedErrors"/>).
/// </para>
/// </summary>
internal sealed class Deployer
{
    private readonly AwsSession aws;
    private readonly TimeProvider time;
    private readonly AwsCliCommands commands;
    private readonly IDeploymentLog log;

    public Deployer(AwsSession aws, IDeploymentLog log, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(aws);
        ArgumentNullException.ThrowIfNull(log);
        this.aws = aws;
        this.time = time;
        commands = AwsCliCommands.For(aws);
        this.log = commands.Pointing(log);
    }

    /// <summary>HTTP handler for the verification gates' URL probes (tests); null uses the default.</summary>
    public HttpMessageHandler? VerificationHandler { get; init; }

    /// <summary>The endpoint the build talks to when it differs from the settings' (LocalEcs once started).</summary>
    public string? ResolvedEndpoint { get; init; }

    /// <summary>The LocalEcs deployed to was started for builds and exits when they end: a lost connection means it is gone.</summary>
    public bool LocalEcsStopsWithBuild { get; init; }

    /// <summary>
    /// Deploys the definitions (the image is pushed already) and reports the outcome; first waits for a deployment in
    /// flight where the strategy deploys, or fails without changing anything (<c>EcsConcurrentDeployment</c>).
    /// </summary>
    public Task<DeploymentReport> DeployAsync(GeneratedDefinitions definitions, string? gitCommit, string? imageFingerprint, CancellationToken cancellationToken) =>
        DeployAsync(definitions, gitCommit, imageFingerprint, null, cancellationToken);

    /// <summary>
    /// Deploys what the preparation handed on. When it found the service up to date with these inputs
    /// (<see cref="PreparedDeployment.UpToDate"/>) and the definitions generated now are the revision the service runs
    /// (its content hash), reports "up to date" without another request; otherwise deploys as usual.
    /// </summary>
    public Task<DeploymentReport> DeployAsync(GeneratedDefinitions definitions, PreparedDeployment prepared, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        ArgumentNullException.ThrowIfNull(prepared);
        if (prepared.UpToDate is { } upToDate)
        {
            if (TaskDefinitionRegistrar.ContentHash(definitions.TaskDefinition) == upToDate.ContentHash)
            {
                return Task.FromResult(UpToDate(definitions, upToDate));
            }

            log.Info($"EcsBuildTasks: the task definition generated now differs from {Arns.Short(upToDate.TaskDefinitionArn)}, which the service runs: deploying as usual");
        }

        return DeployAsync(definitions, prepared.GitCommit, prepared.ImageFingerprint, prepared.InputsDigest, cancellationToken);
    }

    private Task<DeploymentReport> DeployAsync(GeneratedDefinitions definitions, string? gitCommit, string? imageFingerprint, string? inputsDigest, CancellationToken cancellationToken) =>
        GuardedAsync("deploying", definitions, async () =>
        {
            var strategy = DeploymentStrategies.Of(definitions);
            var context = Context(definitions, strategy) with { GitCommit = gitCommit, ImageFingerprint = imageFingerprint, InputsDigest = inputsDigest };
            var poll = WaitOptions.For(definitions.Settings, ResolvedEndpoint).PollCap;
            await new ConcurrentDeploymentGuard(log, time, definitions.Settings, poll)
                .WaitUntilClearAsync(token => strategy.DeploymentsInFlightAsync(context, token), cancellationToken).ConfigureAwait(false);
            await using var deployment = await strategy.ApplyAsync(context, cancellationToken).ConfigureAwait(false);
            var verdict = deployment.NeedsMonitoring ? await FollowAsync(strategy, context, deployment, cancellationToken).ConfigureAwait(false) : null;
            var report = await strategy.ReportAsync(context, deployment, verdict, cancellationToken).ConfigureAwait(false);
            return Pointed(report with { Result = report.Result with { Environment = definitions.Settings.Release.Environment, Strategy = strategy.Name } });
        });

    /// <summary>The result of a publish that found the service up to date: what it runs, nothing changed, no request sent here.</summary>
    private DeploymentReport UpToDate(GeneratedDefinitions definitions, UpToDateService upToDate)
    {
        var image = definitions.MainContainer.Image;
        var now = time.GetUtcNow();
        var result = new DeploymentResult
        {
            Status = "up-to-date",
            Cluster = definitions.Service.Cluster!,
            Service = definitions.Service.ServiceName!,
            ServiceArn = upToDate.ServiceArn,
            Image = image,
            ImageDigest = image is not null && image.Contains('@', StringComparison.Ordinal) ? image[(image.IndexOf('@', StringComparison.Ordinal) + 1)..] : null,
            TaskDefinitionArn = upToDate.TaskDefinitionArn,
            TaskDefinitionRegistered = false,
            RunningTaskDefinitionArn = upToDate.TaskDefinitionArn,
            ServiceChange = ServiceChangeKind.Unchanged.ToString().ToLowerInvariant(),
            ChangedMembers = [],
            Region = aws.Factory.ResolvedRegion.SystemName,
            StartedAt = now,
            FinishedAt = now,
            ApiCalls = aws.RequestCount,
            Environment = definitions.Settings.Release.Environment,
            Strategy = DeploymentStrategies.Of(definitions).Name,
        };
        return new DeploymentReport(result, null);
    }

    /// <summary><c>-t:EcsRollback</c>: returns what the project deployed last to where it was before, and reports it.</summary>
    public Task<DeploymentReport> RollbackAsync(GeneratedDefinitions definitions, CancellationToken cancellationToken) =>
        GuardedAsync("rolling back", definitions, async () =>
        {
            var strategy = DeploymentStrategies.Of(definitions);
            var context = Context(definitions, strategy);
            AppliedDeployment started;
            try
            {
                started = await strategy.RollbackAsync(context, null, cancellationToken).ConfigureAwait(false);
            }
            catch (DeploymentException ex) when (MissingCluster.IsMissing(ex))
            {
                // Before the first publish created the cluster (EcsCreateCluster): nothing was deployed, say so.
                throw MissingCluster.NotYet(definitions.Settings, definitions.Service.Cluster!, ex);
            }

            await using var rollback = started;
            var verdict = rollback.NeedsMonitoring ? await FollowAsync(strategy, context, rollback, cancellationToken).ConfigureAwait(false) : null;
            var report = await strategy.ReportAsync(context, rollback, verdict, cancellationToken).ConfigureAwait(false);
            return Pointed(report with { Result = report.Result with { Strategy = strategy.Name } });
        });

    /// <summary><c>-t:EcsStatus</c>: where the project's deployment stands.</summary>
    public Task<IReadOnlyList<string>> StatusAsync(GeneratedDefinitions definitions, CancellationToken cancellationToken) =>
        GuardedAsync("reading the status", definitions, async () =>
        {
            var strategy = DeploymentStrategies.Of(definitions);
            IReadOnlyList<string> lines;
            try
            {
                lines = await strategy.StatusAsync(Context(definitions, strategy), cancellationToken).ConfigureAwait(false);
            }
            catch (DeploymentException ex) when (MissingCluster.IsMissing(ex))
            {
                lines = [$"EcsBuildTasks: {MissingCluster.NotYetMessage(definitions.Settings, definitions.Service.Cluster!)}"];
            }

            return (IReadOnlyList<string>)[.. lines.Select(commands.Point)];
        });

    /// <summary>Follows a deployment to its verdict; when the verdict asks the build to roll back, rolls back and follows the rollback.</summary>
    private static async Task<DeploymentVerdict> FollowAsync(IDeploymentStrategy strategy, DeploymentContext context, AppliedDeployment deployment, CancellationToken cancellationToken)
    {
        var verdict = await strategy.MonitorAsync(context, deployment, cancellationToken).ConfigureAwait(false);
        if (!verdict.RollbackNeeded)
        {
            return verdict;
        }

        var rollback = await strategy.RollbackAsync(context, deployment, cancellationToken).ConfigureAwait(false);
        try
        {
            return await strategy.MonitorAsync(context, rollback, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (!ReferenceEquals(rollback, deployment))
            {
                await rollback.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Runs a step with the session's patience on, its errors pointed at the endpoint and coded.</summary>
    private async Task<T> GuardedAsync<T>(string step, GeneratedDefinitions definitions, Func<Task<T>> work)
    {
        try
        {
            return await UnexpectedErrors.CodedAsync($"{step} {definitions.Service.ServiceName}", work).ConfigureAwait(false);
        }
        catch (DeploymentException ex)
        {
            throw commands.Point(ex);
        }
    }

    private DeploymentReport Pointed(DeploymentReport report) => report.Failure is { } failure ? report with { Failure = commands.Point(failure) } : report;

    private DeploymentContext Context(GeneratedDefinitions definitions, IDeploymentStrategy strategy)
    {
        var context = new DeploymentContext(aws, log, time, definitions)
        {
            VerificationHandler = VerificationHandler,
            ResolvedEndpoint = ResolvedEndpoint,
            Commands = commands,
            LocalEcsStopsWithBuild = LocalEcsStopsWithBuild,
        };
        aws.TransientFaults.Follow(
            log,
            time,
            TimeSpan.FromMinutes(definitions.Settings.TimeoutMinutes),
            () => $"The deployment {context.WhereItGoesOn}: follow it with dotnet msbuild -t:EcsStatus (the same properties) or {commands.Point(strategy.FollowCommand(context))}.",
            rideOutConnectionLoss: !LocalEcsStopsWithBuild,
            PollSchedule.FaultBackoffFor(aws));
        return context;
    }
}
