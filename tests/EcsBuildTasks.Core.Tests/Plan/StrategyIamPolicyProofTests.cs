using System.Globalization;
using System.Text.Json.Nodes;
using EcsBuildTasks.Aws;
using EcsBuildTasks.Aws.CloudWatch.Model;
using EcsBuildTasks.Aws.Route53;
using EcsBuildTasks.Aws.Route53.Model;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Features.Results;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using EcsBuildTasks.Core.Strategies;
using EcsBuildTasks.Core.Tests.Reliability;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Core.Tests.Plan;

/// <summary>
/// The IAM proof for every strategy of the README (and DAEMON scheduling): the policy <c>-t:EcsIamPolicy</c> writes
/// for the project (the common statements and the strategy's own, <c>IDeploymentStrategy.IamStatements</c>) is the
/// only thing the CI principal may do; a first deployment, a change, <c>-t:EcsStatus</c> and a crashing revision's
/// failure and rollback run under it without one denial, and nothing it allows goes unused (but what only a failure
/// calls). A strategy that starts calling an action its statements do not grant fails its row, naming the action.
/// </summary>
[TestClass]
public sealed class StrategyIamPolicyProofTests
{
    private const string DaemonScheduling = "DaemonScheduling";

    [TestMethod]
    [DataRow("Rolling")]
    [DataRow("BlueGreen")]
    [DataRow("Canary")]
    [DataRow("Linear")]
    [DataRow("Versioned")]
    [DataRow("VersionedBlueGreen")]
    [DataRow("Express")]
    [DataRow("ManagedDaemon")]
    [DataRow("DnsBlueGreen")]
    [DataRow(DaemonScheduling)]
    public async Task Each_strategy_deploys_changes_and_rolls_back_a_crash_under_its_own_policy_with_no_denial_and_no_excess(string strategy)
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = await ProjectAsync(env, strategy);

        var proof = await IamProof.ProveAsync(env, input, i => Change(i, strategy), i => Crash(i));

