using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Hosting;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.Simulation;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Services.Ecs;

internal sealed partial class EcsApi
{
    private static JsonObject RunTask(AwsRequest request, SimulationContext context)
    {
        var input = request.Input;
        var cluster = FindCluster(request.RegionState, input.Str("cluster"));
        var definition = ResolveTaskDefinition(request.RegionState, input.Str("taskDefinition") ?? throw EcsErrors.Required("taskDefinition"), activeOnly: true);
        var count = input.Int("count") ?? 1;
        if (count is < 1 or > 10)
        {
            throw EcsErrors.Invalid("Count must be between 1 and 10.");
        }

        var launchType = input.Str("launchType");
        var capacityProviders = input.CloneArr("capacityProviderStrategy");
        ValidateLaunchChoice(launchType, capacityProviders);
        var effective = Deployments.EffectiveLaunchType(launchType, capacityProviders);
        ValidateLaunchCompatibility(definition, effective);
        var network = input.CloneObj("networkConfiguration");
        ValidateNetwork(request.RegionState, definition, network, effective);
        var overrides = input.CloneObj("overrides");
        foreach (var containerOverride in overrides?.Objects("containerOverrides") ?? [])
        {
            if (definition.Definition.Objects("containerDefinitions").All(c => c.Str("name") != containerOverride.Str("name")))
            {
                throw EcsErrors.Invalid($"Override for container named {containerOverride.Str("name")} is not a container in the TaskDefinition.");
            }
        }

        if (TaskRoles.LaunchFailure(context, definition.Definition, overrides) is { } roleFailure)
        {
            throw EcsErrors.Client(roleFailure);
        }

        var tasks = new JsonArray();
        var failures = new JsonArray();
        if (effective != "FARGATE" && !cluster.ContainerInstances.Any(i => i.Status == "ACTIVE"))
        {
            failures.Add(Failure(cluster.Arn, "No Container Instances were found in your cluster."));
            return new JsonObject { ["tasks"] = tasks, ["failures"] = failures };
        }

        for (var i = 0; i < count; i++)
        {
            var task = TaskRunner.Launch(context, cluster, new LaunchSpec
            {
                TaskDefinition = definition,
                LaunchType = effective,
                PlatformVersion = input.Str("platformVersion"),
                NetworkConfiguration = network,
                Group = input.Str("group") ?? "family:" + definition.Family,
                StartedBy = input.Str("startedBy"),
                Overrides = overrides,
                Tags = input.CloneArr("tags") ?? (input.Str("propagateTags") == "TASK_DEFINITION" ? definition.Tags?.DeepClone() as JsonArray : null),
                EnableExecuteCommand = input.Bool("enableExecuteCommand") ?? false,
            });
            tasks.Add(TaskRunner.Render(task, request.Region));
        }

        return new JsonObject { ["tasks"] = tasks, ["failures"] = failures };
    }

    private static JsonObject StopTask(AwsRequest request, SimulationContext context)
    {
        var cluster = FindCluster(request.RegionState, request.Input.Str("cluster"));
        var id = EcsArns.NameOf(request.Input.Str("task") ?? throw EcsErrors.Required("task"));
        var task = cluster.Tasks.GetValueOrDefault(id) ?? throw EcsErrors.Invalid("The referenced task was not found.");
        TaskRunner.Stop(context, cluster, task, request.Input.Str("reason") ?? "Task stopped by user", "UserInitiated", failure: false);
        return new JsonObject { ["task"] = TaskRunner.Render(task, request.Region) };
    }

