using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.Services.Ecs;

namespace EcsBuildTasks.LocalEcs.Iam.Authorization.Tables;

/// <summary>
/// Amazon ECS operations → IAM actions, resources and condition keys (Service Authorization Reference, "Amazon Elastic
/// Container Service"). Roles handed to ECS need <c>iam:PassRole</c>: task and execution roles to
/// <c>ecs-tasks.amazonaws.com</c> (RegisterTaskDefinition, RunTask), service roles to <c>ecs.amazonaws.com</c>
/// (CreateService, UpdateService). Tags on create need <c>ecs:TagResource</c> with <c>ecs:CreateAction</c>.
/// </summary>
internal static class EcsActions
{
    private const string Tasks = "ecs-tasks.amazonaws.com";
    private const string Ecs = "ecs.amazonaws.com";

    public static readonly ActionTable Table = new("ecs")
    {
        ["CreateCluster"] = c => [c.Check("ecs:CreateCluster", Cluster(c, c.Str("clusterName"))), .. c.TagOnCreate("ecs:TagResource", Cluster(c, c.Str("clusterName")), c.Tags("tags"), "ecs:CreateAction", "CreateCluster")],
        ["DescribeClusters"] = c => c.Checks("ecs:DescribeClusters", c.Strings("clusters").DefaultIfEmpty("default").Select(n => Cluster(c, n))),
        ["ListClusters"] = c => [c.Any("ecs:ListClusters")],
        ["DeleteCluster"] = c => [c.Check("ecs:DeleteCluster", Cluster(c, c.Str("cluster")))],
        ["PutClusterCapacityProviders"] = c => [c.Check("ecs:PutClusterCapacityProviders", Cluster(c, c.Str("cluster")))],
        ["UpdateClusterSettings"] = c => [c.Check("ecs:UpdateClusterSettings", Cluster(c, c.Str("cluster")))],

        // Capacity providers (managed instances, for daemons): the infrastructure role is handed to ECS.
        ["CreateCapacityProvider"] = c =>
        [
            c.Check("ecs:CreateCapacityProvider", CapacityProvider(c, c.Str("name"))),
            .. c.PassRoles([c.Input.Obj("managedInstancesProvider")?.Str("infrastructureRoleArn")], Ecs),
            .. c.TagOnCreate("ecs:TagResource", CapacityProvider(c, c.Str("name")), c.Tags("tags"), "ecs:CreateAction", "CreateCapacityProvider"),
        ],
        ["DescribeCapacityProviders"] = c => c.Strings("capacityProviders").Any()
            ? c.Checks("ecs:DescribeCapacityProviders", c.Strings("capacityProviders").Select(p => CapacityProvider(c, p)))
            : [c.Any("ecs:DescribeCapacityProviders")],
        ["DeleteCapacityProvider"] = c => [c.Check("ecs:DeleteCapacityProvider", CapacityProvider(c, c.Str("capacityProvider")))],

        ["RegisterTaskDefinition"] = c =>
        [
            c.Check("ecs:RegisterTaskDefinition", NextRevision(c)),
            .. c.PassRoles([c.Str("taskRoleArn"), c.Str("executionRoleArn")], Tasks),
            .. c.TagOnCreate("ecs:TagResource", NextRevision(c), c.Tags("tags"), "ecs:CreateAction", "RegisterTaskDefinition"),
        ],
        ["DescribeTaskDefinition"] = c => [c.Any("ecs:DescribeTaskDefinition")],
        ["ListTaskDefinitions"] = c => [c.Any("ecs:ListTaskDefinitions")],
        ["ListTaskDefinitionFamilies"] = c => [c.Any("ecs:ListTaskDefinitionFamilies")],
        ["DeregisterTaskDefinition"] = c => [c.Any("ecs:DeregisterTaskDefinition")],
        ["DeleteTaskDefinitions"] = c => c.Checks("ecs:DeleteTaskDefinitions", c.Strings("taskDefinitions").Select(t => TaskDefinition(c, t))),

        ["CreateService"] = c =>
        [
            c.Check("ecs:CreateService", Service(c, c.Str("cluster"), c.Str("serviceName")), ("ecs:cluster", Cluster(c, c.Str("cluster"))), ("ecs:task-definition", TaskDefinitionOrNull(c, c.Str("taskDefinition")))),
            .. c.PassRoles(ServiceRoles(c.Input), Ecs),
            .. c.TagOnCreate("ecs:TagResource", Service(c, c.Str("cluster"), c.Str("serviceName")), c.Tags("tags"), "ecs:CreateAction", "CreateService"),
        ],
        ["UpdateService"] = c =>
        [
            c.Check("ecs:UpdateService", Service(c, c.Str("cluster"), c.Str("service")), ("ecs:cluster", Cluster(c, c.Str("cluster"))), ("ecs:task-definition", TaskDefinitionOrNull(c, c.Str("taskDefinition")))),
            .. c.PassRoles(ServiceRoles(c.Input), Ecs),
        ],
        ["DescribeServices"] = c => c.Checks("ecs:DescribeServices", c.Strings("services").Select(s => Service(c, c.Str("cluster"), s)), ("ecs:cluster", Cluster(c, c.Str("cluster")))),
        ["ListServices"] = c => [c.Any("ecs:ListServices", ("ecs:cluster", Cluster(c, c.Str("cluster"))))],
        ["ListServicesByNamespace"] = c => [c.Any("ecs:ListServicesByNamespace", ("ecs:namespace", c.Str("namespace")))],
        ["DeleteService"] = c => [c.Check("ecs:DeleteService", Service(c, c.Str("cluster"), c.Str("service")), ("ecs:cluster", Cluster(c, c.Str("cluster"))))],

        ["RunTask"] = c =>
        [
            c.Check("ecs:RunTask", TaskDefinition(c, c.Str("taskDefinition")), ("ecs:cluster", Cluster(c, c.Str("cluster")))),
            .. c.PassRoles(TaskRoles(c), Tasks),
            .. c.TagOnCreate("ecs:TagResource", c.Arn("ecs", $"task/{ClusterName(c.Str("cluster"))}/*"), c.Tags("tags"), "ecs:CreateAction", "RunTask"),
        ],
        ["StopTask"] = c => [c.Check("ecs:StopTask", Task(c, c.Str("cluster"), c.Str("task")), ("ecs:cluster", Cluster(c, c.Str("cluster"))))],
        ["DescribeTasks"] = c => c.Checks("ecs:DescribeTasks", c.Strings("tasks").Select(t => Task(c, c.Str("cluster"), t)), ("ecs:cluster", Cluster(c, c.Str("cluster")))),
        ["ListTasks"] = c => [c.Any("ecs:ListTasks", ("ecs:cluster", Cluster(c, c.Str("cluster"))))],
        ["ListContainerInstances"] = c => [c.Check("ecs:ListContainerInstances", Cluster(c, c.Str("cluster")))],
        ["DescribeContainerInstances"] = c => c.Checks("ecs:DescribeContainerInstances",
            c.Strings("containerInstances").Select(i => i.StartsWith("arn:", StringComparison.Ordinal) ? i : c.Arn("ecs", $"container-instance/{ClusterName(c.Str("cluster"))}/{i}")),
            ("ecs:cluster", Cluster(c, c.Str("cluster")))),

        ["ListServiceDeployments"] = c => [c.Check("ecs:ListServiceDeployments", Service(c, c.Str("cluster"), c.Str("service")), ("ecs:cluster", Cluster(c, c.Str("cluster"))))],
        ["DescribeServiceDeployments"] = c => ServiceChildren(c, "ecs:DescribeServiceDeployments", c.Strings("serviceDeploymentArns")),
        ["StopServiceDeployment"] = c => ServiceChildren(c, "ecs:StopServiceDeployment", [c.Str("serviceDeploymentArn") ?? string.Empty]),
        ["ContinueServiceDeployment"] = c => ServiceChildren(c, "ecs:ContinueServiceDeployment", [c.Str("serviceDeploymentArn") ?? string.Empty]),
        ["DescribeServiceRevisions"] = c => ServiceChildren(c, "ecs:DescribeServiceRevisions", c.Strings("serviceRevisionArns")),

        ["CreateTaskSet"] = c =>
        [
            c.Check("ecs:CreateTaskSet", c.Arn("ecs", $"task-set/{ClusterName(c.Str("cluster"))}/{EcsArns.NameOf(c.Str("service") ?? string.Empty)}/*"),
                ("ecs:cluster", Cluster(c, c.Str("cluster"))), ("ecs:service", Service(c, c.Str("cluster"), c.Str("service"))), ("ecs:task-definition", TaskDefinitionOrNull(c, c.Str("taskDefinition")))),
            .. c.TagOnCreate("ecs:TagResource", c.Arn("ecs", $"task-set/{ClusterName(c.Str("cluster"))}/{EcsArns.NameOf(c.Str("service") ?? string.Empty)}/*"), c.Tags("tags"), "ecs:CreateAction", "CreateTaskSet"),
        ],
        ["UpdateTaskSet"] = c => [TaskSetCheck(c, "ecs:UpdateTaskSet", c.Str("taskSet"))],
        ["DeleteTaskSet"] = c => [TaskSetCheck(c, "ecs:DeleteTaskSet", c.Str("taskSet"))],
        ["DescribeTaskSets"] = c => c.Strings("taskSets").DefaultIfEmpty("*").Select(t => TaskSetCheck(c, "ecs:DescribeTaskSets", t)),
        ["UpdateServicePrimaryTaskSet"] = c => [c.Check("ecs:UpdateServicePrimaryTaskSet", Service(c, c.Str("cluster"), c.Str("service")), ("ecs:cluster", Cluster(c, c.Str("cluster"))))],

        // Express services and managed daemons (the "express" work adds them to the ECS API).
        ["CreateExpressGatewayService"] = c =>
        [
            c.Check("ecs:CreateExpressGatewayService", Service(c, c.Str("cluster"), c.Str("serviceName")), ("ecs:cluster", Cluster(c, c.Str("cluster")))),
            c.Check("ecs:RegisterTaskDefinition", c.Arn("ecs", "task-definition/*")),
            .. c.PassRoles([c.Str("executionRoleArn"), c.Str("taskRoleArn")], Tasks),
            .. c.PassRoles([c.Str("infrastructureRoleArn")], Ecs),
            .. c.TagOnCreate("ecs:TagResource", Service(c, c.Str("cluster"), c.Str("serviceName")), c.Tags("tags"), "ecs:CreateAction", "CreateExpressGatewayService"),
        ],
        ["DescribeExpressGatewayService"] = c => [ServiceArnCheck(c, "ecs:DescribeExpressGatewayService", c.Str("serviceArn"))],
        ["UpdateExpressGatewayService"] = c => [ServiceArnCheck(c, "ecs:UpdateExpressGatewayService", c.Str("serviceArn")), .. c.PassRoles([c.Str("executionRoleArn"), c.Str("taskRoleArn")], Tasks)],
        ["DeleteExpressGatewayService"] = c => [ServiceArnCheck(c, "ecs:DeleteExpressGatewayService", c.Str("serviceArn"))],
        ["CreateDaemon"] = c =>
        [
            c.Check("ecs:CreateDaemon", c.Arn("ecs", $"daemon/{ClusterName(c.Str("clusterArn"))}/{c.Str("daemonName")}"), ("ecs:cluster", Cluster(c, c.Str("clusterArn"))), ("ecs:daemon-task-definition", c.Str("daemonTaskDefinitionArn"))),
            .. c.TagOnCreate("ecs:TagResource", c.Arn("ecs", $"daemon/{ClusterName(c.Str("clusterArn"))}/{c.Str("daemonName")}"), c.Tags("tags"), "ecs:CreateAction", "CreateDaemon"),
        ],
        ["DescribeDaemon"] = c => [DaemonCheck(c, "ecs:DescribeDaemon", c.Str("daemonArn"))],
        ["UpdateDaemon"] = c => [DaemonCheck(c, "ecs:UpdateDaemon", c.Str("daemonArn"))],
        ["DeleteDaemon"] = c => [DaemonCheck(c, "ecs:DeleteDaemon", c.Str("daemonArn"))],
        ["ListDaemons"] = c => [c.Any("ecs:ListDaemons", ("ecs:cluster", c.Str("clusterArn") is null ? null : Cluster(c, c.Str("clusterArn"))))],
        ["ListDaemonDeployments"] = c => [DaemonCheck(c, "ecs:ListDaemonDeployments", c.Str("daemonArn"))],
        ["DescribeDaemonDeployments"] = c => c.Strings("daemonDeploymentArns").Select(a => c.Check("ecs:DescribeDaemonDeployments", a)),
        ["DescribeDaemonRevisions"] = c => c.Strings("daemonRevisionArns").Select(a => c.Check("ecs:DescribeDaemonRevisions", a)),
        ["RegisterDaemonTaskDefinition"] = c =>
        [
            c.Check("ecs:RegisterDaemonTaskDefinition", c.Arn("ecs", $"daemon-task-definition/{c.Str("family")}:*")),
            .. c.PassRoles([c.Str("taskRoleArn"), c.Str("executionRoleArn")], Tasks),
            .. c.TagOnCreate("ecs:TagResource", c.Arn("ecs", $"daemon-task-definition/{c.Str("family")}:*"), c.Tags("tags"), "ecs:CreateAction", "RegisterDaemonTaskDefinition"),
        ],
        ["DescribeDaemonTaskDefinition"] = c => [c.Check("ecs:DescribeDaemonTaskDefinition", DaemonTaskDefinition(c, c.Str("daemonTaskDefinition")))],
        ["DeleteDaemonTaskDefinition"] = c => [c.Check("ecs:DeleteDaemonTaskDefinition", DaemonTaskDefinition(c, c.Str("daemonTaskDefinition")))],
        ["ListDaemonTaskDefinitions"] = c => [c.Any("ecs:ListDaemonTaskDefinitions")],

        ["TagResource"] = c => [new AuthorizationCheck("ecs:TagResource", c.Str("resourceArn") ?? "*", OperationContext.TagKeys(c.Tags("tags")))],
        ["UntagResource"] = c => [new AuthorizationCheck("ecs:UntagResource", c.Str("resourceArn") ?? "*", new Dictionary<string, IReadOnlyList<string>> { ["aws:TagKeys"] = c.Strings("tagKeys").ToList() })],
        ["ListTagsForResource"] = c => [c.Check("ecs:ListTagsForResource", c.Str("resourceArn") ?? "*")],
        ["ListAccountSettings"] = c => [c.Any("ecs:ListAccountSettings")],
        ["PutAccountSetting"] = c => [c.Any("ecs:PutAccountSetting", ("ecs:account-setting", c.Str("name")))],
        ["PutAccountSettingDefault"] = c => [c.Any("ecs:PutAccountSettingDefault", ("ecs:account-setting", c.Str("name")))],
    };

