using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using EcsBuildTasks.Aws;
using EcsBuildTasks.Aws.EC2.Model;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Aws.ElasticLoadBalancingV2.Model;
using EcsBuildTasks.Aws.ServiceDiscovery.Model;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Features.Preflight;
using EcsBuildTasks.Core.Features.Results;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using EcsBuildTasks.Core.Strategies;
using EcsBuildTasks.LocalEcs;
using EcsBuildTasks.Testing;
using Microsoft.Extensions.Time.Testing;
using ElbAction = EcsBuildTasks.Aws.ElasticLoadBalancingV2.Model.Action;
using Filter = EcsBuildTasks.Aws.EC2.Model.Filter;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Core.Tests;

/// <summary>
/// An in-process LocalEcs (in instant mode unless a time scale is given) and the engine wired to it, for tests of the
/// deployment steps without <c>dotnet publish</c>. Tests share it and use their own cluster and resource names; the
/// cluster <c>prod</c> exists for the traffic-shifting projects.
/// </summary>
internal sealed class LocalEcsHarness : IAsyncDisposable
{
    public const string ExecutionRole = "arn:aws:iam::123456789012:role/ecsTaskExecutionRole";

    private readonly LocalEcsServer server;
    private readonly HttpClient control = new() { DefaultRequestHeaders = { { LocalEcsServer.ControlHeader, "1" } } };
    private readonly string directory = Directory.CreateTempSubdirectory("ecs-platform-").FullName;

    private LocalEcsHarness(LocalEcsServer server, AwsSession session, IReadOnlyList<string> subnets, string securityGroup, string vpc, FakeTimeProvider? time)
    {
        this.server = server;
        Time = time;
        Aws = session;
        Subnets = subnets;
        SecurityGroup = securityGroup;
        VpcId = vpc;
    }

    /// <summary>Our clients against LocalEcs, without retries: an injected fault fails the call at once.</summary>
    public AwsSession Aws { get; }

    public IReadOnlyList<string> Subnets { get; }

    public string SecurityGroup { get; }

    public string VpcId { get; }

    public string Endpoint => server.BaseUrl.ToString().TrimEnd('/');

    public string BaseImage => $"{server.RegistryHost}/localecs/base:latest";

    /// <summary>Our client factory against LocalEcs (the one behind <see cref="Aws"/>).</summary>
    public AwsClientFactory Clients => Aws.Factory;

    /// <summary>The clock LocalEcs and the engine share when the harness runs on simulated time (<see cref="StartSimulatedAsync"/>).</summary>
    public FakeTimeProvider? Time { get; }

    /// <param name="timeScale">LocalEcs's time scale: 0 completes simulated waits at once, 600 runs a minute in 0.1 s.</param>
    public static Task<LocalEcsHarness> StartAsync(double timeScale = 0) => StartAsync(new LocalEcsOptions { Port = 0, TimeScale = timeScale }, null);

