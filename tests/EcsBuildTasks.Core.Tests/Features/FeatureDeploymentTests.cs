using System.Reflection;
using EcsBuildTasks.Aws.ApplicationAutoScaling.Model;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Aws.ServiceDiscovery.Model;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Features.OneOffTasks;
using EcsBuildTasks.Core.Features.ServiceDiscovery;
using EcsBuildTasks.Core.Features.TaskDefinitions;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using DnsRecord = EcsBuildTasks.Aws.ServiceDiscovery.Model.DnsRecord;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Core.Tests.Features;

/// <summary>
/// The deployment steps for service discovery, Service Connect, auto scaling and one-off tasks, run by the engine
/// against an in-process LocalEcs: the preflight's findings, what a deployment creates, suspends and restores, and
/// every failure's code (ECS5040–ECS5069).
/// </summary>
[TestClass]
public sealed class FeatureDeploymentTests
{
    /// <summary>Which test shows each preflight and deployment code (checked by <see cref="Every_preflight_and_deployment_code_has_a_test"/>).</summary>
    private static readonly Dictionary<string, string> CodeTests = new(StringComparer.Ordinal)
    {
        ["ECS5040"] = nameof(Preflight_reports_discovery_Service_Connect_and_scaling_problems_before_anything_changes),
        ["ECS5041"] = nameof(Preflight_reports_discovery_Service_Connect_and_scaling_problems_before_anything_changes),
        ["ECS5042"] = nameof(Preflight_reports_discovery_Service_Connect_and_scaling_problems_before_anything_changes),
        ["ECS5043"] = nameof(Preflight_reports_discovery_Service_Connect_and_scaling_problems_before_anything_changes),
        ["ECS5044"] = nameof(Preflight_reports_discovery_Service_Connect_and_scaling_problems_before_anything_changes),
        ["ECS5045"] = nameof(Preflight_reports_discovery_Service_Connect_and_scaling_problems_before_anything_changes),
        ["ECS5046"] = nameof(Preflight_reports_discovery_Service_Connect_and_scaling_problems_before_anything_changes),
        ["ECS5050"] = nameof(A_failing_pre_deploy_task_stops_the_deployment_before_the_service_changes),
        ["ECS5051"] = nameof(A_one_off_task_ECS_cannot_place_is_reported),
        ["ECS5052"] = nameof(A_one_off_task_that_outlives_its_timeout_is_stopped),
        ["ECS5053"] = nameof(A_Cloud_Map_failure_stops_the_deployment_before_the_service_changes),
        ["ECS5054"] = nameof(Failing_to_suspend_stops_the_deployment_and_failing_to_restore_fails_the_build_with_the_command_to_restore),
        ["ECS5055"] = nameof(A_scaling_configuration_failure_fails_the_build_after_the_deployment),
        ["ECS5056"] = nameof(EcsRunTask_runs_what_the_service_runs_and_reports_the_exit_code),
    };

    /// <summary>Each preflight code, the subject it names, and how to provoke it (keyed by code).</summary>
    private static readonly Dictionary<string, (string Subject, string Description, Func<LocalEcsHarness, SettingsInput, string, Task> Arrange)> Preflights = new(StringComparer.Ordinal)
    {
        ["ECS5040"] = ("EcsServiceDiscoveryNamespace", "a namespace that does not exist", (_, i, _) => Done(i.Set("EcsServiceDiscoveryNamespace", "absent.local"))),
        ["ECS5041"] = ("EcsServiceDiscoveryDnsRecordType", "DNS records in an HTTP namespace", async (env, i, name) =>
        {
            await env.HttpNamespaceAsync(name + "-http");
            i.Set("EcsServiceDiscoveryNamespace", name + "-http").Set("EcsServiceDiscoveryDnsRecordType", "A");
        }),
        ["ECS5042"] = ("EcsServiceRegistryArn", "a registry that does not exist", (_, i, _) => Done(i.Set("EcsServiceRegistryArn", "arn:aws:servicediscovery:us-east-1:123456789012:service/srv-doesnotexist"))),
        ["ECS5043"] = ("EcsServiceDiscoveryName", "an existing Cloud Map service with other records", async (env, i, name) =>
        {
            var ns = await env.PrivateNamespaceAsync(name + ".local");
            await env.Aws.ServiceDiscovery.CreateServiceAsync(new Aws.ServiceDiscovery.Model.CreateServiceRequest
            {
                Name = name,
                NamespaceId = ns,
                DnsConfig = new DnsConfig { DnsRecords = [new DnsRecord { Type = "SRV", TTL = 60 }] },
            });
            i.Set("EcsServiceDiscoveryNamespace", name + ".local");
        }),
        ["ECS5044"] = ("EcsServiceConnectNamespace", "a Service Connect namespace that does not exist", (_, i, _) => Done(i.Set("EcsServiceConnectNamespace", "absent"))),
        ["ECS5045"] = ("EcsScalingPolicy 'requests'", "requests per target of a network load balancer", async (env, i, name) =>
        {
            var (_, targetGroup) = await env.LoadBalancerAsync(name, "network");
            i.Set("EcsAutoScalingMinCapacity", "1").Set("EcsAutoScalingMaxCapacity", "3")
                .Add("EcsScalingPolicy", "requests", ("Metric", "RequestCount"), ("TargetValue", "100"), ("TargetGroupArn", targetGroup));
        }),
        ["ECS5046"] = ("EcsServiceDiscoveryNamespace", "two namespaces of one name", async (env, i, name) =>
        {
            await env.HttpNamespaceAsync(name + ".twice");
            await env.PrivateNamespaceAsync(name + ".twice");
            i.Set("EcsServiceDiscoveryNamespace", name + ".twice");
        }),
    };

