using MSBuildTask = Microsoft.Build.Utilities.Task;

namespace EcsBuildTasks;

/// <summary>Removes the push credentials from the environment after <c>PublishContainer</c>, on failure too.</summary>
public sealed class ClearEcsRegistryCredentials : MSBuildTask
{
    public override bool Execute()
    {
        RegistryCredentialHandoff.Clear();
        return true;
    }
}
