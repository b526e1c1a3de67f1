using EcsBuildTasks.Core.Local;
using Microsoft.Build.Framework;
using MSBuildTask = Microsoft.Build.Utilities.Task;

namespace EcsBuildTasks;

/// <summary>Stops the LocalEcs this build started (it saves its state file first).</summary>
public sealed class StopLocalEcs : MSBuildTask
{
    [Required]
    public int ProcessId { get; set; }

    public override bool Execute()
    {
        if (ProcessId > 0)
        {
            LocalEcsLauncher.Stop(ProcessId);
            Log.LogMessage(MessageImportance.High, "EcsBuildTasks: stopped the LocalEcs this publish started (its state is kept for the next one)");
        }

        return true;
    }
}
