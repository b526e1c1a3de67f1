using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EcsBuildTasks.LocalEcs.Hosting;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.Simulation;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Services.Ecs;

/// <summary>
/// Amazon ECS (JSON 1.1). Handlers validate and record intent; the <see cref="SimulationEngine"/> turns services and
/// deployments into tasks over simulated time. Split by area into partial files.
/// </summary>
internal sealed partial class EcsApi(LocalEcsRuntime runtime) : IAwsApi
{
    private static readonly HashSet<string> ServedOperations =
    [
        "CreateCluster", "DescribeClusters", "ListClusters", "DeleteCluster", "PutClusterCapacityProviders", "UpdateClusterSettings",
        "RegisterTaskDefinition", "DescribeTaskDefinition", "ListTaskDefinitions", "ListTaskDefinitionFamilies", "DeregisterTaskDefinition", "DeleteTaskDefinitions",
        "CreateService", "UpdateService", "DescribeServices", "ListServices", "DeleteService", "ListServicesByNamespace",
        "RunTask", "StopTask", "DescribeTasks", "ListTasks", "ListContainerInstances", "DescribeContainerInstances",
        "ListServiceDeployments", "DescribeServiceDeployments", "StopServiceDeployment", "ContinueServiceDeployment", "DescribeServiceRevisions",
        "CreateTaskSet", "UpdateTaskSet", "DeleteTaskSet", "DescribeTaskSets", "UpdateServicePrimaryTaskSet",
        "TagResource", "UntagResource", "ListTagsForResource", "ListAccountSettings", "PutAccountSetting", "PutAccountSettingDefault",
        "CreateCapacityProvider", "DescribeCapacityProviders", "DeleteCapacityProvider",
        "CreateExpressGatewayService", "UpdateExpressGatewayService", "DescribeExpressGatewayService", "DeleteExpressGatewayService",
        "RegisterDaemonTaskDefinition", "DescribeDaemonTaskDefinition", "ListDaemonTaskDefinitions", "DeleteDaemonTaskDefinition",
        "CreateDaemon", "UpdateDaemon", "DescribeDaemon", "DeleteDaemon", "ListDaemons", "ListDaemonDeployments", "DescribeDaemonDeployments", "DescribeDaemonRevisions",
    ];

    public string SigningName => "ecs";

    public IReadOnlyCollection<string> Operations => ServedOperations;

    public JsonNode? Invoke(AwsRequest request)
    {
        var context = new SimulationContext(runtime, request.RegionState, request.Now);
        return request.Operation switch
        {
            "CreateCluster" => CreateCluster(request, context),
            "DescribeClusters" => DescribeClusters(request),
            "ListClusters" => ListClusters(request),
            "DeleteCluster" => DeleteCluster(request),
            "PutClusterCapacityProviders" => PutClusterCapacityProviders(request),
            "UpdateClusterSettings" => UpdateClusterSettings(request),
            "RegisterTaskDefinition" => RegisterTaskDefinition(request),
            "DescribeTaskDefinition" => DescribeTaskDefinition(request),
            "ListTaskDefinitions" => ListTaskDefinitions(request),
            "ListTaskDefinitionFamilies" => ListTaskDefinitionFamilies(request),
            "DeregisterTaskDefinition" => DeregisterTaskDefinition(request),
            "DeleteTaskDefinitions" => DeleteTaskDefinitions(request),
            "CreateService" => CreateService(request, context),
            "UpdateService" => UpdateService(request, context),
            "DescribeServices" => DescribeServices(request, context),
            "ListServices" => ListServices(request),
            "ListServicesByNamespace" => ListServicesByNamespace(request),
            "DeleteService" => DeleteService(request, context),
            "RunTask" => RunTask(request, context),
            "StopTask" => StopTask(request, context),
            "DescribeTasks" => DescribeTasks(request),
            "ListTasks" => ListTasks(request),
            "ListContainerInstances" => ListContainerInstances(request),
            "DescribeContainerInstances" => DescribeContainerInstances(request),
            "ListServiceDeployments" => ListServiceDeployments(request),
            "DescribeServiceDeployments" => DescribeServiceDeployments(request, context),
            "StopServiceDeployment" => StopServiceDeployment(request, context),
            "ContinueServiceDeployment" => ContinueServiceDeployment(request, context),
            "DescribeServiceRevisions" => DescribeServiceRevisions(request, context),
            "CreateTaskSet" => CreateTaskSet(request),
            "UpdateTaskSet" => UpdateTaskSet(request),
            "DeleteTaskSet" => DeleteTaskSet(request),
            "DescribeTaskSets" => DescribeTaskSets(request),
            "UpdateServicePrimaryTaskSet" => UpdateServicePrimaryTaskSet(request),
            "TagResource" => TagResource(request),
            "UntagResource" => UntagResource(request),
            "ListTagsForResource" => ListTagsForResource(request),
            "ListAccountSettings" => ListAccountSettings(request),
            "CreateCapacityProvider" => CreateCapacityProvider(request, context),
            "DescribeCapacityProviders" => DescribeCapacityProviders(request),
            "DeleteCapacityProvider" => DeleteCapacityProvider(request, context),
            "CreateExpressGatewayService" => CreateExpressGatewayService(request, context),
            "UpdateExpressGatewayService" => UpdateExpressGatewayService(request, context),
            "DescribeExpressGatewayService" => DescribeExpressGatewayService(request),
            "DeleteExpressGatewayService" => DeleteExpressGatewayService(request, context),
            "RegisterDaemonTaskDefinition" => RegisterDaemonTaskDefinition(request),
            "DescribeDaemonTaskDefinition" => DescribeDaemonTaskDefinition(request),
            "ListDaemonTaskDefinitions" => ListDaemonTaskDefinitions(request),
            "DeleteDaemonTaskDefinition" => DeleteDaemonTaskDefinition(request),
            "CreateDaemon" => CreateDaemon(request, context),
            "UpdateDaemon" => UpdateDaemon(request, context),
            "DescribeDaemon" => DescribeDaemon(request),
            "DeleteDaemon" => DeleteDaemon(request, context),
            "ListDaemons" => ListDaemons(request),
            "ListDaemonDeployments" => ListDaemonDeployments(request),
            "DescribeDaemonDeployments" => DescribeDaemonDeployments(request),
            "DescribeDaemonRevisions" => DescribeDaemonRevisions(request),
            _ => PutAccountSetting(request),
        };
    }

