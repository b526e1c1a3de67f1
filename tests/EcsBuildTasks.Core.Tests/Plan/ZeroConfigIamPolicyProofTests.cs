using System.Text.Json.Nodes;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Features.IamPolicy;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Core.Tests.Plan;

/// <summary>
/// The IAM proof of a zero-config project (no execution role, no subnets, no cluster) deployed to AWS (LocalEcs
/// enforcing the generated policy): the default VPC looked up, the cluster created, the account's
/// <c>ecsTaskExecutionRole</c> found (or created with <c>EcsCreateExecutionRole</c>) and passed to ECS tasks, with no
/// denial and no unused action.
/// </summary>
[TestClass]
public sealed class ZeroConfigIamPolicyProofTests
{
    private const string DefaultRole = "arn:aws:iam::123456789012:role/ecsTaskExecutionRole";

    /// <summary>The harness's Fargate project with nothing AWS-specific: the deployment resolves the network, the cluster and the execution role.</summary>
    internal static SettingsInput ZeroConfigProject(LocalEcsHarness env, string name) =>
        env.Project(name).Set("EcsTarget", "aws").Set("EcsExecutionRoleArn", null).Set("EcsSubnets", null).Set("EcsSecurityGroups", null);

    [TestMethod]
    public void Without_an_identity_the_default_role_is_named_in_any_account_and_what_the_project_names_is_not_looked_up()
    {
        SettingsInput Bare() => new SettingsInput { BaseDirectory = Directory.GetCurrentDirectory() }
            .Set("ContainerRepository", "orders").Set("ContainerRegistry", "123456789012.dkr.ecr.us-east-1.amazonaws.com").Set("UsingMicrosoftNETSdkWeb", "true")
            .Set("EcsDryRun", "true").Set("EcsRegion", "us-east-1").Set("EcsTarget", "aws");

        var anyAccount = IamPolicyWriter.PolicyFor(LocalEcsHarness.Generate(Bare()), "*", "us-east-1");
        var named = IamPolicyWriter.PolicyFor(LocalEcsHarness.Generate(Bare().Set("EcsExecutionRoleArn", "arn:aws:iam::123456789012:role/orders-execution")
            .Set("EcsSubnets", "subnet-0123456789abcdef0").Set("EcsCluster", "arn:aws:ecs:us-east-1:123456789012:cluster/prod")), "123456789012", "us-east-1");

        Assert.AreEqual("arn:aws:iam::*:role/ecsTaskExecutionRole", anyAccount.Statements.Single(s => s.Sid == "FindTheAccountsDefaultExecutionRole").Resources.Single());
        CollectionAssert.Contains(anyAccount.Statements.Single(s => s.Actions.Contains("iam:PassRole")).Resources.ToList(), "arn:aws:iam::*:role/ecsTaskExecutionRole");
        Assert.IsFalse(anyAccount.Statements.Any(s => s.Actions.Contains("iam:CreateRole")), "without EcsCreateExecutionRole nothing creates a role");
        Assert.IsFalse(named.Statements.Any(s => s.Actions.Contains("iam:GetRole") && s.Resources.Any(r => r.EndsWith("role/ecsTaskExecutionRole", StringComparison.Ordinal))), "a named role is not the default one");
        CollectionAssert.AreEqual(new[] { "ec2:DescribeSubnets" }, named.Statements.Single(s => s.Sid == "CheckTheSubnetsAndGroupsEc2DescribeTakesNoResourceSoStar").Actions.ToArray(), "no security group named: none described");
        Assert.IsFalse(named.Statements.Any(s => s.Actions.Contains("ecs:CreateCluster")), "a cluster named by ARN is never created");
    }

    [TestMethod]
    public async Task Without_a_role_the_project_creates_its_cluster_and_execution_role_under_its_policy_and_uses_every_action()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        await IamProof.DeleteDefaultExecutionRoleAsync(env);
        var input = ZeroConfigProject(env, "zcnew").Set(EcsProperties.CreateExecutionRole, "true");

        var proof = await IamProof.ProveAsync(env, input, i => i.Set(EcsProperties.Memory, "1024"), i => i.Add(EcsProperties.EnvironmentVariableItem, "LOCALECS_SIMULATE", ("Value", "crash")));