    public static IEnumerable<object[]> PreflightCases() => Preflights.Keys.Select(code => new object[] { code });

    [TestMethod]
    [DynamicData(nameof(PreflightCases))]
    public async Task Preflight_reports_discovery_Service_Connect_and_scaling_problems_before_anything_changes(string code)
    {
        var (subject, description, arrange) = Preflights[code];
        await using var env = await LocalEcsHarness.StartAsync();
        var name = Name();
        var input = await env.ProjectAsync(name);
        await arrange(env, input, name);

        var findings = await env.PreflightAsync(input);

        var match = findings.FirstOrDefault(d => d.Code == code);
        Assert.IsNotNull(match, $"{description}: expected {code}, got:\n{string.Join("\n", findings)}");
        Assert.AreEqual(subject, match.Subject, description);
        StringAssert.Contains(match.Message, subject.Split(' ')[0], description);
    }

    [TestMethod]
    public async Task Preflight_passes_when_everything_exists_or_will_be_created()
    {
        await using var env = await LocalEcsHarness.StartAsync();
        var name = Name();
        var input = await env.ProjectAsync(name);
        await env.HttpNamespaceAsync(name + "-mesh");
        var (_, targetGroup) = await env.LoadBalancerAsync(name, "application");
        input.Set("EcsServiceDiscoveryNamespace", name + ".local").Set("EcsCreateServiceDiscoveryNamespace", "true")
            .Set("EcsServiceConnectNamespace", name + "-mesh")
            .Set("EcsAutoScalingMinCapacity", "1").Set("EcsAutoScalingMaxCapacity", "3")
            .Add("EcsScalingPolicy", "requests", ("Metric", "RequestCount"), ("TargetValue", "100"), ("TargetGroupArn", targetGroup));

        var findings = await env.PreflightAsync(input);

        Assert.AreEqual(0, findings.Count, string.Join("\n", findings));
    }

    [TestMethod]
    public async Task A_created_namespace_and_Cloud_Map_service_get_one_instance_per_running_task_and_a_new_TTL_later()
    {
        await using var env = await LocalEcsHarness.StartAsync();
        var name = Name();
        var input = (await env.ProjectAsync(name))
            .Set("EcsDesiredCount", "2")
            .Set("EcsServiceDiscoveryNamespace", name + ".local")
            .Set("EcsCreateServiceDiscoveryNamespace", "true");

        var first = await env.DeployAsync(input);

        Assert.IsNull(first.Failure, first.Failure?.ToString());
        var ns = (await env.Aws.ServiceDiscovery.ListNamespacesAsync(new ListNamespacesRequest())).Namespaces!.Single(n => n.Name == name + ".local");
        Assert.AreEqual("DNS_PRIVATE", ns.Type!.Value);
        var registry = (await env.ServiceAsync(name)).ServiceRegistries!.Single();
        Assert.IsNull(registry.ContainerName, "awsvpc with A records: ECS takes the registry alone");
        Assert.IsNull(registry.ContainerPort);
        var cloudMap = (await env.Aws.ServiceDiscovery.GetServiceAsync(new GetServiceRequest { Id = CloudMapLookup.ServiceId(registry.RegistryArn!) })).Service!;
        Assert.AreEqual(name, cloudMap.Name);
        Assert.AreEqual(ns.Id, cloudMap.NamespaceId);
        Assert.AreEqual("A", cloudMap.DnsConfig!.DnsRecords!.Single().Type!.Value);
        Assert.AreEqual(60, cloudMap.DnsConfig.DnsRecords![0].TTL);
        Assert.AreEqual(1, cloudMap.HealthCheckCustomConfig!.FailureThreshold);
        var instances = (await env.Aws.ServiceDiscovery.ListInstancesAsync(new ListInstancesRequest { ServiceId = cloudMap.Id })).Instances!;
        Assert.AreEqual(2, instances.Count, "one instance per running task");

        var second = await env.DeployAsync(input.Set("EcsServiceDiscoveryDnsTtl", "15").Set("EcsMemory", "1024"));

        Assert.IsNull(second.Failure, second.Failure?.ToString());
        var services = (await env.Aws.ServiceDiscovery.ListServicesAsync(new Aws.ServiceDiscovery.Model.ListServicesRequest())).Services!.Where(s => s.Name == name).ToList();
        Assert.AreEqual(1, services.Count, "the Cloud Map service is reused");
        Assert.AreEqual(15, (await env.Aws.ServiceDiscovery.GetServiceAsync(new GetServiceRequest { Id = cloudMap.Id })).Service!.DnsConfig!.DnsRecords![0].TTL);
    }

