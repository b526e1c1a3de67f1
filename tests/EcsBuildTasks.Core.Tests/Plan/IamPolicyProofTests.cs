using System.Text.Json.Nodes;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using EcsBuildTasks.Testing;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Core.Tests.Plan;

/// <summary>
/// The generated IAM policy, proven by LocalEcs's IAM enforcement: the preparation and two deployments (create, then a
/// change) of a project succeed as a principal allowed exactly the generated policy; every action it allows was used
/// (except the ones only a failure needs; IAM's policy simulator included, which the preflight asks whether the
/// execution role may read the secrets); and without any one of the actions the deployment fails with AccessDenied naming it.
/// </summary>
[TestClass]
public sealed class IamPolicyProofTests
{
    [TestMethod]
    public async Task A_rolling_deployment_with_a_secret_and_logs_succeeds_under_its_policy_which_has_no_excess()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        await env.ProjectAsync("iamroll");
        await SecretsAndRolesPreflightTests.AllowExecutionRoleAsync(env, "secretsmanager:GetSecretValue", "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-*");
        SettingsInput Input(string memory) => LivePlanTests.Project(env, "iamroll", memory, "Information", "1")
            .Add("EcsSecret", "DB", ("ValueFrom", "arn:aws:secretsmanager:us-east-1:123456789012:secret:db"));

        await ProveAsync(env, Input("512"), Input("1024"));
    }

    [TestMethod]
    public async Task A_blue_green_deployment_succeeds_under_its_policy_which_has_no_excess()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var wiring = await TrafficWiring.CreateAsync(env.Clients, "iambg");
        await SecretsAndRolesPreflightTests.AllowExecutionRoleAsync(env, "secretsmanager:GetSecretValue", "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-*");

        await ProveAsync(env, env.BlueGreen(wiring, "iambg").Set("EcsBakeTimeMinutes", "1"),
            env.BlueGreen(wiring, "iambg").Set("EcsBakeTimeMinutes", "1").Add("EcsEnvironmentVariable", "REVISION", ("Value", "2")));
    }

    [TestMethod]
    public async Task A_deployment_with_discovery_scaling_and_a_pre_deploy_task_succeeds_under_its_policy_which_has_no_excess()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        await env.ProjectAsync("iamfeat");
        SettingsInput Input(string memory, string ttl) => env.Project("iamfeat").Set("EcsMemory", memory)
            .Set("EcsServiceDiscoveryNamespace", "iamfeat.local").Set("EcsCreateServiceDiscoveryNamespace", "true").Set("EcsServiceDiscoveryDnsTtl", ttl)
            .Set("EcsAutoScalingMinCapacity", "1").Set("EcsAutoScalingMaxCapacity", "3")
            .Add("EcsScalingPolicy", "cpu", ("Metric", "CPU"), ("TargetValue", "60"))
            .Add("EcsPreDeployTask", "migrate", ("Command", "migrate"), ("Environment", "LOCALECS_SIMULATE=exit:0"));

        // The second deployment also changes the Cloud Map TTL: the update of a service that exists, and its operation, are granted and used.
        var proof = await ProveAsync(env, Input("512", "60"), Input("1024", "30"));

        CollectionAssert.IsSubsetOf(new[] { "servicediscovery:UpdateService", "servicediscovery:GetOperation" }, proof.AllowedActions.ToList());
    }

    [TestMethod]
    public async Task Without_one_action_of_its_policy_the_deployment_fails_with_AccessDenied_naming_it()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        await env.ProjectAsync("iamless");
        var input = LivePlanTests.Project(env, "iamless", "512", "Information", "1");
        var policy = IamPolicyWriter.PolicyFor(LocalEcsHarness.Generate(input), "123456789012", "us-east-1");
        await IamProof.EnforceAsync(env, JsonNode.Parse(policy.Without("ecs:CreateService").ToJson())!);

        var denied = await Assert.ThrowsExactlyAsync<DeploymentException>(() => IamProof.DeployAsync(env, LivePlanTests.Project(env, "iamless", "512", "Information", "1")));

        StringAssert.Contains(denied.Diagnostics[0].Message, "ecs:CreateService");
        StringAssert.Contains(denied.Diagnostics[0].Message, "arn:aws:ecs:us-east-1:123456789012:service/iamless/iamless");
        StringAssert.Contains(denied.Diagnostics[0].Message, "\"Action\": \"ecs:CreateService\"", "the statement to add");
    }

    [TestMethod]
    public void A_project_that_builds_its_image_may_create_its_repository_with_its_tag_and_push_only_there()
    {
        var definitions = LocalEcsHarness.Generate(TestInputs.ValidFargate().Set("EcsImage", null).Set("ContainerRepository", "orders"));

        var push = IamPolicyWriter.PolicyFor(definitions, "123456789012", "us-east-1").Statements.Single(s => s.Sid == "PushTheImageToTheProjectsRepository");

        CollectionAssert.IsSubsetOf(new[] { "ecr:CreateRepository", "ecr:TagResource", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage" }, push.Actions.ToList(),
            "CreateRepository tags the repository (created-by), which needs ecr:TagResource");
        Assert.AreEqual("arn:aws:ecr:us-east-1:123456789012:repository/orders", push.Resources.Single());
        Assert.IsFalse(IamPolicyWriter.PolicyFor(LocalEcsHarness.Generate(TestInputs.ValidFargate().Set("EcsImage", null).Set("ContainerRepository", "orders").Set("EcsCreateEcrRepository", "false")), "123456789012", "us-east-1")
            .Statements.Single(s => s.Sid == "PushTheImageToTheProjectsRepository").Actions.Contains("ecr:TagResource"));
    }

    private static async Task<IamProof.Proof> ProveAsync(LocalEcsHarness env, SettingsInput first, SettingsInput second)
    {
        var proof = await IamProof.ProveAsync(env, first, second);
        Assert.AreEqual("updated", proof.Changed.Result.ServiceChange);
        return proof;
    }
}
