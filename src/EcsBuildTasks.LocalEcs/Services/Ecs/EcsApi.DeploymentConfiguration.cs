using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Protocols;

namespace EcsBuildTasks.LocalEcs.Services.Ecs;

internal sealed partial class EcsApi
{
    private static readonly HashSet<string> Strategies = ["ROLLING", "BLUE_GREEN", "LINEAR", "CANARY"];
    private static readonly HashSet<string> HookStages =
    [
        "RECONCILE_SERVICE", "PRE_SCALE_UP", "POST_SCALE_UP", "TEST_TRAFFIC_SHIFT", "POST_TEST_TRAFFIC_SHIFT",
        "PRE_PRODUCTION_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT", "POST_PRODUCTION_TRAFFIC_SHIFT",
    ];

    /// <summary>
    /// Merges a requested deploymentConfiguration over the current one, fills ECS's defaults (200/100 for REPLICA,
    /// 100/0 for DAEMON, circuit breaker off, ROLLING) and applies ECS's range and combination rules.
    /// </summary>
    internal static JsonObject NormalizeDeploymentConfiguration(JsonObject? requested, JsonObject? current, string scheduling, string controller)
    {
        var configuration = (JsonObject?)current?.DeepClone() ?? [];
        foreach (var (name, value) in requested ?? [])
        {
            configuration[name] = value?.DeepClone();
        }

        var daemon = scheduling == "DAEMON";
        configuration["maximumPercent"] = configuration.Int("maximumPercent") ?? (daemon ? 100 : 200);
        configuration["minimumHealthyPercent"] = configuration.Int("minimumHealthyPercent") ?? (daemon ? 0 : 100);
        var maximum = configuration.Int("maximumPercent")!.Value;
        var minimum = configuration.Int("minimumHealthyPercent")!.Value;
        if (minimum is < 0 or > 100)
        {
            throw EcsErrors.Invalid("minimumHealthyPercent must be between 0 and 100.");
        }

        if (daemon && maximum != 100)
        {
            throw EcsErrors.Invalid("The daemon scheduling strategy requires a maximumPercent of 100.");
        }

        if (maximum is < 100 or > 200 && !daemon)
        {
            throw EcsErrors.Invalid("maximumPercent must be between 100 and 200.");
        }

        var breaker = configuration.Obj("deploymentCircuitBreaker");
        if (breaker is null)
        {
            configuration["deploymentCircuitBreaker"] = new JsonObject { ["enable"] = false, ["rollback"] = false };
        }
        else
        {
            if (breaker.Bool("enable") is null || breaker.Bool("rollback") is null)
            {
                throw EcsErrors.Invalid("deploymentCircuitBreaker requires both enable and rollback.");
            }

            if (breaker.Obj("thresholdConfiguration") is { } threshold)
            {
                var type = threshold.Str("type");
                if (type is not ("BOUNDED_PERCENT" or "UNBOUNDED_PERCENT" or "COUNT"))
                {
                    throw EcsErrors.Invalid($"thresholdConfiguration.type must be one of BOUNDED_PERCENT, UNBOUNDED_PERCENT, COUNT (was {type ?? "null"}).");
                }

                if (threshold.Int("value") is not ({ } value and >= 1))
                {
                    throw EcsErrors.Invalid("thresholdConfiguration.value must be at least 1.");
                }
            }
        }

        if (configuration.Obj("alarms") is { } alarms)
        {
            if (alarms["alarmNames"] is not JsonArray || alarms.Bool("enable") is null || alarms.Bool("rollback") is null)
            {
                throw EcsErrors.Invalid("alarms requires alarmNames, enable and rollback.");
            }

            if (controller != "ECS")
            {
                throw EcsErrors.Invalid("Deployment alarms are only supported with the ECS deployment controller.");
            }
        }

        var strategy = configuration.Str("strategy") ?? "ROLLING";
        if (!Strategies.Contains(strategy))
        {
            throw EcsErrors.Invalid($"1 validation error detected: Value '{strategy}' at 'deploymentConfiguration.strategy' failed to satisfy constraint: Member must satisfy enum value set: [ROLLING, BLUE_GREEN, LINEAR, CANARY]");
        }

        if (strategy != "ROLLING" && controller != "ECS")
        {
            throw EcsErrors.Invalid($"The {strategy} deployment strategy requires the ECS deployment controller.");
        }

        if (strategy != "ROLLING" && daemon)
        {
            throw EcsErrors.Invalid($"The {strategy} deployment strategy is not supported for services using the DAEMON scheduling strategy.");
        }

        configuration["strategy"] = strategy;
        if (strategy == "BLUE_GREEN" && configuration.Int("bakeTimeInMinutes") is null)
        {
            throw EcsErrors.Invalid("bakeTimeInMinutes must be specified for the BLUE_GREEN deployment strategy.");
        }

        Minutes(configuration, "bakeTimeInMinutes", "bakeTimeInMinutes");
        if (configuration.Obj("linearConfiguration") is { } linear)
        {
            Percent(linear.Double("stepPercent"), 3.0, "linearConfiguration.stepPercent");
            Minutes(linear, "stepBakeTimeInMinutes", "linearConfiguration.stepBakeTimeInMinutes");
        }

        if (configuration.Obj("canaryConfiguration") is { } canary)
        {
            Percent(canary.Double("canaryPercent"), 0.1, "canaryConfiguration.canaryPercent");
            Minutes(canary, "canaryBakeTimeInMinutes", "canaryConfiguration.canaryBakeTimeInMinutes");
        }

        foreach (var hook in configuration.Objects("lifecycleHooks"))
        {
            ValidateHook(hook);
        }

        return configuration;
    }