    private static JsonObject DescribeTasks(AwsRequest request)
    {
        var cluster = FindCluster(request.RegionState, request.Input.Str("cluster"));
        var ids = request.Input.Strings("tasks").ToList();
        if (ids.Count == 0)
        {
            throw EcsErrors.Invalid("Tasks cannot be empty.");
        }

        if (ids.Count > 100)
        {
            throw EcsErrors.Invalid("Tasks cannot contain more than 100 items.");
        }

        var tasks = new JsonArray();
        var failures = new JsonArray();
        var includeTags = request.Input.Strings("include").Contains("TAGS");
        foreach (var id in ids)
        {
            if (cluster.Tasks.TryGetValue(EcsArns.NameOf(id), out var task))
            {
                var rendered = TaskRunner.Render(task, request.Region);
                if (!includeTags)
                {
                    rendered.Remove("tags");
                }

                tasks.Add(rendered);
            }
            else
            {
                failures.Add(Failure(id.StartsWith("arn:", StringComparison.Ordinal) ? id : EcsArns.Task(request.Region, cluster.Name, id), "MISSING"));
            }
        }

        return new JsonObject { ["tasks"] = tasks, ["failures"] = failures };
    }

    private static JsonObject ListTasks(AwsRequest request)
    {
        var input = request.Input;
        var cluster = FindCluster(request.RegionState, input.Str("cluster"));
        var serviceName = input.Str("serviceName") is { } s ? EcsArns.NameOf(s) : null;
        if (serviceName is not null && !cluster.Services.ContainsKey(serviceName))
        {
            throw EcsErrors.ServiceNotFound();
        }

        var family = input.Str("family");
        var desired = input.Str("desiredStatus") ?? "RUNNING";
        var startedBy = input.Str("startedBy");
        var instance = input.Str("containerInstance");
        var launchType = input.Str("launchType");
        var daemonName = input.Str("daemonName");
        var arns = cluster.Tasks.Values
            .Where(t => (serviceName is null || t.ServiceName == serviceName)
                && (family is null || t.TaskDefinitionArn.Contains($"task-definition/{family}:", StringComparison.Ordinal))
                && (desired == "ALL" || t.DesiredStatus == desired || (desired == "PENDING" && PendingStatuses.Contains(t.LastStatus)))
                && (startedBy is null || t.StartedBy == startedBy)
                && (instance is null || t.ContainerInstanceArn == instance || t.ContainerInstanceArn?.EndsWith("/" + instance, StringComparison.Ordinal) == true)
                && (launchType is null || t.LaunchType == launchType)
                && (daemonName is null || t.DaemonName == daemonName))
            .OrderBy(t => t.CreatedAt)
            .Select(t => t.Arn)
            .ToList();
        return Page(arns, "taskArns");
    }

    private static JsonObject ListContainerInstances(AwsRequest request)
    {
        var cluster = FindCluster(request.RegionState, request.Input.Str("cluster"));
        var status = request.Input.Str("status");
        var arns = cluster.ContainerInstances.Where(i => status is null || i.Status == status).Select(i => i.Arn).ToList();
        return Page(arns, "containerInstanceArns");
    }

