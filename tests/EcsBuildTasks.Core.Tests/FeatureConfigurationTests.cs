using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Features.ServiceDiscovery;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Tests;

/// <summary>
/// Service discovery, Service Connect, auto scaling and one-off task settings: each invalid configuration is stopped
/// before anything is built or changed, with its code and the property or item to fix (ECS5000–ECS5039); valid ones
/// land in the generated definitions as ECS expects them.
/// </summary>
[TestClass]
public sealed class FeatureConfigurationTests
{
    private const string Registry = "arn:aws:servicediscovery:us-east-1:123456789012:service/srv-0123456789abcdef";

    public static IEnumerable<object[]> Cases()
    {
        // Service discovery (ECS500x).
        yield return Case("discovery name without a namespace", "ECS5000", "EcsServiceDiscoveryName", i => i.Set("EcsServiceDiscoveryName", "api"));
        yield return Case("registry and namespace together", "ECS5000", "EcsServiceRegistryArn", i => i.Set("EcsServiceRegistryArn", Registry).Set("EcsServiceDiscoveryNamespace", "prod.local"));
        yield return Case("registry with a TTL of a created service", "ECS5000", "EcsServiceDiscoveryDnsTtl", i => i.Set("EcsServiceRegistryArn", Registry).Set("EcsServiceDiscoveryDnsTtl", "10"));
        yield return Case("creating a namespace given by id", "ECS5000", "EcsCreateServiceDiscoveryNamespace", i => i.Set("EcsServiceDiscoveryNamespace", "ns-abcdef").Set("EcsCreateServiceDiscoveryNamespace", "true"));
        yield return Case("registry ARN of a namespace", "ECS5001", "EcsServiceRegistryArn", i => i.Set("EcsServiceRegistryArn", "arn:aws:servicediscovery:us-east-1:123456789012:namespace/ns-abc"));
        yield return Case("discovery name with a space", "ECS5002", "EcsServiceDiscoveryName", i => i.Set("EcsServiceDiscoveryNamespace", "prod.local").Set("EcsServiceDiscoveryName", "my api"));
        yield return Case("discovery name label longer than 63", "ECS5002", "EcsServiceDiscoveryName", i => i.Set("EcsServiceDiscoveryNamespace", "prod.local").Set("EcsServiceDiscoveryName", new string('a', 64)));
        yield return Case("namespace given as an ARN", "ECS5002", "EcsServiceDiscoveryNamespace", i => i.Set("EcsServiceDiscoveryNamespace", "arn:aws:servicediscovery:us-east-1:123456789012:namespace/ns-abc"));
        yield return Case("A records for a bridge task", "ECS5003", "EcsServiceDiscoveryDnsRecordType", i => Ec2Bridge(i).Set("EcsServiceDiscoveryNamespace", "prod.local").Set("EcsServiceDiscoveryDnsRecordType", "A"));
        yield return Case("SRV records on an unmapped port", "ECS5004", "EcsServiceDiscoveryContainerPort", i => i.Set("EcsServiceDiscoveryNamespace", "prod.local").Set("EcsServiceDiscoveryDnsRecordType", "SRV").Set("EcsServiceDiscoveryContainerPort", "9090"));
        yield return Case("SRV records without any port", "ECS5004", "EcsServiceDiscoveryContainerPort", i => i.Set("UsingMicrosoftNETSdkWeb", "false").Set("EcsServiceDiscoveryNamespace", "prod.local").Set("EcsServiceDiscoveryDnsRecordType", "SRV"));
        yield return Case("creating a namespace for a bridge task", "ECS5005", "EcsCreateServiceDiscoveryNamespace", i => Ec2Bridge(i).Set("EcsServiceDiscoveryNamespace", "prod.local").Set("EcsCreateServiceDiscoveryNamespace", "true"));

        // Service Connect (ECS501x).
        yield return Case("Service Connect endpoint without a namespace", "ECS5010", "EcsServiceConnectService 'http'", i => i.Add("EcsServiceConnectService", "http"));
        yield return Case("Service Connect log group without a namespace", "ECS5010", "EcsServiceConnectLogGroup", i => i.Set("EcsServiceConnectLogGroup", "/ecs/sc"));
        yield return Case("port name with capitals", "ECS5011", "EcsServiceConnectService 'Http'", i => ServiceConnect(i).Add("EcsServiceConnectService", "Http"));
        yield return Case("discovery name starting with a hyphen", "ECS5011", "EcsServiceConnectService 'http'", i => ServiceConnect(i).Add("EcsServiceConnectService", "http", ("DiscoveryName", "-api")));
        yield return Case("two endpoints on one port", "ECS5011", "EcsServiceConnectService 'admin'", i => ServiceConnect(i).Add("EcsServiceConnectService", "http").Add("EcsServiceConnectService", "admin"));
        yield return Case("endpoint on an unmapped port", "ECS5012", "EcsServiceConnectService 'http'", i => ServiceConnect(i).Add("EcsServiceConnectService", "http", ("ContainerPort", "9090")));
        yield return Case("client alias port out of range", "ECS5013", "EcsServiceConnectService 'http'", i => ServiceConnect(i).Add("EcsServiceConnectService", "http", ("ClientAlias", "api:70000")));
        yield return Case("two client aliases", "ECS5013", "EcsServiceConnectService 'http'", i => ServiceConnect(i).Add("EcsServiceConnectService", "http", ("ClientAlias", "80;81")));
        yield return Case("client alias DNS name of 128 characters", "ECS5013", "EcsServiceConnectService 'http'", i => ServiceConnect(i).Add("EcsServiceConnectService", "http", ("ClientAlias", new string('a', 128) + ":80")));
        yield return Case("app protocol tcp", "ECS5014", "EcsServiceConnectService 'http'", i => ServiceConnect(i).Add("EcsServiceConnectService", "http", ("AppProtocol", "tcp")));
        yield return Case("test traffic header without a value", "ECS5015", "EcsServiceConnectTestTrafficHeader", i => ServiceConnect(i).Add("EcsServiceConnectService", "http", ("ClientAlias", "80")).Set("EcsDeploymentStrategy", "BlueGreen").Set("EcsServiceConnectTestTrafficHeader", "x-canary"));
        yield return Case("test traffic header with Rolling", "ECS5015", "EcsServiceConnectTestTrafficHeader", i => ServiceConnect(i).Add("EcsServiceConnectService", "http", ("ClientAlias", "80")).Set("EcsServiceConnectTestTrafficHeader", "x-canary=true"));
        yield return Case("test traffic header without a client alias", "ECS5015", "EcsServiceConnectTestTrafficHeader", i => ServiceConnect(i).Add("EcsServiceConnectService", "http").Set("EcsDeploymentStrategy", "BlueGreen").Set("EcsServiceConnectTestTrafficHeader", "x-canary=true"));
        yield return Case("Service Connect log group with spaces", "ECS5016", "EcsServiceConnectLogGroup", i => ServiceConnect(i).Set("EcsServiceConnectLogGroup", "service connect logs"));

        // Auto scaling (ECS502x).
        yield return Case("minimum capacity alone", "ECS5020", "EcsAutoScalingMaxCapacity", i => i.Set("EcsAutoScalingMinCapacity", "1"));
        yield return Case("maximum below minimum", "ECS5020", "EcsAutoScalingMaxCapacity", i => i.Set("EcsAutoScalingMinCapacity", "3").Set("EcsAutoScalingMaxCapacity", "2"));
        yield return Case("scaling policy without capacity", "ECS5020", "EcsAutoScalingMinCapacity", i => i.Add("EcsScalingPolicy", "cpu", ("Metric", "CPU"), ("TargetValue", "60")));
        yield return Case("auto scaling a daemon", "ECS5021", "EcsAutoScalingMinCapacity", i => Ec2Bridge(i).Set("EcsSchedulingStrategy", "DAEMON").Set("EcsAutoScalingMinCapacity", "1").Set("EcsAutoScalingMaxCapacity", "2"));
        yield return Case("desired count above the maximum", "ECS5022", "EcsDesiredCount", i => Scaling(i).Set("EcsDesiredCount", "10"));
        yield return Case("unknown metric", "ECS5023", "EcsScalingPolicy 'disk'", i => Scaling(i).Add("EcsScalingPolicy", "disk", ("Metric", "Disk"), ("TargetValue", "60")));
        yield return Case("CPU target above 100", "ECS5023", "EcsScalingPolicy 'cpu'", i => Scaling(i).Add("EcsScalingPolicy", "cpu", ("Metric", "CPU"), ("TargetValue", "150")));
        yield return Case("negative cooldown", "ECS5023", "EcsScalingPolicy 'cpu'", i => Scaling(i).Add("EcsScalingPolicy", "cpu", ("Metric", "CPU"), ("TargetValue", "60"), ("ScaleInCooldown", "-1")));
        yield return Case("DisableScaleIn not a boolean", "ECS5023", "EcsScalingPolicy 'cpu'", i => Scaling(i).Add("EcsScalingPolicy", "cpu", ("Metric", "CPU"), ("TargetValue", "60"), ("DisableScaleIn", "maybe")));
        yield return Case("request count without a target group", "ECS5024", "EcsScalingPolicy 'requests'", i => Scaling(i).Add("EcsScalingPolicy", "requests", ("Metric", "RequestCount"), ("TargetValue", "1000")));
        yield return Case("request count with a listener ARN", "ECS5024", "EcsScalingPolicy 'requests'", i => Scaling(i).Add("EcsScalingPolicy", "requests", ("Metric", "RequestCount"), ("TargetValue", "1000"), ("TargetGroupArn", "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/0123456789abcdef/0123456789abcdef")));
        yield return Case("schedule in words", "ECS5025", "EcsScheduledScaling 'night'", i => Scaling(i).Add("EcsScheduledScaling", "night", ("Schedule", "every night"), ("MinCapacity", "1")));
        yield return Case("cron with five fields", "ECS5025", "EcsScheduledScaling 'night'", i => Scaling(i).Add("EcsScheduledScaling", "night", ("Schedule", "cron(0 22 * * *)"), ("MinCapacity", "1")));
        yield return Case("scheduled minimum above maximum", "ECS5025", "EcsScheduledScaling 'night'", i => Scaling(i).Add("EcsScheduledScaling", "night", ("Schedule", "cron(0 22 * * ? *)"), ("MinCapacity", "3"), ("MaxCapacity", "1")));
        yield return Case("scheduled action without capacity", "ECS5025", "EcsScheduledScaling 'night'", i => Scaling(i).Add("EcsScheduledScaling", "night", ("Schedule", "rate(1 day)")));
        yield return Case("time zone that is not IANA", "ECS5025", "EcsScheduledScaling 'night'", i => Scaling(i).Add("EcsScheduledScaling", "night", ("Schedule", "rate(1 day)"), ("MinCapacity", "1"), ("Timezone", "Central European Time")));
        yield return Case("scheduled action name with a slash", "ECS5025", "EcsScheduledScaling 'night/day'", i => Scaling(i).Add("EcsScheduledScaling", "night/day", ("Schedule", "rate(1 day)"), ("MinCapacity", "1")));

        // One-off tasks (ECS503x).
        yield return Case("pre-deploy task in an unknown container", "ECS5030", "EcsPreDeployTask 'migrate'", i => i.Add("EcsPreDeployTask", "migrate", ("Container", "sidecar")));
        yield return Case("pre-deploy environment without '='", "ECS5030", "EcsPreDeployTask 'migrate'", i => i.Add("EcsPreDeployTask", "migrate", ("Environment", "VERBOSE")));
        yield return Case("pre-deploy timeout of zero minutes", "ECS5030", "EcsPreDeployTask 'migrate'", i => i.Add("EcsPreDeployTask", "migrate", ("TimeoutMinutes", "0")));
        yield return Case("ad-hoc environment name with a dash", "ECS5030", "EcsRunTaskEnvironment", i => i.Set("EcsRunTaskEnvironment", "LOG-LEVEL=debug"));
        yield return Case("pre-deploy task in a non-essential container", "ECS5030", "EcsPreDeployTask 'migrate'", i => i.Add("EcsPreDeployTask", "migrate", ("Container", "side"))
            .Also(x => Template(x, "EcsTaskDefinitionTemplate", """{"family":"hello-ecs","containerDefinitions":[{"name":"hello-ecs"},{"name":"side","image":"envoy","memory":64,"essential":false}]}""")));
    }

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void Invalid_feature_configuration_is_reported_with_its_code(string description, string code, string subject, ProjectChange change)
    {
        using var directory = new TempDirectory();
        var input = TestInputs.ValidFargate(directory.Path);
        change.ApplyTo(input);

        TestInputs.AssertRejected(input, description, code, subject);
    }

