using System.Globalization;
using EcsBuildTasks.Core.Infrastructure;

namespace EcsBuildTasks.Core.Features.VersionedServices;

/// <summary>What a rollback left: whether every version is back at its count, and where each one stands.</summary>
internal sealed record RestoreResult(bool Restored, IReadOnlyList<string> Problems, IReadOnlyList<VersionCount> Counts)
{
    public string Describe() => string.Join(", ", Counts.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Name} at {c.Count}")));
}

/// <summary>
/// Harness's Rollback Containers: the old versions go back to exactly the counts they had (upsized before anything is
/// taken from the new version, so that the service never has fewer tasks than it needs), their auto scaling is
/// restored as it was, then the new version goes to 0 and, when it never served, is deleted.
/// </summary>
internal sealed class VersionRestore(ServiceVersions versions, VersionScaling scaling, VersionSteadyState steady, IDeploymentLog log)
{
    /// <param name="counts">The old versions and the counts to give them back.</param>
    /// <param name="newVersion">The version being rolled back; null when there is none left.</param>
    /// <param name="deleteNew">True when the new version never served (a failed deployment): it is deleted, not kept at 0.</param>
    public async Task<RestoreResult> RestoreAsync(string cluster, IReadOnlyList<VersionCount> counts, IReadOnlyList<ScalingBackup> backups, string? newVersion, bool deleteNew, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentNullException.ThrowIfNull(backups);
        var problems = new List<string>();
        foreach (var count in counts)
        {
            await Try(problems, $"resize {count.Name} to {count.Count}", () => versions.ResizeAsync(cluster, count.Name, count.Count, cancellationToken)).ConfigureAwait(false);
        }

        foreach (var count in counts.Where(c => c.Count > 0))
        {
            var result = await steady.WaitAsync(cluster, count.Name, count.Count, cancellationToken).ConfigureAwait(false);
            if (!result.Steady)
            {
                problems.Add($"{count.Name} is not steady at {count.Count} task(s): {result.Detail}");
            }
        }

        foreach (var backup in backups)
        {
            await Try(problems, $"restore the auto scaling of {backup.ServiceName}", () => scaling.RestoreAsync(cluster, backup.ServiceName, backup, cancellationToken)).ConfigureAwait(false);
        }

        if (newVersion is not null && problems.Count > 0)
        {
            // The old versions are not back: the new one keeps its tasks, so that something still serves.
            problems.Add($"{newVersion} was left as it is, so that the service keeps its tasks");
        }
        else if (newVersion is not null)
        {
            await Try(problems, $"remove the auto scaling of {newVersion}", () => RemoveScalingIfAnyAsync(cluster, newVersion, cancellationToken)).ConfigureAwait(false);
            await Try(problems, $"{(deleteNew ? "delete" : "downsize")} {newVersion}", () => deleteNew
                ? versions.DeleteAsync(cluster, newVersion, cancellationToken)
                : versions.ResizeAsync(cluster, newVersion, 0, cancellationToken)).ConfigureAwait(false);
            if (!deleteNew && problems.Count == 0 && await steady.WaitAsync(cluster, newVersion, 0, cancellationToken).ConfigureAwait(false) is { Steady: false } drained)
            {
                problems.Add($"{newVersion} did not stop its tasks: {drained.Detail}");
            }
        }

        var restored = new RestoreResult(problems.Count == 0, problems, counts);
        log.Info(restored.Restored
            ? $"EcsBuildTasks: rolled back: {restored.Describe()}{(newVersion is null ? string.Empty : $"; {newVersion} {(deleteNew ? "deleted" : "at 0")}")}"
            : $"EcsBuildTasks: the rollback did not complete: {string.Join("; ", problems)}");
        return restored;
    }

    private async Task RemoveScalingIfAnyAsync(string cluster, string serviceName, CancellationToken cancellationToken)
    {
        if (await scaling.BackupAsync(cluster, serviceName, cancellationToken).ConfigureAwait(false) is not null)
        {
            await scaling.RemoveAsync(cluster, serviceName, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task Try(List<string> problems, string what, Func<Task> step)
    {
        try
        {
            await step().ConfigureAwait(false);
        }
        catch (DeploymentException ex)
        {
            // A rollback goes on past one failed step: each version it can restore is one the user does not lose.
            problems.Add($"could not {what}: {ex.Message}");
        }
    }
}
