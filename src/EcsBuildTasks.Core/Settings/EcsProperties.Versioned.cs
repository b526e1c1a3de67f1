namespace EcsBuildTasks.Core.Settings;

internal static partial class EcsProperties
{
    public const string PhaseItem = "EcsPhase";
    public const string ResizeStrategy = "EcsResizeStrategy";
    public const string KeepVersions = "EcsKeepVersions";
    public const string DownsizeOldService = "EcsDownsizeOldService";
    public const string DownsizeDelaySeconds = "EcsDownsizeDelaySeconds";

    /// <summary>Versioned services (Versioned, VersionedBlueGreen).</summary>
    private static SettingInfo[] VersionedProperties =>
    [
        P(ResizeStrategy, "Versioned: `ResizeNewFirst` (each phase starts the new version's tasks, then stops old ones) or `DownsizeOldFirst`.", "`ResizeNewFirst`"),
        P(KeepVersions, "Versioned, VersionedBlueGreen, DnsBlueGreen: old versions kept at 0 tasks for an instant rollback (1 or more); older ones are deleted.", "`3`"),
        P(DownsizeOldService, "VersionedBlueGreen: after the swap, scale the old version to 0 (`false` keeps it running, so that a rollback is only a listener change). DnsBlueGreen: after the last weight step, scale the old version to 0, only once its weight is 0 (`false` keeps it running for a rollback that is only a weight change).", "`true`"),
        P(DownsizeDelaySeconds, "VersionedBlueGreen: seconds between the swap and downsizing the old version (connection draining; 0–3600).", "`0`"),
        I(PhaseItem, "Versioned: one phase, in order: `Include`=name, `Count` (tasks) or `Percent` (1–100, of the target count) of the new version; optional gate after it: `VerifyUrl` (`;`-separated), `VerifyAlarm` (`;`-separated alarm names), `PauseMinutes` (0–1440). The last phase must reach 100%.", "one phase, 100%"),
    ];
}
