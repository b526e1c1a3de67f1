using EcsBuildTasks.Aws.ApplicationAutoScaling.Model;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Features.AutoScaling;
using EcsBuildTasks.Core.Features.IamPolicy;
using EcsBuildTasks.Core.Settings;
using EcsBuildTasks.Core.Tests.Reliability;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Core.Tests.Plan;

/// <summary>
/// Auto scaling registered outside the project (the console, Terraform: no <c>EcsAutoScaling*</c> property names it),
/// which a deployment finds on the service: the generated policy covers what the deployment does with it (suspends and
/// restores it in place; backs it up and moves it, with its policy and scheduled action, between versions), proven
/// under LocalEcs's enforcement with no denial, and every action of those statements used.
/// </summary>
[TestClass]
public sealed class UnmanagedScalingIamProofTests
{
    [TestMethod]
    [DataRow("Rolling", new[] { "application-autoscaling:RegisterScalableTarget" })]
    [DataRow("Versioned", new[] { "application-autoscaling:RegisterScalableTarget", "application-autoscaling:DeregisterScalableTarget", "application-autoscaling:PutScalingPolicy", "application-autoscaling:PutScheduledAction", "application-autoscaling:DescribeScalingPolicies", "application-autoscaling:DescribeScheduledActions" })]
    public async Task Scaling_registered_outside_the_project_is_handled_under_the_projects_policy(string strategy, string[] handling)
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = await FaultToleranceTests.ProjectAsync(env, strategy);
        var cluster = LocalEcsHarness.Generate(input).Service.Cluster!;

        // Between the first deployment and the change, someone registers auto scaling on the serving service by hand.
        var proof = await IamProof.ProveAsync(env, input, async i =>
        {
            await RegisterOutsideTheProjectAsync(env, ScalableTargets.ResourceId(cluster, await ServingServiceAsync(env, cluster)));
            i.Set(EcsProperties.Memory, "1024");
        }, i => i.Add(EcsProperties.EnvironmentVariableItem, "LOCALECS_SIMULATE", ("Value", "crash")));

        var statements = proof.StatementsFor(LiveFinding.ScalingOutsideTheProject);
        Assert.IsNotEmpty(statements, $"{strategy}: the policy covers scaling it does not configure");
        CollectionAssert.AreEqual(Array.Empty<string>(), statements.Where(proof.UnusedStatements.Contains).ToArray(), $"{strategy}: every action of them was called");
        CollectionAssert.IsSubsetOf(handling, proof.AllowedActions.ToList(), string.Join(", ", proof.AllowedActions.Order(StringComparer.Ordinal)));
        var serving = ScalableTargets.ResourceId(cluster, await ServingServiceAsync(env, cluster));
        var target = (await env.Aws.ApplicationAutoScaling.DescribeScalableTargetsAsync(new DescribeScalableTargetsRequest { ServiceNamespace = ScalableTargets.Namespace, ResourceIds = [serving] })).ScalableTargets!.Single();
        Assert.AreEqual((1, 4), (target.MinCapacity, target.MaxCapacity), "the scaling the user set up stays with the serving service");
        Assert.IsFalse(target.SuspendedState?.DynamicScalingInSuspended ?? false, "and is not left suspended");
    }

    [TestMethod]
    public void A_project_that_configures_its_own_scaling_gets_only_what_its_statements_lack_for_scaling_it_does_not_configure()
    {
        var managed = TestInputs.ValidFargate().Set("EcsAutoScalingMinCapacity", "1").Set("EcsAutoScalingMaxCapacity", "3").Add("EcsScalingPolicy", "cpu", ("Metric", "CPU"), ("TargetValue", "60"));

        var rolling = Engine.IamPolicyWriter.PolicyFor(LocalEcsHarness.Generate(managed), "123456789012", "us-east-1");
        var versioned = Engine.IamPolicyWriter.PolicyFor(LocalEcsHarness.Generate(VersionedStrategyTests.Versioned(managed)), "123456789012", "us-east-1");

        Assert.IsFalse(rolling.Statements.Any(s => s.OnlyWhenFound == LiveFinding.ScalingOutsideTheProject), "in place, the project's RegisterScalableTarget suspends any target");
        var moved = versioned.Statements.Single(s => s.OnlyWhenFound == LiveFinding.ScalingOutsideTheProject);
        CollectionAssert.AreEqual(new[] { "application-autoscaling:PutScheduledAction" }, moved.Actions.ToArray(), "a scheduled action the project does not name is moved too");
        Assert.AreEqual("""{"StringEquals":{"application-autoscaling:service-namespace":"ecs"}}""", moved.Condition!.ToJsonString());
    }

    /// <summary>The service that serves: the project's service, or the versioned service's version with tasks.</summary>
    private static async Task<string> ServingServiceAsync(LocalEcsHarness env, string cluster)
    {
        var arns = (await env.Aws.Ecs.ListServicesAsync(new ListServicesRequest { Cluster = cluster })).ServiceArns!;
        var services = (await env.Aws.Ecs.DescribeServicesAsync(new DescribeServicesRequest { Cluster = cluster, Services = arns })).Services!;
        return services.Single(s => s.Status == "ACTIVE" && s.DesiredCount > 0).ServiceName!;
    }

    /// <summary>A scalable target (1–4 tasks), a target tracking policy and a scheduled action, as a user registers them with the CLI.</summary>
    private static async Task RegisterOutsideTheProjectAsync(LocalEcsHarness env, string resourceId)
    {
        await env.Aws.ApplicationAutoScaling.RegisterScalableTargetAsync(new RegisterScalableTargetRequest
        {
            ServiceNamespace = ScalableTargets.Namespace, ResourceId = resourceId, ScalableDimension = ScalableTargets.Dimension, MinCapacity = 1, MaxCapacity = 4,
        });
        await env.Aws.ApplicationAutoScaling.PutScalingPolicyAsync(new PutScalingPolicyRequest
        {
            PolicyName = "cpu", ServiceNamespace = ScalableTargets.Namespace, ResourceId = resourceId, ScalableDimension = ScalableTargets.Dimension, PolicyType = "TargetTrackingScaling",
            TargetTrackingScalingPolicyConfiguration = new TargetTrackingScalingPolicyConfiguration
            {
                TargetValue = 60, PredefinedMetricSpecification = new PredefinedMetricSpecification { PredefinedMetricType = "ECSServiceAverageCPUUtilization" },
            },
        });
        await env.Aws.ApplicationAutoScaling.PutScheduledActionAsync(new PutScheduledActionRequest
        {
            ScheduledActionName = "night", ServiceNamespace = ScalableTargets.Namespace, ResourceId = resourceId, ScalableDimension = ScalableTargets.Dimension,
            Schedule = "cron(0 22 * * ? *)", ScalableTargetAction = new ScalableTargetAction { MinCapacity = 1, MaxCapacity = 2 },
        });
    }
}