        Assert.AreNotEqual("succeeded", proof.Failed!.Result.Status, $"{strategy}: a crashing revision does not succeed under the policy");
        Assert.IsTrue(proof.Status.Count > 0, $"{strategy}: -t:EcsStatus answered under the policy");
    }

    [TestMethod]
    public void Every_strategy_is_proven_under_its_policy()
    {
        var proven = typeof(StrategyIamPolicyProofTests).GetMethod(nameof(Each_strategy_deploys_changes_and_rolls_back_a_crash_under_its_own_policy_with_no_denial_and_no_excess))!
            .GetCustomAttributes(typeof(DataRowAttribute), false).Cast<DataRowAttribute>().Select(r => (string)r.Data[0]!).Where(s => s != DaemonScheduling).ToList();

        CollectionAssert.AreEquivalent(DeploymentStrategies.Names.ToList(), proven, "a new strategy proves its IamStatements under LocalEcs's enforcement");
    }

    [TestMethod]
    public async Task Versioned_with_Cloud_Map_auto_scaling_and_a_gated_phase_watches_instances_moves_scaling_and_reads_the_alarm_under_its_policy()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        await env.PrivateNamespaceAsync("vmap.local");
        const string alarm = "vmap-errors";
        await env.Aws.CloudWatch.PutMetricAlarmAsync(new PutMetricAlarmRequest
        {
            AlarmName = alarm, MetricName = "Errors", Namespace = "App", Statistic = "Sum", Period = 60, EvaluationPeriods = 1, Threshold = 1, ComparisonOperator = "GreaterThanOrEqualToThreshold",
        });
        await env.Aws.CloudWatch.SetAlarmStateAsync(new SetAlarmStateRequest { AlarmName = alarm, StateValue = "OK", StateReason = "no errors" });
        var input = VersionedStrategyTests.Versioned(await env.ProjectAsync("vmap")).Set("EcsDesiredCount", "2")
            .Set("EcsServiceDiscoveryNamespace", "vmap.local")
            .Set("EcsAutoScalingMinCapacity", "2").Set("EcsAutoScalingMaxCapacity", "4")
            .Add("EcsScalingPolicy", "cpu", ("Metric", "CPU"), ("TargetValue", "60"))
            .Set("EcsVerifyIntervalSeconds", "1").Set("EcsVerifySuccesses", "1")
            .Add(EcsProperties.PhaseItem, "canary", ("Count", "1"), ("VerifyAlarm", alarm))
            .Add(EcsProperties.PhaseItem, "all", ("Percent", "100"));

        var proof = await IamProof.ProveAsync(env, input, i => i.Set(EcsProperties.Memory, "1024"), i => Crash(i));

        Assert.AreEqual("vmap__2", proof.Changed.Result.Service);
        foreach (var action in new[] { "servicediscovery:GetInstancesHealthStatus", "application-autoscaling:DeregisterScalableTarget", "cloudwatch:DescribeAlarms", "ecs:CreateService", "ecs:DeleteService" })
        {
            CollectionAssert.Contains(proof.AllowedActions.ToList(), action, $"{action} was used under the policy: {string.Join(", ", proof.AllowedActions.Order(StringComparer.Ordinal))}");
        }
    }

    [TestMethod]
    public async Task DnsBlueGreen_with_the_zone_by_id_may_upsert_only_the_weighted_CNAMEs_of_its_record_in_that_zone()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = await DnsBlueGreenStrategyTests.ProjectAsync(env, "dnsid");
        var zone = (await env.Aws.Route53.ListHostedZonesByNameAsync(new ListHostedZonesByNameRequest { DNSName = "example.internal." })).HostedZones!.First(z => z.Name == "example.internal.").Id!;
        input.Set(EcsProperties.DnsHostedZone, zone[(zone.LastIndexOf('/') + 1)..]);

        var proof = await IamProof.ProveAsync(env, input, i => i.Set(EcsProperties.Memory, "1024").Set(EcsProperties.DnsWeightSteps, "50;100"), i => Crash(i));

        var change = proof.Policy.Statements.Single(s => s.Actions.Contains("route53:ChangeResourceRecordSets"));
        Assert.AreEqual("arn:aws:route53:::hostedzone/" + zone[(zone.LastIndexOf('/') + 1)..], change.Resources.Single(), "the zone named by id, no other");
        using var aws = new AwsSession(new AwsClientFactory(new AwsConnectionSettings
        {
            Region = "us-east-1",
            EndpointUrl = env.Endpoint,
            Credentials = new Amazon.Runtime.BasicAWSCredentials(IamProof.AccessKey, "proof"),
            MaxErrorRetry = 0,
        }));
        var other = await Assert.ThrowsAsync<Amazon.Runtime.AmazonServiceException>(() => aws.Route53.ChangeResourceRecordSetsAsync(new ChangeResourceRecordSetsRequest
        {
            HostedZoneId = zone,
            ChangeBatch = new ChangeBatch
            {
                Changes = [new Change { Action = ChangeAction.UPSERT, ResourceRecordSet = new ResourceRecordSet { Name = "other.example.internal", Type = RRType.CNAME, TTL = 60, ResourceRecords = [new ResourceRecord { Value = "elsewhere.example.internal" }] } }],
            },
        }));
        StringAssert.Contains(other.Message, "route53:ChangeResourceRecordSets", "another record of the zone is out of the policy's reach");
    }

    [TestMethod]
    [DataRow("Versioned", "ecs:DeleteService")]
    [DataRow("VersionedBlueGreen", "elasticloadbalancing:ModifyRule")]
    [DataRow("DnsBlueGreen", "route53:ChangeResourceRecordSets")]
    [DataRow("Express", "ecs:CreateExpressGatewayService")]
    [DataRow("ManagedDaemon", "ecs:CreateDaemon")]
    public async Task Without_one_action_of_the_strategys_statements_its_deployment_fails_with_AccessDenied_naming_it(string strategy, string action)
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = await ProjectAsync(env, strategy);
        var policy = IamPolicyWriter.PolicyFor(LocalEcsHarness.Generate(input), "123456789012", "us-east-1");
        Assert.IsTrue(policy.Statements.Any(s => s.Actions.Contains(action)), $"{strategy}'s policy grants {action}");
        await IamProof.EnforceAsync(env, JsonNode.Parse(policy.Without(action).ToJson())!);

        DeploymentReport? report = null;
        try
        {
            report = await IamProof.DeployAsync(env, input);
            if (report.Failure is null && action == "ecs:DeleteService")
            {
                // A first versioned deployment deletes nothing: the rollback of a crash does (the new version is removed).
                report = await IamProof.DeployAsync(env, Crash(Change(input, strategy)));
            }
        }
        catch (DeploymentException denied)
        {
            StringAssert.Contains(denied.Diagnostics[0].Message, action);
            return;
        }

        Assert.IsNotNull(report.Failure, $"{strategy} without {action} fails");
        var usage = await IamProof.UsageAsync(env);
        Assert.IsTrue(usage["requests"]!.AsArray().Any(r => (string)r!["action"]! == action && (int)r["denied"]! > 0), $"{action} was asked for and denied");
        StringAssert.Contains(report.Failure!.Message + report.Result.StatusReason, action);
    }

    /// <summary>A project of <paramref name="strategy"/> on the harness (the fault tests' projects; DAEMON scheduling: one task per container instance).</summary>
    private static async Task<SettingsInput> ProjectAsync(LocalEcsHarness env, string strategy) => strategy == DaemonScheduling
        ? (await env.ProjectAsync("iam-daemon"))
            .Set("EcsLaunchType", "EC2").Set("EcsSchedulingStrategy", "DAEMON").Set("EcsCpu", null).Set("EcsMemory", null).Set("EcsContainerMemory", "256")
            .Set("EcsSubnets", null).Set("EcsSecurityGroups", null)
        : await FaultToleranceTests.ProjectAsync(env, strategy);

    /// <summary>A change that deploys a new revision (Express compares its own configuration: the memory).</summary>
    private static SettingsInput Change(SettingsInput input, string strategy) => strategy == "Express"
        ? input.Set(EcsProperties.Memory, "1024")
        : input.Set(EcsProperties.StopTimeout, 20.ToString(CultureInfo.InvariantCulture));

    private static SettingsInput Crash(SettingsInput input) => input.Add(EcsProperties.EnvironmentVariableItem, "LOCALECS_SIMULATE", ("Value", "crash"));
}