    [TestMethod]
    public void The_table_covers_every_feature_settings_code()
    {
        var covered = Cases().Select(c => (string)c[1]).ToHashSet(StringComparer.Ordinal);
        var missing = DiagnosticCodes.All.Select(d => d.Code)
            .Where(c => string.CompareOrdinal(c, "ECS5000") >= 0 && string.CompareOrdinal(c, "ECS5040") < 0 && !covered.Contains(c))
            .ToList();

        Assert.AreEqual(0, missing.Count, "Settings codes without an invalid configuration in the table: " + string.Join(", ", missing));
    }

    [TestMethod]
    public void Service_Connect_names_the_port_mapping_and_writes_aliases_protocol_logs_and_the_test_traffic_header()
    {
        var input = ServiceConnect(TestInputs.ValidFargate())
            .Set("EcsDeploymentStrategy", "BlueGreen")
            .Set("EcsServiceConnectLogGroup", "/ecs/hello/service-connect")
            .Set("EcsServiceConnectTestTrafficHeader", "x-canary = green")
            .Add("EcsServiceConnectService", "http", ("DiscoveryName", "hello"), ("ClientAlias", "hello.internal:80"), ("AppProtocol", "HTTP2"));

        var definitions = Generate(input);

        var mapping = definitions.MainContainer.PortMappings!.Single(m => m.ContainerPort == 8080);
        Assert.AreEqual("http", mapping.Name);
        Assert.AreEqual("http2", mapping.AppProtocol!.Value);
        var configuration = definitions.Service.ServiceConnectConfiguration!;
        Assert.IsTrue(configuration.Enabled);
        Assert.AreEqual("prod", configuration.Namespace);
        var service = configuration.Services!.Single();
        Assert.AreEqual("http", service.PortName);
        Assert.AreEqual("hello", service.DiscoveryName);
        var alias = service.ClientAliases!.Single();
        Assert.AreEqual(80, alias.Port);
        Assert.AreEqual("hello.internal", alias.DnsName);
        Assert.AreEqual("x-canary", alias.TestTrafficRules!.Header!.Name);
        Assert.AreEqual("green", alias.TestTrafficRules.Header.Value!.Exact);
        Assert.AreEqual("awslogs", configuration.LogConfiguration!.LogDriver!.Value);
        Assert.AreEqual("/ecs/hello/service-connect", configuration.LogConfiguration.Options!["awslogs-group"]);
        Assert.AreEqual("us-east-1", configuration.LogConfiguration.Options["awslogs-region"]);
    }

