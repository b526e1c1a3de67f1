using System.Text.Json.Nodes;
using EcsBuildTasks.Core.Features.EcsServices;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Features.IamPolicy;

/// <summary>
/// The IAM statements of the building blocks a strategy on ECS services composes (the task family, the services, load
/// balancing, Cloud Map, auto scaling, pre-deploy tasks, the evidence of a failure), each scoped to the ARNs the
/// definitions name. A strategy's <c>IamStatements</c> picks the ones its deployment calls.
/// </summary>
internal static class ServiceStatements
{
    /// <summary>
    /// What a strategy that updates the project's one ECS service in place calls (Rolling, BlueGreen, Canary, Linear):
    /// the service and its service deployments, the task family, load balancing, Cloud Map, auto scaling, pre-deploy
    /// tasks, and on failure the stopped tasks and stopping the service deployment.
    /// </summary>
    public static IEnumerable<PolicyStatement> InPlace(IamScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var name = scope.ServiceName;
        yield return new("CreateOrUpdateTheServiceAndFollowItsDeployments",
            ["ecs:DescribeServices", "ecs:CreateService", "ecs:UpdateService", "ecs:ListServiceDeployments", "ecs:DescribeServiceDeployments", "ecs:DescribeServiceRevisions", .. scope.Settings.Tags.Count > 0 || DeployedInputs.Apply(scope.Definitions) ? ["ecs:TagResource"] : Array.Empty<string>()],
            [scope.ServiceArn(name), scope.ServiceDeploymentArns(name)]);

        // Versions of the service (<name>__<N>) are found by listing the cluster's services: an in-place strategy
        // checks for a versioned service before creating one (a versioned service must not be replaced by a plain one).
        yield return ListTheClustersServices(scope);
        yield return RegisterTheTaskFamily(scope);
        yield return DescribeTaskDefinitions();
        yield return ScalableTargetLookup();
        string[] scaling = ["application-autoscaling:RegisterScalableTarget"];
        foreach (var statement in PassTheServiceRoles(scope).Concat(LoadBalancing(scope)).Concat(DiscoveryAndScaling(scope, scaling)).Concat(ScalingOutsideTheProject(scope, scaling, scaling, [])))
        {
            yield return statement;
        }

        foreach (var statement in PreDeployTasksAndFailureEvidence(scope))
        {
            yield return statement;
        }

        yield return new("OnFailureRollBackTheServiceDeployment", ["ecs:StopServiceDeployment", "ecs:DescribeServiceRevisions"], [scope.ServiceDeploymentArns(name), scope.ServiceRevisionArns(name)], OnlyOnFailure: true);
    }

    /// <summary><c>ecs:ListServices</c> takes no resource: kept to the project's cluster by its condition.</summary>
    public static PolicyStatement ListTheClustersServices(IamScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return new("ListTheClustersServicesToFindVersions", ["ecs:ListServices"], ["*"], scope.InTheCluster());
    }

    /// <summary>Revisions of the project's task family, tagged with the commit and the image's fingerprint.</summary>
    public static PolicyStatement RegisterTheTaskFamily(IamScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return new("RegisterRevisionsOfTheTaskFamilyWithTheirTags", ["ecs:RegisterTaskDefinition", "ecs:TagResource"], [scope.TaskFamilyArn]);
    }

    /// <summary>The service's scalable target, looked up before a deployment (to suspend or move its scaling).</summary>
    public static PolicyStatement ScalableTargetLookup() => new("ScalableTargetLookupTakesNoResourceSoStar", ["application-autoscaling:DescribeScalableTargets"], ["*"]);

    public static PolicyStatement DescribeTaskDefinitions() => new("DescribeTaskDefinitionTakesNoResourceSoStar", ["ecs:DescribeTaskDefinition"], ["*"]);

    /// <summary><c>iam:PassRole</c> for the roles the service definition hands to ECS (service role, load balancer and hook roles), only to ECS.</summary>
    public static IEnumerable<PolicyStatement> PassTheServiceRoles(IamScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var service = scope.Definitions.Service;
        var roles = new List<string?> { service.Role };
        roles.AddRange((service.LoadBalancers ?? []).Select(l => l.AdvancedConfiguration?.RoleArn));
        roles.AddRange((service.DeploymentConfiguration?.LifecycleHooks ?? []).Select(h => h.RoleArn));
        var distinct = roles.OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (distinct.Count > 0)
        {
            yield return new("PassOnlyTheServiceRolesAndOnlyToEcs", ["iam:PassRole"], distinct, IamScope.PassedTo("ecs.amazonaws.com"));
        }
    }

