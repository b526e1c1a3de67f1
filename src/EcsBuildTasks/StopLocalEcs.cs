using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Local;
using Microsoft.Build.Framework;
using MSBuildTask = Microsoft.Build.Utilities.Task;

namespace EcsBuildTasks;

/// <summary>
/// At the end of a project's deployment: says what becomes of LocalEcs (it stops when this publish ends, or keeps
/// running for the other builds named, or was started by hand and is left running). The build's lease is released
/// when the build ends; in a task host, which ends with the task, this project's lease is released here.
/// </summary>
public sealed class StopLocalEcs : MSBuildTask
{
    [Required]
    public string EndpointUrl { get; set; } = string.Empty;

    [Required]
    public string LeaseId { get; set; } = string.Empty;

    public override bool Execute()
    {
        var launcher = new LocalEcsLauncher(new TaskLog(this), TimeProvider.System);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            var heldForTheBuild = BuildEngine4.GetRegisteredTaskObject(LocalEcsBuildLease.Key(EndpointUrl), RegisteredTaskObjectLifetime.Build) is LocalEcsBuildLease held && held.LeaseId == LeaseId;
            var work = heldForTheBuild ? launcher.ReportAsync(EndpointUrl, LeaseId, timeout.Token) : launcher.ReleaseAsync(EndpointUrl, LeaseId, timeout.Token);
            work.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            Log.LogMessage(MessageImportance.High, $"EcsBuildTasks: LocalEcs at {EndpointUrl} did not answer; this build's lease ends when its process exits");
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
