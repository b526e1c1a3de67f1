using System.Xml.Linq;
using EcsBuildTasks.Aws.ApplicationAutoScaling.Model;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Features.Import;
using EcsBuildTasks.Core.Features.Plan;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using CloudMapCreateService = EcsBuildTasks.Aws.ServiceDiscovery.Model.CreateServiceRequest;
using CloudMapDnsConfig = EcsBuildTasks.Aws.ServiceDiscovery.Model.DnsConfig;
using CloudMapDnsRecord = EcsBuildTasks.Aws.ServiceDiscovery.Model.DnsRecord;
using KeyValuePair = EcsBuildTasks.Aws.ECS.Model.KeyValuePair;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Core.Tests.Plan;

/// <summary><c>-t:EcsImport</c> at the engine level: a service created through the API, imported, plans no change but the image.</summary>
[TestClass]
public sealed class ImportTests
{
    [TestMethod]
    public async Task An_imported_service_with_a_sidecar_secrets_health_check_load_balancer_Cloud_Map_and_scaling_plans_no_change_but_the_image()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        const string name = "imported";
        await env.ProjectAsync(name);
        var (_, targetGroup) = await env.LoadBalancerAsync(name, "application");
        var namespaceId = await env.PrivateNamespaceAsync("imported.local");
        var registry = (await env.Aws.ServiceDiscovery.CreateServiceAsync(new CloudMapCreateService
        {
            Name = name,
            NamespaceId = namespaceId,
            DnsConfig = new CloudMapDnsConfig { DnsRecords = [new CloudMapDnsRecord { Type = "A", TTL = 60 }] },
        })).Service!.Arn!;
        var task = (await env.Aws.Ecs.RegisterTaskDefinitionAsync(new RegisterTaskDefinitionRequest
        {
            Family = name,
            RequiresCompatibilities = ["FARGATE"],
            NetworkMode = "awsvpc",
            Cpu = "512",
            Memory = "1024",
            ExecutionRoleArn = LocalEcsHarness.ExecutionRole,
            ContainerDefinitions =
            [
                new ContainerDefinition
                {
                    Name = "app",
                    Image = env.BaseImage,
                    Essential = true,
                    PortMappings = [new PortMapping { ContainerPort = 8080, Protocol = "tcp" }],
                    Environment = [new KeyValuePair { Name = "FEATURE_X", Value = "on" }],
                    Secrets = [new Secret { Name = "DB", ValueFrom = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db" }],
                    HealthCheck = new HealthCheck { Command = ["CMD-SHELL", "curl -f http://localhost:8080/health || exit 1"], Interval = 15, Retries = 3 },
                    LogConfiguration = new LogConfiguration { LogDriver = "awslogs", Options = new() { ["awslogs-group"] = "/ecs/imported", ["awslogs-stream-prefix"] = "ecs", ["awslogs-region"] = "us-east-1" } },
                },
                new ContainerDefinition { Name = "sidecar", Image = env.BaseImage, Essential = false, Environment = [new KeyValuePair { Name = "ROLE", Value = "sidecar" }] },
            ],
        })).TaskDefinition!.TaskDefinitionArn!;
        // A service that runs writes its logs: its log group exists (else the plan would rightly show the deploy creating it).
        await env.Aws.Logs.CreateLogGroupAsync(new Aws.CloudWatchLogs.Model.CreateLogGroupRequest { LogGroupName = "/ecs/imported" });
        await env.Aws.Ecs.CreateServiceAsync(new CreateServiceRequest
        {
            Cluster = name,
            ServiceName = name,
            TaskDefinition = task,
            DesiredCount = 2,
            LaunchType = "FARGATE",
            NetworkConfiguration = new NetworkConfiguration { AwsvpcConfiguration = new AwsVpcConfiguration { Subnets = [.. env.Subnets], SecurityGroups = [env.SecurityGroup] } },
            LoadBalancers = [new LoadBalancer { TargetGroupArn = targetGroup, ContainerName = "app", ContainerPort = 8080 }],
            ServiceRegistries = [new ServiceRegistry { RegistryArn = registry }],
            HealthCheckGracePeriodSeconds = 30,
        });
        await env.Aws.ApplicationAutoScaling.RegisterScalableTargetAsync(new RegisterScalableTargetRequest { ServiceNamespace = "ecs", ResourceId = $"service/{name}/{name}", ScalableDimension = "ecs:service:DesiredCount", MinCapacity = 1, MaxCapacity = 4 });
        await env.Aws.ApplicationAutoScaling.PutScalingPolicyAsync(new PutScalingPolicyRequest
        {
            PolicyName = "cpu50",
            ServiceNamespace = "ecs",
            ResourceId = $"service/{name}/{name}",
            ScalableDimension = "ecs:service:DesiredCount",
            PolicyType = "TargetTrackingScaling",
            TargetTrackingScalingPolicyConfiguration = new TargetTrackingScalingPolicyConfiguration { TargetValue = 50, PredefinedMetricSpecification = new PredefinedMetricSpecification { PredefinedMetricType = "ECSServiceAverageCPUUtilization" } },
        });
        var directory = Directory.CreateTempSubdirectory("ecs-import-").FullName;
        try
        {
            using var session = new AwsSession(env.Clients) { ReadOnly = true };
            var log = new RecordingDeploymentLog();
            var imported = await new ServiceImporter(session, log).ImportAsync(
                LocalEcsHarness.Generate(env.Project(name).Set("EcsServiceName", name)).Settings, directory, "ecs.props", CancellationToken.None);

            // The README's example output of the import.
            Console.WriteLine(log.Text);
            Console.WriteLine(File.ReadAllText(imported.PropertiesFile));

            Assert.IsTrue(session.Operations.All(AwsSession.IsRead), string.Join(", ", session.Operations));
            Assert.AreEqual("512", imported.Properties["EcsCpu"]);
            Assert.AreEqual("2", imported.Properties["EcsDesiredCount"]);
            Assert.AreEqual("4", imported.Properties["EcsAutoScalingMaxCapacity"]);
            var props = File.ReadAllText(imported.PropertiesFile);
            StringAssert.Contains(props, "<EcsSecret Include=\"DB\" ValueFrom=\"arn:aws:secretsmanager:us-east-1:123456789012:secret:db\" />");
            StringAssert.Contains(props, "<EcsScalingPolicy Include=\"cpu50\" Metric=\"CPU\" TargetValue=\"50\" />");
            StringAssert.Contains(File.ReadAllText(imported.Templates[0]), "\"sidecar\"");

            var (plan, _) = await LivePlanTests.PlanAsync(env, ProjectFrom(env, imported.PropertiesFile));

            Console.WriteLine(string.Join("\n", plan.Lines()));
            Assert.AreEqual(DeploymentPlan.ImageOnly, plan.Verdict, string.Join("\n", plan.Lines()));
            var change = plan.Resources.SelectMany(r => r.Changes).Single();
            Assert.AreEqual("containerDefinitions[app].image", change.Path);
            Assert.IsTrue(change.IsNewImage);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// A project that imports the file (as MSBuild would read it, with the SDK's container runtime identifier, so that
    /// it names the X86_64 Linux platform the imported revision leaves out), building its image into the running image's repository.
    /// </summary>
    private static SettingsInput ProjectFrom(LocalEcsHarness env, string file)
    {
        var directory = Path.GetDirectoryName(file)! + Path.DirectorySeparatorChar;
        var input = new SettingsInput { BaseDirectory = directory }
            .Set("ContainerRegistry", env.BaseImage.Split('/')[0])
            .Set("ContainerRepository", "localecs/base")
            .Set("ContainerImageTag", "2.0")
            .Set("UsingMicrosoftNETSdkWeb", "true")
            .Set("ContainerRuntimeIdentifier", "linux-x64")
            .Set("EcsTarget", "local")
            .Set("EcsEndpointUrl", env.Endpoint)
            .Set("EcsRegion", "us-east-1")
            .Set("EcsDryRun", "true");
        var project = XDocument.Load(file).Root!;
        foreach (var property in project.Elements("PropertyGroup").Elements())
        {
            input.Set(property.Name.LocalName, property.Value.Replace("$(MSBuildThisFileDirectory)", directory, StringComparison.Ordinal));
        }

        foreach (var item in project.Elements("ItemGroup").Elements())
        {
            input.Add(item.Name.LocalName, item.Attribute("Include")!.Value, [.. item.Attributes().Where(a => a.Name != "Include").Select(a => (a.Name.LocalName, a.Value))]);
        }

        return input;
    }
}

/// <summary>The import's and the policy writer's codes.</summary>
[TestClass]
public sealed class ImportAndPolicyCodeTests
{
    [TestMethod]
    public async Task Importing_a_service_that_does_not_exist_is_ECS7110()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        await env.ProjectAsync("nothing-here");

        var error = await ImportAsync(env, env.Project("nothing-here").Set("EcsServiceName", "absent"), "ecs.props");

        Assert.AreEqual("ECS7110", error.Code);
        Assert.AreEqual("EcsServiceName", error.Subject);
    }

    [TestMethod]
    public async Task Importing_into_a_file_that_is_not_MSBuild_is_ECS7111()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();

        var error = await ImportAsync(env, env.Project("any").Set("EcsServiceName", "any"), "settings.json");

        Assert.AreEqual("ECS7111", error.Code);
        Assert.AreEqual("EcsImportTo", error.Subject);
    }

    [TestMethod]
    public async Task Importing_without_a_service_name_is_ECS7112()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var settings = LocalEcsHarness.Generate(env.Project("unnamed")).Settings with { ServiceName = null };
        using var session = new AwsSession(env.Clients) { ReadOnly = true };

        var error = await Assert.ThrowsExactlyAsync<DeploymentException>(() => new ServiceImporter(session, new RecordingDeploymentLog()).ImportAsync(settings, Path.GetTempPath(), "ecs.props", CancellationToken.None));

        Assert.AreEqual("ECS7112", error.Diagnostics[0].Code);
    }