    private static string ClusterName(string? nameOrArn) => EcsArns.NameOf(nameOrArn ?? "default");

    private static string Cluster(OperationContext c, string? nameOrArn) => c.Arn("ecs", "cluster/" + ClusterName(nameOrArn));

    private static string CapacityProvider(OperationContext c, string? nameOrArn) => c.Arn("ecs", "capacity-provider/" + EcsArns.NameOf(nameOrArn ?? "*"));

    private static string Service(OperationContext c, string? cluster, string? nameOrArn) =>
        nameOrArn?.StartsWith("arn:", StringComparison.Ordinal) == true && EcsArns.ClusterOf(nameOrArn) is not null
            ? nameOrArn
            : c.Arn("ecs", $"service/{ClusterName(cluster)}/{EcsArns.NameOf(nameOrArn ?? string.Empty)}");

    private static string Task(OperationContext c, string? cluster, string? idOrArn) =>
        idOrArn?.StartsWith("arn:", StringComparison.Ordinal) == true ? idOrArn : c.Arn("ecs", $"task/{ClusterName(cluster)}/{idOrArn}");

    /// <summary>The ARN of the revision RegisterTaskDefinition is about to create.</summary>
    private static string NextRevision(OperationContext c)
    {
        var family = c.Str("family") ?? string.Empty;
        return c.Arn("ecs", $"task-definition/{family}:{c.RegionState.TaskDefinitionFamilyRevisions.GetValueOrDefault(family) + 1}");
    }

