using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.Simulation;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Services.Ecs;

internal sealed partial class EcsApi
{
    private static readonly HashSet<string> PendingStatuses = ["PROVISIONING", "PENDING", "ACTIVATING"];

    internal static JsonObject RenderService(SimulationContext context, EcsCluster cluster, EcsService service, IReadOnlyCollection<string> include)
    {
        var tasks = cluster.Tasks.Values.Where(t => t.ServiceName == service.Name && t.DesiredStatus == "RUNNING").ToList();
        var fargate = Deployments.EffectiveLaunchType(service.LaunchType, service.CapacityProviderStrategy) == "FARGATE";
        var result = new JsonObject
        {
            ["serviceArn"] = service.Arn,
            ["serviceName"] = service.Name,
            ["clusterArn"] = cluster.Arn,
            ["loadBalancers"] = service.LoadBalancers.DeepClone(),
            ["serviceRegistries"] = service.ServiceRegistries.DeepClone(),
            ["status"] = service.Status,
            ["desiredCount"] = service.SchedulingStrategy == "DAEMON" && service.Status == "ACTIVE" ? cluster.ContainerInstances.Count : service.DesiredCount,
            ["runningCount"] = tasks.Count(t => t.LastStatus == "RUNNING"),
            ["pendingCount"] = tasks.Count(t => PendingStatuses.Contains(t.LastStatus)),
            ["taskDefinition"] = service.TaskDefinitionArn.Length > 0 ? service.TaskDefinitionArn : null,
            ["deploymentConfiguration"] = service.DeploymentConfiguration.DeepClone(),
            ["events"] = service.Events.Select(e => (JsonNode?)new JsonObject
            {
                ["id"] = e.Id,
                ["createdAt"] = AwsValues.Timestamp(e.CreatedAt),
                ["message"] = e.Message,
            }).ToJsonArray(),
            ["createdAt"] = AwsValues.Timestamp(service.CreatedAt),
            ["placementConstraints"] = service.PlacementConstraints.DeepClone(),
            ["placementStrategy"] = service.PlacementStrategy.DeepClone(),
            ["schedulingStrategy"] = service.SchedulingStrategy,
            ["deploymentController"] = new JsonObject { ["type"] = service.DeploymentController },
            ["createdBy"] = service.CreatedBy,
            ["enableECSManagedTags"] = service.EnableEcsManagedTags,
            ["propagateTags"] = service.PropagateTags ?? "NONE",
            ["enableExecuteCommand"] = service.EnableExecuteCommand,
            ["availabilityZoneRebalancing"] = service.AvailabilityZoneRebalancing,
            ["resourceManagementType"] = service.Express is null ? "CUSTOMER" : "ECS",
        };
        result.Put("launchType", service.LaunchType)
            .Put("capacityProviderStrategy", service.CapacityProviderStrategy?.DeepClone())
            .Put("platformVersion", fargate ? service.PlatformVersion ?? "LATEST" : null)
            .Put("platformFamily", fargate ? "Linux" : null)
            .Put("roleArn", service.RoleArn)
            .Put("networkConfiguration", service.NetworkConfiguration?.DeepClone())
            .Put("healthCheckGracePeriodSeconds", service.HealthCheckGracePeriodSeconds);
        if (service.DeploymentController == "EXTERNAL")
        {
            result["taskSets"] = service.TaskSets.Select(t => (JsonNode?)RenderTaskSet(cluster, service, t, [])).ToJsonArray();
        }
        else
        {
            result["deployments"] = service.Deployments.Select(d => (JsonNode?)RenderDeployment(cluster, service, d)).ToJsonArray();
        }

        if (include.Contains("TAGS"))
        {
            result["tags"] = service.Tags?.DeepClone() ?? new JsonArray();
        }

        if (service.ServiceDeployments.Count > 0)
        {
            result["currentServiceDeployment"] = service.ServiceDeployments[^1].Arn;
        }

        var revisions = service.Deployments.Select(d => d.ServiceRevisionArn).Distinct(StringComparer.Ordinal)
            .Select(arn => (JsonNode?)RevisionCounts(cluster, service, arn, new JsonObject { ["arn"] = arn }))
            .ToJsonArray();
        if (revisions.Count > 0)
        {
            result["currentServiceRevisions"] = revisions;
        }

        return result;
    }