    [TestMethod]
    public async Task A_policy_file_that_cannot_be_written_is_ECS7120()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var blocker = Path.GetTempFileName();
        try
        {
            using var session = new AwsSession(env.Clients) { ReadOnly = true };
            var error = await Assert.ThrowsExactlyAsync<DeploymentException>(() => new IamPolicyWriter(session, new RecordingDeploymentLog())
                .WriteAsync(LocalEcsHarness.Generate(env.Project("policy")), Path.Combine(blocker, "policy.json"), CancellationToken.None));

            Assert.AreEqual("ECS7120", error.Diagnostics[0].Code);
            Assert.AreEqual("EcsIamPolicyFile", error.Diagnostics[0].Subject);
        }
        finally
        {
            File.Delete(blocker);
        }
    }

    [TestMethod]
    public async Task The_written_policy_names_the_account_the_credentials_belong_to()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var file = Path.Combine(Directory.CreateTempSubdirectory("ecs-policy-").FullName, "ecs-iam-policy.json");
        using var session = new AwsSession(env.Clients) { ReadOnly = true };

        await new IamPolicyWriter(session, new RecordingDeploymentLog()).WriteAsync(LocalEcsHarness.Generate(env.Project("policy")), file, CancellationToken.None);

        var policy = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(file))!;
        Assert.AreEqual("2012-10-17", (string?)policy["Version"]);
        StringAssert.Contains(policy.ToJsonString(), "arn:aws:ecs:us-east-1:123456789012:service/policy/policy");
        Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
    }

    private static async Task<Diagnostics.EcsDiagnostic> ImportAsync(LocalEcsHarness env, SettingsInput input, string importTo)
    {
        using var session = new AwsSession(env.Clients) { ReadOnly = true };
        var directory = Directory.CreateTempSubdirectory("ecs-import-").FullName;
        try
        {
            var error = await Assert.ThrowsExactlyAsync<DeploymentException>(() => new ServiceImporter(session, new RecordingDeploymentLog()).ImportAsync(LocalEcsHarness.Generate(input).Settings, directory, importTo, CancellationToken.None));
            return error.Diagnostics[0];
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