    [TestMethod]
    public async Task SRV_records_register_the_container_port()
    {
        await using var env = await LocalEcsHarness.StartAsync();
        var name = Name();
        await env.PrivateNamespaceAsync(name + ".local");
        var input = (await env.ProjectAsync(name)).Set("EcsServiceDiscoveryNamespace", name + ".local").Set("EcsServiceDiscoveryDnsRecordType", "SRV");

        var report = await env.DeployAsync(input);

        Assert.IsNull(report.Failure, report.Failure?.ToString());
        var registry = (await env.ServiceAsync(name)).ServiceRegistries!.Single();
        Assert.AreEqual(name, registry.ContainerName);
        Assert.AreEqual(8080, registry.ContainerPort);
        var instance = (await env.Aws.ServiceDiscovery.ListInstancesAsync(new ListInstancesRequest { ServiceId = CloudMapLookup.ServiceId(registry.RegistryArn!) })).Instances!.Single();
        Assert.AreEqual("8080", instance.Attributes!["AWS_INSTANCE_PORT"]);
    }

    [TestMethod]
    public async Task Service_Connect_lands_on_the_service_with_the_namespace_ARN_and_an_unchanged_project_deploys_nothing()
    {
        await using var env = await LocalEcsHarness.StartAsync();
        var name = Name();
        var namespaceId = await env.HttpNamespaceAsync(name + "-mesh");
        var input = (await env.ProjectAsync(name))
            .Set("EcsServiceConnectNamespace", name + "-mesh")
            .Set("EcsServiceConnectLogGroup", $"/ecs/{name}/service-connect")
            .Add("EcsServiceConnectService", "http", ("ClientAlias", "api:80"), ("AppProtocol", "http"));

        var first = await env.DeployAsync(input);

        Assert.IsNull(first.Failure, first.Failure?.ToString());
        var service = await env.ServiceAsync(name);
        var configuration = service.Deployments!.Single(d => d.Status == "PRIMARY").ServiceConnectConfiguration!;
        Assert.AreEqual($"arn:aws:servicediscovery:us-east-1:123456789012:namespace/{namespaceId}", configuration.Namespace);
        Assert.AreEqual("http", configuration.Services!.Single().PortName);
        Assert.AreEqual("api", configuration.Services![0].ClientAliases!.Single().DnsName);
        var task = (await env.Aws.Ecs.DescribeTaskDefinitionAsync(new DescribeTaskDefinitionRequest { TaskDefinition = service.TaskDefinition })).TaskDefinition!;
        Assert.AreEqual("http", task.ContainerDefinitions![0].PortMappings!.Single().Name);
        var groups = await env.Aws.Logs.DescribeLogGroupsAsync(new Aws.CloudWatchLogs.Model.DescribeLogGroupsRequest { LogGroupNamePrefix = $"/ecs/{name}/service-connect" });
        Assert.AreEqual(1, groups.LogGroups!.Count, "the proxy's log group is created");

        var second = await env.DeployAsync(input);

        Assert.AreEqual("up-to-date", second.Result.Status, "ECS reports the configuration on its deployments; comparing there finds nothing changed");
    }

