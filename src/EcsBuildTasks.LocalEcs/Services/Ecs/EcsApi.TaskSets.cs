using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Hosting;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.Simulation;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Services.Ecs;

internal sealed partial class EcsApi
{
    private static JsonObject CreateTaskSet(AwsRequest request)
    {
        var input = request.Input;
        var (cluster, service) = ExternalService(request);
        var definition = ResolveTaskDefinition(request.RegionState, input.Str("taskDefinition") ?? throw EcsErrors.Required("taskDefinition"), activeOnly: true);
        var launchType = input.Str("launchType");
        var capacityProviders = input.CloneArr("capacityProviderStrategy");
        ValidateLaunchChoice(launchType, capacityProviders);
        var effective = Deployments.EffectiveLaunchType(launchType, capacityProviders);
        ValidateLaunchCompatibility(definition, effective);
        var network = input.CloneObj("networkConfiguration");
        ValidateNetwork(request.RegionState, definition, network, effective);
        var loadBalancers = input.CloneArr("loadBalancers") ?? [];
        if (loadBalancers.Count > 1)
        {
            throw EcsErrors.Invalid("A task set can have at most one load balancer.");
        }

        ValidateLoadBalancers(request.RegionState, definition, loadBalancers, null);
        var registries = input.CloneArr("serviceRegistries") ?? [];
        ValidateServiceRegistries(request.RegionState, definition, registries);
        var scale = input.Obj("scale");
        var id = "ecs-svc/" + Ids.Digits(19);
        var taskSet = new TaskSetRecord
        {
            Id = id,
            Arn = EcsArns.TaskSet(request.Region, cluster.Name, service.Name, id),
            ServiceArn = service.Arn,
            ClusterArn = cluster.Arn,
            ExternalId = input.Str("externalId"),
            TaskDefinitionArn = definition.Arn,
            ScaleValue = ValidScale(scale),
            ScaleUnit = scale?.Str("unit") ?? "PERCENT",
            LaunchType = launchType,
            CapacityProviderStrategy = capacityProviders,
            PlatformVersion = input.Str("platformVersion"),
            NetworkConfiguration = network,
            LoadBalancers = loadBalancers,
            ServiceRegistries = registries,
            Tags = input.CloneArr("tags"),
            CreatedAt = request.Now,
            UpdatedAt = request.Now,
            StabilityStatusAt = request.Now,
        };
        service.TaskSets.Add(taskSet);
        if (service.TaskDefinitionArn.Length == 0)
        {
            service.TaskDefinitionArn = definition.Arn;
        }

        return new JsonObject { ["taskSet"] = RenderTaskSet(cluster, service, taskSet, []) };
    }

    private static JsonObject UpdateTaskSet(AwsRequest request)
    {
        var (cluster, service) = ExternalService(request);
        var taskSet = FindTaskSet(service, request.Input.Str("taskSet"));
        var scale = request.Input.Obj("scale") ?? throw EcsErrors.Required("scale");
        taskSet.ScaleValue = ValidScale(scale);
        taskSet.ScaleUnit = scale.Str("unit") ?? "PERCENT";
        taskSet.UpdatedAt = request.Now;
        return new JsonObject { ["taskSet"] = RenderTaskSet(cluster, service, taskSet, []) };
    }

    private static JsonObject DeleteTaskSet(AwsRequest request)
    {
        var (cluster, service) = ExternalService(request);
        var taskSet = FindTaskSet(service, request.Input.Str("taskSet"));
        if (taskSet.Status == "PRIMARY" && request.Input.Bool("force") != true)
        {
            throw EcsErrors.Invalid("Cannot delete a primary task set. Use force to delete it anyway.");
        }

        taskSet.Status = "DRAINING";
        taskSet.UpdatedAt = request.Now;
        return new JsonObject { ["taskSet"] = RenderTaskSet(cluster, service, taskSet, []) };
    }

    private static JsonObject DescribeTaskSets(AwsRequest request)
    {
        var (cluster, service) = ExternalService(request);
        var ids = request.Input.Strings("taskSets").ToList();
        var include = request.Input.Strings("include").ToHashSet(StringComparer.Ordinal);
        var taskSets = new JsonArray();
        var failures = new JsonArray();
        if (ids.Count == 0)
        {
            foreach (var taskSet in service.TaskSets)
            {
                taskSets.Add(RenderTaskSet(cluster, service, taskSet, include));
            }
        }

        foreach (var id in ids)
        {
            var taskSet = service.TaskSets.FirstOrDefault(t => t.Arn == id || t.Id == id);
            if (taskSet is null)
            {
                failures.Add(Failure(id, "MISSING"));
            }
            else
            {
                taskSets.Add(RenderTaskSet(cluster, service, taskSet, include));
            }
        }

        return new JsonObject { ["taskSets"] = taskSets, ["failures"] = failures };
    }

