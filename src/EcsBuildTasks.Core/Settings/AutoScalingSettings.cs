namespace EcsBuildTasks.Core.Settings;

/// <summary>The predefined metrics a target tracking policy can follow.</summary>
internal enum ScalingMetric
{
    Cpu,
    Memory,
    RequestCount,
}

internal sealed record ScalingPolicySetting(
    string Name,
    ScalingMetric Metric,
    double TargetValue,
    int? ScaleInCooldown,
    int? ScaleOutCooldown,
    bool? DisableScaleIn,
    string? TargetGroupArn);

internal sealed record ScheduledScalingSetting(string Name, string Schedule, string? Timezone, int? MinCapacity, int? MaxCapacity);

internal sealed record AutoScalingSettings
{
    public int? MinCapacity { get; init; }

    public int? MaxCapacity { get; init; }

    public IReadOnlyList<ScalingPolicySetting> Policies { get; init; } = [];

    public IReadOnlyList<ScheduledScalingSetting> ScheduledActions { get; init; } = [];

    public bool Prune { get; init; }
}
