using System.Globalization;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Features.Concurrency;

/// <summary>
/// Before a build changes anything, makes sure nobody else's deployment is going on where it deploys
/// (<c>EcsConcurrentDeployment</c>): <c>Wait</c> polls until there is none (within <c>EcsTimeoutMinutes</c>), saying whose
/// it is; <c>Fail</c> stops the build at once. Either way nothing has been changed when it fails, and the deployment the
/// build then starts is its own: it never adopts another build's deployment, nor reports it as its own.
/// </summary>
internal sealed class ConcurrentDeploymentGuard(IDeploymentLog log, TimeProvider time, EcsSettings settings, TimeSpan pollInterval)
{
    /// <summary>Returns once nothing is in flight; throws a coded <see cref="DeploymentException"/> otherwise.</summary>
    /// <param name="findInFlight">Asks the strategy what is in flight on what it deploys to.</param>
    /// <returns>How long the build waited (zero when nothing was in flight).</returns>
    public async Task<TimeSpan> WaitUntilClearAsync(Func<CancellationToken, Task<IReadOnlyList<InFlightDeployment>>> findInFlight, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(findInFlight);
        var started = time.GetTimestamp();
        var timeout = TimeSpan.FromMinutes(settings.TimeoutMinutes);
        var announced = new HashSet<string>(StringComparer.Ordinal);
        IReadOnlyList<InFlightDeployment> inFlight;
        while ((inFlight = await findInFlight(cancellationToken).ConfigureAwait(false)).Count > 0)
        {
            if (settings.Release.ConcurrentDeployment == ConcurrentDeploymentPolicy.Fail)
            {
                throw new DeploymentException(DiagnosticCodes.DeploymentInFlight, EcsProperties.ConcurrentDeployment,
                    $"Another deployment is going on: {Describe(inFlight)} ({EcsProperties.ConcurrentDeployment}=Fail). This build changed nothing. Publish again once it has finished, or set {EcsProperties.ConcurrentDeployment}=Wait to wait for it.{Commands(inFlight)}");
            }

            var waited = time.GetElapsedTime(started);
            if (waited > timeout)
            {
                throw new DeploymentException(DiagnosticCodes.DeploymentInFlightTooLong, EcsProperties.TimeoutMinutes,
                    string.Create(CultureInfo.InvariantCulture, $"Another deployment is still going on after {waited.TotalMinutes:0} minutes: {Describe(inFlight)} ({EcsProperties.TimeoutMinutes}={settings.TimeoutMinutes}). This build changed nothing. Publish again once it has finished.{Commands(inFlight)}"));
            }

            foreach (var deployment in inFlight.Where(d => announced.Add(d.DeploymentId)))
            {
                log.Info($"EcsBuildTasks: waiting for {Describe(deployment)} to finish before deploying ({EcsProperties.ConcurrentDeployment}=Wait, at most {settings.TimeoutMinutes} minutes)");
            }

            await Task.Delay(pollInterval, time, cancellationToken).ConfigureAwait(false);
        }

        var total = time.GetElapsedTime(started);
        if (announced.Count > 0)
        {
            log.Info(string.Create(CultureInfo.InvariantCulture, $"EcsBuildTasks: the deployment in flight has finished (waited {total.TotalSeconds:0} s); deploying"));
        }

        return announced.Count > 0 ? total : TimeSpan.Zero;
    }

    private static string Describe(IReadOnlyList<InFlightDeployment> inFlight) =>
        string.Join("; ", inFlight.Select(Describe));

    private static string Describe(InFlightDeployment deployment)
    {
        var revision = Arns.Short(deployment.TaskDefinitionArn) is { } r ? $" of {r}" : string.Empty;
        var origin = deployment.Origin is { } o ? $", {o}" : string.Empty;
        var since = deployment.StartedAt is { } at ? string.Create(CultureInfo.InvariantCulture, $", started {at:yyyy-MM-dd HH:mm:ss} UTC") : string.Empty;
        return $"the deployment{revision} in flight on the {deployment.Subject} ({deployment.DeploymentId}, {deployment.Status}{origin}{since})";
    }

    private static string Commands(IReadOnlyList<InFlightDeployment> inFlight) =>
        string.Concat(inFlight.Select(d => d.CheckCommand).OfType<string>().Distinct(StringComparer.Ordinal).Select(c => $" Check it: {c}"));
}
