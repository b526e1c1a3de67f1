using System.Text.Json;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Features.EcsServices;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Strategies.EcsTrafficShifting;

/// <summary>How a traffic-shifting deployment moves production traffic.</summary>
internal enum TrafficShift
{
    /// <summary>All at once (<c>BLUE_GREEN</c>).</summary>
    BlueGreen,

    /// <summary>A canary share first, the rest later (<c>CANARY</c>).</summary>
    Canary,

    /// <summary>In equal steps (<c>LINEAR</c>).</summary>
    Linear,
}

/// <summary>
/// Writes BlueGreen, Canary and Linear into the service definition: the bake times, the canary or linear steps, the
/// lifecycle hooks (the project's and the PAUSE hook of the build's verification gates), the verification alarms and
/// <c>loadBalancers[].advancedConfiguration</c>. Every value the strategy uses is written, defaults included, because
/// ECS merges an UpdateService's deployment configuration over the current one: a value left out would linger from an
/// earlier deployment.
/// </summary>
internal static class TrafficShiftingDefinitions
{
    /// <summary>
    /// The gate's PAUSE hook gives up (and ECS rolls back) this long after the gate's own timeout: long enough for the
    /// build's polling and its ContinueServiceDeployment call, short enough that a build that died mid-gate does not
    /// leave the deployment waiting for a day.
    /// </summary>
    public const int GateHookGraceMinutes = 60;

