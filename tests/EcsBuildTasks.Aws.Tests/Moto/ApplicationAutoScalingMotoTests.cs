using EcsBuildTasks.Aws.ApplicationAutoScaling;
using EcsBuildTasks.Aws.ApplicationAutoScaling.Model;
using EcsBuildTasks.Aws.ECS.Model;
using static EcsBuildTasks.Aws.Tests.Moto.MotoClients;
using Task = System.Threading.Tasks.Task;
using CreateServiceRequest = EcsBuildTasks.Aws.ECS.Model.CreateServiceRequest;

namespace EcsBuildTasks.Aws.Tests.Moto;

[TestClass]
[TestCategory("Moto")]
public sealed class ApplicationAutoScalingMotoTests
{
    public TestContext TestContext { get; set; } = null!;

    private CancellationToken Ct => TestContext.CancellationToken;

    private async Task<string> EcsServiceResourceIdAsync(AwsClientFactory factory)
    {
        using var ecs = factory.CreateEcs();
        var cluster = (await ecs.CreateClusterAsync(new CreateClusterRequest { ClusterName = Unique("as") }, Ct)).Cluster!.ClusterName;
        var family = Unique("as-td");
        await ecs.RegisterTaskDefinitionAsync(AwsCliCompatibilityTests.FargateTaskDefinition(family), Ct);
        var service = Unique("web");
        await ecs.CreateServiceAsync(new CreateServiceRequest { Cluster = cluster, ServiceName = service, TaskDefinition = family, DesiredCount = 1 }, Ct);
        return $"service/{cluster}/{service}";
    }

    [TestMethod]
    public async Task A_scalable_target_is_registered_suspended_and_described()
    {
        var factory = Factory();
        var resourceId = await EcsServiceResourceIdAsync(factory);
        using var scaling = factory.CreateApplicationAutoScaling();

        await scaling.RegisterScalableTargetAsync(new RegisterScalableTargetRequest
        {
            ServiceNamespace = ServiceNamespace.Ecs,
            ResourceId = resourceId,
            ScalableDimension = ScalableDimension.EcsServiceDesiredCount,
            MinCapacity = 1,
            MaxCapacity = 4,
            SuspendedState = new SuspendedState { DynamicScalingInSuspended = true, DynamicScalingOutSuspended = false, ScheduledScalingSuspended = true },
        }, Ct);
        var targets = new List<ScalableTarget>();
        await foreach (var target in scaling.Paginators.DescribeScalableTargets(new DescribeScalableTargetsRequest { ServiceNamespace = ServiceNamespace.Ecs, ResourceIds = [resourceId] }).ScalableTargets.WithCancellation(Ct))
        {
            targets.Add(target);
        }

        var described = targets.Single();
        Assert.AreEqual(4, described.MaxCapacity);
        Assert.AreSame(ScalableDimension.EcsServiceDesiredCount, described.ScalableDimension);
        Assert.AreEqual(true, described.SuspendedState!.DynamicScalingInSuspended);
        Assert.AreEqual(true, described.SuspendedState.ScheduledScalingSuspended);
        Assert.IsNotNull(described.CreationTime);
    }

    [TestMethod]
    public async Task A_target_tracking_policy_and_a_scheduled_action_are_put_described_and_deleted()
    {
        var factory = Factory();
        var resourceId = await EcsServiceResourceIdAsync(factory);
        using var scaling = factory.CreateApplicationAutoScaling();
        await scaling.RegisterScalableTargetAsync(new RegisterScalableTargetRequest { ServiceNamespace = ServiceNamespace.Ecs, ResourceId = resourceId, ScalableDimension = ScalableDimension.EcsServiceDesiredCount, MinCapacity = 1, MaxCapacity = 4 }, Ct);

        var policy = await scaling.PutScalingPolicyAsync(new PutScalingPolicyRequest
        {
            PolicyName = "cpu",
            ServiceNamespace = ServiceNamespace.Ecs,
            ResourceId = resourceId,
            ScalableDimension = ScalableDimension.EcsServiceDesiredCount,
            PolicyType = PolicyType.TargetTrackingScaling,
            TargetTrackingScalingPolicyConfiguration = new TargetTrackingScalingPolicyConfiguration
            {
                TargetValue = 60.5,
                PredefinedMetricSpecification = new PredefinedMetricSpecification { PredefinedMetricType = MetricType.ECSServiceAverageCPUUtilization },
                ScaleInCooldown = 120,
                ScaleOutCooldown = 30,
            },
        }, Ct);
        await scaling.PutScheduledActionAsync(new PutScheduledActionRequest
        {
            ScheduledActionName = "night",
            ServiceNamespace = ServiceNamespace.Ecs,
            ResourceId = resourceId,
            ScalableDimension = ScalableDimension.EcsServiceDesiredCount,
            Schedule = "cron(0 22 * * ? *)",
            ScalableTargetAction = new ScalableTargetAction { MinCapacity = 1, MaxCapacity = 1 },
        }, Ct);

        var policies = await scaling.DescribeScalingPoliciesAsync(new DescribeScalingPoliciesRequest { ServiceNamespace = ServiceNamespace.Ecs, ResourceId = resourceId }, Ct);
        var actions = await scaling.DescribeScheduledActionsAsync(new DescribeScheduledActionsRequest { ServiceNamespace = ServiceNamespace.Ecs, ResourceId = resourceId }, Ct);

        // moto 5.2.1 answers DescribeScalingActivities with 500; it must still arrive as this service's exception.
        var activities = await Assert.ThrowsExactlyAsync<AmazonApplicationAutoScalingException>(
            () => scaling.DescribeScalingActivitiesAsync(new DescribeScalingActivitiesRequest { ServiceNamespace = ServiceNamespace.Ecs, ResourceId = resourceId }, Ct));

        Assert.IsTrue(policy.PolicyARN!.Contains("policyName/cpu", StringComparison.Ordinal));
        Assert.AreEqual(2, policy.Alarms!.Count, "moto creates the two target-tracking alarms");
        Assert.AreEqual(60.5, policies.ScalingPolicies!.Single().TargetTrackingScalingPolicyConfiguration!.TargetValue);
        Assert.AreEqual("cron(0 22 * * ? *)", actions.ScheduledActions!.Single().Schedule);
        Assert.AreEqual(System.Net.HttpStatusCode.InternalServerError, activities.StatusCode);

        await scaling.DeleteScheduledActionAsync(new DeleteScheduledActionRequest { ScheduledActionName = "night", ServiceNamespace = ServiceNamespace.Ecs, ResourceId = resourceId, ScalableDimension = ScalableDimension.EcsServiceDesiredCount }, Ct);
        await scaling.DeleteScalingPolicyAsync(new DeleteScalingPolicyRequest { PolicyName = "cpu", ServiceNamespace = ServiceNamespace.Ecs, ResourceId = resourceId, ScalableDimension = ScalableDimension.EcsServiceDesiredCount }, Ct);
        await scaling.DeregisterScalableTargetAsync(new DeregisterScalableTargetRequest { ServiceNamespace = ServiceNamespace.Ecs, ResourceId = resourceId, ScalableDimension = ScalableDimension.EcsServiceDesiredCount }, Ct);
        Assert.AreEqual(0, (await scaling.DescribeScalableTargetsAsync(new DescribeScalableTargetsRequest { ServiceNamespace = ServiceNamespace.Ecs, ResourceIds = [resourceId] }, Ct)).ScalableTargets!.Count);
    }
}