    [TestMethod]
    public void A_Service_Connect_client_only_service_has_no_endpoints()
    {
        var definitions = Generate(ServiceConnect(TestInputs.ValidFargate()));

        Assert.IsNull(definitions.Service.ServiceConnectConfiguration!.Services);
        Assert.IsNull(definitions.MainContainer.PortMappings!.Single().Name, "no endpoint, no port name");
    }

    [TestMethod]
    [DataRow("awsvpc", false, DisplayName = "awsvpc: the registry only (its records are read at deploy time)")]
    [DataRow("bridge", true, DisplayName = "bridge: container and port")]
    public void An_existing_registry_is_attached_offline_following_the_network_mode(string networkMode, bool withContainerAndPort)
    {
        var input = (networkMode == "bridge" ? Ec2Bridge(TestInputs.ValidFargate()) : TestInputs.ValidFargate()).Set("EcsServiceRegistryArn", Registry);

        var registry = Generate(input).Service.ServiceRegistries!.Single();

        Assert.AreEqual(Registry, registry.RegistryArn);
        Assert.AreEqual(withContainerAndPort ? "hello-ecs" : null, registry.ContainerName);
        Assert.AreEqual(withContainerAndPort ? 8080 : null, registry.ContainerPort);
        Assert.IsNull(registry.Port);
    }

