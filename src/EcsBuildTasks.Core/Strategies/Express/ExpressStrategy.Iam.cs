using EcsBuildTasks.Core.Features.IamPolicy;

namespace EcsBuildTasks.Core.Strategies.Express;

internal sealed partial class ExpressStrategy
{
    /// <summary>
    /// The Express service created or updated (ECS provisions its load balancer, target group, security groups and
    /// scaling with the infrastructure role, passed only to ECS), tagged with the image it serves, and followed through
    /// its service deployments; a task definition of the project's family when Express's primary container is not
    /// enough; on failure the stopped tasks and the rollback of the service deployment.
    /// </summary>
    public IEnumerable<PolicyStatement> IamStatements(IamScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var name = scope.ServiceName;
        yield return new("CreateOrUpdateTheExpressServiceAndFollowItsDeployments",
            ["ecs:DescribeServices", "ecs:CreateExpressGatewayService", "ecs:UpdateExpressGatewayService", "ecs:DescribeExpressGatewayService", "ecs:TagResource", "ecs:ListServiceDeployments", "ecs:DescribeServiceDeployments"],
            [scope.ServiceArn(name), scope.ServiceDeploymentArns(name)]);

        // CreateExpressGatewayService registers the task definition of the primary container itself, in a family ECS names.
        yield return new("ExpressRegistersItsTaskDefinitionItsFamilyIsChosenByEcs", ["ecs:RegisterTaskDefinition"], [$"{scope.Ecs}:task-definition/*"]);
        if (ExpressConfiguration.NeedsTaskDefinition(scope.Definitions))
        {
            yield return ServiceStatements.RegisterTheTaskFamily(scope);
            yield return ServiceStatements.DescribeTaskDefinitions();
        }
        else
        {
            yield return ServiceStatements.DescribeTaskDefinitions() with { Sid = "OnFailureReadTheFailedTaskDefinitionTakesNoResourceSoStar", OnlyOnFailure = true };
        }

        if (scope.Settings.TrafficShifting.InfrastructureRoleArn is { } role)
        {
            yield return new("PassOnlyTheInfrastructureRoleAndOnlyToEcs", ["iam:PassRole"], [role], IamScope.PassedTo("ecs.amazonaws.com"));
        }

        yield return new("OnFailureListTheStoppedTasksListTasksTakesNoResource", ["ecs:ListTasks"], ["*"], scope.InTheCluster(), OnlyOnFailure: true);
        yield return new("OnFailureDescribeTheStoppedTasks", ["ecs:DescribeTasks"], [scope.TasksArn], OnlyOnFailure: true);
        yield return new("OnFailureRollBackTheServiceDeployment", ["ecs:StopServiceDeployment", "ecs:DescribeServiceRevisions"], [scope.ServiceArn(name), scope.ServiceDeploymentArns(name), scope.ServiceRevisionArns(name)], OnlyOnFailure: true);
    }
}
