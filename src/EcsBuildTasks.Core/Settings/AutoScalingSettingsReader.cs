using System.Globalization;
using System.Text.RegularExpressions;
using EcsBuildTasks.Core.Diagnostics;

namespace EcsBuildTasks.Core.Settings;

/// <summary>Reads the auto scaling capacity, <c>EcsScalingPolicy</c> and <c>EcsScheduledScaling</c> items.</summary>
internal static partial class AutoScalingSettingsReader
{
    public static AutoScalingSettings? Read(SettingsValues values)
    {
        var min = values.Int(EcsProperties.AutoScalingMinCapacity, int.MinValue, int.MaxValue);
        var max = values.Int(EcsProperties.AutoScalingMaxCapacity, int.MinValue, int.MaxValue);
        var prune = values.Bool(EcsProperties.PruneScalingPolicies);
        var policyItems = values.Items(EcsProperties.ScalingPolicyItem);
        var actionItems = values.Items(EcsProperties.ScheduledScalingItem);
        var minSet = values.Get(EcsProperties.AutoScalingMinCapacity) is not null;
        var maxSet = values.Get(EcsProperties.AutoScalingMaxCapacity) is not null;
        if (!minSet && !maxSet && policyItems.Count == 0 && actionItems.Count == 0 && prune is null)
        {
            return null;
        }

        var valid = true;
        if (minSet != maxSet || (!minSet && (policyItems.Count > 0 || actionItems.Count > 0 || prune == true)))
        {
            var subject = minSet ? EcsProperties.AutoScalingMaxCapacity : EcsProperties.AutoScalingMinCapacity;
            valid = values.Error(DiagnosticCodes.AutoScalingCapacityInvalid, subject,
                $"Auto scaling needs both {EcsProperties.AutoScalingMinCapacity} and {EcsProperties.AutoScalingMaxCapacity} (the scalable target's capacity); {subject} is not set.");
        }
        else if (min is { } low && max is { } high && (low < 0 || high < low))
        {
            valid = values.Error(DiagnosticCodes.AutoScalingCapacityInvalid, low < 0 ? EcsProperties.AutoScalingMinCapacity : EcsProperties.AutoScalingMaxCapacity,
                $"{EcsProperties.AutoScalingMinCapacity}={low} and {EcsProperties.AutoScalingMaxCapacity}={high}: the minimum must be 0 or more and the maximum at least the minimum.");
        }

        var policies = new List<ScalingPolicySetting>();
        foreach (var item in policyItems)
        {
            if (ReadPolicy(values, item, policies) is { } policy)
            {
                policies.Add(policy);
            }
            else
            {
                valid = false;
            }
        }

        var actions = new List<ScheduledScalingSetting>();
        foreach (var item in actionItems)
        {
            if (ReadScheduledAction(values, item, actions) is { } action)
            {
                actions.Add(action);
            }
            else
            {
                valid = false;
            }
        }

        return valid ? new AutoScalingSettings { MinCapacity = min, MaxCapacity = max, Policies = policies, ScheduledActions = actions, Prune = prune ?? false } : null;
    }

    private static ScalingPolicySetting? ReadPolicy(SettingsValues values, ItemInput item, List<ScalingPolicySetting> existing)
    {
        var subject = $"{EcsProperties.ScalingPolicyItem} '{item.Include}'";
        var valid = true;
        if (!PolicyName().IsMatch(item.Include))
        {
            valid = values.Error(DiagnosticCodes.ScalingPolicyInvalid, subject, $"{subject}: the policy name must be 1–256 printable characters.");
        }

        if (existing.Exists(p => p.Name == item.Include))
        {
            values.Error(DiagnosticCodes.DuplicateItem, subject, $"{subject} is defined more than once.");
            return null;
        }

        var metricText = item.Get("Metric");
        ScalingMetric? metric = metricText?.ToUpperInvariant() switch
        {
            "CPU" or "ECSSERVICEAVERAGECPUUTILIZATION" => ScalingMetric.Cpu,
            "MEMORY" or "ECSSERVICEAVERAGEMEMORYUTILIZATION" => ScalingMetric.Memory,
            "REQUESTCOUNT" or "ALBREQUESTCOUNTPERTARGET" => ScalingMetric.RequestCount,
            _ => null,
        };
        if (metric is null)
        {
            valid = values.Error(DiagnosticCodes.ScalingPolicyInvalid, subject, $"{subject} has Metric='{metricText}'; use CPU, Memory or RequestCount (ALB requests per target).");
        }

        var targetText = item.Get("TargetValue");
        double target = 0;
        var percent = metric is ScalingMetric.Cpu or ScalingMetric.Memory;
        if (targetText is null || !double.TryParse(targetText, NumberStyles.Float, CultureInfo.InvariantCulture, out target) || !double.IsFinite(target) || target <= 0 || (percent && target > 100))
        {
            valid = values.Error(DiagnosticCodes.ScalingPolicyInvalid, subject,
                $"{subject} has TargetValue='{targetText}'; it needs a number above 0{(percent ? " and at most 100 (percent utilization)" : " (requests per target)")}.");
        }

        var scaleIn = values.MetadataInt(item, subject, "ScaleInCooldown", 0, 86_400, DiagnosticCodes.ScalingPolicyInvalid, ref valid);
        var scaleOut = values.MetadataInt(item, subject, "ScaleOutCooldown", 0, 86_400, DiagnosticCodes.ScalingPolicyInvalid, ref valid);
        bool? disableScaleIn = null;
        if (item.Get("DisableScaleIn") is { } disableText)
        {
            if (bool.TryParse(disableText, out var disable))
            {
                disableScaleIn = disable;
            }
            else
            {
                valid = values.Error(DiagnosticCodes.ScalingPolicyInvalid, subject, $"{subject} has DisableScaleIn='{disableText}'; use true or false.");
            }
        }

        var targetGroup = item.Get("TargetGroupArn");
        if (targetGroup is not null && !TargetGroupArn().IsMatch(targetGroup))
        {
            valid = values.Error(DiagnosticCodes.ScalingPolicyTargetGroupMissing, subject, $"{subject} has TargetGroupArn='{targetGroup}', which is not a target group ARN.");
        }

        return valid ? new ScalingPolicySetting(item.Include, metric!.Value, target, scaleIn, scaleOut, disableScaleIn, targetGroup) : null;
    }