    [TestMethod]
    [DataRow("awsvpc", false, false, DisplayName = "awsvpc, A records only: neither container nor port (ECS rejects a port it does not need)")]
    [DataRow("awsvpc", true, true, DisplayName = "awsvpc, SRV records: container and port")]
    [DataRow("bridge", false, true, DisplayName = "bridge: container and port")]
    [DataRow("host", true, true, DisplayName = "host: container and port")]
    public void Registry_entries_follow_ECS_rules_for_network_mode_and_record_type(string networkMode, bool hasSrv, bool withContainerAndPort)
    {
        var entry = ServiceRegistryRules.Entry(Registry, networkMode, hasSrv, "web", 8080);

        Assert.AreEqual(Registry, entry.RegistryArn);
        Assert.AreEqual(withContainerAndPort ? "web" : null, entry.ContainerName);
        Assert.AreEqual(withContainerAndPort ? 8080 : null, entry.ContainerPort);
        Assert.IsNull(entry.Port, "containerName/containerPort, never port: one form for every case");
    }

    [TestMethod]
    public void A_registry_the_build_creates_replaces_the_templates_and_is_attached_at_deploy_time()
    {
        using var directory = new TempDirectory();
        var input = TestInputs.ValidFargate(directory.Path).Set("EcsServiceDiscoveryNamespace", "prod.local");
        Template(input, "EcsServiceDefinitionTemplate", $$"""{"serviceName":"hello-ecs","serviceRegistries":[{"registryArn":"{{Registry}}"}]}""");

        Assert.IsNull(Generate(input).Service.ServiceRegistries);
    }