    /// <summary>A task definition reference (ARN, <c>family:revision</c>, or a family meaning its latest ACTIVE revision) as an ARN.</summary>
    private static string TaskDefinition(OperationContext c, string? reference) => TaskDefinitionOrNull(c, reference) ?? c.Arn("ecs", "task-definition/*");

    private static string? TaskDefinitionOrNull(OperationContext c, string? reference)
    {
        if (reference is null)
        {
            return null;
        }

        if (reference.StartsWith("arn:", StringComparison.Ordinal))
        {
            return reference;
        }

        if (reference.Contains(':', StringComparison.Ordinal))
        {
            return c.Arn("ecs", "task-definition/" + reference);
        }

        var latest = c.RegionState.TaskDefinitions.Values.Where(t => t.Family == reference && t.Status == "ACTIVE").MaxBy(t => t.Revision);
        return latest?.Arn ?? c.Arn("ecs", $"task-definition/{reference}:*");
    }

    /// <summary>Roles CreateService and UpdateService hand to ECS: the service role, lifecycle hook roles, load balancer and EBS roles.</summary>
    private static IEnumerable<string?> ServiceRoles(JsonObject input)
    {
        yield return input.Str("role");
        foreach (var hook in input.Obj("deploymentConfiguration")?.Objects("lifecycleHooks") ?? [])
        {
            yield return hook.Str("roleArn");
        }

        foreach (var balancer in input.Objects("loadBalancers"))
        {
            yield return balancer.Obj("advancedConfiguration")?.Str("roleArn");
        }

        foreach (var volume in input.Objects("volumeConfigurations"))
        {
            yield return volume.Obj("managedEBSVolume")?.Str("roleArn");
        }
    }