    [TestMethod]
    public async Task Scaling_is_configured_after_the_deployment_kept_when_unnamed_and_pruned_only_when_asked()
    {
        await using var env = await LocalEcsHarness.StartAsync();
        var name = Name();
        var (balancer, targetGroup) = await env.LoadBalancerAsync(name, "application");
        var input = (await env.ProjectAsync(name))
            .Set("EcsTargetGroupArn", targetGroup)
            .Set("EcsAutoScalingMinCapacity", "2").Set("EcsAutoScalingMaxCapacity", "6")
            .Add("EcsScalingPolicy", "cpu", ("Metric", "CPU"), ("TargetValue", "55.5"), ("ScaleInCooldown", "120"), ("ScaleOutCooldown", "30"), ("DisableScaleIn", "true"))
            .Add("EcsScalingPolicy", "requests", ("Metric", "RequestCount"), ("TargetValue", "1000"))
            .Add("EcsScheduledScaling", "night", ("Schedule", "cron(0 22 * * ? *)"), ("Timezone", "Europe/Berlin"), ("MinCapacity", "2"), ("MaxCapacity", "3"));
        var resource = $"service/{name}/{name}";

        var first = await env.DeployAsync(input);

        Assert.IsNull(first.Failure, first.Failure?.ToString());
        Assert.AreEqual(2, (await env.ServiceAsync(name)).DesiredCount, "a new service starts at the minimum capacity");
        var target = (await env.Aws.ApplicationAutoScaling.DescribeScalableTargetsAsync(new DescribeScalableTargetsRequest { ServiceNamespace = "ecs", ResourceIds = [resource] })).ScalableTargets!.Single();
        Assert.AreEqual(2, target.MinCapacity);
        Assert.AreEqual(6, target.MaxCapacity);
        var policies = await PoliciesAsync(env, resource);
        var cpu = policies.Single(p => p.PolicyName == "cpu").TargetTrackingScalingPolicyConfiguration!;
        Assert.AreEqual(55.5, cpu.TargetValue);
        Assert.AreEqual("ECSServiceAverageCPUUtilization", cpu.PredefinedMetricSpecification!.PredefinedMetricType!.Value);
        Assert.AreEqual(120, cpu.ScaleInCooldown);
        Assert.AreEqual(30, cpu.ScaleOutCooldown);
        Assert.IsTrue(cpu.DisableScaleIn);
        var requests = policies.Single(p => p.PolicyName == "requests").TargetTrackingScalingPolicyConfiguration!.PredefinedMetricSpecification!;
        Assert.AreEqual("ALBRequestCountPerTarget", requests.PredefinedMetricType!.Value);
        Assert.AreEqual($"{balancer[(balancer.IndexOf(":loadbalancer/", StringComparison.Ordinal) + 14)..]}/{targetGroup[(targetGroup.IndexOf(":targetgroup/", StringComparison.Ordinal) + 1)..]}", requests.ResourceLabel);
        StringAssert.StartsWith(requests.ResourceLabel, "app/");
        var night = (await env.Aws.ApplicationAutoScaling.DescribeScheduledActionsAsync(new DescribeScheduledActionsRequest { ServiceNamespace = "ecs", ResourceId = resource })).ScheduledActions!.Single();
        Assert.AreEqual("cron(0 22 * * ? *)", night.Schedule);
        Assert.AreEqual("Europe/Berlin", night.Timezone);
        Assert.AreEqual(2, night.ScalableTargetAction!.MinCapacity);
        Assert.AreEqual(3, night.ScalableTargetAction.MaxCapacity);

        var withoutRequests = env.Project(name);
        withoutRequests.Set("EcsTargetGroupArn", targetGroup).Set("EcsAutoScalingMinCapacity", "2").Set("EcsAutoScalingMaxCapacity", "6")
            .Add("EcsScalingPolicy", "cpu", ("Metric", "CPU"), ("TargetValue", "55.5"), ("ScaleInCooldown", "120"), ("ScaleOutCooldown", "30"), ("DisableScaleIn", "true"));
        var log = new RecordingDeploymentLog();

        var kept = await env.DeployAsync(withoutRequests, log);

        Assert.IsNull(kept.Failure, kept.Failure?.ToString());
        Assert.AreEqual(2, (await PoliciesAsync(env, resource)).Count, "policies the project no longer names stay without EcsPruneScalingPolicies");
        StringAssert.Contains(log.Text, "kept scaling policy requests");
        StringAssert.Contains(log.Text, "kept scheduled scaling night");
        Assert.IsFalse(log.Text.Contains("scaling policy cpu", StringComparison.Ordinal), "an unchanged policy is not put again:\n" + log.Text);

        var pruned = await env.DeployAsync(withoutRequests.Set("EcsPruneScalingPolicies", "true"));

        Assert.IsNull(pruned.Failure, pruned.Failure?.ToString());
        Assert.AreEqual("cpu", (await PoliciesAsync(env, resource)).Single().PolicyName);
        Assert.AreEqual(0, (await env.Aws.ApplicationAutoScaling.DescribeScheduledActionsAsync(new DescribeScheduledActionsRequest { ServiceNamespace = "ecs", ResourceId = resource })).ScheduledActions!.Count);
    }