    private static JsonObject RenderDeployment(EcsCluster cluster, EcsService service, EcsDeploymentRecord deployment)
    {
        var tasks = cluster.Tasks.Values.Where(t => t.ServiceName == service.Name && t.DeploymentId == deployment.Id && t.DesiredStatus == "RUNNING").ToList();
        var fargate = deployment.LaunchType == "FARGATE";
        return new JsonObject
        {
            ["id"] = deployment.Id,
            ["status"] = deployment.Status,
            ["taskDefinition"] = deployment.TaskDefinitionArn,
            ["desiredCount"] = deployment.DesiredCount,
            ["pendingCount"] = tasks.Count(t => PendingStatuses.Contains(t.LastStatus)),
            ["runningCount"] = tasks.Count(t => t.LastStatus == "RUNNING"),
            ["failedTasks"] = deployment.FailedTasks,
            ["createdAt"] = AwsValues.Timestamp(deployment.CreatedAt),
            ["updatedAt"] = AwsValues.Timestamp(deployment.UpdatedAt),
            ["rolloutState"] = deployment.RolloutState,
        }
        .Put("rolloutStateReason", deployment.RolloutStateReason)
        .Put("launchType", deployment.CapacityProviderStrategy is null ? deployment.LaunchType : null)
        .Put("capacityProviderStrategy", deployment.CapacityProviderStrategy?.DeepClone())
        .Put("platformVersion", fargate ? (deployment.PlatformVersion is null or "LATEST" ? "1.4.0" : deployment.PlatformVersion) : null)
        .Put("platformFamily", fargate ? "Linux" : null)
        .Put("networkConfiguration", deployment.NetworkConfiguration?.DeepClone())
        .Put("serviceConnectConfiguration", service.Revisions.FirstOrDefault(r => r.Arn == deployment.ServiceRevisionArn)?.ServiceConnectConfiguration?.DeepClone());
    }

    /// <summary>Adds requested/running/pending task counts of a revision to <paramref name="summary"/>.</summary>
    private static JsonObject RevisionCounts(EcsCluster cluster, EcsService service, string revisionArn, JsonObject summary)
    {
        var deploymentIds = service.Deployments.Where(d => d.ServiceRevisionArn == revisionArn).Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        var tasks = cluster.Tasks.Values.Where(t => t.ServiceName == service.Name && t.DeploymentId is not null && deploymentIds.Contains(t.DeploymentId) && t.DesiredStatus == "RUNNING").ToList();
        summary["requestedTaskCount"] = service.Deployments.Where(d => deploymentIds.Contains(d.Id)).Sum(d => d.DesiredCount);
        summary["runningTaskCount"] = tasks.Count(t => t.LastStatus == "RUNNING");
        summary["pendingTaskCount"] = tasks.Count(t => PendingStatuses.Contains(t.LastStatus));
        return summary;
    }

