namespace EcsBuildTasks.Core.Settings;

public static partial class EcsProperties
{
    /// <summary>Service discovery (Cloud Map), Service Connect, auto scaling and one-off tasks.</summary>
    private static SettingInfo[] PlatformSettings => [];
}