    private static JsonObject UpdateServicePrimaryTaskSet(AwsRequest request)
    {
        var (cluster, service) = ExternalService(request);
        var taskSet = FindTaskSet(service, request.Input.Str("primaryTaskSet"));
        if (taskSet.Status == "DRAINING")
        {
            throw EcsErrors.Invalid("A DRAINING task set cannot become the primary task set.");
        }

        foreach (var other in service.TaskSets.Where(t => t.Status == "PRIMARY"))
        {
            other.Status = "ACTIVE";
            other.UpdatedAt = request.Now;
        }

        taskSet.Status = "PRIMARY";
        taskSet.UpdatedAt = request.Now;
        service.TaskDefinitionArn = taskSet.TaskDefinitionArn;
        service.LoadBalancers = (JsonArray)taskSet.LoadBalancers.DeepClone();
        service.ServiceRegistries = (JsonArray)taskSet.ServiceRegistries.DeepClone();
        service.NetworkConfiguration = taskSet.NetworkConfiguration?.DeepClone() as JsonObject;
        service.LaunchType = taskSet.LaunchType ?? service.LaunchType;
        return new JsonObject { ["taskSet"] = RenderTaskSet(cluster, service, taskSet, []) };
    }

    private static (EcsCluster Cluster, EcsService Service) ExternalService(AwsRequest request)
    {
        var cluster = FindCluster(request.RegionState, request.Input.Str("cluster"));
        var service = FindService(cluster, request.Input.Str("service") ?? throw EcsErrors.Required("service"));
        if (service.Status != "ACTIVE")
        {
            throw EcsErrors.ServiceNotActive();
        }

        if (service.DeploymentController != "EXTERNAL")
        {
            throw EcsErrors.Invalid("Amazon ECS only supports task set management on services configured to use external deployment controllers.");
        }

        return (cluster, service);
    }

    private static TaskSetRecord FindTaskSet(EcsService service, string? idOrArn) =>
        service.TaskSets.FirstOrDefault(t => t.Arn == idOrArn || t.Id == idOrArn) ?? throw EcsErrors.TaskSetNotFound();

    private static double ValidScale(JsonObject? scale)
    {
        var value = scale?.Double("value") ?? 100;
        if (value is < 0 or > 100)
        {
            throw EcsErrors.Invalid("scale.value must be between 0 and 100.");
        }

        if (scale?.Str("unit") is { } unit && unit != "PERCENT")
        {
            throw EcsErrors.Invalid("scale.unit must be PERCENT.");
        }

        return value;
    }

    internal static JsonObject RenderTaskSet(EcsCluster cluster, EcsService service, TaskSetRecord taskSet, IReadOnlyCollection<string> include)
    {
        var tasks = cluster.Tasks.Values.Where(t => t.TaskSetId == taskSet.Id && t.DesiredStatus == "RUNNING").ToList();
        var launchType = Deployments.EffectiveLaunchType(taskSet.LaunchType, taskSet.CapacityProviderStrategy);
        var result = new JsonObject
        {
            ["id"] = taskSet.Id,
            ["taskSetArn"] = taskSet.Arn,
            ["serviceArn"] = taskSet.ServiceArn,
            ["clusterArn"] = taskSet.ClusterArn,
            ["status"] = taskSet.Status,
            ["taskDefinition"] = taskSet.TaskDefinitionArn,
            ["computedDesiredCount"] = TaskSets.ComputedDesiredCount(service, taskSet),
            ["pendingCount"] = tasks.Count(t => PendingStatuses.Contains(t.LastStatus)),
            ["runningCount"] = tasks.Count(t => t.LastStatus == "RUNNING"),
            ["createdAt"] = AwsValues.Timestamp(taskSet.CreatedAt),
            ["updatedAt"] = AwsValues.Timestamp(taskSet.UpdatedAt),
            ["loadBalancers"] = taskSet.LoadBalancers.DeepClone(),
            ["serviceRegistries"] = taskSet.ServiceRegistries.DeepClone(),
            ["scale"] = new JsonObject { ["value"] = taskSet.ScaleValue, ["unit"] = taskSet.ScaleUnit },
            ["stabilityStatus"] = taskSet.StabilityStatus,
            ["stabilityStatusAt"] = AwsValues.Timestamp(taskSet.StabilityStatusAt),
        };
        result.Put("externalId", taskSet.ExternalId)
            .Put("launchType", taskSet.CapacityProviderStrategy is null ? launchType : null)
            .Put("capacityProviderStrategy", taskSet.CapacityProviderStrategy?.DeepClone())
            .Put("platformVersion", launchType == "FARGATE" ? taskSet.PlatformVersion ?? "1.4.0" : null)
            .Put("platformFamily", launchType == "FARGATE" ? "Linux" : null)
            .Put("networkConfiguration", taskSet.NetworkConfiguration?.DeepClone());
        if (include.Contains("TAGS"))
        {
            result["tags"] = taskSet.Tags?.DeepClone() ?? new JsonArray();
        }

        return result;
    }
}