    private static void ValidateHook(JsonObject hook)
    {
        var targetType = hook.Str("targetType") ?? "AWS_LAMBDA";
        if (targetType is not ("AWS_LAMBDA" or "PAUSE"))
        {
            throw EcsErrors.Invalid($"lifecycleHooks.targetType must be AWS_LAMBDA or PAUSE (was {targetType}).");
        }

        var stages = hook.Strings("lifecycleStages").ToList();
        if (stages.Count == 0)
        {
            throw EcsErrors.Invalid("lifecycleHooks.lifecycleStages must not be empty.");
        }

        foreach (var stage in stages)
        {
            if (!HookStages.Contains(stage))
            {
                throw EcsErrors.Invalid($"Invalid lifecycle stage {stage}.");
            }

            if (targetType == "PAUSE" && stage is "TEST_TRAFFIC_SHIFT" or "PRODUCTION_TRAFFIC_SHIFT")
            {
                throw EcsErrors.Invalid($"PAUSE lifecycle hooks are not supported for the {stage} lifecycle stage.");
            }
        }

        if (targetType == "AWS_LAMBDA")
        {
            if (string.IsNullOrEmpty(hook.Str("hookTargetArn")))
            {
                throw EcsErrors.Invalid("hookTargetArn must be specified for AWS_LAMBDA lifecycle hooks.");
            }

            if (hook.Str("roleArn") is not { } role || !RoleArnPattern().IsMatch(role))
            {
                throw EcsErrors.Invalid("roleArn must be an IAM role ARN for AWS_LAMBDA lifecycle hooks.");
            }
        }

        if (hook.Obj("timeoutConfiguration") is { } timeout)
        {
            if (timeout.Int("timeoutInMinutes") is { } minutes && (minutes < 1 || minutes > 20160))
            {
                throw EcsErrors.Invalid("timeoutConfiguration.timeoutInMinutes must be between 1 and 20160.");
            }

            if (timeout.Str("action") is { } action && action is not ("ROLLBACK" or "CONTINUE"))
            {
                throw EcsErrors.Invalid("timeoutConfiguration.action must be ROLLBACK or CONTINUE.");
            }
        }
    }

    /// <summary>Traffic-shifting strategies with load balancers need advancedConfiguration on every entry.</summary>
    private static void ValidateStrategyWiring(JsonObject configuration, JsonArray loadBalancers)
    {
        var strategy = configuration.Str("strategy") ?? "ROLLING";
        if (strategy == "ROLLING")
        {
            return;
        }

        if (loadBalancers.OfType<JsonObject>().FirstOrDefault(l => l.Obj("advancedConfiguration") is null) is { } missing)
        {
            throw EcsErrors.Invalid($"The {strategy} deployment strategy requires advancedConfiguration (alternateTargetGroupArn, productionListenerRule, roleArn) for target group {missing.Str("targetGroupArn")}.");
        }
    }

    private static void Minutes(JsonObject container, string member, string path)
    {
        if (container.Int(member) is { } minutes && (minutes < 0 || minutes > 1440))
        {
            throw EcsErrors.Invalid($"{path} must be between 0 and 1440.");
        }
    }

    private static void Percent(double? value, double minimum, string path)
    {
        if (value is null)
        {
            return;
        }

        var tenths = value.Value * 10;
        if (value < minimum || value > 100 || Math.Abs(tenths - Math.Round(tenths)) > 1e-6)
        {
            throw EcsErrors.Invalid($"{path} must be a multiple of 0.1 between {minimum} and 100.0.");
        }
    }
}
