using EcsBuildTasks.Core.Features.IamPolicy;

namespace EcsBuildTasks.Core.Strategies.ManagedDaemon;

internal sealed partial class ManagedDaemonStrategy
{
    /// <summary>
    /// The daemon task family registered and read, the daemon created or updated with its tags, its deployments and
    /// revisions followed, the capacity providers it runs on read; on failure its stopped tasks and their logs.
    /// </summary>
    public IEnumerable<PolicyStatement> IamStatements(IamScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var (cluster, name) = (scope.ClusterName, scope.ServiceName);
        var family = $"{scope.Ecs}:daemon-task-definition/{scope.Definitions.TaskDefinition.Family}:*";
        var daemon = $"{scope.Ecs}:daemon/{cluster}/{name}";
        yield return new("RegisterAndReadTheDaemonTaskFamilyWithItsTags", ["ecs:RegisterDaemonTaskDefinition", "ecs:DescribeDaemonTaskDefinition", "ecs:TagResource"], [family]);
        yield return new("FindTheDaemonListDaemonsTakesNoResource", ["ecs:ListDaemons"], ["*"], scope.InTheCluster());
        yield return new("CreateOrUpdateTheDaemonAndFollowItsDeployments",
            ["ecs:CreateDaemon", "ecs:UpdateDaemon", "ecs:DescribeDaemon", "ecs:ListDaemonDeployments", .. scope.Settings.Tags.Count > 0 ? ["ecs:TagResource"] : Array.Empty<string>()],
            [daemon]);
        yield return new("ReadTheDaemonsDeploymentsAndRevisions", ["ecs:DescribeDaemonDeployments", "ecs:DescribeDaemonRevisions"],
            [$"{scope.Ecs}:daemon-deployment/{cluster}/{name}/*", $"{scope.Ecs}:daemon-revision/{cluster}/{name}/*"]);
        if (scope.Settings.CapacityProviders.Count > 0)
        {
            yield return new("ReadTheCapacityProviders", ["ecs:DescribeCapacityProviders"], [.. scope.Settings.CapacityProviders.Select(p => $"{scope.Ecs}:capacity-provider/{p.Name}")]);
        }

        yield return new("OnFailureListTheStoppedTasksListTasksTakesNoResource", ["ecs:ListTasks"], ["*"], scope.InTheCluster(), OnlyOnFailure: true);
        yield return new("OnFailureDescribeTheStoppedTasks", ["ecs:DescribeTasks"], [scope.TasksArn], OnlyOnFailure: true);
    }
}
