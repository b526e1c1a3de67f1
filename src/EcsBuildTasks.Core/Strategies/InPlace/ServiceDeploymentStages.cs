using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Strategies.InPlace;

/// <summary>
/// How ECS runs a service deployment of a given configuration (<c>deploymentConfiguration.strategy</c>): the production
/// traffic steps and the lifecycle stages in their order, as the follower expects to see them.
/// </summary>
internal static class ServiceDeploymentStages
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

    /// <summary>The lifecycle stages of a deployment in the order ECS runs them (each production step repeats the shift).</summary>
    public static IReadOnlyList<string> Stages(DeploymentConfiguration? configuration)
    {
        var stages = new List<string> { "PRE_SCALE_UP", "SCALE_UP", "POST_SCALE_UP", "TEST_TRAFFIC_SHIFT", "POST_TEST_TRAFFIC_SHIFT" };
        stages.AddRange(ProductionSteps(configuration).Select(_ => "PRODUCTION_TRAFFIC_SHIFT"));
        stages.AddRange(["POST_PRODUCTION_TRAFFIC_SHIFT", "BAKE_TIME", "CLEAN_UP"]);
        return stages;
    }
}
