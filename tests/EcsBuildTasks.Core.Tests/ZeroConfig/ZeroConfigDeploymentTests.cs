using System.Net.Http.Headers;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Aws.IdentityManagement.Model;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Features.Results;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Core.Tests.ZeroConfig;

/// <summary>
/// A project that names no execution role and no existing cluster, deployed by the engine to an in-process LocalEcs
/// treated as AWS (<c>EcsTarget=aws</c> with <c>EcsEndpointUrl</c>): the account's <c>ecsTaskExecutionRole</c> is
/// found and used; missing, it is ECS1151 with the commands that create it, or created with
/// <c>EcsCreateExecutionRole=true</c>; a missing cluster is created (or, with <c>EcsCreateCluster=false</c>, ECS1002).
/// </summary>
[TestClass]
public sealed class ZeroConfigDeploymentTests
{
    private const string DefaultRole = "arn:aws:iam::123456789012:role/ecsTaskExecutionRole";
    private const string ManagedPolicy = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";

    public TestContext TestContext { get; set; } = null!;

    /// <summary>The harness's Fargate project as an AWS project without an execution role (Fargate logs with awslogs: it needs one).</summary>
    private static SettingsInput AwsProject(LocalEcsHarness env, string name) =>
        env.Project(name).Set("EcsTarget", "aws").Set("EcsExecutionRoleArn", null).Set("EcsDryRun", "false");

    [TestMethod]
    public async Task Without_EcsExecutionRoleArn_the_accounts_ecsTaskExecutionRole_is_found_said_and_used()
    {
        await using var env = await LocalEcsHarness.StartAsync();
        var input = AwsProject(env, "found");
        await env.Aws.Ecs.CreateClusterAsync(new CreateClusterRequest { ClusterName = "found" }, TestContext.CancellationToken);
        var definitions = LocalEcsHarness.Generate(input);
        Assert.IsNull(definitions.TaskDefinition.ExecutionRoleArn, "the plan leaves the role to the preflight");
        var plan = Definitions.PlanSummary.Lines(definitions, new Definitions.DefinitionFiles("t.json", "s.json", "p.txt"));
        Assert.IsTrue(plan.Any(l => l.Contains("the account's ecsTaskExecutionRole, looked up at deploy", StringComparison.Ordinal)), string.Join("\n", plan));
        var log = new RecordingDeploymentLog();

        var prepared = await PrepareAsync(env, definitions, log);
        var report = await DeployAsync(env, input, prepared);

        Assert.AreEqual(DefaultRole, prepared.DefaultExecutionRoleArn);
        StringAssert.Contains(log.Text, $"no EcsExecutionRoleArn given: using the account's ecsTaskExecutionRole ({DefaultRole})");
        Assert.IsNull(report.Failure, report.Failure?.ToString());
        var registered = await env.Aws.Ecs.DescribeTaskDefinitionAsync(new DescribeTaskDefinitionRequest { TaskDefinition = "found" }, TestContext.CancellationToken);
        Assert.AreEqual(DefaultRole, registered.TaskDefinition!.ExecutionRoleArn, "the deployed revision runs with the role found");
    }

    [TestMethod]
    public async Task A_missing_ecsTaskExecutionRole_is_ECS1151_with_the_commands_that_create_it_before_anything_changes()
    {
        await using var env = await LocalEcsHarness.StartAsync();
        await DeleteDefaultRoleAsync(env);
        var definitions = LocalEcsHarness.Generate(AwsProject(env, "norole"));

        var failure = await Assert.ThrowsExactlyAsync<DeploymentException>(() => PrepareAsync(env, definitions, new RecordingDeploymentLog()));

        var error = failure.Diagnostics.Single(d => d.IsError);
        Assert.AreEqual("ECS1151", error.Code);
        Assert.AreEqual("EcsExecutionRoleArn", error.Subject);
        StringAssert.Contains(error.Message, "aws iam create-role --role-name ecsTaskExecutionRole --assume-role-policy-document '{\"Version\":\"2012-10-17\"");
        StringAssert.Contains(error.Message, $"aws iam attach-role-policy --role-name ecsTaskExecutionRole --policy-arn {ManagedPolicy}");
        StringAssert.Contains(error.Message, "-p:EcsCreateExecutionRole=true");
        Assert.DoesNotContain('\n', error.Message, "one line");
        var clusters = await env.Aws.Ecs.DescribeClustersAsync(new DescribeClustersRequest { Clusters = ["norole"] }, TestContext.CancellationToken);
        Assert.IsFalse(clusters.Clusters?.Exists(c => c.Status == "ACTIVE") ?? false, "nothing is created when a check fails");
    }