    /// <summary>RunTask passes the task definition's task and execution roles (or the overrides') to ECS tasks.</summary>
    private static IEnumerable<string?> TaskRoles(OperationContext c)
    {
        var overrides = c.Input.Obj("overrides");
        var reference = c.Str("taskDefinition");
        var definition = TaskDefinitionOrNull(c, reference) is { } arn
            ? c.RegionState.TaskDefinitions.Values.FirstOrDefault(t => t.Arn == arn)?.Definition
            : null;
        yield return overrides?.Str("taskRoleArn") ?? definition?.Str("taskRoleArn");
        yield return overrides?.Str("executionRoleArn") ?? definition?.Str("executionRoleArn");
    }

    /// <summary>Service deployments and revisions: each child ARN and the service it belongs to (cluster and service are in the ARN).</summary>
    private static IEnumerable<AuthorizationCheck> ServiceChildren(OperationContext c, string action, IEnumerable<string> arns)
    {
        foreach (var arn in arns)
        {
            var parts = arn.Split(':', 6);
            var path = parts.Length == 6 ? parts[5].Split('/') : [];
            if (path.Length < 4)
            {
                yield return c.Check(action, arn);
                continue;
            }

            var service = c.Arn("ecs", $"service/{path[1]}/{path[2]}");
            var cluster = c.Arn("ecs", $"cluster/{path[1]}");
            yield return c.Check(action, service, ("ecs:cluster", cluster));
            yield return c.Check(action, arn, ("ecs:cluster", cluster), ("ecs:service", service));
        }
    }