    private static ScheduledScalingSetting? ReadScheduledAction(SettingsValues values, ItemInput item, List<ScheduledScalingSetting> existing)
    {
        var subject = $"{EcsProperties.ScheduledScalingItem} '{item.Include}'";
        var valid = true;
        if (!ScheduledActionName().IsMatch(item.Include))
        {
            valid = values.Error(DiagnosticCodes.ScheduledScalingInvalid, subject, $"{subject}: the name must be 1–256 characters without ':', '/', '|' or surrounding spaces.");
        }

        if (existing.Exists(a => a.Name == item.Include))
        {
            values.Error(DiagnosticCodes.DuplicateItem, subject, $"{subject} is defined more than once.");
            return null;
        }

        var schedule = item.Get("Schedule");
        if (schedule is null || !Schedule().IsMatch(schedule))
        {
            valid = values.Error(DiagnosticCodes.ScheduledScalingInvalid, subject,
                $"{subject} has Schedule='{schedule}'; use cron(minutes hours day-of-month month day-of-week year), rate(value unit) or at(yyyy-mm-ddThh:mm:ss).");
        }

        var timezone = item.Get("Timezone");
        if (timezone is not null && !TimeZoneName().IsMatch(timezone))
        {
            valid = values.Error(DiagnosticCodes.ScheduledScalingInvalid, subject, $"{subject} has Timezone='{timezone}', which is not an IANA time zone name (e.g. Europe/Berlin or UTC).");
        }

        var min = values.MetadataInt(item, subject, "MinCapacity", 0, int.MaxValue, DiagnosticCodes.ScheduledScalingInvalid, ref valid);
        var max = values.MetadataInt(item, subject, "MaxCapacity", 0, int.MaxValue, DiagnosticCodes.ScheduledScalingInvalid, ref valid);
        if (valid && min is null && max is null)
        {
            valid = values.Error(DiagnosticCodes.ScheduledScalingInvalid, subject, $"{subject} needs MinCapacity, MaxCapacity or both: what the schedule sets.");
        }
        else if (min is { } low && max is { } high && high < low)
        {
            valid = values.Error(DiagnosticCodes.ScheduledScalingInvalid, subject, $"{subject} has MinCapacity={low} above MaxCapacity={high}.");
        }

        return valid ? new ScheduledScalingSetting(item.Include, schedule!, timezone, min, max) : null;
    }

    [GeneratedRegex(@"^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:targetgroup/[a-zA-Z0-9-]{1,32}/[0-9a-f]{16}$")]
    private static partial Regex TargetGroupArn();

    /// <summary>Application Auto Scaling's schedule expressions.</summary>
    [GeneratedRegex(@"^(at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\)|rate\([1-9]\d* (minute|minutes|hour|hours|day|days)\)|cron\(\S+( \S+){5}\))$")]
    private static partial Regex Schedule();

    /// <summary>IANA time zone names (Europe/Berlin, America/Argentina/Buenos_Aires, UTC, Etc/GMT+5).</summary>
    [GeneratedRegex(@"^([A-Za-z_]+(/[A-Za-z0-9_+-]+){0,2}|UTC)$")]
    private static partial Regex TimeZoneName();

    /// <summary>Scheduled action names: no ':', '/' or '|', no control characters, no leading or trailing space.</summary>
    [GeneratedRegex(@"^(?! )[^\u0000-\u001f\u007f-\u009f:/|]{1,256}(?<! )$")]
    private static partial Regex ScheduledActionName();

    [GeneratedRegex(@"^\P{C}{1,256}$")]
    private static partial Regex PolicyName();
}
