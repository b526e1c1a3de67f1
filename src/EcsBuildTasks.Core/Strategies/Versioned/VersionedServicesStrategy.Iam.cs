using EcsBuildTasks.Core.Features.IamPolicy;

namespace EcsBuildTasks.Core.Strategies.Versioned;

internal abstract partial class VersionedServicesStrategy
{
    /// <summary>
    /// The versions <c>&lt;name&gt;__&lt;N&gt;</c> (and the plain name, adopted as version 0) created, resized, tagged and
    /// deleted; their tasks, target health and Cloud Map instances watched until steady; auto scaling moved between
    /// them; and what the subclass moves traffic with (<see cref="TrafficIamStatements"/>).
    /// </summary>
    public IEnumerable<PolicyStatement> IamStatements(IamScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var name = scope.ServiceName;
        yield return new("CreateResizeTagAndDeleteTheVersionsOfTheService",
            ["ecs:DescribeServices", "ecs:CreateService", "ecs:UpdateService", "ecs:DeleteService", "ecs:TagResource"],
            [scope.ServiceArn(name), scope.ServiceArn(name + "__*")]);
        yield return ServiceStatements.ListTheClustersServices(scope);
        yield return ServiceStatements.RegisterTheTaskFamily(scope);
        yield return ServiceStatements.DescribeTaskDefinitions();
        yield return ServiceStatements.ScalableTargetLookup();

        // The steady check lists a version's tasks to match them with its targets or Cloud Map instances; without either,
        // only a failure reads the tasks (the stopped ones' evidence).
        var balanced = scope.Definitions.Service.LoadBalancers is { Count: > 0 };
        var watched = balanced || scope.Settings.ServiceDiscovery is not null;
        var preDeploy = scope.Settings.PreDeployTasks.Count > 0;
        yield return watched
            ? new("WatchTheVersionsTasksListTasksTakesNoResource", ["ecs:ListTasks"], ["*"], scope.InTheCluster())
            : new("OnFailureListTheStoppedTasksListTasksTakesNoResource", ["ecs:ListTasks"], ["*"], scope.InTheCluster(), OnlyOnFailure: true);
        yield return balanced || preDeploy
            ? new("WatchTheVersionsAndPreDeployTasks", ["ecs:DescribeTasks"], [scope.TasksArn])
            : new("OnFailureDescribeTheStoppedTasks", ["ecs:DescribeTasks"], [scope.TasksArn], OnlyOnFailure: true);
        if (balanced)
        {
            yield return new("WatchTheTargetHealthDescribeTargetHealthTakesNoResource", ["elasticloadbalancing:DescribeTargetHealth"], ["*"]);
        }

        if (scope.Settings.ServiceDiscovery is not null)
        {
            yield return new("WatchTheCloudMapInstancesTheServiceIdIsChosenByAws", ["servicediscovery:GetInstancesHealthStatus"], [scope.Settings.ServiceDiscovery.RegistryArn ?? $"{scope.CloudMap}:service/*"]);
        }

        foreach (var statement in ServiceStatements.PassTheServiceRoles(scope)
            .Concat(ServiceStatements.LoadBalancing(scope, GateAlarms))
            .Concat(ServiceStatements.DiscoveryAndScaling(scope, ProjectScaling))
            .Concat(ServiceStatements.ScalingOutsideTheProject(scope, ProjectScaling, MovedScaling, ["application-autoscaling:DescribeScalingPolicies", "application-autoscaling:DescribeScheduledActions"]))
            .Concat(TrafficIamStatements(scope)))
        {
            yield return statement;
        }

        if (preDeploy)
        {
            yield return new("RunPreDeployTasksOnlyInTheCluster", ["ecs:RunTask"], [scope.TaskFamilyArn], scope.InTheCluster());
        }
    }

    /// <summary>What the versions' own scaling calls on the scalable target besides configuring it (moved to the new version).</summary>
    private static readonly string[] ProjectScaling = ["application-autoscaling:RegisterScalableTarget", "application-autoscaling:DeregisterScalableTarget"];

    /// <summary>What moving a version's auto scaling calls (<c>VersionScaling</c>): backed up, deregistered, registered again with its policies and scheduled actions.</summary>
    private static readonly string[] MovedScaling =
        ["application-autoscaling:RegisterScalableTarget", "application-autoscaling:DeregisterScalableTarget", "application-autoscaling:PutScalingPolicy", "application-autoscaling:PutScheduledAction"];

    /// <summary>The alarms of the strategy's own gates (a phase's <c>VerifyAlarm</c>), besides the project's.</summary>
    protected virtual IEnumerable<string> GateAlarms => [];

    /// <summary>The statements of what moves traffic between the versions (listener rules, DNS records); none for phases alone.</summary>
    protected virtual IEnumerable<PolicyStatement> TrafficIamStatements(IamScope scope) => [];
}
