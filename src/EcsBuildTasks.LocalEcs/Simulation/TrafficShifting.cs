using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Simulation;

/// <summary>
/// ECS-native BLUE_GREEN, LINEAR and CANARY deployments: the lifecycle stages in order, lifecycle hooks at each stage
/// (PAUSE hooks wait for ContinueServiceDeployment, Lambda hooks for a result set through the control API, both until
/// their timeout), and traffic weights written onto the production and test listener rules as weighted forwards.
/// </summary>
internal static class TrafficShifting
{
    /// <summary>A listener rule change takes a few seconds to reach every load balancer node.</summary>
    private static readonly TimeSpan RulePropagation = TimeSpan.FromSeconds(10);

    public static List<StageStep> Plan(JsonObject configuration, string strategy, bool reconcile)
    {
        var stages = new List<StageStep>();
        if (reconcile)
        {
            stages.Add(new StageStep { Stage = "RECONCILE_SERVICE" });
        }

        foreach (var stage in new[] { "PRE_SCALE_UP", "SCALE_UP", "POST_SCALE_UP", "TEST_TRAFFIC_SHIFT", "POST_TEST_TRAFFIC_SHIFT" })
        {
            stages.Add(new StageStep { Stage = stage });
        }

        var weights = new List<(double Weight, int Wait)>();
        switch (strategy)
        {
            case "CANARY":
            {
                var canary = configuration.Obj("canaryConfiguration");
                var percent = canary?.Double("canaryPercent") ?? 5.0;
                weights.Add((percent, canary?.Int("canaryBakeTimeInMinutes") ?? 10));
                if (percent < 100)
                {
                    weights.Add((100, 0));
                }

                break;
            }

            case "LINEAR":
            {
                var linear = configuration.Obj("linearConfiguration");
                var step = linear?.Double("stepPercent") ?? 10.0;
                var bake = linear?.Int("stepBakeTimeInMinutes") ?? 6;
                for (var weight = step; weight < 100 - 1e-9; weight += step)
                {
                    weights.Add((Math.Round(weight, 1), bake));
                }

                weights.Add((100, 0));
                break;
            }

            default:
                weights.Add((100, 0));
                break;
        }

        foreach (var (weight, wait) in weights)
        {
            stages.Add(new StageStep { Stage = "PRE_PRODUCTION_TRAFFIC_SHIFT", ProductionWeight = weight });
            stages.Add(new StageStep { Stage = "PRODUCTION_TRAFFIC_SHIFT", ProductionWeight = weight, WaitMinutes = wait });
        }

        stages.Add(new StageStep { Stage = "POST_PRODUCTION_TRAFFIC_SHIFT" });
        stages.Add(new StageStep { Stage = "BAKE_TIME", WaitMinutes = configuration.Int("bakeTimeInMinutes") ?? 0 });
        stages.Add(new StageStep { Stage = "CLEAN_UP" });
        return stages;
    }

    /// <summary>The ServiceDeployment.lifecycleStage value for an internal stage (hooks before a shift show as the shift).</summary>
    public static string DisplayStage(string stage) => stage == "PRE_PRODUCTION_TRAFFIC_SHIFT" ? "PRODUCTION_TRAFFIC_SHIFT" : stage;

    /// <summary>Advances the deployment's current stage; returns false when the deployment failed or finished this step.</summary>
    public static void Step(SimulationContext context, EcsCluster cluster, EcsService service, ServiceDeploymentRecord record, IReadOnlyList<EcsTask> tasks)
    {
        for (var guard = 0; guard < 64 && record.Status == "IN_PROGRESS" && record.StageIndex < record.Stages.Count; guard++)
        {
            var step = record.Stages[record.StageIndex];
            if (!record.StageStarted)
            {
                EnterStage(context, cluster, service, record, step);
            }

            if (!HooksDone(context, cluster, service, record) || record.Status != "IN_PROGRESS")
            {
                return;
            }

            if (!WorkDone(context, service, record, step, tasks))
            {
                return;
            }

            record.StageReadyAt ??= context.Now;
            var waitUntil = record.StageReadyAt.Value + TimeSpan.FromMinutes(step.WaitMinutes);
            if (step.Stage is "TEST_TRAFFIC_SHIFT" or "PRODUCTION_TRAFFIC_SHIFT" && waitUntil < record.StageEnteredAt + RulePropagation)
            {
                waitUntil = record.StageEnteredAt + RulePropagation;
            }

            if (context.Now < waitUntil)
            {
                context.WakeAt(waitUntil);
                return;
            }

            record.StageIndex++;
            record.StageStarted = false;
            record.StageReadyAt = null;
            record.UpdatedAt = context.Now;
        }

        if (record.Status == "IN_PROGRESS" && record.StageIndex >= record.Stages.Count)
        {
            Complete(context, service, record);
        }
    }

