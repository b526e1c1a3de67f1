using System.Globalization;
using System.Text.Json.Nodes;

namespace EcsBuildTasks.Core.Settings;

/// <summary>
/// Blue/green, canary and linear: what the project set for ECS's traffic shifting (null: not set) and for the build's
/// verification gates. Defaults that the package applies itself are constants here, so the builder, the validator and
/// the README agree.
/// </summary>
internal sealed record TrafficShiftingSettings
{
    /// <summary>ECS requires a bake time for BLUE_GREEN; the package sends this one when none is set (and for every strategy, so an old value never lingers).</summary>
    public const int DefaultBakeTimeMinutes = 10;

    public const double DefaultCanaryPercent = 5.0;
    public const int DefaultCanaryBakeTimeMinutes = 10;
    public const double DefaultLinearStepPercent = 10.0;
    public const int DefaultLinearStepBakeTimeMinutes = 6;

    public static TrafficShiftingSettings None { get; } = new();

    public int? BakeTimeMinutes { get; init; }

    public double? CanaryPercent { get; init; }

    public int? CanaryBakeTimeMinutes { get; init; }

    public double? LinearStepPercent { get; init; }

    public int? LinearStepBakeTimeMinutes { get; init; }

    public string? AlternateTargetGroupArn { get; init; }

    public string? ProductionListenerRuleArn { get; init; }

    public string? TestListenerRuleArn { get; init; }

    public string? InfrastructureRoleArn { get; init; }

    public IReadOnlyList<LifecycleHookSetting> LifecycleHooks { get; init; } = [];

    public VerificationSettings Verification { get; init; } = new();

    /// <summary>True when any of the load balancer wiring properties is set.</summary>
    public bool HasWiring => AlternateTargetGroupArn is not null || ProductionListenerRuleArn is not null || TestListenerRuleArn is not null || InfrastructureRoleArn is not null;
}

/// <summary>An <c>EcsLifecycleHook</c> item: a Lambda function or a PAUSE, at one or more lifecycle stages.</summary>
internal sealed record LifecycleHookSetting(string Target, IReadOnlyList<string> Stages, string? RoleArn, int? TimeoutMinutes, string? TimeoutAction, JsonObject? Details)
{
    public const string Pause = "PAUSE";

    public bool IsPause => string.Equals(Target, Pause, StringComparison.OrdinalIgnoreCase);

    /// <summary>How errors name this item: <c>EcsLifecycleHook 'PAUSE'</c>.</summary>
    public string Subject => $"{EcsProperties.LifecycleHookItem} '{Target}'";
}

/// <summary>The build's verification gates: URLs probed through the test listener and alarms that must be OK.</summary>
internal sealed record VerificationSettings
{
    public const int DefaultTimeoutSeconds = 300;
    public const int DefaultSuccesses = 3;
    public const int DefaultIntervalSeconds = 5;

    public IReadOnlyList<Uri> Urls { get; init; } = [];

    public IReadOnlyList<string> Alarms { get; init; } = [];

    public int TimeoutSeconds { get; init; } = DefaultTimeoutSeconds;

    public int Successes { get; init; } = DefaultSuccesses;

    public int IntervalSeconds { get; init; } = DefaultIntervalSeconds;

    public StatusRange ExpectedStatus { get; init; } = StatusRange.Default;

    /// <summary>Canary and linear: a gate after every production step too.</summary>
    public bool EachStep { get; init; }

    public bool Enabled => Urls.Count > 0 || Alarms.Count > 0;

    /// <summary>The shortest time a gate that passes can take: the rounds between the first and the last success.</summary>
    public TimeSpan MinimumGateTime => TimeSpan.FromSeconds((Successes - 1) * IntervalSeconds);
}

/// <summary>Accepted HTTP status codes: <c>200</c>, <c>200-299</c> or a list of either (<c>200,204</c>).</summary>
internal sealed class StatusRange
{
    private readonly (int Low, int High)[] ranges;

    private StatusRange(string text, (int Low, int High)[] ranges)
    {
        Text = text;
        this.ranges = ranges;
    }

    public static StatusRange Default { get; } = new("200-299", [(200, 299)]);

    public string Text { get; }

    public bool Matches(int status) => Array.Exists(ranges, r => status >= r.Low && status <= r.High);

    public static bool TryParse(string text, out StatusRange range)
    {
        ArgumentNullException.ThrowIfNull(text);
        range = Default;
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var parsed = new List<(int, int)>();
        foreach (var part in parts)
        {
            var bounds = part.Split('-', 2, StringSplitOptions.TrimEntries);
            if (!TryStatus(bounds[0], out var low))
            {
                return false;
            }

            var high = low;
            if (bounds.Length == 2 && (!TryStatus(bounds[1], out high) || high < low))
            {
                return false;
            }

            parsed.Add((low, high));
        }

        if (parsed.Count == 0)
        {
            return false;
        }

        range = new StatusRange(string.Join(",", parts), [.. parsed]);
        return true;
    }

    public override string ToString() => Text;

    private static bool TryStatus(string text, out int status) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out status) && status is >= 100 and <= 599;
}