    [TestMethod]
    public async Task Scaling_is_suspended_while_the_service_deploys_and_the_users_own_state_is_restored_after_success_failure_and_cancellation()
    {
        await using var env = await LocalEcsHarness.StartAsync();
        var name = Name();
        var resource = $"service/{name}/{name}";
        var input = (await env.ProjectAsync(name)).Set("EcsAutoScalingMinCapacity", "1").Set("EcsAutoScalingMaxCapacity", "4");
        Assert.IsNull((await env.DeployAsync(input)).Failure);
        await env.ControlAsync(HttpMethod.Post, "autoscaling/desired-count", new { cluster = name, service = name, desiredCount = 3 });
        // The user suspended scale-in themselves: a deployment must give exactly that back.
        await SuspendAsync(env, resource, scaleIn: true, scaleOut: false, scheduled: false);

        SuspendedState? during = null;
        var log = new HookedLog("updated service", () => during = StateAsync(env, resource).GetAwaiter().GetResult());
        var succeeded = await env.DeployAsync(input.Set("EcsMemory", "1024"), log);

        Assert.AreEqual("succeeded", succeeded.Result.Status, log.Text);
        Assert.IsTrue(during is { DynamicScalingInSuspended: true, DynamicScalingOutSuspended: true, ScheduledScalingSuspended: true }, "suspended while deploying");
        AssertState(await StateAsync(env, resource), scaleIn: true, scaleOut: false, scheduled: false, "after success");
        Assert.AreEqual(3, (await env.ServiceAsync(name)).DesiredCount, "the desired count auto scaling chose survives");

        var crashed = await env.DeployAsync(input.Add("EcsEnvironmentVariable", "LOCALECS_SIMULATE", ("Value", "crash")));

        Assert.AreEqual("rolled-back", crashed.Result.Status);
        AssertState(await StateAsync(env, resource), scaleIn: true, scaleOut: false, scheduled: false, "after a failed deployment and its rollback");

        using var cancellation = new CancellationTokenSource();
        var cancelling = new HookedLog("updated service", cancellation.Cancel);
        var cancelled = await env.DeployAsync(input.Set("EcsMemory", "2048"), cancelling, cancellation.Token);

        Assert.IsTrue(cancelling.Fired);
        Assert.AreEqual("cancelled", cancelled.Result.Status, cancelling.Text);
        AssertState(await StateAsync(env, resource), scaleIn: true, scaleOut: false, scheduled: false, "after the build was cancelled");
    }

    [TestMethod]
    public async Task Pre_deploy_tasks_run_with_the_new_revision_before_the_service_changes_and_not_again_for_the_same_revision()
    {
        await using var env = await LocalEcsHarness.StartAsync();
        var name = Name();
        var input = (await env.ProjectAsync(name))
            .Add("EcsPreDeployTask", "migrate", ("Command", "migrate;--all"), ("Environment", "LOCALECS_SIMULATE=exit:0;MODE=up"));
        var log = new RecordingDeploymentLog();

        var report = await env.DeployAsync(input, log);

        Assert.IsNull(report.Failure, report.Failure?.ToString());
        var tasks = await env.Aws.Ecs.ListTasksAsync(new ListTasksRequest { Cluster = name, StartedBy = OneOffTaskRunner.StartedBy, DesiredStatus = "STOPPED" });
        var task = (await env.Aws.Ecs.DescribeTasksAsync(new DescribeTasksRequest { Cluster = name, Tasks = tasks.TaskArns! })).Tasks!.Single();
        Assert.AreEqual(report.Result.TaskDefinitionArn, task.TaskDefinitionArn, "the pre-deploy task runs the new revision");
        var containerOverride = task.Overrides!.ContainerOverrides!.Single();
        CollectionAssert.AreEqual(new[] { "migrate", "--all" }, containerOverride.Command);
        Assert.AreEqual("up", containerOverride.Environment!.Single(e => e.Name == "MODE").Value);
        Assert.AreEqual(0, task.Containers!.Single().ExitCode);
        CollectionAssert.AreEquivalent(env.Subnets.ToList(), (await env.ServiceAsync(name)).NetworkConfiguration!.AwsvpcConfiguration!.Subnets);
        var text = log.Text;
        Assert.IsTrue(text.IndexOf("pre-deploy task migrate finished with exit code 0", StringComparison.Ordinal) < text.IndexOf("created service", StringComparison.Ordinal), text);
        StringAssert.Contains(text, "Running command: migrate --all", "the task's last log lines are printed");

        var again = new RecordingDeploymentLog();
        Assert.IsNull((await env.DeployAsync(input, again)).Failure);

        StringAssert.Contains(again.Text, "its pre-deploy tasks are not run again");
    }