    [TestMethod]
    public void A_new_service_starts_inside_the_auto_scaling_capacity_and_the_plan_lists_every_feature_setting()
    {
        using var directory = new TempDirectory();
        var input = Scaling(TestInputs.ValidFargate(directory.Path))
            .Set("EcsAutoScalingMinCapacity", "2")
            .Set("EcsServiceDiscoveryNamespace", "prod.local")
            .Set("EcsCreateServiceDiscoveryNamespace", "true")
            .Set("EcsServiceConnectNamespace", "prod")
            .Add("EcsServiceConnectService", "http", ("ClientAlias", "80"))
            .Add("EcsScalingPolicy", "cpu", ("Metric", "cpu"), ("TargetValue", "60"))
            .Add("EcsScheduledScaling", "night", ("Schedule", "cron(0 22 * * ? *)"), ("Timezone", "Europe/Berlin"), ("MinCapacity", "2"), ("MaxCapacity", "2"))
            .Add("EcsPreDeployTask", "migrate", ("Command", "migrate;--all"), ("Environment", "MODE=migrate;DSN=a=b"));

        var definitions = Generate(input);

        Assert.AreEqual(2, definitions.Service.DesiredCount, "desired count 1 (the default) is raised to the minimum capacity");
        Assert.AreEqual(new EnvironmentSetting("DSN", "a=b"), definitions.Settings.PreDeployTasks.Single().Environment[1], "a value may contain '='");
        var plan = string.Join("\n", PlanSummary.Lines(definitions, new DefinitionFiles("t", "s", "p")));
        StringAssert.Contains(plan, "Discovery   Cloud Map service hello-ecs in namespace prod.local (A records, TTL 60 s, MULTIVALUE), created when missing; the namespace too");
        StringAssert.Contains(plan, "Connect     Service Connect in namespace prod: http as http:80");
        StringAssert.Contains(plan, "Scaling     2–5 tasks; policies cpu (Cpu target 60); scheduled night (cron(0 22 * * ? *) Europe/Berlin)");
        StringAssert.Contains(plan, "Pre-deploy  migrate: container hello-ecs, command migrate --all");
    }

    private static GeneratedDefinitions Generate(SettingsInput input)
    {
        var diagnostics = new DiagnosticCollection();
        var definitions = Project.Generate(input, diagnostics);
        Assert.IsNotNull(definitions, string.Join("\n", diagnostics));
        return definitions;
    }

    private static SettingsInput ServiceConnect(SettingsInput input) => input.Set("EcsServiceConnectNamespace", "prod");

    private static SettingsInput Scaling(SettingsInput input) => input.Set("EcsAutoScalingMinCapacity", "1").Set("EcsAutoScalingMaxCapacity", "5");

    /// <summary>An EC2 service in the bridge network mode (no subnets, container memory).</summary>
    private static SettingsInput Ec2Bridge(SettingsInput input) => input
        .Set("EcsLaunchType", "EC2").Set("EcsNetworkMode", "bridge").Set("EcsSubnets", null).Set("EcsSecurityGroups", null)
        .Set("EcsCpu", null).Set("EcsMemory", null).Set("EcsContainerMemory", "256");

    private static object[] Case(string description, string code, string subject, Action<SettingsInput> change) => [description, code, subject, new ProjectChange(change)];

    private static void Template(SettingsInput input, string property, string json)
    {
        var path = Path.Combine(input.BaseDirectory, property + ".json");
        File.WriteAllText(path, json);
        input.Set(property, property + ".json");
    }
}
