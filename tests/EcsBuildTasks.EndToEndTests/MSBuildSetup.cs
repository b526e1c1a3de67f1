using Microsoft.Build.Locator;

namespace EcsBuildTasks.EndToEndTests;

[TestClass]
public static class MSBuildSetup
{
    /// <summary>Points Microsoft.Build at the SDK's MSBuild before any MSBuild type is loaded.</summary>
    [AssemblyInitialize]
    public static void RegisterMSBuild(TestContext context)
    {
        _ = context;
        if (!MSBuildLocator.IsRegistered)
        {
            MSBuildLocator.RegisterDefaults();
        }
    }
}