    private static JsonObject DescribeContainerInstances(AwsRequest request)
    {
        var cluster = FindCluster(request.RegionState, request.Input.Str("cluster"));
        var instances = new JsonArray();
        var failures = new JsonArray();
        foreach (var id in request.Input.Strings("containerInstances"))
        {
            var instance = cluster.ContainerInstances.FirstOrDefault(i => i.Arn == id || i.Id == EcsArns.NameOf(id));
            if (instance is null)
            {
                failures.Add(Failure(id, "MISSING"));
                continue;
            }

            var tasks = cluster.Tasks.Values.Where(t => t.ContainerInstanceArn == instance.Arn && t.DesiredStatus == "RUNNING").ToList();
            static JsonArray Resources(int cpu, int memory) => new(
                new JsonObject { ["name"] = "CPU", ["type"] = "INTEGER", ["integerValue"] = cpu },
                new JsonObject { ["name"] = "MEMORY", ["type"] = "INTEGER", ["integerValue"] = memory });
            var usedCpu = tasks.Sum(t => int.TryParse(t.Cpu, out var c) ? c : 0);
            var usedMemory = tasks.Sum(t => int.TryParse(t.Memory, out var m) ? m : 0);
            instances.Add(new JsonObject
            {
                ["containerInstanceArn"] = instance.Arn,
                ["ec2InstanceId"] = instance.Ec2InstanceId,
                ["version"] = 1,
                ["versionInfo"] = new JsonObject { ["agentVersion"] = "1.90.0", ["agentHash"] = "localecs", ["dockerVersion"] = "DockerVersion: 25.0.8" },
                ["remainingResources"] = Resources(Math.Max(0, 4096 - usedCpu), Math.Max(0, 15576 - usedMemory)),
                ["registeredResources"] = Resources(4096, 15576),
                ["status"] = instance.Status,
                ["agentConnected"] = true,
                ["runningTasksCount"] = tasks.Count(t => t.LastStatus == "RUNNING"),
                ["pendingTasksCount"] = tasks.Count(t => PendingStatuses.Contains(t.LastStatus)),
                ["attributes"] = new JsonArray(
                    new JsonObject { ["name"] = "ecs.availability-zone", ["value"] = instance.AvailabilityZone },
                    new JsonObject { ["name"] = "ecs.instance-type", ["value"] = "m5.xlarge" },
                    new JsonObject { ["name"] = "ecs.os-type", ["value"] = "linux" },
                    new JsonObject { ["name"] = "ecs.cpu-architecture", ["value"] = "x86_64" },
                    new JsonObject { ["name"] = "ecs.subnet-id", ["value"] = instance.SubnetId }),
                ["registeredAt"] = AwsValues.Timestamp(instance.RegisteredAt),
                ["attachments"] = new JsonArray(),
                ["tags"] = new JsonArray(),
            }.Put("capacityProviderName", instance.CapacityProviderName).Put("healthStatus", Daemons.InstanceHealth(cluster, instance, request.Now)));
        }

        return new JsonObject { ["containerInstances"] = instances, ["failures"] = failures };
    }

    private static JsonObject TagResource(AwsRequest request)
    {
        var tags = ResourceTags(request, request.Input.Str("resourceArn"));
        foreach (var tag in request.Input.Objects("tags"))
        {
            RemoveTag(tags, tag.Str("key"));
            tags.Add(tag.DeepClone());
        }

        return [];
    }

    private static JsonObject UntagResource(AwsRequest request)
    {
        var tags = ResourceTags(request, request.Input.Str("resourceArn"));
        foreach (var key in request.Input.Strings("tagKeys"))
        {
            RemoveTag(tags, key);
        }

        return [];
    }

    private static JsonObject ListTagsForResource(AwsRequest request) =>
        new() { ["tags"] = ResourceTags(request, request.Input.Str("resourceArn")).DeepClone() };

    private static void RemoveTag(JsonArray tags, string? key)
    {
        for (var i = tags.Count - 1; i >= 0; i--)
        {
            if ((tags[i] as JsonObject)?.Str("key") == key)
            {
                tags.RemoveAt(i);
            }
        }
    }

    /// <summary>The tag list of the cluster, service, task definition or task an ARN names (created empty on first use).</summary>
    private static JsonArray ResourceTags(AwsRequest request, string? arn)
    {
        var region = request.RegionState;
        if (arn is null)
        {
            throw EcsErrors.Required("resourceArn");
        }

        var resource = arn.Split(':', 6) is { Length: 6 } parts ? parts[5] : string.Empty;
        var kind = resource.Split('/')[0];
        switch (kind)
        {
            case "cluster" when region.Clusters.GetValueOrDefault(EcsArns.NameOf(arn)) is { } cluster:
                return cluster.Tags ??= [];
            case "service" when EcsArns.ClusterOf(arn) is { } clusterName && region.Clusters.GetValueOrDefault(clusterName)?.Services.GetValueOrDefault(EcsArns.NameOf(arn)) is { } service:
                return service.Tags ??= [];
            case "task" when EcsArns.ClusterOf(arn) is { } clusterName && region.Clusters.GetValueOrDefault(clusterName)?.Tasks.GetValueOrDefault(EcsArns.NameOf(arn)) is { } task:
                return task.Tags ??= [];
            case "task-definition" when region.TaskDefinitions.Values.FirstOrDefault(t => t.Arn == arn) is { } definition:
                return definition.Tags ??= [];
            default:
                throw new AwsServiceException("InvalidParameterException", "The specified resource could not be found.");
        }
    }
}