    [TestMethod]
    [TestCategory("AwsCli")]
    public async Task The_commands_ECS1151_prints_create_the_role_the_next_deployment_finds()
    {
        await using var env = await LocalEcsHarness.StartAsync();
        await DeleteDefaultRoleAsync(env);
        var definitions = LocalEcsHarness.Generate(AwsProject(env, "clirole"));
        var failure = await Assert.ThrowsExactlyAsync<DeploymentException>(() => PrepareAsync(env, definitions, new RecordingDeploymentLog()));
        var message = failure.Diagnostics.Single().Message;
        var commands = message[(message.IndexOf("create it with ", StringComparison.Ordinal) + "create it with ".Length)..message.IndexOf(", or publish once", StringComparison.Ordinal)];

        // As the user would paste them into a shell; the CLI reaches LocalEcs through AWS_ENDPOINT_URL.
        var environment = EcsBuildTasks.Testing.AwsCli.Environment();
        environment["AWS_ENDPOINT_URL"] = env.Endpoint;
        EcsBuildTasks.Testing.AwsCli.Require();
        var run = EcsBuildTasks.Testing.ProcessRunner.Run("bash", ["-c", commands], environment: environment, timeout: TimeSpan.FromMinutes(2));
        Assert.AreEqual(0, run.ExitCode, $"{commands}\n{run}");

        var prepared = await PrepareAsync(env, definitions, new RecordingDeploymentLog());
        Assert.AreEqual(DefaultRole, prepared.DefaultExecutionRoleArn);
        var attached = await env.Aws.Iam.ListAttachedRolePoliciesAsync(new ListAttachedRolePoliciesRequest { RoleName = "ecsTaskExecutionRole" }, TestContext.CancellationToken);
        CollectionAssert.AreEqual(new[] { ManagedPolicy }, attached.AttachedPolicies!.Select(p => p.PolicyArn).ToArray());
    }

    [TestMethod]
    public async Task With_EcsCreateExecutionRole_the_missing_role_is_created_trusted_by_ECS_tasks_with_the_managed_policy_tagged_and_used()
    {
        await using var env = await LocalEcsHarness.StartAsync();
        await DeleteDefaultRoleAsync(env);
        var input = AwsProject(env, "newrole").Set("EcsCreateExecutionRole", "true");
        await env.Aws.Ecs.CreateClusterAsync(new CreateClusterRequest { ClusterName = "newrole" }, TestContext.CancellationToken);
        var log = new RecordingDeploymentLog();

        var prepared = await PrepareAsync(env, LocalEcsHarness.Generate(input), log);
        var report = await DeployAsync(env, input, prepared);

        Assert.AreEqual(DefaultRole, prepared.DefaultExecutionRoleArn);
        StringAssert.Contains(log.Text, $"created the execution role {DefaultRole} with {ManagedPolicy}");
        var role = (await env.Aws.Iam.GetRoleAsync(new GetRoleRequest { RoleName = "ecsTaskExecutionRole" }, TestContext.CancellationToken)).Role!;
        StringAssert.Contains(Uri.UnescapeDataString(role.AssumeRolePolicyDocument!), "\"Service\":\"ecs-tasks.amazonaws.com\"");
        Assert.IsTrue(role.Tags?.Exists(t => t is { Key: "created-by", Value: "EcsBuildTasks" }), "tagged");
        var attached = await env.Aws.Iam.ListAttachedRolePoliciesAsync(new ListAttachedRolePoliciesRequest { RoleName = "ecsTaskExecutionRole" }, TestContext.CancellationToken);
        CollectionAssert.AreEqual(new[] { ManagedPolicy }, attached.AttachedPolicies!.Select(p => p.PolicyArn).ToArray());
        Assert.IsNull(report.Failure, report.Failure?.ToString());
        var registered = await env.Aws.Ecs.DescribeTaskDefinitionAsync(new DescribeTaskDefinitionRequest { TaskDefinition = "newrole" }, TestContext.CancellationToken);
        Assert.AreEqual(DefaultRole, registered.TaskDefinition!.ExecutionRoleArn);
    }

