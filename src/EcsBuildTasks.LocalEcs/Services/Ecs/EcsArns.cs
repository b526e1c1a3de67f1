using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Services.Ecs;

/// <summary>ECS ARNs in the long format (cluster name inside service and task ARNs).</summary>
internal static class EcsArns
{
    public static string Prefix(string region) => $"arn:aws:ecs:{region}:{Account.Id}";

    public static string Cluster(string region, string name) => $"{Prefix(region)}:cluster/{name}";

    public static string Service(string region, string cluster, string name) => $"{Prefix(region)}:service/{cluster}/{name}";

    public static string Task(string region, string cluster, string id) => $"{Prefix(region)}:task/{cluster}/{id}";

    public static string TaskDefinition(string region, string family, int revision) => $"{Prefix(region)}:task-definition/{family}:{revision}";

    public static string ContainerInstance(string region, string cluster, string id) => $"{Prefix(region)}:container-instance/{cluster}/{id}";

    public static string Container(string region, string cluster, string taskId) => $"{Prefix(region)}:container/{cluster}/{taskId}/{Guid.NewGuid()}";

    public static string ServiceDeployment(string region, string cluster, string service, string id) => $"{Prefix(region)}:service-deployment/{cluster}/{service}/{id}";

    public static string ServiceRevision(string region, string cluster, string service, string id) => $"{Prefix(region)}:service-revision/{cluster}/{service}/{id}";

    public static string TaskSet(string region, string cluster, string service, string id) => $"{Prefix(region)}:task-set/{cluster}/{service}/{id}";

    /// <summary>The last path segment of an ARN, or the value itself when it is a plain name.</summary>
    public static string NameOf(string nameOrArn)
    {
        if (!nameOrArn.StartsWith("arn:", StringComparison.Ordinal))
        {
            return nameOrArn;
        }

        var slash = nameOrArn.LastIndexOf('/');
        return slash < 0 ? nameOrArn : nameOrArn[(slash + 1)..];
    }

    /// <summary>The cluster name inside a long-format ARN (service/cluster/name, task/cluster/id, …), or null.</summary>
    public static string? ClusterOf(string arn)
    {
        var parts = arn.Split(':', 6);
        if (parts.Length < 6)
        {
            return null;
        }

        var segments = parts[5].Split('/');
        return segments.Length >= 3 ? segments[1] : null;
    }
}