        var created = proof.StatementsFor(LiveFinding.ExecutionRoleMissing).Concat(proof.StatementsFor(LiveFinding.ClusterMissing)).ToList();
        Assert.HasCount(3, created, "the role (create and tag, attach) and the cluster");
        CollectionAssert.AreEqual(Array.Empty<string>(), created.Where(proof.UnusedStatements.Contains).ToArray(), "the creations were all called");
        foreach (var action in new[] { "iam:GetRole", "iam:CreateRole", "iam:TagRole", "iam:AttachRolePolicy", "iam:PassRole", "ecs:CreateCluster", "ec2:DescribeVpcs", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups" })
        {
            CollectionAssert.Contains(proof.AllowedActions.ToList(), action);
        }

        foreach (var statement in proof.Policy.Statements.Where(s => s.Actions.Any(a => a.StartsWith("iam:", StringComparison.Ordinal) && a != "iam:SimulatePrincipalPolicy")))
        {
            CollectionAssert.AreEqual(new[] { DefaultRole }, statement.Resources.ToArray(), $"{statement.Sid}: only the default role");
        }

        Assert.AreEqual("""{"StringEquals":{"iam:PassedToService":"ecs-tasks.amazonaws.com"}}""", proof.Policy.Statements.Single(s => s.Actions.Contains("iam:PassRole")).Condition!.ToJsonString());
        Assert.AreEqual("""{"ArnEquals":{"iam:PolicyARN":"arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"}}""", proof.Policy.Statements.Single(s => s.Actions.Contains("iam:AttachRolePolicy")).Condition!.ToJsonString());
        var vpc = proof.Policy.Statements.Single(s => s.Actions.Contains("ec2:DescribeVpcs"));
        Assert.AreEqual("FindTheDefaultVpcItsSubnetsAndGroupEc2DescribeTakesNoResourceSoStar", vpc.Sid, "why * is there");
        var registered = await env.Aws.Ecs.DescribeTaskDefinitionAsync(new DescribeTaskDefinitionRequest { TaskDefinition = "zcnew" });
        Assert.AreEqual(DefaultRole, registered.TaskDefinition!.ExecutionRoleArn);
    }

    [TestMethod]
    public async Task With_the_accounts_role_the_project_only_reads_and_passes_it_under_its_policy()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = ZeroConfigProject(env, "zcfound");

        var proof = await IamProof.ProveAsync(env, input, i => i.Set(EcsProperties.Memory, "1024"));

        var iam = proof.Policy.Statements.SelectMany(s => s.Actions).Where(a => a.StartsWith("iam:", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
        CollectionAssert.AreEqual(new[] { "iam:GetRole", "iam:PassRole" }, iam, "without EcsCreateExecutionRole, nothing creates a role");
        CollectionAssert.IsSubsetOf(iam, proof.AllowedActions.ToList());
    }

    [TestMethod]
    public async Task With_EcsCreateExecutionRole_and_the_role_present_the_creation_is_granted_but_not_called()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = ZeroConfigProject(env, "zcboth").Set(EcsProperties.CreateExecutionRole, "true");

        var proof = await IamProof.ProveAsync(env, input, i => i.Set(EcsProperties.Memory, "1024"));

        CollectionAssert.AreEquivalent(proof.StatementsFor(LiveFinding.ExecutionRoleMissing).ToList(), proof.UnusedStatements.Intersect(proof.StatementsFor(LiveFinding.ExecutionRoleMissing)).ToList(),
            "the role exists: CreateRole, TagRole and AttachRolePolicy are what a missing role needs, flagged so");
        CollectionAssert.DoesNotContain(proof.AllowedActions.ToList(), "iam:CreateRole");
    }

    [TestMethod]
    public async Task Without_iam_CreateRole_the_deployment_that_must_create_the_role_fails_with_AccessDenied_naming_it_before_the_service_exists()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        await IamProof.DeleteDefaultExecutionRoleAsync(env);
        var input = ZeroConfigProject(env, "zcless").Set(EcsProperties.CreateExecutionRole, "true");
        var policy = IamPolicyWriter.PolicyFor(LocalEcsHarness.Generate(input), "123456789012", "us-east-1");
        await IamProof.EnforceAsync(env, JsonNode.Parse(policy.Without("iam:CreateRole").ToJson())!);

        var denied = await Assert.ThrowsExactlyAsync<DeploymentException>(() => IamProof.DeployAsync(env, input));

        StringAssert.Contains(denied.Diagnostics[0].Message, "iam:CreateRole");
        StringAssert.Contains(denied.Diagnostics[0].Message, DefaultRole);
        StringAssert.Contains(denied.Diagnostics[0].Message, "\"Action\": \"iam:CreateRole\"", "the statement to add");
        var services = await env.Aws.Ecs.ListServicesAsync(new ListServicesRequest { Cluster = "zcless" });
        Assert.AreEqual(0, services.ServiceArns?.Count ?? 0, "nothing deployed");
    }
}