    /// <summary>An operation on a service named by its ARN (Express services), with the cluster the ARN names.</summary>
    private static AuthorizationCheck ServiceArnCheck(OperationContext c, string action, string? serviceArn) =>
        c.Check(action, serviceArn ?? "*", ("ecs:cluster", serviceArn is null || EcsArns.ClusterOf(serviceArn) is not { } cluster ? null : Cluster(c, cluster)));

    /// <summary>An operation on a daemon (<c>daemon/CLUSTER/NAME</c>), with its cluster.</summary>
    private static AuthorizationCheck DaemonCheck(OperationContext c, string action, string? daemonArn) =>
        c.Check(action, daemonArn ?? "*", ("ecs:cluster", daemonArn is null || EcsArns.ClusterOf(daemonArn) is not { } cluster ? null : Cluster(c, cluster)));

    private static string DaemonTaskDefinition(OperationContext c, string? reference) =>
        reference?.StartsWith("arn:", StringComparison.Ordinal) == true ? reference : c.Arn("ecs", "daemon-task-definition/" + (reference?.Contains(':', StringComparison.Ordinal) == true ? reference : reference + ":*"));

    private static AuthorizationCheck TaskSetCheck(OperationContext c, string action, string? taskSet)
    {
        var cluster = ClusterName(c.Str("cluster"));
        var service = EcsArns.NameOf(c.Str("service") ?? string.Empty);
        var arn = taskSet?.StartsWith("arn:", StringComparison.Ordinal) == true ? taskSet : c.Arn("ecs", $"task-set/{cluster}/{service}/{taskSet}");
        return c.Check(action, arn, ("ecs:cluster", Cluster(c, cluster)), ("ecs:service", Service(c, cluster, service)));
    }
}
