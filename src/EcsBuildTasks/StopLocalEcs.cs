using EcsBuildTasks.Core.Deployment;
using EcsBuildTasks.Core.Diagnostics;
using Microsoft.Build.Framework;
using MSBuildTask = Microsoft.Build.Utilities.Task;

namespace EcsBuildTasks;

/// <summary>
/// Releases this build's lease on LocalEcs and says what becomes of it: a LocalEcs a build started stops when no build
/// holds a lease any more (saving its state file); one started by hand is left running.
/// </summary>
public sealed class StopLocalEcs : MSBuildTask
{
    [Required]
    public string EndpointUrl { get; set; } = string.Empty;

    [Required]
    public string LeaseId { get; set; } = string.Empty;

    public override bool Execute()
    {
        var release = BuildEngine4.UnregisterTaskObject(LocalEcsLeaseRelease.Key(LeaseId), RegisteredTaskObjectLifetime.Build) as LocalEcsLeaseRelease
            ?? new LocalEcsLeaseRelease(EndpointUrl, LeaseId);
        try
        {
            release.Release(new TaskLog(this));
        }
        catch (OperationCanceledException)
        {
            Log.LogMessage(MessageImportance.High, $"EcsBuildTasks: LocalEcs at {EndpointUrl} did not answer the release; it ends this build's lease when the build's process exits");
        }

        return true;
    }

    private sealed class TaskLog(StopLocalEcs task) : IDeploymentLog
    {
        public void Info(string message) => task.Log.LogMessage(MessageImportance.High, message);

        public void Detail(string message) => task.Log.LogMessage(MessageImportance.Low, message);

        public void Warning(EcsDiagnostic diagnostic) => task.Log.LogWarning(null, diagnostic.Code, null, null, 0, 0, 0, 0, diagnostic.Message);
    }
}
