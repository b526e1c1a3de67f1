using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Features.Clusters;
using EcsBuildTasks.Core.Features.Concurrency;
using EcsBuildTasks.Core.Features.EcsServices;
using EcsBuildTasks.Core.Features.Results;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Strategies;

namespace EcsBuildTasks.Core.Engine;

/// <summary>
/// Runs the steps of the strategy that shaped the definitions, whatever it is: apply, monitor until a verdict, roll
/// back when the verdict asks for it, report. <c>-t:EcsRollback</c> is the same path starting at the rollback, and
/// <c>-t:EcsStatus</c> asks the strategy where things stand.
/// </summary>
internal sealed class Deployer(AwsSession aws, IDeploymentLog log, TimeProvider time)
{
    /// <summary>HTTP handler for the verification gates' URL probes (tests); null uses the default.</summary>
    public HttpMessageHandler? VerificationHandler { get; init; }

    /// <summary>The endpoint the build talks to when it differs from the settings' (LocalEcs once started).</summary>
    public string? ResolvedEndpoint { get; init; }

    /// <summary>
    /// Deploys the definitions (the image is pushed already) and reports the outcome; first waits for a deployment in
    /// flight where the strategy deploys, or fails without changing anything (<c>EcsConcurrentDeployment</c>).
    /// </summary>
    public async Task<DeploymentReport> DeployAsync(GeneratedDefinitions definitions, string? gitCommit, string? imageFingerprint, CancellationToken cancellationToken)
    {
        var strategy = DeploymentStrategies.Of(definitions);
        var context = Context(definitions) with { GitCommit = gitCommit, ImageFingerprint = imageFingerprint };
        var poll = WaitOptions.For(definitions.Settings, ResolvedEndpoint).PollCap;
        await new ConcurrentDeploymentGuard(log, time, definitions.Settings, poll)
            .WaitUntilClearAsync(token => strategy.DeploymentsInFlightAsync(context, token), cancellationToken).ConfigureAwait(false);
        await using var deployment = await strategy.ApplyAsync(context, cancellationToken).ConfigureAwait(false);
        var verdict = deployment.NeedsMonitoring ? await FollowAsync(strategy, context, deployment, cancellationToken).ConfigureAwait(false) : null;
        var report = await strategy.ReportAsync(context, deployment, verdict, cancellationToken).ConfigureAwait(false);
        return report with { Result = report.Result with { Environment = definitions.Settings.Release.Environment } };
    }

    /// <summary><c>-t:EcsRollback</c>: returns what the project deployed last to where it was before, and reports it.</summary>
    public async Task<DeploymentReport> RollbackAsync(GeneratedDefinitions definitions, CancellationToken cancellationToken)
    {
        var strategy = DeploymentStrategies.Of(definitions);
        var context = Context(definitions);
        AppliedDeployment started;
        try
        {
            started = await strategy.RollbackAsync(context, null, cancellationToken).ConfigureAwait(false);
        }
        catch (DeploymentException ex) when (MissingCluster.IsMissing(ex))
        {
            throw MissingCluster.NotYet(definitions.Settings, definitions.Service.Cluster!, ex);
        }

        await using var rollback = started;
        var verdict = rollback.NeedsMonitoring ? await FollowAsync(strategy, context, rollback, cancellationToken).ConfigureAwait(false) : null;
        return await strategy.ReportAsync(context, rollback, verdict, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>-t:EcsStatus</c>: where the project's deployment stands.</summary>
    public async Task<IReadOnlyList<string>> StatusAsync(GeneratedDefinitions definitions, CancellationToken cancellationToken)
    {
        try
        {
            return await DeploymentStrategies.Of(definitions).StatusAsync(Context(definitions), cancellationToken).ConfigureAwait(false);
        }
        catch (DeploymentException ex) when (MissingCluster.IsMissing(ex))
        {
            return [$"EcsBuildTasks: {MissingCluster.NotYetMessage(definitions.Settings, definitions.Service.Cluster!)}"];
        }
    }

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

    private DeploymentContext Context(GeneratedDefinitions definitions) =>
        new(aws, log, time, definitions) { VerificationHandler = VerificationHandler, ResolvedEndpoint = ResolvedEndpoint };
}