    public static void RevertTraffic(SimulationContext context, EcsService service, ServiceDeploymentRecord record)
    {
        record.ProductionWeight = 0;
        record.TestWeight = 0;
        WriteWeights(context, service, record, production: true, 0);
        WriteWeights(context, service, record, production: false, 0);
    }

    private static void EnterStage(SimulationContext context, EcsCluster cluster, EcsService service, ServiceDeploymentRecord record, StageStep step)
    {
        record.StageStarted = true;
        record.StageEnteredAt = context.Now;
        record.StageReadyAt = null;
        record.LifecycleStage = DisplayStage(step.Stage);
        record.UpdatedAt = context.Now;
        var green = service.Deployments.FirstOrDefault(d => d.Id == record.TargetDeploymentId);
        switch (step.Stage)
        {
            case "SCALE_UP" when green is not null:
                green.DesiredCount = Deployments.DesiredCount(cluster, service);
                break;
            case "TEST_TRAFFIC_SHIFT":
                record.TestWeight = 100;
                WriteWeights(context, service, record, production: false, 100);
                break;
            case "PRODUCTION_TRAFFIC_SHIFT":
                record.ProductionWeight = step.ProductionWeight ?? 100;
                WriteWeights(context, service, record, production: true, record.ProductionWeight);
                break;
            case "CLEAN_UP":
                foreach (var blue in service.Deployments.Where(d => d.Id != record.TargetDeploymentId))
                {
                    blue.DesiredCount = 0;
                }

                if (record.Alarms.Status == "MONITORING")
                {
                    record.Alarms.Status = "MONITORING_COMPLETE";
                }

                break;
        }

        foreach (var hook in service.DeploymentConfiguration.Objects("lifecycleHooks").Where(h => h.Strings("lifecycleStages").Contains(step.Stage)))
        {
            var targetType = hook.Str("targetType") ?? "AWS_LAMBDA";
            var timeout = hook.Obj("timeoutConfiguration");
            var execution = new HookExecution
            {
                HookId = Guid.NewGuid().ToString(),
                Stage = step.Stage,
                StageIndex = record.StageIndex,
                TargetType = targetType,
                TargetArn = hook.Str("hookTargetArn"),
                Status = targetType == "PAUSE" ? "AWAITING_ACTION" : "IN_PROGRESS",
                CreatedAt = context.Now,
                ExpiresAt = context.Now + TimeSpan.FromMinutes(timeout?.Int("timeoutInMinutes") ?? 1440),
                TimeoutAction = timeout?.Str("action") ?? "ROLLBACK",
            };
            if (targetType != "PAUSE")
            {
                execution.InvocationPayload = InvocationPayload(service, record, execution, hook).ToJsonString();
            }

            if (targetType != "PAUSE" && execution.TargetArn is not null && context.Account.LambdaHookResults.TryGetValue(execution.TargetArn, out var result))
            {
                execution.Status = result;
            }

            record.Hooks.Add(execution);
        }
    }

    /// <summary>The Lambda event of a lifecycle hook: the service deployment, the stage and the traffic weights at that point.</summary>
    private static JsonObject InvocationPayload(EcsService service, ServiceDeploymentRecord record, HookExecution execution, JsonObject hook)
    {
        static JsonObject Weights(string blue, string green, double greenWeight) => new()
        {
            [blue] = 100 - greenWeight,
            [green] = greenWeight,
        };

        var source = record.SourceRevisionArns.LastOrDefault() ?? string.Empty;
        return new JsonObject
        {
            ["executionDetails"] = new JsonObject
            {
                ["testTrafficWeights"] = Weights(source, record.TargetRevisionArn, record.TestWeight),
                ["productionTrafficWeights"] = Weights(source, record.TargetRevisionArn, record.ProductionWeight),
                ["serviceArn"] = service.Arn,
                ["targetServiceRevisionArn"] = record.TargetRevisionArn,
            },
            ["executionId"] = execution.HookId,
            ["lifecycleStage"] = execution.Stage,
            ["resourceArn"] = record.Arn,
            ["hookDetails"] = hook["hookDetails"]?.DeepClone(),
        };
    }