    [TestMethod]
    public async Task A_missing_cluster_is_created_with_the_Fargate_capacity_providers_and_said_so()
    {
        await using var env = await LocalEcsHarness.StartAsync();
        var input = AwsProject(env, "newcluster");
        var log = new RecordingDeploymentLog();

        var prepared = await PrepareAsync(env, LocalEcsHarness.Generate(input), log);
        var report = await DeployAsync(env, input, prepared);

        StringAssert.Contains(log.Text, "cluster newcluster does not exist: the deployment creates it (EcsCreateCluster=true)");
        StringAssert.Contains(log.Text, "created cluster newcluster");
        var cluster = (await env.Aws.Ecs.DescribeClustersAsync(new DescribeClustersRequest { Clusters = ["newcluster"], Include = ["TAGS"] }, TestContext.CancellationToken)).Clusters!.Single();
        Assert.AreEqual("ACTIVE", cluster.Status);
        CollectionAssert.AreEqual(new[] { "FARGATE", "FARGATE_SPOT" }, cluster.CapacityProviders);
        Assert.IsTrue(cluster.Tags?.Exists(t => t is { Key: "created-by", Value: "EcsBuildTasks" }), "tagged");
        Assert.IsNull(report.Failure, report.Failure?.ToString());
        Assert.AreEqual("ACTIVE", (await env.ServiceAsync("newcluster")).Status);
    }

    [TestMethod]
    public async Task With_EcsCreateCluster_false_a_missing_cluster_is_ECS1002_with_the_command_that_creates_it()
    {
        await using var env = await LocalEcsHarness.StartAsync();
        var definitions = LocalEcsHarness.Generate(AwsProject(env, "nocluster").Set("EcsCreateCluster", "false"));

        var failure = await Assert.ThrowsExactlyAsync<DeploymentException>(() => PrepareAsync(env, definitions, new RecordingDeploymentLog()));

        var error = failure.Diagnostics.Single(d => d.IsError);
        Assert.AreEqual("ECS1002", error.Code);
        StringAssert.Contains(error.Message, "aws ecs create-cluster --cluster-name nocluster --capacity-providers FARGATE FARGATE_SPOT");
        StringAssert.Contains(error.Message, "EcsCreateCluster=true");
    }

    private async Task<PreparedDeployment> PrepareAsync(LocalEcsHarness env, Definitions.GeneratedDefinitions definitions, IDeploymentLog log)
    {
        var preparation = await new DeploymentPreparation(env.Aws, log).PrepareAsync(definitions, new ImageBuild(null, [], []), Path.GetTempPath(), TestContext.CancellationToken);
        return preparation.Document;
    }

    /// <summary>What DeployEcsService does: the settings with what the preparation resolved, generated again and deployed.</summary>
    private async Task<DeploymentReport> DeployAsync(LocalEcsHarness env, SettingsInput input, PreparedDeployment prepared)
    {
        var diagnostics = new DiagnosticCollection();
        var project = Project.Read(input, diagnostics);
        var definitions = (project with { Settings = prepared.ApplyTo(project.Settings) }).Generate(diagnostics);
        Assert.IsNotNull(definitions, string.Join("\n", diagnostics));
        return await new Deployer(env.Aws, new RecordingDeploymentLog(), TimeProvider.System).DeployAsync(definitions, null, null, TestContext.CancellationToken);
    }

    /// <summary>LocalEcs's account starts with the role; the account of a newcomer may not (our client has no DeleteRole: the build never deletes roles).</summary>
    private async Task DeleteDefaultRoleAsync(LocalEcsHarness env)
    {
        using var http = new HttpClient();
        foreach (var form in new[]
        {
            $"Action=DetachRolePolicy&Version=2010-05-08&RoleName=ecsTaskExecutionRole&PolicyArn={Uri.EscapeDataString(ManagedPolicy)}",
            "Action=DeleteRolePolicy&Version=2010-05-08&RoleName=ecsTaskExecutionRole&PolicyName=quick-start-secret",
            "Action=DeleteRole&Version=2010-05-08&RoleName=ecsTaskExecutionRole",
        })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, env.Endpoint + "/") { Content = new StringContent(form) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
            request.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0");
            using var response = await http.SendAsync(request, TestContext.CancellationToken);
            Assert.IsTrue(response.IsSuccessStatusCode, $"{form}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(TestContext.CancellationToken)}");
        }
    }
}
