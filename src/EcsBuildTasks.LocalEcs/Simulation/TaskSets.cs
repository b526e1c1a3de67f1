using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Simulation;

/// <summary>
/// Services with the EXTERNAL deployment controller: each task set runs <c>ceil(desiredCount × scale%)</c> tasks;
/// DRAINING task sets scale to zero and disappear. Stability is STEADY_STATE when every wanted task runs healthy.
/// </summary>
internal static class TaskSets
{
    public static int ComputedDesiredCount(EcsService service, TaskSetRecord taskSet) =>
        taskSet.Status == "DRAINING" ? 0 : (int)Math.Ceiling(service.DesiredCount * taskSet.ScaleValue / 100.0);

    public static void Step(SimulationContext context, EcsCluster cluster, EcsService service, List<EcsTask> tasks)
    {
        foreach (var taskSet in service.TaskSets.ToList())
        {
            var wanted = ComputedDesiredCount(service, taskSet);
            var live = tasks.Where(t => t.TaskSetId == taskSet.Id && t.DesiredStatus == "RUNNING").ToList();
            if (live.Count > wanted)
            {
                foreach (var task in live.OrderBy(t => t.LastStatus == "RUNNING").ThenByDescending(t => t.CreatedAt).Take(live.Count - wanted))
                {
                    TaskRunner.Stop(context, cluster, task, $"Scaling activity initiated by (deployment {taskSet.Id})", "ServiceSchedulerInitiated", failure: false);
                }
            }
            else if (live.Count < wanted)
            {
                var definition = context.Region.TaskDefinitions.Values.FirstOrDefault(t => t.Arn == taskSet.TaskDefinitionArn);
                for (var i = live.Count; i < wanted && definition is not null; i++)
                {
                    tasks.Add(TaskRunner.Launch(context, cluster, new LaunchSpec
                    {
                        TaskDefinition = definition,
                        LaunchType = Deployments.EffectiveLaunchType(taskSet.LaunchType, taskSet.CapacityProviderStrategy),
                        PlatformVersion = taskSet.PlatformVersion,
                        NetworkConfiguration = taskSet.NetworkConfiguration,
                        Group = "service:" + service.Name,
                        StartedBy = taskSet.Id,
                        ServiceName = service.Name,
                        DeploymentId = taskSet.Id,
                        TaskSetId = taskSet.Id,
                        Targets = ServiceScheduler.TargetsFor(taskSet.LoadBalancers, []),
                        Registries = ServiceScheduler.RegistriesFor(taskSet.ServiceRegistries),
                        Tags = ServiceScheduler.PropagatedTags(service, definition),
                    }));
                }
            }

            var running = tasks.Where(t => t.TaskSetId == taskSet.Id && t.DesiredStatus == "RUNNING").ToList();
            var steady = running.Count == wanted && running.All(t => TaskRunner.IsHealthy(context, t))
                && !tasks.Any(t => t.TaskSetId == taskSet.Id && t.DesiredStatus == "STOPPED" && t.LastStatus != "STOPPED");
            var stability = steady ? "STEADY_STATE" : "STABILIZING";
            if (taskSet.StabilityStatus != stability)
            {
                taskSet.StabilityStatus = stability;
                taskSet.StabilityStatusAt = context.Now;
            }

            if (taskSet.Status == "DRAINING" && tasks.All(t => t.TaskSetId != taskSet.Id || t.LastStatus == "STOPPED"))
            {
                service.TaskSets.Remove(taskSet);
            }
        }

        var allSteady = service.TaskSets.Count > 0 && service.TaskSets.All(t => t.StabilityStatus == "STEADY_STATE");
        if (allSteady && !service.SteadyStateReported)
        {
            service.SteadyStateReported = true;
            ServiceEvents.Add(service, $"(service {service.Name}) has reached a steady state.", context.Now);
        }
        else if (!allSteady)
        {
            service.SteadyStateReported = false;
        }
    }
}
