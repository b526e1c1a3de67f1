using System.Runtime.CompilerServices;
using Microsoft.Build.Locator;

namespace EcsBuildTasks.EndToEndTests;

internal static class MSBuildSetup
{
    /// <summary>
    /// Points Microsoft.Build at the SDK's MSBuild before any MSBuild type is loaded. A module initializer, not
    /// [AssemblyInitialize]: test discovery already loads the types that implement MSBuild interfaces.
    /// </summary>
#pragma warning disable CA2255 // The test assembly is the application here; this is the documented MSBuildLocator pattern.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void RegisterMSBuild()
    {
        if (!MSBuildLocator.IsRegistered)
        {
            MSBuildLocator.RegisterDefaults();
        }
    }
}