    private static bool HooksDone(SimulationContext context, EcsCluster cluster, EcsService service, ServiceDeploymentRecord record)
    {
        var done = true;
        foreach (var hook in record.Hooks.Where(h => h.StageIndex == record.StageIndex))
        {
            if (hook.Status is "AWAITING_ACTION" or "IN_PROGRESS")
            {
                if (hook.TargetType != "PAUSE" && hook.TargetArn is not null && context.Account.LambdaHookResults.TryGetValue(hook.TargetArn, out var standing))
                {
                    hook.Status = standing;
                }
                else if (context.Now >= hook.ExpiresAt)
                {
                    hook.Status = "TIMED_OUT";
                }
                else
                {
                    done = false;
                    continue;
                }
            }

            if (hook.Status == "FAILED" || (hook.Status == "TIMED_OUT" && hook.TimeoutAction == "ROLLBACK"))
            {
                var what = hook.Status == "FAILED" ? "returned FAILED" : "timed out";
                Deployments.Fail(context, cluster, service, record, FailureKind.Hook, $"hook {hook.HookId} at {hook.Stage} {what}");
                return false;
            }
        }

        return done;
    }

    private static bool WorkDone(SimulationContext context, EcsService service, ServiceDeploymentRecord record, StageStep step, IReadOnlyList<EcsTask> tasks)
    {
        switch (step.Stage)
        {
            case "SCALE_UP":
            {
                var green = service.Deployments.FirstOrDefault(d => d.Id == record.TargetDeploymentId);
                var live = tasks.Where(t => t.DeploymentId == record.TargetDeploymentId && t.DesiredStatus == "RUNNING").ToList();
                return green is not null && live.Count >= green.DesiredCount && live.All(t => TaskRunner.IsHealthy(context, t));
            }

            case "CLEAN_UP":
                return tasks.All(t => t.DeploymentId == record.TargetDeploymentId || t.LastStatus == "STOPPED");
            default:
                return true;
        }
    }

    private static void Complete(SimulationContext context, EcsService service, ServiceDeploymentRecord record)
    {
        var now = context.Now;
        var green = service.Deployments.FirstOrDefault(d => d.Id == record.TargetDeploymentId);
        service.Deployments.RemoveAll(d => d.Id != record.TargetDeploymentId);
        if (green is not null)
        {
            green.RolloutState = "COMPLETED";
            green.RolloutStateReason = $"ECS deployment {green.Id} completed.";
            green.UpdatedAt = now;
            service.ProductionTargetGroupArns = [.. green.TargetGroupArns];
            if (service.Revisions.FirstOrDefault(r => r.Arn == record.TargetRevisionArn) is { } revision)
            {
                revision.ResolvedTargetGroupArns = [.. green.TargetGroupArns];
            }

            ServiceEvents.Add(service, $"(service {service.Name}) (deployment {green.Id}) deployment completed.", now);
        }

        Deployments.Finish(record, "SUCCESSFUL", now);
        service.SteadyStateReported = true;
        ServiceEvents.Add(service, $"(service {service.Name}) has reached a steady state.", now);
    }

    /// <summary>
    /// Writes a weighted forward onto the production (or test) listener rule of every load balancer entry:
    /// the target revision's group gets <paramref name="greenWeight"/> percent, the serving group the rest.
    /// </summary>
    private static void WriteWeights(SimulationContext context, EcsService service, ServiceDeploymentRecord record, bool production, double greenWeight)
    {
        var green = service.Deployments.FirstOrDefault(d => d.Id == record.TargetDeploymentId);
        var loadBalancers = service.LoadBalancers.OfType<JsonObject>().ToList();
        for (var i = 0; i < loadBalancers.Count; i++)
        {
            var advanced = loadBalancers[i].Obj("advancedConfiguration");
            var ruleArn = production ? advanced?.Str("productionListenerRule") : advanced?.Str("testListenerRule");
            if (ruleArn is null || green is null || i >= green.TargetGroupArns.Count || i >= service.ProductionTargetGroupArns.Count)
            {
                continue;
            }

            var weight = (int)Math.Round(greenWeight);
            var actions = new JsonArray(new JsonObject
            {
                ["Type"] = "forward",
                ["Order"] = 1,
                ["ForwardConfig"] = new JsonObject
                {
                    ["TargetGroups"] = new JsonArray(
                        new JsonObject { ["TargetGroupArn"] = service.ProductionTargetGroupArns[i], ["Weight"] = 100 - weight },
                        new JsonObject { ["TargetGroupArn"] = green.TargetGroupArns[i], ["Weight"] = weight }),
                    ["TargetGroupStickinessConfig"] = new JsonObject { ["Enabled"] = false },
                },
            });
            var elb = context.Region.Elbv2;
            if (elb.Rules.TryGetValue(ruleArn, out var rule))
            {
                rule.Actions = actions;
            }
            else if ((elb.Listeners.GetValueOrDefault(ruleArn) ?? elb.Listeners.Values.FirstOrDefault(l => l.DefaultRuleArn == ruleArn)) is { } listener)
            {
                // An NLB listener ARN, or an ALB listener's default rule: the listener's default actions carry the weights.
                listener.DefaultActions = actions;
            }
        }
    }
}