    /// <summary>
    /// The target groups (and, for ECS's own traffic shifting, listeners and rules) the preflight reads; the alarms of
    /// the deployment and of the verification gates (the project's, and <paramref name="moreGateAlarms"/>: a strategy's own gates).
    /// </summary>
    public static IEnumerable<PolicyStatement> LoadBalancing(IamScope scope, IEnumerable<string>? moreGateAlarms = null)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var balancers = scope.Definitions.Service.LoadBalancers ?? [];
        if (balancers.Count > 0)
        {
            var actions = balancers.Exists(b => b.AdvancedConfiguration is not null)
                ? new[] { "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeRules" }
                : ["elasticloadbalancing:DescribeTargetGroups"];
            yield return new("ElbDescribeTakesNoResourceSoStar", actions, ["*"]);
        }

        var alarms = (scope.Definitions.Service.DeploymentConfiguration?.Alarms?.AlarmNames ?? [])
            .Concat(scope.Settings.TrafficShifting.Verification.Alarms)
            .Concat(moreGateAlarms ?? [])
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (alarms.Count > 0)
        {
            yield return new("ReadTheDeploymentAlarms", ["cloudwatch:DescribeAlarms"], [.. alarms.Select(a => $"arn:aws:cloudwatch:{scope.Region}:{scope.Account}:alarm:{a}")]);
        }
    }

    /// <summary>A Cloud Map service found with another TTL is updated, and the update's operation waited for (GetOperation takes no resource).</summary>
    private static PolicyStatement ChangeTheCloudMapTtl(string services) =>
        new("ChangeTheCloudMapServicesTtlGetOperationTakesNoResourceSoStar", ["servicediscovery:UpdateService", "servicediscovery:GetOperation"], [services, "*"], OnlyWhenChanging: EcsProperties.ServiceDiscoveryDnsTtl);

    /// <summary>
    /// Cloud Map (the project's service registry, found or created; the Service Connect namespace) and auto scaling
    /// (<paramref name="scalingActions"/>: what the strategy calls on the scalable target besides configuring it).
    /// </summary>
    public static IEnumerable<PolicyStatement> DiscoveryAndScaling(IamScope scope, IReadOnlyList<string> scalingActions)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(scalingActions);
        var settings = scope.Settings;
        var cloudMap = scope.CloudMap;
        if (settings.ServiceDiscovery is { } discovery)
        {
            if (discovery.RegistryArn is { } registry)
            {
                yield return new("ReadTheCloudMapService", ["servicediscovery:GetService"], [registry]);
                yield return ChangeTheCloudMapTtl(registry);
            }
            else
            {
                yield return ChangeTheCloudMapTtl($"{cloudMap}:service/*");
                yield return new("FindCloudMapNamespacesAndServicesListsTakeNoResource", discovery.CreateNamespace ? ["servicediscovery:ListNamespaces", "servicediscovery:ListServices", "servicediscovery:CreatePrivateDnsNamespace"] : ["servicediscovery:ListNamespaces", "servicediscovery:ListServices"], ["*"]);
                // A namespace named by id is read by id; a created one is waited for (its operation) and read by its new id.
                yield return new("CreateTheCloudMapServiceIdsAreChosenByAws",
                    [.. discovery.CreateNamespace || discovery.IsNamespaceId ? ["servicediscovery:GetNamespace"] : Array.Empty<string>(), .. discovery.CreateNamespace ? ["servicediscovery:GetOperation"] : Array.Empty<string>(), "servicediscovery:CreateService", "servicediscovery:GetService"],
                    [$"{cloudMap}:namespace/*", $"{cloudMap}:service/*"]);
            }
        }

        if (settings.ServiceConnect is not null)
        {
            yield return new("ReadTheServiceConnectNamespace", ["servicediscovery:ListNamespaces", "servicediscovery:GetNamespace"], ["*"]);
        }

        if (ProjectScalingActions(settings, scalingActions) is { } actions)
        {
            yield return new("ReadScalingPoliciesAndActionsTakesNoResource", ["application-autoscaling:DescribeScalingPolicies", "application-autoscaling:DescribeScheduledActions"], ["*"]);
            yield return new("ConfigureTheScalableTargetItsIdIsChosenByAws", actions, [scope.ScalableTargets], IamScope.OfEcsServices());
        }
    }

    /// <summary>
    /// Auto scaling the project does not configure (registered with the console, Terraform, ...), which a deployment
    /// finds on the service and must handle: <paramref name="actions"/> on the scalable target (suspend and restore it in
    /// place; move it between versions), <paramref name="reads"/> to back it up. Only what the project's own scaling
    /// statements (<see cref="DiscoveryAndScaling"/> with <paramref name="scalingActions"/>) do not grant already; none
    /// for DAEMON services, which have no scalable target.
    /// </summary>
    public static IEnumerable<PolicyStatement> ScalingOutsideTheProject(IamScope scope, IReadOnlyList<string> scalingActions, IReadOnlyList<string> actions, IReadOnlyList<string> reads)
    {
        ArgumentNullException.ThrowIfNull(scalingActions);
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(actions);
        ArgumentNullException.ThrowIfNull(reads);
        if (scope.Definitions.Service.SchedulingStrategy?.Value == "DAEMON")
        {
            yield break;
        }

        var managed = scope.Settings.AutoScaling is { MinCapacity: not null };
        var granted = ProjectScalingActions(scope.Settings, scalingActions) ?? [];
        IReadOnlyList<string> missingReads = managed ? [] : reads;
        var missing = actions.Where(a => !granted.Contains(a)).ToList();
        if (missingReads.Count > 0)
        {
            yield return new("BackUpScalingConfiguredOutsideTheProjectTakesNoResource", missingReads, ["*"], OnlyWhenFound: LiveFinding.ScalingOutsideTheProject);
        }

        if (missing.Count > 0)
        {
            yield return new("HandleScalingConfiguredOutsideTheProjectItsIdIsChosenByAws", missing, [scope.ScalableTargets], IamScope.OfEcsServices(), OnlyWhenFound: LiveFinding.ScalingOutsideTheProject);
        }
    }

    /// <summary>What configuring the project's own auto scaling calls on the scalable target (with <paramref name="scalingActions"/>); null when it configures none.</summary>
    private static List<string>? ProjectScalingActions(EcsSettings settings, IReadOnlyList<string> scalingActions)
    {
        if (settings.AutoScaling is not { MinCapacity: not null } scaling)
        {
            return null;
        }

        var actions = new List<string>(scalingActions) { "application-autoscaling:RegisterScalableTarget" };
        if (scaling.Policies.Count > 0)
        {
            actions.Add("application-autoscaling:PutScalingPolicy");
        }

        if (scaling.ScheduledActions.Count > 0)
        {
            actions.Add("application-autoscaling:PutScheduledAction");
        }

        if (scaling.Prune)
        {
            actions.AddRange(["application-autoscaling:DeleteScalingPolicy", "application-autoscaling:DeleteScheduledAction"]);
        }

        return [.. actions.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>Pre-deploy tasks run in the cluster and followed; without them the tasks are described only when a deployment fails.</summary>
    public static IEnumerable<PolicyStatement> PreDeployTasksAndFailureEvidence(IamScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (scope.Settings.PreDeployTasks.Count > 0)
        {
            yield return new("RunPreDeployTasksOnlyInTheCluster", ["ecs:RunTask"], [scope.TaskFamilyArn], scope.InTheCluster());
            yield return new("FollowPreDeployTasksInTheCluster", ["ecs:DescribeTasks"], [scope.TasksArn]);
        }
        else
        {
            yield return new("OnFailureDescribeTheStoppedTasks", ["ecs:DescribeTasks"], [scope.TasksArn], OnlyOnFailure: true);
        }

        yield return new("OnFailureListTheStoppedTasksListTasksTakesNoResource", ["ecs:ListTasks"], ["*"], scope.InTheCluster(), OnlyOnFailure: true);
    }
}