    [TestMethod]
    public async Task A_failing_pre_deploy_task_stops_the_deployment_before_the_service_changes()
    {
        await using var env = await LocalEcsHarness.StartAsync();
        var name = Name();
        var input = await env.ProjectAsync(name);
        Assert.IsNull((await env.DeployAsync(input)).Failure);
        var before = await env.ServiceAsync(name);
        var deployments = (await env.Aws.Ecs.ListServiceDeploymentsAsync(new ListServiceDeploymentsRequest { Cluster = name, Service = name })).ServiceDeployments!.Count;
        input.Set("EcsMemory", "1024").Add("EcsPreDeployTask", "migrate", ("Environment", "LOCALECS_SIMULATE=crash"));
        var log = new RecordingDeploymentLog();

        var failure = await Assert.ThrowsExactlyAsync<DeploymentException>(() => env.DeployAsync(input, log));

        var diagnostic = failure.Diagnostics.Single();
        Assert.AreEqual("ECS5050", diagnostic.Code);
        Assert.AreEqual("EcsPreDeployTask 'migrate'", diagnostic.Subject);
        StringAssert.Contains(diagnostic.Message, "exit code 1");
        StringAssert.Contains(diagnostic.Message, $"the service {name} was not changed");
        StringAssert.Contains(log.Text, "Essential container in task exited");
        StringAssert.Contains(log.Text, "Unhandled exception. System.InvalidOperationException: LOCALECS_SIMULATE=crash");
        var after = await env.ServiceAsync(name);
        Assert.AreEqual(before.TaskDefinition, after.TaskDefinition);
        Assert.AreEqual(deployments, (await env.Aws.Ecs.ListServiceDeploymentsAsync(new ListServiceDeploymentsRequest { Cluster = name, Service = name })).ServiceDeployments!.Count, "no UpdateService");
    }

    [TestMethod]
    public async Task A_one_off_task_that_outlives_its_timeout_is_stopped()
    {
        await using var env = await LocalEcsHarness.StartAsync();
        var name = Name();
        var definitions = LocalEcsHarness.Generate(await env.ProjectAsync(name));
        var registrar = new TaskDefinitionRegistrar(env.Aws, new RecordingDeploymentLog());
        await new LogGroups(env.Aws, new RecordingDeploymentLog()).EnsureAsync(definitions.TaskDefinition, definitions.Settings, CancellationToken.None);
        var registered = await registrar.RegisterAsync(definitions.TaskDefinition, null, null, CancellationToken.None);
        var spec = PreDeployTasks.Spec(definitions, new OneOffTaskSetting("EcsPreDeployTask 'serve'", null, [], [], null) { Name = "serve" }, registered.Arn) with { Timeout = TimeSpan.FromSeconds(1) };

        var failure = await Assert.ThrowsExactlyAsync<DeploymentException>(() => new OneOffTaskRunner(env.Aws, new RecordingDeploymentLog(), TimeProvider.System).RunAsync(spec, CancellationToken.None));

        Assert.AreEqual("ECS5052", failure.Diagnostics.Single().Code);
        var tasks = await env.Aws.Ecs.ListTasksAsync(new ListTasksRequest { Cluster = name, StartedBy = OneOffTaskRunner.StartedBy, DesiredStatus = "STOPPED" });
        Assert.AreEqual(1, tasks.TaskArns!.Count, "the build stops the task it gave up on");
    }

    [TestMethod]
    public async Task A_one_off_task_ECS_cannot_place_is_reported()
    {
        await using var env = await LocalEcsHarness.StartAsync();
        var name = Name();
        var input = (await env.ProjectAsync(name)).Set("EcsLaunchType", "EC2").Set("EcsNetworkMode", "bridge").Set("EcsSubnets", null).Set("EcsSecurityGroups", null)
            .Set("EcsCpu", null).Set("EcsMemory", null).Set("EcsContainerMemory", "256");
        await env.ControlAsync(HttpMethod.Put, "container-instances", new { cluster = name, count = 0 });
        var definitions = LocalEcsHarness.Generate(input);
        var registered = await new TaskDefinitionRegistrar(env.Aws, new RecordingDeploymentLog()).RegisterAsync(definitions.TaskDefinition, null, null, CancellationToken.None);
        var spec = PreDeployTasks.Spec(definitions, new OneOffTaskSetting("EcsPreDeployTask 'migrate'", null, [], [], null) { Name = "migrate" }, registered.Arn);

        var failure = await Assert.ThrowsExactlyAsync<DeploymentException>(() => new OneOffTaskRunner(env.Aws, new RecordingDeploymentLog(), TimeProvider.System).RunAsync(spec, CancellationToken.None));

        var diagnostic = failure.Diagnostics.Single();
        Assert.AreEqual("ECS5051", diagnostic.Code);
        StringAssert.Contains(diagnostic.Message, "No Container Instances were found in your cluster");
    }

