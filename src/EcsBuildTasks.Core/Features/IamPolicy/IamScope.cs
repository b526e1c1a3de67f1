using System.Text.Json.Nodes;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Features.IamPolicy;

/// <summary>
/// What a policy is scoped to: the project's definitions in one account and region (<c>*</c> for an account the
/// credentials did not name), with the ARNs the statements derive from them. Strategies receive it to write their own
/// statements (<c>IDeploymentStrategy.IamStatements</c>).
/// </summary>
internal sealed record IamScope(GeneratedDefinitions Definitions, string Account, string Region)
{
    public EcsSettings Settings => Definitions.Settings;

    /// <summary>The deploying principal (a user or role ARN), when the credentials named it: what <c>EcsCheckPermissions</c> simulates.</summary>
    public string? Principal { get; init; }

    /// <summary>
    /// What the preflight found (<c>EcsCheckPermissions</c>, after it): only the statements a finding calls for are
    /// kept (<see cref="PolicyStatement.OnlyWhenFound"/>). Null when nothing was looked at (<c>-t:EcsIamPolicy</c>):
    /// every statement a deployment may need.
    /// </summary>
    public IReadOnlySet<LiveFinding>? Found { get; init; }

    /// <summary><c>arn:aws:ecs:REGION:ACCOUNT</c>.</summary>
    public string Ecs => $"arn:aws:ecs:{Region}:{Account}";

    /// <summary>The cluster's name (the definitions may name it by ARN).</summary>
    public string ClusterName
    {
        get
        {
            var cluster = Definitions.Service.Cluster ?? Settings.Cluster ?? "default";
            return cluster.StartsWith("arn:", StringComparison.Ordinal) ? cluster[(cluster.LastIndexOf('/') + 1)..] : cluster;
        }
    }

    public string ClusterArn => $"{Ecs}:cluster/{ClusterName}";

    /// <summary>The project's ECS service name (the base name of versioned services).</summary>
    public string ServiceName => Definitions.Service.ServiceName!;

    /// <summary>A service of the cluster (<paramref name="name"/> may end in a wildcard: <c>web__*</c>).</summary>
    public string ServiceArn(string name) => $"{Ecs}:service/{ClusterName}/{name}";

    /// <summary>The service deployments of a service of the cluster.</summary>
    public string ServiceDeploymentArns(string name) => $"{Ecs}:service-deployment/{ClusterName}/{name}/*";

    /// <summary>The service revisions of a service of the cluster.</summary>
    public string ServiceRevisionArns(string name) => $"{Ecs}:service-revision/{ClusterName}/{name}/*";

    /// <summary>Every revision of the project's task family.</summary>
    public string TaskFamilyArn => $"{Ecs}:task-definition/{Definitions.TaskDefinition.Family}:*";

    /// <summary>The cluster's tasks.</summary>
    public string TasksArn => $"{Ecs}:task/{ClusterName}/*";

    /// <summary><c>arn:aws:servicediscovery:REGION:ACCOUNT</c>.</summary>
    public string CloudMap => $"arn:aws:servicediscovery:{Region}:{Account}";

    /// <summary>The condition that keeps an action which takes no resource (or a task definition) to the project's cluster.</summary>
    public JsonObject InTheCluster() => new() { ["ArnEquals"] = new JsonObject { ["ecs:cluster"] = ClusterArn } };

    /// <summary>The condition that keeps <c>iam:PassRole</c> to the service that receives the role.</summary>
    public static JsonObject PassedTo(string service) => new() { ["StringEquals"] = new JsonObject { ["iam:PassedToService"] = service } };

    /// <summary>
    /// The account's <c>ecsTaskExecutionRole</c> when the task needs an execution role, names none, and the deployment
    /// resolves it (zero-config on AWS: looked up, or created with <c>EcsCreateExecutionRole</c>); else null.
    /// </summary>
    public string? DefaultExecutionRoleArn =>
        ExecutionRoleNeed.ResolvedAtDeploy(Settings, Definitions.TaskDefinition, Definitions.Target) ? FoundExecutionRoleArn ?? $"arn:aws:iam::{Account}:role/{EcsProperties.DefaultExecutionRoleName}" : null;

    /// <summary>The default execution role's ARN as the preflight found it (with its path, if it has one); null when not looked up.</summary>
    public string? FoundExecutionRoleArn { get; init; }

    /// <summary>The scalable targets of ECS services (their ids are chosen by AWS), kept to ECS by the namespace condition.</summary>
    public string ScalableTargets => $"arn:aws:application-autoscaling:{Region}:{Account}:scalable-target/*";

    /// <summary>The condition that keeps Application Auto Scaling actions to ECS services' targets.</summary>
    public static JsonObject OfEcsServices() => new() { ["StringEquals"] = new JsonObject { ["application-autoscaling:service-namespace"] = "ecs" } };

    /// <summary>The execution and task roles the task definition names.</summary>
    public IReadOnlyList<string> TaskRoles =>
        [.. new[] { Definitions.TaskDefinition.ExecutionRoleArn, Definitions.TaskDefinition.TaskRoleArn }.OfType<string>().Distinct(StringComparer.Ordinal)];
}
