using System.Text.Json.Nodes;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Features.IamPolicy;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Core.Tests.Plan;

/// <summary>
/// <c>EcsCheckPermissions</c>: IAM's policy simulator (LocalEcs's, with the policies LocalEcs enforces) tells before
/// anything changes whether the deploying principal may do what the project's policy lists.
/// </summary>
[TestClass]
public sealed class PermissionCheckTests
{
    [TestMethod]
    public async Task With_its_whole_policy_the_principal_passes_the_check_and_the_policy_has_no_excess()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        await env.ProjectAsync("permok");
        SettingsInput Input(string memory) => env.Project("permok").Set("EcsMemory", memory).Set(EcsProperties.CheckPermissions, "true");

        var proof = await IamProof.ProveAsync(env, Input("512"), Input("1024"));

        CollectionAssert.Contains(proof.AllowedActions.ToList(), "iam:SimulatePrincipalPolicy", "the check asked IAM's simulator");
        Assert.AreEqual(IamProof.Principal, proof.Policy.Statements.Single(s => s.Sid == "CheckTheBuildsOwnPermissionsBeforeDeploying").Resources.Single(), "only on itself");
    }

    [TestMethod]
    public async Task A_missing_action_is_ECS7130_naming_it_and_the_statement_to_add_before_anything_changes()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        await env.ProjectAsync("permless");
        var input = env.Project("permless").Set(EcsProperties.CheckPermissions, "true");
        var policy = IamPolicyWriter.PolicyFor(LocalEcsHarness.Generate(input), "123456789012", "us-east-1", IamProof.Principal);
        await IamProof.EnforceAsync(env, JsonNode.Parse(policy.Without("ecs:CreateService").Without("ecs:StopServiceDeployment").ToJson())!);

        var stopped = await Assert.ThrowsExactlyAsync<DeploymentException>(() => IamProof.DeployAsync(env, input));

        var error = stopped.Diagnostics.Single(d => d.IsError);
        Console.WriteLine(error);
        Assert.AreEqual("ECS7130", error.Code);
        Assert.AreEqual(EcsProperties.CheckPermissions, error.Subject);
        StringAssert.Contains(error.Message, $"the deploying principal {IamProof.Principal} may not do 2 action(s)");
        StringAssert.Contains(error.Message, "ecs:CreateService on arn:aws:ecs:us-east-1:123456789012:service/permless/permless, arn:aws:ecs:us-east-1:123456789012:service-deployment/permless/permless/* (CreateOrUpdateTheServiceAndFollowItsDeployments): add {\"Effect\": \"Allow\", \"Action\": \"ecs:CreateService\", \"Resource\": [");
        StringAssert.Contains(error.Message, "ecs:StopServiceDeployment on arn:aws:ecs:us-east-1:123456789012:service-deployment/permless/permless/*");
        StringAssert.Contains(error.Message, "(OnFailureRollBackTheServiceDeployment: needed to report and roll back a failure)");
        var families = await env.Aws.Ecs.ListTaskDefinitionsAsync(new ListTaskDefinitionsRequest { FamilyPrefix = "permless" });
        Assert.AreEqual(0, families.TaskDefinitionArns!.Count, "nothing was registered");
        var services = await env.Aws.Ecs.ListServicesAsync(new ListServicesRequest { Cluster = "permless" });
        Assert.AreEqual(0, services.ServiceArns!.Count, "nothing was created");
    }

    [TestMethod]
    public async Task A_zero_config_project_is_checked_with_the_execution_role_the_preflight_resolved_before_the_cluster_is_created()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var input = ZeroConfigIamPolicyProofTests.ZeroConfigProject(env, "permzc").Set(EcsProperties.CheckPermissions, "true");
        var policy = IamPolicyWriter.PolicyFor(LocalEcsHarness.Generate(input), "123456789012", "us-east-1", IamProof.Principal);
        await IamProof.EnforceAsync(env, JsonNode.Parse(policy.Without("iam:PassRole").ToJson())!);

        var stopped = await Assert.ThrowsExactlyAsync<DeploymentException>(() => IamProof.DeployAsync(env, input));

        var error = stopped.Diagnostics.Single(d => d.IsError);
        Assert.AreEqual("ECS7130", error.Code);
        StringAssert.Contains(error.Message, "may not do 1 action(s)");
        StringAssert.Contains(error.Message, "iam:PassRole on arn:aws:iam::123456789012:role/ecsTaskExecutionRole (PassOnlyTheTaskRolesAndOnlyToEcsTasks)", "the role the preflight found, passed to ECS tasks");
        var clusters = await env.Aws.Ecs.DescribeClustersAsync(new DescribeClustersRequest { Clusters = ["permzc"] });
        Assert.IsFalse(clusters.Clusters?.Exists(c => c.Status == "ACTIVE") ?? false, "the missing cluster is not created when the check fails");
    }

    [TestMethod]
    public async Task The_check_asks_for_creating_the_execution_role_only_when_the_preflight_found_it_missing()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        await env.Aws.Ecs.CreateClusterAsync(new CreateClusterRequest { ClusterName = "permrole" });
        var input = ZeroConfigIamPolicyProofTests.ZeroConfigProject(env, "permrole").Set(EcsProperties.CheckPermissions, "true").Set(EcsProperties.CreateExecutionRole, "true");
        var policy = IamPolicyWriter.PolicyFor(LocalEcsHarness.Generate(input), "123456789012", "us-east-1", IamProof.Principal);
        Assert.IsTrue(policy.Statements.Any(s => s.Actions.Contains("iam:CreateRole")), "the written policy may create the role");
        var log = new RecordingDeploymentLog();
        await IamProof.EnforceAsync(env, JsonNode.Parse(policy.Without("iam:CreateRole").Without("iam:TagRole").Without("iam:AttachRolePolicy").Without("ecs:CreateCluster").ToJson())!);

        var found = await IamProof.DeployAsync(env, input, log);

        Assert.IsNull(found.Failure, found.Failure?.Message);
        StringAssert.Contains(log.Text, $"EcsCheckPermissions: {IamProof.Principal} may do all", "the role and the cluster exist: creating them is not this deployment's need");
        await IamProof.DeleteDefaultExecutionRoleAsync(env);
        var stopped = await Assert.ThrowsExactlyAsync<DeploymentException>(() => IamProof.DeployAsync(env, input.Set(EcsProperties.Memory, "1024")));
        var error = stopped.Diagnostics.Single(d => d.IsError);
        Assert.AreEqual("ECS7130", error.Code);
        StringAssert.Contains(error.Message, "may not do 3 action(s)");
        StringAssert.Contains(error.Message, "iam:CreateRole on arn:aws:iam::123456789012:role/ecsTaskExecutionRole (CreateTheDefaultExecutionRoleWhenTheAccountHasNone)");
        StringAssert.Contains(error.Message, "iam:AttachRolePolicy on arn:aws:iam::123456789012:role/ecsTaskExecutionRole (AttachOnlyTheManagedTaskExecutionPolicyToTheCreatedRole)");
    }

    [TestMethod]
    public async Task A_principal_that_may_not_simulate_itself_is_not_checked_and_the_log_says_so()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        await env.ProjectAsync("permskip");
        var input = env.Project("permskip").Set(EcsProperties.CheckPermissions, "true");
        var policy = IamPolicyWriter.PolicyFor(LocalEcsHarness.Generate(input), "123456789012", "us-east-1", IamProof.Principal);
        await IamProof.EnforceAsync(env, JsonNode.Parse(policy.Without("iam:SimulatePrincipalPolicy").ToJson())!);
        var log = new RecordingDeploymentLog();

        var report = await IamProof.DeployAsync(env, input, log);

        Assert.IsNull(report.Failure, report.Failure?.Message);
        StringAssert.Contains(log.Text, $"EcsCheckPermissions: the permissions of {IamProof.Principal} were not checked (IAM SimulatePrincipalPolicy: AccessDenied");
    }

    [TestMethod]
    [DataRow("arn:aws:iam::123456789012:user/ci", "arn:aws:iam::123456789012:user/ci")]
    [DataRow("arn:aws:iam::123456789012:role/deployer", "arn:aws:iam::123456789012:role/deployer")]
    [DataRow("arn:aws:sts::123456789012:assumed-role/deployer/github-run-42", "arn:aws:iam::123456789012:role/deployer")]
    [DataRow("arn:aws-cn:sts::123456789012:assumed-role/deployer/run", "arn:aws-cn:iam::123456789012:role/deployer")]
    [DataRow("arn:aws:iam::123456789012:root", null)]
    [DataRow("arn:aws:sts::123456789012:federated-user/alice", null)]
    public void The_simulated_principal_is_the_user_or_role_behind_the_caller(string caller, string? principal) =>
        Assert.AreEqual(principal, PermissionCheck.PrincipalOf(caller));
}
