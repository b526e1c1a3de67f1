using System.Globalization;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Definitions;

/// <summary>
/// What a BlueGreen, Canary or Linear deployment of a service definition will do: the plan's lines, the production
/// traffic steps, the waits the configuration asks for, and the lifecycle stages in the order ECS runs them.
/// </summary>
public static class TrafficShiftingPlan
{
    /// <summary>The production traffic on green after each step, in percent (BlueGreen: one step to 100).</summary>
    public static IReadOnlyList<double> ProductionSteps(DeploymentConfiguration? configuration)
    {
        switch (configuration?.Strategy?.Value)
        {
            case "CANARY":
                var canary = configuration.CanaryConfiguration?.CanaryPercent ?? TrafficShiftingSettings.DefaultCanaryPercent;
                return canary >= 100 ? [100] : [canary, 100];
            case "LINEAR":
                var step = configuration.LinearConfiguration?.StepPercent ?? TrafficShiftingSettings.DefaultLinearStepPercent;
                var steps = new List<double>();
                for (var weight = step; weight < 100 - 1e-9; weight += step)
                {
                    steps.Add(Math.Round(weight, 1));
                }

                steps.Add(100);
                return steps;
            default:
                return [100];
        }
    }

    /// <summary>
    /// The time the configuration itself asks for: the bake time, the canary bake or the linear step bakes (not after
    /// the last step), and the worst case of the build's verification gates. The build waits this long on top of
    /// <c>EcsTimeoutMinutes</c> before it gives up.
    /// </summary>
    public static TimeSpan ConfiguredWaits(DeploymentConfiguration? configuration, int gates, VerificationSettings verification)
    {
        ArgumentNullException.ThrowIfNull(verification);
        if (configuration?.Strategy?.Value is not ("BLUE_GREEN" or "CANARY" or "LINEAR"))
        {
            return TimeSpan.Zero;
        }

        var minutes = (double)(configuration.BakeTimeInMinutes ?? 0);
        var steps = ProductionSteps(configuration).Count;
        minutes += configuration.Strategy.Value switch
        {
            "CANARY" when steps > 1 => configuration.CanaryConfiguration?.CanaryBakeTimeInMinutes ?? TrafficShiftingSettings.DefaultCanaryBakeTimeMinutes,
            "LINEAR" => (steps - 1) * (configuration.LinearConfiguration?.StepBakeTimeInMinutes ?? TrafficShiftingSettings.DefaultLinearStepBakeTimeMinutes),
            _ => 0,
        };
        return TimeSpan.FromMinutes(minutes) + (gates * TimeSpan.FromSeconds(verification.TimeoutSeconds));
    }

    /// <summary>How many times the build's gates will run: once after test traffic, and with EcsVerifyEachStep after each production step.</summary>
    public static int GateCount(EcsSettings settings, DeploymentConfiguration? configuration)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var stages = TrafficShiftingBuilder.GateStages(settings);
        return stages.Count == 0 ? 0 : stages.Count == 1 ? 1 : ProductionSteps(configuration).Count + 1;
    }

    /// <summary>The lifecycle stages of a deployment in the order ECS runs them (each production step repeats the shift).</summary>
    public static IReadOnlyList<string> Stages(DeploymentConfiguration? configuration)
    {
        var stages = new List<string> { "PRE_SCALE_UP", "SCALE_UP", "POST_SCALE_UP", "TEST_TRAFFIC_SHIFT", "POST_TEST_TRAFFIC_SHIFT" };
        stages.AddRange(ProductionSteps(configuration).Select(_ => "PRODUCTION_TRAFFIC_SHIFT"));
        stages.AddRange(["POST_PRODUCTION_TRAFFIC_SHIFT", "BAKE_TIME", "CLEAN_UP"]);
        return stages;
    }

    public static IReadOnlyList<string> Lines(GeneratedDefinitions definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var settings = definitions.Settings;
        if (!TrafficShiftingBuilder.IsTrafficShifting(settings.DeploymentStrategy))
        {
            return [];
        }

        var inv = CultureInfo.InvariantCulture;
        var configuration = definitions.Service.DeploymentConfiguration;
        var lines = new List<string>();
        var steps = ProductionSteps(configuration);
        var shift = configuration?.Strategy?.Value switch
        {
            "CANARY" => string.Create(inv, $"{steps[0]:0.#}% of production to green, {configuration.CanaryConfiguration?.CanaryBakeTimeInMinutes} min later the rest"),
            "LINEAR" => string.Create(inv, $"{configuration.LinearConfiguration?.StepPercent:0.#}% more production to green every {configuration.LinearConfiguration?.StepBakeTimeInMinutes} min ({steps.Count} steps)"),
            _ => "all production traffic to green at once",
        };
        lines.Add(string.Create(inv, $"  Shifting    {shift}; blue kept {configuration?.BakeTimeInMinutes} min after (bake time)"));
        foreach (var balancer in definitions.Service.LoadBalancers ?? [])
        {
            if (balancer.AdvancedConfiguration is { } advanced)
            {
                lines.Add($"  Wiring      target groups {TrafficShiftingArns.ShortName(balancer.TargetGroupArn)} / {TrafficShiftingArns.ShortName(advanced.AlternateTargetGroupArn)}; production rule {advanced.ProductionListenerRule}; test rule {advanced.TestListenerRule ?? "none"}; role {advanced.RoleArn}");
            }
        }

        foreach (var hook in configuration?.LifecycleHooks ?? [])
        {
            var timeout = hook.TimeoutConfiguration is { } t ? string.Create(inv, $" (timeout {t.TimeoutInMinutes ?? 1440} min, then {t.Action?.Value ?? "ROLLBACK"})") : string.Empty;
            var what = TrafficShiftingBuilder.IsGateHook(hook) ? "PAUSE for the verification gates" : hook.TargetType?.Value == "PAUSE" ? "PAUSE" : $"Lambda {hook.HookTargetArn}";
            lines.Add($"  Hook        {what} at {string.Join(", ", hook.LifecycleStages ?? [])}{timeout}");
        }

        var verification = settings.TrafficShifting.Verification;
        if (verification.Enabled)
        {
            var checks = verification.Urls.Select(u => $"GET {u} ({verification.ExpectedStatus})").Concat(verification.Alarms.Select(a => $"alarm {a} OK"));
            lines.Add(string.Create(inv, $"  Gates       at {string.Join(", ", TrafficShiftingBuilder.GateStages(settings))}: {string.Join("; ", checks)}; {verification.Successes} in a row every {verification.IntervalSeconds} s; rollback after {verification.TimeoutSeconds} s"));
        }

        return lines;
    }
}