    /// <summary>Finds an ACTIVE cluster by name or ARN (default: <c>default</c>), as ECS resolves the <c>cluster</c> member.</summary>
    internal static EcsCluster FindCluster(RegionState region, string? nameOrArn)
    {
        var name = EcsArns.NameOf(nameOrArn ?? "default");
        return region.Clusters.TryGetValue(name, out var cluster) && cluster.Status == "ACTIVE" ? cluster : throw EcsErrors.ClusterNotFound();
    }

    private static JsonObject CreateCluster(AwsRequest request, SimulationContext context)
    {
        var name = request.Input.Str("clusterName") ?? "default";
        if (!NamePattern().IsMatch(name))
        {
            throw EcsErrors.Invalid("Cluster name is invalid. Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed.");
        }

        var region = request.RegionState;
        if (region.Clusters.TryGetValue(name, out var existing) && existing.Status == "ACTIVE")
        {
            // CreateCluster is idempotent in ECS: the existing cluster comes back.
            return new JsonObject { ["cluster"] = RenderCluster(existing, ["TAGS", "SETTINGS"]) };
        }

        var cluster = new EcsCluster
        {
            Name = name,
            Arn = EcsArns.Cluster(request.Region, name),
            CreatedAt = request.Now,
            Tags = request.Input.CloneArr("tags"),
            Settings = request.Input.CloneArr("settings") ?? [new JsonObject { ["name"] = "containerInsights", ["value"] = "disabled" }],
            Configuration = request.Input.CloneObj("configuration"),
            CapacityProviders = request.Input.Strings("capacityProviders").ToList(),
            DefaultCapacityProviderStrategy = request.Input.CloneArr("defaultCapacityProviderStrategy"),
        };
        region.Clusters[name] = cluster;
        ContainerInstances.Synchronize(context, cluster);
        return new JsonObject { ["cluster"] = RenderCluster(cluster, ["TAGS", "SETTINGS"]) };
    }

    private static JsonObject DescribeClusters(AwsRequest request)
    {
        var names = request.Input.Strings("clusters").ToList();
        if (names.Count == 0)
        {
            names.Add("default");
        }

        var include = request.Input.Strings("include").ToHashSet(StringComparer.Ordinal);
        var clusters = new JsonArray();
        var failures = new JsonArray();
        foreach (var name in names)
        {
            if (request.RegionState.Clusters.TryGetValue(EcsArns.NameOf(name), out var cluster))
            {
                clusters.Add(RenderCluster(cluster, include));
            }
            else
            {
                failures.Add(Failure(name.StartsWith("arn:", StringComparison.Ordinal) ? name : EcsArns.Cluster(request.Region, name), "MISSING"));
            }
        }

        return new JsonObject { ["clusters"] = clusters, ["failures"] = failures };
    }

    private static JsonObject ListClusters(AwsRequest request)
    {
        var arns = request.RegionState.Clusters.Values.Where(c => c.Status == "ACTIVE").Select(c => c.Arn).Order(StringComparer.Ordinal).ToList();
        return Page(arns, "clusterArns");
    }