    /// <summary>
    /// LocalEcs on a <see cref="FakeTimeProvider"/> that the engine shares: nothing moves until <see cref="WhileTimeRunsAsync"/>
    /// advances the clock, so a deployment that takes simulated minutes (health checks, a timeout) takes a second.
    /// </summary>
    public static Task<LocalEcsHarness> StartSimulatedAsync()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero));
        return StartAsync(new LocalEcsOptions { Port = 0, TimeScale = 1, TimeProvider = time }, time);
    }

    private static async Task<LocalEcsHarness> StartAsync(LocalEcsOptions options, FakeTimeProvider? time)
    {
        var server = await LocalEcsServer.StartAsync(options);
        var session = new AwsSession(new AwsClientFactory(new AwsConnectionSettings
        {
            Region = "us-east-1",
            EndpointUrl = server.BaseUrl.ToString(),
            Credentials = new BasicAWSCredentials("test", "test"),
            MaxErrorRetry = 0,
        }));
        var subnets = await session.Ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { Filters = [new Filter("default-for-az", ["true"])] });
        var groups = await session.Ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { Filters = [new Filter("group-name", ["default"])] });
        await session.Ecs.CreateClusterAsync(new CreateClusterRequest { ClusterName = "prod" });
        await CreateQuickStartSecretAsync(server.BaseUrl);
        return new LocalEcsHarness(server, session, subnets.Subnets!.Select(s => s.SubnetId!).ToList(), groups.SecurityGroups![0].GroupId!, subnets.Subnets![0].VpcId!, time);
    }

    /// <summary>
    /// Runs <paramref name="work"/> while the simulated clock moves on (a quarter second whenever the work is waiting),
    /// so that LocalEcs's simulation and the engine's waits advance together; fails when more than
    /// <paramref name="limit"/> of simulated time (default an hour) passes.
    /// </summary>
    public async Task<T> WhileTimeRunsAsync<T>(Func<Task<T>> work, TimeSpan? limit = null)
    {
        var time = Time ?? throw new InvalidOperationException("The harness runs on real time: start it with StartSimulatedAsync.");
        var deadline = time.GetUtcNow() + (limit ?? TimeSpan.FromHours(1));
        var running = work();
        while (!running.IsCompleted)
        {
            await Task.WhenAny(running, Task.Delay(2));
            if (!running.IsCompleted)
            {
                Assert.IsTrue(time.GetUtcNow() < deadline, $"Not finished within {limit ?? TimeSpan.FromHours(1)} of simulated time.");
                time.Advance(TimeSpan.FromMilliseconds(250));
            }
        }

        return await running;
    }

    /// <summary>
    /// The quick-start projects (<see cref="TestInputs.ValidFargate"/>) name the secret
    /// <c>arn:aws:secretsmanager:us-east-1:123456789012:secret:db</c>; LocalEcs starts tasks only when their secrets exist, as ECS does.
    /// </summary>
    private static async Task CreateQuickStartSecretAsync(Uri endpoint)
    {
        using var http = new HttpClient();
        using var create = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new StringContent("""{"Name": "db", "SecretString": "test"}""") };
        create.Headers.TryAddWithoutValidation("X-Amz-Target", "secretsmanager.CreateSecret");
        create.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/secretsmanager/aws4_request, SignedHeaders=host, Signature=0");
        create.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-amz-json-1.1");
        using var created = await http.SendAsync(create);
        created.EnsureSuccessStatusCode();

        // As in an account set up for the quick start, the execution role may read it (the preflight asks IAM's simulator).
        using var allow = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Action"] = "PutRolePolicy",
                ["Version"] = "2010-05-08",
                ["RoleName"] = "ecsTaskExecutionRole",
                ["PolicyName"] = "quick-start-secret",
                ["PolicyDocument"] = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"arn:aws:secretsmanager:us-east-1:123456789012:secret:db-*"}]}""",
            }),
        };
        allow.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0");
        using var allowed = await http.SendAsync(allow);
        allowed.EnsureSuccessStatusCode();
    }

    /// <summary>A Fargate web service (port 8080) named <paramref name="name"/> in a cluster of the same name, created here.</summary>
    public async Task<SettingsInput> ProjectAsync(string name)
    {
        await Aws.Ecs.CreateClusterAsync(new CreateClusterRequest { ClusterName = name });
        return Project(name);
    }

    /// <summary>The project of <see cref="ProjectAsync"/>, for a cluster that exists already.</summary>
    public SettingsInput Project(string name) =>
        new SettingsInput { BaseDirectory = directory }
            .Set("ContainerRepository", name)
            .Set("UsingMicrosoftNETSdkWeb", "true")
            .Set("EcsImage", BaseImage)
            .Set("EcsTarget", "local")
            .Set("EcsEndpointUrl", Endpoint)
            .Set("EcsRegion", "us-east-1")
            .Set("EcsCluster", name)
            .Set("EcsCpu", "256")
            .Set("EcsMemory", "512")
            .Set("EcsSubnets", string.Join(';', Subnets))
            .Set("EcsSecurityGroups", SecurityGroup)
            .Set("EcsExecutionRoleArn", ExecutionRole)
            .Set("EcsTimeoutMinutes", "5");

    /// <summary>A BlueGreen project in the cluster <c>prod</c> wired to <paramref name="wiring"/>, deploying an image that needs no build.</summary>
    public SettingsInput BlueGreen(TrafficWiring wiring, string service) => TrafficShiftingConfigurationTests.BlueGreen()
        .Set("EcsDryRun", "false")
        .Set("EcsTarget", "local")
        .Set("EcsEndpointUrl", Endpoint)
        .Set("EcsServiceName", service)
        .Set("EcsImage", "public.ecr.aws/docker/library/nginx:1.27")
        .Set("EcsSubnets", string.Join(";", Subnets))
        .Set("EcsSecurityGroups", SecurityGroup)
        .Set("EcsTargetGroupArn", wiring.BlueTargetGroupArn)
        .Set("EcsAlternateTargetGroupArn", wiring.GreenTargetGroupArn)
        .Set("EcsProductionListenerRuleArn", wiring.ProductionRuleArn)
        .Set("EcsTestListenerRuleArn", wiring.TestRuleArn);

    /// <summary>A session of its own, as the build makes it from the project's settings (with the default retries).</summary>
    public static AwsSession Session(SettingsInput input) => new(new AwsClientFactory(AwsSession.ConnectionSettings(Generate(input).Settings)));

    public static GeneratedDefinitions Generate(SettingsInput input)
    {
        var diagnostics = new DiagnosticCollection();
        var definitions = Engine.Project.Generate(input, diagnostics);
        Assert.IsNotNull(definitions, string.Join("\n", diagnostics));
        return definitions;
    }

    /// <summary>The read-only preflight; its findings, or none.</summary>
    public async Task<IReadOnlyList<EcsDiagnostic>> PreflightAsync(SettingsInput input)
    {
        try
        {
            var definitions = Generate(input);
            await new DeploymentPreflight(Aws, new RecordingDeploymentLog()).RunAsync(definitions, DeploymentStrategies.Of(definitions), null, CancellationToken.None);
            return [];
        }
        catch (DeploymentException ex)
        {
            return ex.Diagnostics;
        }
    }

    /// <summary>Deploys like DeployEcsService does after the push (the image is EcsImage, so nothing is pushed), on the harness's clock.</summary>
    public async Task<DeploymentReport> DeployAsync(SettingsInput input, IDeploymentLog? log = null, CancellationToken cancellationToken = default)
    {
        var deployer = new Deployer(Aws, log ?? new RecordingDeploymentLog(), Time ?? TimeProvider.System);
        var definitions = Generate(input);
        return Time is null
            ? await deployer.DeployAsync(definitions, null, null, cancellationToken)
            : await WhileTimeRunsAsync(() => deployer.DeployAsync(definitions, null, null, cancellationToken));
    }

    /// <summary>
    /// Deploys <paramref name="input"/>, then a copy whose tasks crash (<see cref="TestInputs.Crashing"/>), and checks
    /// what every strategy owes a crashing revision: the first deployment succeeded; the second failed the build with
    /// ECS3002, rolled back, with the stopped tasks' evidence for <paramref name="failedRevision"/> (family:revision).
    /// </summary>
    public async Task<(DeploymentReport First, DeploymentReport Crash, RecordingDeploymentLog Log)> DeployThenCrashAsync(SettingsInput input, string failedRevision)
    {
        var first = await DeployAsync(input);
        Assert.IsNull(first.Failure, first.Failure?.Message);
        var log = new RecordingDeploymentLog();

        var crash = await DeployAsync(TestInputs.Crashing(input), log);

        Assert.AreEqual("ECS3002", crash.Failure?.Code, log.Text);
        Assert.AreEqual("rolled-back", crash.Result.Status);
        StringAssert.Contains(log.Text, $"why the deployment of {failedRevision} failed:");
        StringAssert.Contains(log.Text, "exit code 1");
        return (first, crash, log);
    }

    public async Task<EcsBuildTasks.Aws.ECS.Model.Service> ServiceAsync(string name) =>
        (await Aws.Ecs.DescribeServicesAsync(new DescribeServicesRequest { Cluster = name, Services = [name] })).Services!.Single();

    /// <summary>A load balancer (<c>application</c> or <c>network</c>) forwarding to a new ip target group on 8080; returns both ARNs.</summary>
    public async Task<(string LoadBalancerArn, string TargetGroupArn)> LoadBalancerAsync(string name, string type)
    {
        var balancer = (await Aws.ElasticLoadBalancing.CreateLoadBalancerAsync(new CreateLoadBalancerRequest { Name = name, Subnets = [.. Subnets], Type = type })).LoadBalancers![0].LoadBalancerArn!;
        var protocol = type == "network" ? "TCP" : "HTTP";
        var group = (await Aws.ElasticLoadBalancing.CreateTargetGroupAsync(new CreateTargetGroupRequest { Name = name, Protocol = protocol, Port = 8080, VpcId = VpcId, TargetType = "ip" })).TargetGroups![0].TargetGroupArn!;
        await Aws.ElasticLoadBalancing.CreateListenerAsync(new CreateListenerRequest
        {
            LoadBalancerArn = balancer,
            Protocol = protocol,
            Port = 80,
            DefaultActions = [new ElbAction { Type = "forward", TargetGroupArn = group }],
        });
        return (balancer, group);
    }

    /// <summary>Creates an HTTP namespace and returns its id.</summary>
    public async Task<string> HttpNamespaceAsync(string name)
    {
        var operation = await Aws.ServiceDiscovery.CreateHttpNamespaceAsync(new CreateHttpNamespaceRequest { Name = name });
        return await NamespaceOfAsync(operation.OperationId!);
    }

    /// <summary>Creates a private DNS namespace in the default VPC and returns its id.</summary>
    public async Task<string> PrivateNamespaceAsync(string name)
    {
        var operation = await Aws.ServiceDiscovery.CreatePrivateDnsNamespaceAsync(new CreatePrivateDnsNamespaceRequest { Name = name, Vpc = VpcId });
        return await NamespaceOfAsync(operation.OperationId!);
    }

    private async Task<string> NamespaceOfAsync(string operationId) =>
        (await Aws.ServiceDiscovery.GetOperationAsync(new GetOperationRequest { OperationId = operationId })).Operation!.Targets!["NAMESPACE"];

    /// <summary>Makes every matching AWS call fail (LocalEcs's fault injection) until <see cref="ClearFaultsAsync"/>.</summary>
    public async Task FaultAsync(string service, string operation)
    {
        using var response = await control.PostAsJsonAsync(new Uri(Endpoint + "/_localecs/faults"), new { service, operation, errorRate = 1.0 });
        Assert.IsTrue(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task ClearFaultsAsync()
    {
        using var response = await control.DeleteAsync(new Uri(Endpoint + "/_localecs/faults"));
        Assert.IsTrue(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task<JsonNode?> ControlAsync(HttpMethod method, string path, object body)
    {
        using var request = new HttpRequestMessage(method, new Uri($"{Endpoint}/_localecs/{path}")) { Content = JsonContent.Create(body) };
        using var response = await control.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.IsTrue(response.IsSuccessStatusCode, text);
        return JsonNode.Parse(text);
    }

    public async ValueTask DisposeAsync()
    {
        Aws.Dispose();
        control.Dispose();
        await server.DisposeAsync();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