    internal static JsonObject RenderServiceDeployment(EcsCluster cluster, EcsService service, ServiceDeploymentRecord record)
    {
        var shifting = record.Strategy != "ROLLING";
        JsonObject Summary(string arn, bool target)
        {
            var summary = RevisionCounts(cluster, service, arn, new JsonObject { ["arn"] = arn });
            if (shifting)
            {
                summary["requestedProductionTrafficWeight"] = target ? record.ProductionWeight : 100 - record.ProductionWeight;
                summary["requestedTestTrafficWeight"] = target ? record.TestWeight : 100 - record.TestWeight;
            }

            return summary;
        }

        var result = new JsonObject
        {
            ["serviceDeploymentArn"] = record.Arn,
            ["serviceArn"] = record.ServiceArn,
            ["clusterArn"] = record.ClusterArn,
            ["createdAt"] = AwsValues.Timestamp(record.CreatedAt),
            ["updatedAt"] = AwsValues.Timestamp(record.UpdatedAt),
            ["sourceServiceRevisions"] = record.SourceRevisionArns.Select(a => (JsonNode?)Summary(a, false)).ToJsonArray(),
            ["targetServiceRevision"] = Summary(record.TargetRevisionArn, true),
            ["status"] = record.Status,
            ["deploymentConfiguration"] = record.DeploymentConfiguration.DeepClone(),
            ["deploymentCircuitBreaker"] = new JsonObject
            {
                ["status"] = record.CircuitBreaker.Status,
                ["failureCount"] = record.CircuitBreaker.FailureCount,
                ["threshold"] = record.CircuitBreaker.Threshold,
            },
            ["alarms"] = new JsonObject
            {
                ["status"] = record.Alarms.Status,
                ["alarmNames"] = record.Alarms.Names.ToJsonArray(),
                ["triggeredAlarmNames"] = record.Alarms.Triggered.ToJsonArray(),
            },
        };
        result.Put("startedAt", record.StartedAt)
            .Put("finishedAt", record.FinishedAt)
            .Put("stoppedAt", record.StoppedAt)
            .Put("statusReason", record.StatusReason)
            .Put("lifecycleStage", record.LifecycleStage);
        if (record.Hooks.Count > 0)
        {
            result["lifecycleHookDetails"] = record.Hooks.Select(h => (JsonNode?)new JsonObject
            {
                ["hookId"] = h.HookId,
                ["targetType"] = h.TargetType,
                ["status"] = h.Status,
                ["expiresAt"] = AwsValues.Timestamp(h.ExpiresAt),
                ["timeoutAction"] = h.TimeoutAction,
            }.Put("targetArn", h.TargetArn)).ToJsonArray();
        }

        if (record.RollbackStartedAt is not null)
        {
            result["rollback"] = new JsonObject
            {
                ["reason"] = record.RollbackReason,
                ["startedAt"] = AwsValues.Timestamp(record.RollbackStartedAt.Value),
            }.Put("serviceRevisionArn", record.RollbackRevisionArn);
        }

        return result;
    }

    internal static JsonObject RenderRevision(ServiceRevisionRecord revision)
    {
        var result = new JsonObject
        {
            ["serviceRevisionArn"] = revision.Arn,
            ["serviceArn"] = revision.ServiceArn,
            ["clusterArn"] = revision.ClusterArn,
            ["taskDefinition"] = revision.TaskDefinitionArn,
            ["loadBalancers"] = revision.LoadBalancers.DeepClone(),
            ["serviceRegistries"] = revision.ServiceRegistries.DeepClone(),
            ["containerImages"] = revision.ContainerImages.Select(i => (JsonNode?)new JsonObject
            {
                ["containerName"] = i.ContainerName,
                ["image"] = i.Image,
            }.Put("imageDigest", i.ImageDigest)).ToJsonArray(),
            ["guardDutyEnabled"] = false,
            ["createdAt"] = AwsValues.Timestamp(revision.CreatedAt),
        };
        result.Put("launchType", revision.CapacityProviderStrategy is null ? revision.LaunchType : null)
            .Put("capacityProviderStrategy", revision.CapacityProviderStrategy?.DeepClone())
            .Put("platformVersion", revision.PlatformVersion)
            .Put("platformFamily", revision.PlatformFamily)
            .Put("networkConfiguration", revision.NetworkConfiguration?.DeepClone())
            .Put("serviceConnectConfiguration", revision.ServiceConnectConfiguration?.DeepClone())
            .Put("volumeConfigurations", revision.VolumeConfigurations?.DeepClone());
        var loadBalancers = revision.LoadBalancers.OfType<JsonObject>().ToList();
        if (loadBalancers.Count > 0)
        {
            result["resolvedConfiguration"] = new JsonObject
            {
                ["loadBalancers"] = loadBalancers.Select((l, i) => (JsonNode?)new JsonObject
                {
                    ["targetGroupArn"] = i < revision.ResolvedTargetGroupArns.Count ? revision.ResolvedTargetGroupArns[i] : l.Str("targetGroupArn"),
                }.Put("productionListenerRule", l.Obj("advancedConfiguration")?.Str("productionListenerRule"))).ToJsonArray(),
            };
        }

        return result;
    }
}