    [TestMethod]
    public async Task A_Cloud_Map_failure_stops_the_deployment_before_the_service_changes()
    {
        await using var env = await LocalEcsHarness.StartAsync();
        var name = Name();
        await env.PrivateNamespaceAsync(name + ".local");
        var input = (await env.ProjectAsync(name)).Set("EcsServiceDiscoveryNamespace", name + ".local");
        await env.FaultAsync("servicediscovery", "CreateService");

        var failure = await Assert.ThrowsExactlyAsync<DeploymentException>(() => env.DeployAsync(input));

        var diagnostic = failure.Diagnostics.Single();
        Assert.AreEqual("ECS5053", diagnostic.Code);
        Assert.AreEqual("EcsServiceDiscoveryNamespace", diagnostic.Subject);
        var services = await env.Aws.Ecs.DescribeServicesAsync(new DescribeServicesRequest { Cluster = name, Services = [name] });
        Assert.AreEqual(0, services.Services!.Count, "the ECS service was not created");
    }

    [TestMethod]
    public async Task Failing_to_suspend_stops_the_deployment_and_failing_to_restore_fails_the_build_with_the_command_to_restore()
    {
        await using var env = await LocalEcsHarness.StartAsync();
        var name = Name();
        var resource = $"service/{name}/{name}";
        var input = (await env.ProjectAsync(name)).Set("EcsAutoScalingMinCapacity", "1").Set("EcsAutoScalingMaxCapacity", "3");
        var first = await env.DeployAsync(input);
        Assert.IsNull(first.Failure, first.Failure?.ToString());
        var before = (await env.ServiceAsync(name)).TaskDefinition;
        await env.FaultAsync("application-autoscaling", "RegisterScalableTarget");

        var notSuspended = await Assert.ThrowsExactlyAsync<DeploymentException>(() => env.DeployAsync(input.Set("EcsMemory", "1024")));

        Assert.AreEqual("ECS5054", notSuspended.Diagnostics.Single().Code);
        Assert.AreEqual(before, (await env.ServiceAsync(name)).TaskDefinition, "nothing deployed without the suspension");
        await env.ClearFaultsAsync();

        var log = new HookedLog("updated service", () => env.FaultAsync("application-autoscaling", "RegisterScalableTarget").GetAwaiter().GetResult());
        var notRestored = await env.DeployAsync(input, log);

        Assert.AreEqual("succeeded", notRestored.Result.Status, "the deployment itself went through");
        Assert.AreEqual("ECS5054", notRestored.Failure?.Code, log.Text);
        StringAssert.Contains(notRestored.Failure!.Message, $"aws --endpoint-url {env.Endpoint} --region us-east-1 application-autoscaling register-scalable-target --service-namespace ecs --scalable-dimension ecs:service:DesiredCount --resource-id {resource} --suspended-state DynamicScalingInSuspended=false,DynamicScalingOutSuspended=false,ScheduledScalingSuspended=false");
    }

    [TestMethod]
    public async Task A_scaling_configuration_failure_fails_the_build_after_the_deployment()
    {
        await using var env = await LocalEcsHarness.StartAsync();
        var name = Name();
        var input = (await env.ProjectAsync(name)).Set("EcsAutoScalingMinCapacity", "1").Set("EcsAutoScalingMaxCapacity", "3")
            .Add("EcsScalingPolicy", "cpu", ("Metric", "CPU"), ("TargetValue", "60"));
        await env.FaultAsync("application-autoscaling", "PutScalingPolicy");

        var report = await env.DeployAsync(input);

        Assert.AreEqual("succeeded", report.Result.Status);
        Assert.AreEqual("ECS5055", report.Failure?.Code);
        StringAssert.Contains(report.Failure!.Message, "The service deployed, but its auto scaling could not be configured");
    }

