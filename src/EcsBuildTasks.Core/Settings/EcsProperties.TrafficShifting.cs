namespace EcsBuildTasks.Core.Settings;

public static partial class EcsProperties
{
    /// <summary>Blue/green, canary and linear deployments and their verification gates.</summary>
    private static SettingInfo[] TrafficShiftingSettings => [];
}
