namespace EcsBuildTasks.Core.Settings;

internal static partial class EcsProperties
{
    public const string AutoScalingMinCapacity = "EcsAutoScalingMinCapacity";
    public const string AutoScalingMaxCapacity = "EcsAutoScalingMaxCapacity";
    public const string PruneScalingPolicies = "EcsPruneScalingPolicies";
    public const string ScalingPolicyItem = "EcsScalingPolicy";
    public const string ScheduledScalingItem = "EcsScheduledScaling";

    /// <summary>Application Auto Scaling.</summary>
    private static SettingInfo[] AutoScalingProperties =>
    [
        P(AutoScalingMinCapacity, "Minimum task count of Application Auto Scaling (with `EcsAutoScalingMaxCapacity`): the scalable target is created or updated after the deployment.", "no auto scaling managed"),
        P(AutoScalingMaxCapacity, "Maximum task count of Application Auto Scaling.", "no auto scaling managed"),
        P(PruneScalingPolicies, "Deletes scaling policies and scheduled actions of the service that the project no longer names.", "`false`"),
        I(ScalingPolicyItem, "Target tracking policy: `Include`=policy name, `Metric` (`CPU`, `Memory` or `RequestCount` per target of `TargetGroupArn`, default `EcsTargetGroupArn`), `TargetValue`, `ScaleInCooldown`, `ScaleOutCooldown` (seconds), `DisableScaleIn`.", "none"),
        I(ScheduledScalingItem, "Scheduled action: `Include`=name, `Schedule` (`cron(...)`, `rate(...)` or `at(...)`), `Timezone` (IANA, default UTC), `MinCapacity`, `MaxCapacity`.", "none"),
    ];
}