    [TestMethod]
    public async Task EcsRunTask_runs_what_the_service_runs_and_reports_the_exit_code()
    {
        await using var env = await LocalEcsHarness.StartAsync();
        var name = Name();
        var input = await env.ProjectAsync(name);
        var nothing = await Assert.ThrowsExactlyAsync<DeploymentException>(() => new AdHocTask(env.Aws, new RecordingDeploymentLog(), TimeProvider.System).RunAsync(LocalEcsHarness.Generate(input), CancellationToken.None));
        Assert.AreEqual("ECS5056", nothing.Diagnostics.Single().Code);
        Assert.IsNull((await env.DeployAsync(input)).Failure);
        var running = (await env.ServiceAsync(name)).TaskDefinition;

        var (succeeded, none) = await new AdHocTask(env.Aws, new RecordingDeploymentLog(), TimeProvider.System)
            .RunAsync(LocalEcsHarness.Generate(input.Set("EcsRunTaskCommand", "report").Set("EcsRunTaskEnvironment", "LOCALECS_SIMULATE=exit:0")), CancellationToken.None);
        var log = new RecordingDeploymentLog();
        var (failed, failure) = await new AdHocTask(env.Aws, log, TimeProvider.System)
            .RunAsync(LocalEcsHarness.Generate(input.Set("EcsRunTaskEnvironment", "LOCALECS_SIMULATE=exit:3")), CancellationToken.None);

        Assert.IsNull(none);
        Assert.AreEqual(0, succeeded.ExitCode);
        Assert.AreEqual(3, failed.ExitCode);
        Assert.AreEqual("ECS5050", failure?.Code);
        Assert.AreEqual("EcsRunTaskCommand", failure!.Subject);
        StringAssert.Contains(failure.Message, "exit code 3");
        StringAssert.Contains(log.Text, "LOCALECS_SIMULATE=exit:3: the job finished with exit code 3");
        var task = (await env.Aws.Ecs.DescribeTasksAsync(new DescribeTasksRequest { Cluster = name, Tasks = [failed.TaskArn] })).Tasks!.Single();
        Assert.AreEqual(running, task.TaskDefinitionArn, "the ad-hoc task runs the service's revision");
        Assert.AreEqual(OneOffTaskRunner.StartedBy, task.StartedBy);
    }

    [TestMethod]
    public void Every_preflight_and_deployment_code_has_a_test()
    {
        var methods = typeof(FeatureDeploymentTests).GetMethods(BindingFlags.Public | BindingFlags.Instance).Where(m => m.GetCustomAttribute<TestMethodAttribute>() is not null).Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        var codes = DiagnosticCodes.All.Select(d => d.Code).Where(c => string.CompareOrdinal(c, "ECS5040") >= 0 && string.CompareOrdinal(c, "ECS5100") < 0).ToList();

        Assert.AreEqual(0, codes.Except(CodeTests.Keys).Count(), "codes without a test: " + string.Join(", ", codes.Except(CodeTests.Keys)));
        Assert.IsTrue(CodeTests.Values.All(methods.Contains), "every listed test exists");
        Assert.IsTrue(CodeTests.Where(p => p.Value == nameof(Preflight_reports_discovery_Service_Connect_and_scaling_problems_before_anything_changes)).All(p => Preflights.ContainsKey(p.Key)), "every preflight code has a row");
    }

    private static string Name() => "p" + Guid.NewGuid().ToString("N")[..10];

    private static Task Done(SettingsInput input)
    {
        _ = input;
        return Task.CompletedTask;
    }

    private static async Task<List<ScalingPolicy>> PoliciesAsync(LocalEcsHarness env, string resource) =>
        (await env.Aws.ApplicationAutoScaling.DescribeScalingPoliciesAsync(new DescribeScalingPoliciesRequest { ServiceNamespace = "ecs", ResourceId = resource })).ScalingPolicies!;

    private static async Task<SuspendedState> StateAsync(LocalEcsHarness env, string resource) =>
        (await env.Aws.ApplicationAutoScaling.DescribeScalableTargetsAsync(new DescribeScalableTargetsRequest { ServiceNamespace = "ecs", ResourceIds = [resource] })).ScalableTargets!.Single().SuspendedState!;

    private static Task<RegisterScalableTargetResponse> SuspendAsync(LocalEcsHarness env, string resource, bool scaleIn, bool scaleOut, bool scheduled) =>
        env.Aws.ApplicationAutoScaling.RegisterScalableTargetAsync(new RegisterScalableTargetRequest
        {
            ServiceNamespace = "ecs",
            ResourceId = resource,
            ScalableDimension = "ecs:service:DesiredCount",
            SuspendedState = new SuspendedState { DynamicScalingInSuspended = scaleIn, DynamicScalingOutSuspended = scaleOut, ScheduledScalingSuspended = scheduled },
        });

    private static void AssertState(SuspendedState state, bool scaleIn, bool scaleOut, bool scheduled, string when)
    {
        Assert.AreEqual(scaleIn, state.DynamicScalingInSuspended, $"scale-in {when}");
        Assert.AreEqual(scaleOut, state.DynamicScalingOutSuspended, $"scale-out {when}");
        Assert.AreEqual(scheduled, state.ScheduledScalingSuspended, $"scheduled scaling {when}");
    }
}