    private static JsonObject DeleteCluster(AwsRequest request)
    {
        var cluster = FindCluster(request.RegionState, request.Input.Str("cluster"));
        if (cluster.Services.Values.Any(s => s.Status != "INACTIVE"))
        {
            throw new AwsServiceException("ClusterContainsServicesException", "The Cluster cannot be deleted while Services are active.");
        }

        if (cluster.Tasks.Values.Any(t => t.LastStatus != "STOPPED"))
        {
            throw new AwsServiceException("ClusterContainsTasksException", "The Cluster cannot be deleted while Tasks are active.");
        }

        cluster.Status = "INACTIVE";
        cluster.ContainerInstances.Clear();
        return new JsonObject { ["cluster"] = RenderCluster(cluster, []) };
    }

    private static JsonObject PutClusterCapacityProviders(AwsRequest request)
    {
        var cluster = FindCluster(request.RegionState, request.Input.Str("cluster"));
        cluster.CapacityProviders = request.Input.Strings("capacityProviders").ToList();
        cluster.DefaultCapacityProviderStrategy = request.Input.CloneArr("defaultCapacityProviderStrategy") ?? [];
        return new JsonObject { ["cluster"] = RenderCluster(cluster, []) };
    }

    private static JsonObject UpdateClusterSettings(AwsRequest request)
    {
        var cluster = FindCluster(request.RegionState, request.Input.Str("cluster"));
        cluster.Settings = request.Input.CloneArr("settings") ?? [];
        return new JsonObject { ["cluster"] = RenderCluster(cluster, ["SETTINGS"]) };
    }

    private static JsonObject PutAccountSetting(AwsRequest request)
    {
        var name = request.Input.Str("name") ?? throw EcsErrors.Required("name");
        var value = request.Input.Str("value") ?? throw EcsErrors.Required("value");
        request.Account.EcsAccountSettings[name] = value;
        return new JsonObject { ["setting"] = AccountSetting(name, value) };
    }

    private static JsonObject ListAccountSettings(AwsRequest request)
    {
        var name = request.Input.Str("name");
        var value = request.Input.Str("value");
        var settings = request.Account.EcsAccountSettings
            .Where(s => (name is null || s.Key == name) && (value is null || s.Value == value))
            .OrderBy(s => s.Key, StringComparer.Ordinal)
            .Select(s => (JsonNode?)AccountSetting(s.Key, s.Value))
            .ToJsonArray();
        return new JsonObject { ["settings"] = settings };
    }

    private static JsonObject AccountSetting(string name, string value) =>
        new() { ["name"] = name, ["value"] = value, ["principalArn"] = Account.UserArn, ["type"] = "user" };

    internal static JsonObject RenderCluster(EcsCluster cluster, IReadOnlyCollection<string> include)
    {
        var live = cluster.Tasks.Values.Where(t => t.LastStatus != "STOPPED").ToList();
        var result = new JsonObject
        {
            ["clusterArn"] = cluster.Arn,
            ["clusterName"] = cluster.Name,
            ["status"] = cluster.Status,
            ["registeredContainerInstancesCount"] = cluster.ContainerInstances.Count,
            ["runningTasksCount"] = live.Count(t => t.LastStatus == "RUNNING"),
            ["pendingTasksCount"] = live.Count(t => t.LastStatus != "RUNNING"),
            ["activeServicesCount"] = cluster.Services.Values.Count(s => s.Status == "ACTIVE"),
            ["statistics"] = new JsonArray(),
            ["capacityProviders"] = cluster.CapacityProviders.ToJsonArray(),
            ["defaultCapacityProviderStrategy"] = cluster.DefaultCapacityProviderStrategy?.DeepClone() ?? new JsonArray(),
        };
        if (include.Contains("TAGS"))
        {
            result["tags"] = cluster.Tags?.DeepClone() ?? new JsonArray();
        }

        if (include.Contains("SETTINGS"))
        {
            result["settings"] = cluster.Settings?.DeepClone() ?? new JsonArray();
        }

        if (include.Contains("CONFIGURATIONS") && cluster.Configuration is not null)
        {
            result["configuration"] = cluster.Configuration.DeepClone();
        }

        return result;
    }

    internal static JsonObject Failure(string arn, string reason, string? detail = null) =>
        new JsonObject { ["arn"] = arn, ["reason"] = reason }.Put("detail", detail);

    /// <summary>Every item: the router cuts the page and checks maxResults and nextToken (Hosting/Pagination).</summary>
    internal static JsonObject Page(IReadOnlyList<string> items, string member) => new() { [member] = items.ToJsonArray() };

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,255}$")]
    internal static partial Regex NamePattern();
}
