using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EcsBuildTasks.Aws.ApplicationAutoScaling.Model;
using EcsBuildTasks.Aws.ECR.Model;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Aws.ServiceDiscovery.Model;
using EcsBuildTasks.Testing;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.EndToEndTests;

/// <summary>
/// Service discovery, Service Connect, auto scaling and one-off tasks through <c>dotnet publish</c> of a project that
/// references the package: against LocalEcs (waiting for the real outcome), and against moto with
/// <c>EcsWait=false</c>, checked with the AWS CLI.
/// </summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed class FeatureDeployTests
{
    private const string Cluster = "e2e-platform";

    [TestMethod]
    public async Task Cloud_Map_Service_Connect_and_auto_scaling_are_created_and_scaling_is_suspended_while_deploying_and_restored_after_success_and_failure()
    {
        var name = Name();
        using var project = await CreateProjectAsync(name, $"""
            <EcsServiceDiscoveryNamespace>{name}.local</EcsServiceDiscoveryNamespace>
            <EcsCreateServiceDiscoveryNamespace>true</EcsCreateServiceDiscoveryNamespace>
            <EcsServiceConnectNamespace>{name}.local</EcsServiceConnectNamespace>
            <EcsAutoScalingMinCapacity>2</EcsAutoScalingMinCapacity>
            <EcsAutoScalingMaxCapacity>4</EcsAutoScalingMaxCapacity>
            <EcsHealthCheckCommand>CMD-SHELL;curl -f http://localhost:8080/ || exit 1</EcsHealthCheckCommand>
            <EcsHealthCheckIntervalSeconds>5</EcsHealthCheckIntervalSeconds>
            """, """
            <EcsServiceConnectService Include="http" DiscoveryName="$(ContainerRepository)" ClientAlias="$(ContainerRepository):80" AppProtocol="http" />
            <EcsScalingPolicy Include="cpu" Metric="CPU" TargetValue="60" ScaleInCooldown="120" ScaleOutCooldown="30" DisableScaleIn="true" />
            <EcsScheduledScaling Include="night" Schedule="cron(0 22 * * ? *)" Timezone="Europe/Berlin" MinCapacity="2" MaxCapacity="3" />
            """);
        var clients = await LocalEcsFixture.ClientsAsync();
        var cloudMap = clients.CreateServiceDiscovery();
        var scaling = clients.CreateApplicationAutoScaling();
        var resource = $"service/{Cluster}/{name}";

        var created = Publish(project);

        AssertSucceeded(created);
        var service = await DescribeAsync(name);
        Assert.AreEqual(2, service.RunningCount, "a new service starts at the minimum capacity");
        var registry = service.ServiceRegistries!.Single();
        Assert.IsNull(registry.ContainerPort, "awsvpc with A records: the registry alone");
        var registryId = registry.RegistryArn!.Split('/')[^1];
        Assert.AreEqual(name, (await cloudMap.GetServiceAsync(new GetServiceRequest { Id = registryId })).Service!.Name);
        Assert.AreEqual(2, (await cloudMap.ListInstancesAsync(new ListInstancesRequest { ServiceId = registryId })).Instances!.Count, "one Cloud Map instance per running task");
        var namespaceArn = (await cloudMap.ListNamespacesAsync(new ListNamespacesRequest())).Namespaces!.Single(n => n.Name == $"{name}.local").Arn;
        var serviceConnect = service.Deployments!.Single(d => d.Status == "PRIMARY").ServiceConnectConfiguration!;
        Assert.AreEqual(namespaceArn, serviceConnect.Namespace);
        Assert.AreEqual("http", serviceConnect.Services!.Single().PortName);
        Assert.AreEqual(name, serviceConnect.Services![0].DiscoveryName);
        Assert.AreEqual(80, serviceConnect.Services[0].ClientAliases!.Single().Port);
        var task = (await (await LocalEcsFixture.EcsAsync()).DescribeTaskDefinitionAsync(new DescribeTaskDefinitionRequest { TaskDefinition = service.TaskDefinition })).TaskDefinition!;
        Assert.AreEqual("http", task.ContainerDefinitions![0].PortMappings!.Single().Name, "the port mapping carries the Service Connect port name");
        var target = await TargetAsync(scaling, resource);
        Assert.AreEqual(2, target.MinCapacity);
        Assert.AreEqual(4, target.MaxCapacity);
        AssertSuspended(target.SuspendedState, scaleIn: false, scaleOut: false, scheduled: false, "after the first deployment");
        var cpu = (await scaling.DescribeScalingPoliciesAsync(new DescribeScalingPoliciesRequest { ServiceNamespace = "ecs", ResourceId = resource })).ScalingPolicies!.Single();
        Assert.AreEqual("cpu", cpu.PolicyName);
        Assert.AreEqual("TargetTrackingScaling", cpu.PolicyType!.Value);
        Assert.AreEqual(60, cpu.TargetTrackingScalingPolicyConfiguration!.TargetValue);
        Assert.AreEqual("ECSServiceAverageCPUUtilization", cpu.TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification!.PredefinedMetricType!.Value);
        Assert.AreEqual(120, cpu.TargetTrackingScalingPolicyConfiguration.ScaleInCooldown);
        Assert.AreEqual(30, cpu.TargetTrackingScalingPolicyConfiguration.ScaleOutCooldown);
        Assert.IsTrue(cpu.TargetTrackingScalingPolicyConfiguration.DisableScaleIn);
        var night = (await scaling.DescribeScheduledActionsAsync(new DescribeScheduledActionsRequest { ServiceNamespace = "ecs", ResourceId = resource })).ScheduledActions!.Single();
        Assert.AreEqual("cron(0 22 * * ? *)", night.Schedule);
        Assert.AreEqual("Europe/Berlin", night.Timezone);
        Assert.AreEqual(2, night.ScalableTargetAction!.MinCapacity);
        Assert.AreEqual(3, night.ScalableTargetAction.MaxCapacity);

        await ScaleAsync(name, 3);
        var observed = new List<SuspendedState>();
        using var watching = new CancellationTokenSource();
        var watcher = WatchAsync(scaling, resource, observed, watching.Token);

        // The new revision starts slowly (1200 simulated seconds, 4 s here): long enough to see the suspension.
        var updated = Publish(project, "-p:EcsMemory=1024", "-p:Simulate=slow-start:1200");

        await watching.CancelAsync();
        await watcher;
        AssertSucceeded(updated);
        StringAssert.Contains(updated.StandardOutput, $"suspended auto scaling of {resource} for the deployment");
        Assert.IsTrue(observed.Exists(s => s is { DynamicScalingInSuspended: true, DynamicScalingOutSuspended: true, ScheduledScalingSuspended: true }),
            $"SuspendedState was on during the deployment ({observed.Count} observations)");
        AssertSuspended((await TargetAsync(scaling, resource)).SuspendedState, scaleIn: false, scaleOut: false, scheduled: false, "after a successful deployment");
        service = await DescribeAsync(name);
        Assert.AreEqual(3, service.DesiredCount, "the desired count auto scaling chose survives the deployment");
        Assert.AreEqual(3, (await cloudMap.ListInstancesAsync(new ListInstancesRequest { ServiceId = registryId })).Instances!.Count, "one Cloud Map instance per running task");

        var crashed = Publish(project, "-p:Simulate=crash");

        Assert.AreNotEqual(0, crashed.ExitCode, crashed.ToString());
        StringAssert.Contains(crashed.StandardOutput, "error ECS3002");
        StringAssert.Contains(crashed.StandardOutput, $"suspended auto scaling of {resource} for the deployment");
        StringAssert.Contains(crashed.StandardOutput, $"restored auto scaling of {resource} (nothing suspended)");
        AssertSuspended((await TargetAsync(scaling, resource)).SuspendedState, scaleIn: false, scaleOut: false, scheduled: false, "after a failed deployment and its rollback");
    }

    [TestMethod]
    public async Task A_pre_deploy_task_gates_the_deployment_and_EcsRunTask_runs_an_ad_hoc_task()
    {
        var name = Name();
        using var project = await CreateProjectAsync(name, """
            <MigrateSimulate Condition="'$(MigrateSimulate)' == ''">exit:0</MigrateSimulate>
            """, """
            <EcsPreDeployTask Include="migrate" Command="migrate;--all" Environment="LOCALECS_SIMULATE=$(MigrateSimulate)" />
            """);
        var ecs = await LocalEcsFixture.EcsAsync();

        var first = Publish(project);

        AssertSucceeded(first);
        StringAssert.Contains(first.StandardOutput, "started pre-deploy task migrate as task");
        StringAssert.Contains(first.StandardOutput, "Running command: migrate --all");
        StringAssert.Contains(first.StandardOutput, "pre-deploy task migrate finished with exit code 0");
        var migrations = await ecs.ListTasksAsync(new ListTasksRequest { Cluster = Cluster, StartedBy = "EcsBuildTasks", Family = name, DesiredStatus = "STOPPED" });
        Assert.AreEqual(1, migrations.TaskArns!.Count);
        var healthy = (await DescribeAsync(name)).TaskDefinition;
        var deployments = (await ecs.ListServiceDeploymentsAsync(new ListServiceDeploymentsRequest { Cluster = Cluster, Service = name })).ServiceDeployments!.Count;

        var failed = Publish(project, "-p:EcsMemory=1024", "-p:MigrateSimulate=crash");

        Assert.AreNotEqual(0, failed.ExitCode, failed.ToString());
        StringAssert.Contains(failed.StandardOutput, "error ECS5050");
        StringAssert.Contains(failed.StandardOutput, "exit code 1");
        StringAssert.Contains(failed.StandardOutput, "Last log lines");
        StringAssert.Contains(failed.StandardOutput, $"the service {name} was not changed");
        Assert.AreEqual(healthy, (await DescribeAsync(name)).TaskDefinition, "the service keeps its revision");
        Assert.AreEqual(deployments, (await ecs.ListServiceDeploymentsAsync(new ListServiceDeploymentsRequest { Cluster = Cluster, Service = name })).ServiceDeployments!.Count, "no UpdateService");
        Assert.AreEqual(2, (await ecs.ListTaskDefinitionsAsync(new ListTaskDefinitionsRequest { FamilyPrefix = name })).TaskDefinitionArns!.Count, "the new revision is registered, unused");

        var adHoc = project.Dotnet("msbuild", "-t:EcsRunTask", "-p:Configuration=Release", "-nodeReuse:false", "-p:EcsRunTaskCommand=report", "-p:EcsRunTaskEnvironment=LOCALECS_SIMULATE=exit:0");

        AssertSucceeded(adHoc);
        StringAssert.Contains(adHoc.StandardOutput, $"running an ad-hoc task with {name}:1, as the service {name} runs it");
        StringAssert.Contains(adHoc.StandardOutput, "Running command: report");
        StringAssert.Contains(adHoc.StandardOutput, "the ad-hoc task finished with exit code 0");
    }

    [TestMethod]
    public async Task Invalid_discovery_and_scaling_settings_fail_validation_and_preflight_with_their_codes_before_anything_is_created()
    {
        var name = Name();
        using var project = await CreateProjectAsync(name);
        var clients = await LocalEcsFixture.ClientsAsync();

        var invalid = Publish(project, "-p:EcsAutoScalingMinCapacity=3", "-p:EcsAutoScalingMaxCapacity=2", "-p:EcsServiceRegistryArn=srv-123", "-p:EcsServiceDiscoveryDnsTtl=30");
        var missing = Publish(project, $"-p:EcsServiceDiscoveryNamespace={name}.absent", $"-p:EcsServiceConnectNamespace={name}-absent");

        Assert.AreNotEqual(0, invalid.ExitCode, invalid.ToString());
        StringAssert.Contains(invalid.StandardOutput, "error ECS5020: EcsAutoScalingMinCapacity=3 and EcsAutoScalingMaxCapacity=2");
        StringAssert.Contains(invalid.StandardOutput, "error ECS5001: EcsServiceRegistryArn='srv-123'");
        StringAssert.Contains(invalid.StandardOutput, "error ECS5000: EcsServiceDiscoveryDnsTtl");
        Assert.AreNotEqual(0, missing.ExitCode, missing.ToString());
        StringAssert.Contains(missing.StandardOutput, $"error ECS5040: EcsServiceDiscoveryNamespace={name}.absent");
        StringAssert.Contains(missing.StandardOutput, $"error ECS5044: EcsServiceConnectNamespace={name}-absent");
        var services = await (await LocalEcsFixture.EcsAsync()).DescribeServicesAsync(new DescribeServicesRequest { Cluster = Cluster, Services = [name] });
        Assert.AreEqual(0, services.Services!.Count, "no service");
        await Assert.ThrowsExactlyAsync<RepositoryNotFoundException>(() => clients.CreateEcr().DescribeRepositoriesAsync(new DescribeRepositoriesRequest { RepositoryNames = [name] }), "no ECR repository: preflight runs before anything is created");
    }

    [TestMethod]
    [TestCategory("Moto")]
    [TestCategory("AwsCli")]
    public void Against_moto_without_waiting_the_Cloud_Map_service_scalable_target_policies_and_scheduled_actions_are_created()
    {
        var moto = MotoServer.Instance;
        var name = Name();
        // A VPC of its own: moto allows one private DNS namespace per VPC.
        var vpc = (string)AwsCli.Json(moto.Endpoint, "ec2", "create-vpc", "--cidr-block", "10.42.0.0/16")!["Vpc"]!["VpcId"]!;
        var subnet = (string)AwsCli.Json(moto.Endpoint, "ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block", "10.42.1.0/24")!["Subnet"]!["SubnetId"]!;
        var group = (string)AwsCli.Json(moto.Endpoint, "ec2", "create-security-group", "--group-name", name, "--description", "e2e", "--vpc-id", vpc)!["GroupId"]!;
        AwsCli.Json(moto.Endpoint, "ecs", "create-cluster", "--cluster-name", name);
        using var project = PackageFixture.Instance.CreateConsumer($"""
            <ContainerRepository>{name}</ContainerRepository>
            <EcsEndpointUrl>{moto.Endpoint}</EcsEndpointUrl>
            <EcsRegion>us-east-1</EcsRegion>
            <EcsCluster>{name}</EcsCluster>
            <EcsImage>public.ecr.aws/nginx/nginx:1.27</EcsImage>
            <EcsCpu>256</EcsCpu>
            <EcsMemory>512</EcsMemory>
            <EcsContainerMemory>256</EcsContainerMemory>
            <EcsSubnets>{subnet}</EcsSubnets>
            <EcsSecurityGroups>{group}</EcsSecurityGroups>
            <EcsExecutionRoleArn>arn:aws:iam::123456789012:role/ecsTaskExecutionRole</EcsExecutionRoleArn>
            <EcsWait>false</EcsWait>
            <EcsServiceDiscoveryNamespace>{name}.local</EcsServiceDiscoveryNamespace>
            <EcsCreateServiceDiscoveryNamespace>true</EcsCreateServiceDiscoveryNamespace>
            <EcsServiceDiscoveryDnsTtl>30</EcsServiceDiscoveryDnsTtl>
            <EcsAutoScalingMinCapacity>1</EcsAutoScalingMinCapacity>
            <EcsAutoScalingMaxCapacity>3</EcsAutoScalingMaxCapacity>
            """, """
            <EcsScalingPolicy Include="memory" Metric="Memory" TargetValue="70" ScaleOutCooldown="45" />
            <EcsScheduledScaling Include="weekend" Schedule="cron(0 0 ? * SAT *)" MinCapacity="1" MaxCapacity="1" />
            """, name: name);
        var publish = project.Dotnet(AwsCli.Environment(), "publish", "-c", "Release", "-p:EcsDeploy=true", "-nodeReuse:false");

        AssertSucceeded(publish);
        StringAssert.Contains(publish.StandardOutput, "not waiting for the deployment (EcsWait=false)");
        var ns = AwsCli.Json(moto.Endpoint, "servicediscovery", "list-namespaces")!["Namespaces"]!.AsArray().Single(n => (string?)n!["Name"] == $"{name}.local")!;
        Assert.AreEqual("DNS_PRIVATE", (string?)ns["Type"]);
        var cloudMapService = AwsCli.Json(moto.Endpoint, "servicediscovery", "list-services")!["Services"]!.AsArray().Single(s => (string?)s!["Name"] == name)!;
        Assert.AreEqual((string?)ns["Id"], (string?)AwsCli.Json(moto.Endpoint, "servicediscovery", "get-service", "--id", (string)cloudMapService["Id"]!)!["Service"]!["NamespaceId"]);
        Assert.AreEqual("A", (string?)cloudMapService["DnsConfig"]!["DnsRecords"]![0]!["Type"]);
        Assert.AreEqual(30, (int?)cloudMapService["DnsConfig"]!["DnsRecords"]![0]!["TTL"]);
        var ecsService = AwsCli.Json(moto.Endpoint, "ecs", "describe-services", "--cluster", name, "--services", name)!["services"]![0]!;
        Assert.AreEqual((string?)cloudMapService["Arn"], (string?)ecsService["serviceRegistries"]![0]!["registryArn"]);
        var resource = $"service/{name}/{name}";
        var target = AwsCli.Json(moto.Endpoint, "application-autoscaling", "describe-scalable-targets", "--service-namespace", "ecs", "--resource-ids", resource)!["ScalableTargets"]![0]!;
        Assert.AreEqual(1, (int?)target["MinCapacity"]);
        Assert.AreEqual(3, (int?)target["MaxCapacity"]);
        var policy = AwsCli.Json(moto.Endpoint, "application-autoscaling", "describe-scaling-policies", "--service-namespace", "ecs", "--resource-id", resource)!["ScalingPolicies"]!.AsArray().Single()!;
        Assert.AreEqual("memory", (string?)policy["PolicyName"]);
        Assert.AreEqual(70.0, (double?)policy["TargetTrackingScalingPolicyConfiguration"]!["TargetValue"]);
        Assert.AreEqual("ECSServiceAverageMemoryUtilization", (string?)policy["TargetTrackingScalingPolicyConfiguration"]!["PredefinedMetricSpecification"]!["PredefinedMetricType"]);
        Assert.AreEqual(45, (int?)policy["TargetTrackingScalingPolicyConfiguration"]!["ScaleOutCooldown"]);
        var action = AwsCli.Json(moto.Endpoint, "application-autoscaling", "describe-scheduled-actions", "--service-namespace", "ecs", "--resource-id", resource)!["ScheduledActions"]!.AsArray().Single()!;
        Assert.AreEqual("weekend", (string?)action["ScheduledActionName"]);
        Assert.AreEqual("cron(0 0 ? * SAT *)", (string?)action["Schedule"]);
        Assert.AreEqual(1, (int?)action["ScalableTargetAction"]!["MaxCapacity"]);
    }

    private static string Name() => LocalEcsProjects.NewName("e2p");


    private static Task<ConsumerProject> CreateProjectAsync(string name, string properties = "", string items = "") =>
        LocalEcsProjects.CreateAsync(Cluster, name, properties, items);

    private static ProcessResult Publish(ConsumerProject project, params string[] extra) => LocalEcsProjects.Publish(project, extra);

    private static void AssertSucceeded(ProcessResult result) => LocalEcsProjects.AssertSucceeded(result);

    private static async Task<EcsBuildTasks.Aws.ECS.Model.Service> DescribeAsync(string name)
    {
        var response = await (await LocalEcsFixture.EcsAsync()).DescribeServicesAsync(new DescribeServicesRequest { Cluster = Cluster, Services = [name] });
        return response.Services!.Single();
    }

    private static async Task<ScalableTarget> TargetAsync(Aws.ApplicationAutoScaling.IAmazonApplicationAutoScaling scaling, string resource) =>
        (await scaling.DescribeScalableTargetsAsync(new DescribeScalableTargetsRequest { ServiceNamespace = "ecs", ResourceIds = [resource] })).ScalableTargets!.Single();

    /// <summary>Sets the desired count as a scaling policy would (LocalEcs's control API).</summary>
    private static async Task ScaleAsync(string service, int desiredCount)
    {
        using var http = LocalEcsFixture.ControlClient();
        using var response = await http.PostAsJsonAsync(new Uri(await LocalEcsFixture.EndpointAsync() + "/_localecs/autoscaling/desired-count"), new { cluster = Cluster, service, desiredCount });
        Assert.IsTrue(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Records the scalable target's SuspendedState every 50 ms until cancelled (the publish runs meanwhile).</summary>
    private static async Task WatchAsync(Aws.ApplicationAutoScaling.IAmazonApplicationAutoScaling scaling, string resource, List<SuspendedState> observed, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var target = await TargetAsync(scaling, resource);
                lock (observed)
                {
                    observed.Add(target.SuspendedState!);
                }

                await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private static void AssertSuspended(SuspendedState? state, bool scaleIn, bool scaleOut, bool scheduled, string when)
    {
        Assert.AreEqual(scaleIn, state?.DynamicScalingInSuspended ?? false, $"dynamic scale-in {when}");
        Assert.AreEqual(scaleOut, state?.DynamicScalingOutSuspended ?? false, $"dynamic scale-out {when}");
        Assert.AreEqual(scheduled, state?.ScheduledScalingSuspended ?? false, $"scheduled scaling {when}");
    }
}
