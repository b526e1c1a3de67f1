using System.Globalization;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Features.EcsServices;
using EcsBuildTasks.Core.Features.LoadBalancing;
using EcsBuildTasks.Core.Features.Plan;
using EcsBuildTasks.Core.Settings;
using EcsBuildTasks.Core.Strategies.InPlace;

namespace EcsBuildTasks.Core.Strategies.EcsTrafficShifting;

/// <summary>
/// What a BlueGreen, Canary or Linear deployment of a service definition will do: the plan's lines and the waits the
/// configuration asks for.
/// </summary>
internal static class TrafficShiftingPlan
{
    /// <summary>
    /// The configured steps: green scaled up and tested at 0% of production, each production shift held for the
    /// canary's or a linear step's bake, then the bake time at 100% before blue goes.
    /// </summary>
    public static IReadOnlyList<PlannedStep> Steps(GeneratedDefinitions definitions, TrafficShift shift)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var configuration = definitions.Service.DeploymentConfiguration;
        var steps = new List<PlannedStep> { new("scale up green, test traffic", 0, 0) };
        var weights = ServiceDeploymentStages.ProductionSteps(configuration);
        for (var i = 0; i < weights.Count - 1; i++)
        {
            var hold = shift == TrafficShift.Canary
                ? configuration?.CanaryConfiguration?.CanaryBakeTimeInMinutes ?? TrafficShiftingSettings.DefaultCanaryBakeTimeMinutes
                : configuration?.LinearConfiguration?.StepBakeTimeInMinutes ?? TrafficShiftingSettings.DefaultLinearStepBakeTimeMinutes;
            steps.Add(new PlannedStep(string.Create(CultureInfo.InvariantCulture, $"production step {i + 1}/{weights.Count}"), hold, weights[i]));
        }

        steps.Add(new PlannedStep("bake time, blue kept for an instant rollback", configuration?.BakeTimeInMinutes ?? 0, 100));
        steps.Add(new PlannedStep("clean up blue", 0, 100));
        return steps;
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
        var steps = ServiceDeploymentStages.ProductionSteps(configuration).Count;
        minutes += configuration.Strategy.Value switch
        {
            "CANARY" when steps > 1 => configuration.CanaryConfiguration?.CanaryBakeTimeInMinutes ?? TrafficShiftingSettings.DefaultCanaryBakeTimeMinutes,
            "LINEAR" => (steps - 1) * (configuration.LinearConfiguration?.StepBakeTimeInMinutes ?? TrafficShiftingSettings.DefaultLinearStepBakeTimeMinutes),
            _ => 0,
        };
        return TimeSpan.FromMinutes(minutes) + (gates * TimeSpan.FromSeconds(verification.TimeoutSeconds));
    }

    /// <summary>How many times the build's gates will run: once after test traffic, and with EcsVerifyEachStep after each production step.</summary>
    public static int GateCount(EcsSettings settings, TrafficShift shift, DeploymentConfiguration? configuration)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var stages = TrafficShiftingDefinitions.GateStages(settings, shift);
        return stages.Count == 0 ? 0 : stages.Count == 1 ? 1 : ServiceDeploymentStages.ProductionSteps(configuration).Count + 1;
    }

    public static IReadOnlyList<string> Lines(GeneratedDefinitions definitions, TrafficShift shift)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var settings = definitions.Settings;
        var inv = CultureInfo.InvariantCulture;
        var configuration = definitions.Service.DeploymentConfiguration;
        var lines = new List<string>();
        var steps = ServiceDeploymentStages.ProductionSteps(configuration);
        var movement = configuration?.Strategy?.Value switch
        {
            "CANARY" => string.Create(inv, $"{steps[0]:0.#}% of production to green, {configuration.CanaryConfiguration?.CanaryBakeTimeInMinutes} min later the rest"),
            "LINEAR" => string.Create(inv, $"{configuration.LinearConfiguration?.StepPercent:0.#}% more production to green every {configuration.LinearConfiguration?.StepBakeTimeInMinutes} min ({steps.Count} steps)"),
            _ => "all production traffic to green at once",
        };
        lines.Add(string.Create(inv, $"  Shifting    {movement}; blue kept {configuration?.BakeTimeInMinutes} min after (bake time)"));
        foreach (var balancer in definitions.Service.LoadBalancers ?? [])
        {
            if (balancer.AdvancedConfiguration is { } advanced)
            {
                lines.Add($"  Wiring      target groups {ElbArns.ShortName(balancer.TargetGroupArn)} / {ElbArns.ShortName(advanced.AlternateTargetGroupArn)}; production rule {advanced.ProductionListenerRule}; test rule {advanced.TestListenerRule ?? "none"}; role {advanced.RoleArn}");
            }
        }

        foreach (var hook in configuration?.LifecycleHooks ?? [])
        {
            var timeout = hook.TimeoutConfiguration is { } t ? string.Create(inv, $" (timeout {t.TimeoutInMinutes ?? 1440} min, then {t.Action?.Value ?? "ROLLBACK"})") : string.Empty;
            var what = GateHooks.IsGateHook(hook) ? "PAUSE for the verification gates" : hook.TargetType?.Value == "PAUSE" ? "PAUSE" : $"Lambda {hook.HookTargetArn}";
            lines.Add($"  Hook        {what} at {string.Join(", ", hook.LifecycleStages ?? [])}{timeout}");
        }

        var verification = settings.TrafficShifting.Verification;
        if (verification.Enabled)
        {
            var checks = verification.Urls.Select(u => $"GET {u} ({verification.ExpectedStatus})").Concat(verification.Alarms.Select(a => $"alarm {a} OK"));
            lines.Add(string.Create(inv, $"  Gates       at {string.Join(", ", TrafficShiftingDefinitions.GateStages(settings, shift))}: {string.Join("; ", checks)}; {verification.Successes} in a row every {verification.IntervalSeconds} s; rollback after {verification.TimeoutSeconds} s"));
        }

        return lines;
    }
}