    /// <summary>The lifecycle stages the build's verification gates pause at for these settings (none when there are no gates).</summary>
    public static IReadOnlyList<string> GateStages(EcsSettings settings, TrafficShift shift)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!settings.TrafficShifting.Verification.Enabled)
        {
            return [];
        }

        return settings.TrafficShifting.Verification.EachStep && shift != TrafficShift.BlueGreen
            ? [GateHooks.TestGateStage, GateHooks.StepGateStage, GateHooks.FinalGateStage]
            : [GateHooks.TestGateStage];
    }

    public static int GateHookTimeoutMinutes(VerificationSettings verification)
    {
        ArgumentNullException.ThrowIfNull(verification);
        return (int)Math.Ceiling(verification.TimeoutSeconds / 60.0) + GateHookGraceMinutes;
    }

    public static void Apply(EcsSettings settings, TrafficShift shift, CreateServiceRequest request)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(request);
        var traffic = settings.TrafficShifting;
        var configuration = request.DeploymentConfiguration ??= new DeploymentConfiguration();
        configuration.BakeTimeInMinutes = traffic.BakeTimeMinutes ?? configuration.BakeTimeInMinutes ?? TrafficShiftingSettings.DefaultBakeTimeMinutes;
        if (shift == TrafficShift.Canary)
        {
            var canary = configuration.CanaryConfiguration ?? new CanaryConfiguration();
            canary.CanaryPercent = traffic.CanaryPercent ?? canary.CanaryPercent ?? TrafficShiftingSettings.DefaultCanaryPercent;
            canary.CanaryBakeTimeInMinutes = traffic.CanaryBakeTimeMinutes ?? canary.CanaryBakeTimeInMinutes ?? TrafficShiftingSettings.DefaultCanaryBakeTimeMinutes;
            configuration.CanaryConfiguration = canary;
        }

        if (shift == TrafficShift.Linear)
        {
            var linear = configuration.LinearConfiguration ?? new LinearConfiguration();
            linear.StepPercent = traffic.LinearStepPercent ?? linear.StepPercent ?? TrafficShiftingSettings.DefaultLinearStepPercent;
            linear.StepBakeTimeInMinutes = traffic.LinearStepBakeTimeMinutes ?? linear.StepBakeTimeInMinutes ?? TrafficShiftingSettings.DefaultLinearStepBakeTimeMinutes;
            configuration.LinearConfiguration = linear;
        }

        configuration.LifecycleHooks = BuildHooks(settings, shift, configuration.LifecycleHooks);
        if (traffic.Verification.Alarms.Count > 0)
        {
            // ECS watches these too, through the bake time, when the build is not gating.
            var alarms = configuration.Alarms ?? new DeploymentAlarms { AlarmNames = [], Enable = true, Rollback = settings.AlarmRollback ?? true };
            alarms.AlarmNames = [.. (alarms.AlarmNames ?? []).Concat(traffic.Verification.Alarms).Distinct(StringComparer.Ordinal)];
            alarms.Enable = true;
            configuration.Alarms = alarms;
        }

        ApplyLoadBalancer(settings, request.LoadBalancers);
    }

    private static List<DeploymentLifecycleHook>? BuildHooks(EcsSettings settings, TrafficShift shift, List<DeploymentLifecycleHook>? fromTemplate)
    {
        var traffic = settings.TrafficShifting;
        var hooks = traffic.LifecycleHooks.Count > 0
            ? traffic.LifecycleHooks.Select(ToHook).ToList()
            : (fromTemplate ?? []).Where(h => !GateHooks.IsGateHook(h)).ToList();
        var gateStages = GateStages(settings, shift);
        if (gateStages.Count > 0)
        {
            var marker = new HookDetails();
            marker.Members[GateHooks.MarkerName] = Element(JsonSerializer.Serialize(GateHooks.MarkerValue, MarkerJsonContext.Default.String));
            hooks.Add(new DeploymentLifecycleHook
            {
                TargetType = "PAUSE",
                LifecycleStages = [.. gateStages],
                HookDetails = marker,
                TimeoutConfiguration = new DeploymentLifecycleHookTimeoutConfiguration
                {
                    TimeoutInMinutes = GateHookTimeoutMinutes(traffic.Verification),
                    Action = "ROLLBACK",
                },
            });
        }

        return hooks.Count > 0 || fromTemplate is not null ? hooks : null;
    }

    private static DeploymentLifecycleHook ToHook(LifecycleHookSetting hook)
    {
        HookDetails? details = null;
        if (hook.Details is { } json)
        {
            details = new HookDetails();
            foreach (var (name, value) in json)
            {
                details.Members[name] = Element(value?.ToJsonString() ?? "null");
            }
        }

        return new DeploymentLifecycleHook
        {
            TargetType = hook.IsPause ? "PAUSE" : "AWS_LAMBDA",
            HookTargetArn = hook.IsPause ? null : hook.Target,
            RoleArn = hook.RoleArn,
            LifecycleStages = [.. hook.Stages],
            HookDetails = details,
            TimeoutConfiguration = hook.TimeoutMinutes is null && hook.TimeoutAction is null
                ? null
                : new DeploymentLifecycleHookTimeoutConfiguration { TimeoutInMinutes = hook.TimeoutMinutes, Action = hook.TimeoutAction is { } action ? Aws.ECS.DeploymentLifecycleHookAction.FindValue(action) : null },
        };
    }

    private static JsonElement Element(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static void ApplyLoadBalancer(EcsSettings settings, List<LoadBalancer>? loadBalancers)
    {
        var traffic = settings.TrafficShifting;
        var entry = loadBalancers?.Find(lb => settings.TargetGroupArn is not null && lb.TargetGroupArn == settings.TargetGroupArn) ?? loadBalancers?.FirstOrDefault();
        if (entry is null || !(traffic.HasWiring || entry.AdvancedConfiguration is not null))
        {
            return;
        }

        var advanced = entry.AdvancedConfiguration ?? new AdvancedConfiguration();
        advanced.AlternateTargetGroupArn = traffic.AlternateTargetGroupArn ?? advanced.AlternateTargetGroupArn;
        advanced.ProductionListenerRule = traffic.ProductionListenerRuleArn ?? advanced.ProductionListenerRule;
        advanced.TestListenerRule = traffic.TestListenerRuleArn ?? advanced.TestListenerRule;
        advanced.RoleArn = traffic.InfrastructureRoleArn ?? advanced.RoleArn;
        entry.AdvancedConfiguration = advanced;
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class MarkerJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
