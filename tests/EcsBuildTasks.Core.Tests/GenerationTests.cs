using System.Text.Json.Nodes;
using EcsBuildTasks.Aws.ECS;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Settings;
using EcsBuildTasks.Testing;

namespace EcsBuildTasks.Core.Tests;

[TestClass]
public sealed class GenerationTests
{
    [TestMethod]
    public void Quick_start_generates_a_fargate_task_and_service()
    {
        var definitions = Generate(TestInputs.ValidFargate());

        var task = Json(definitions.TaskDefinition);
        Assert.AreEqual("hello-ecs", (string?)task["family"]);
        Assert.AreEqual("512", (string?)task["cpu"]);
        Assert.AreEqual("1024", (string?)task["memory"]);
        Assert.AreEqual("awsvpc", (string?)task["networkMode"]);
        Assert.AreEqual("FARGATE", (string?)task["requiresCompatibilities"]![0]);
        Assert.AreEqual(TestInputs.ExecutionRole, (string?)task["executionRoleArn"]);
        var container = task["containerDefinitions"]![0]!;
        Assert.AreEqual("hello-ecs", (string?)container["name"]);
        Assert.AreEqual("123456789012.dkr.ecr.us-east-1.amazonaws.com/hello-ecs:1.0.0", (string?)container["image"]);
        Assert.IsTrue((bool)container["essential"]!);
        Assert.AreEqual(8080, (int)container["portMappings"]![0]!["containerPort"]!);
        Assert.AreEqual(8080, (int)container["portMappings"]![0]!["hostPort"]!);
        Assert.AreEqual("tcp", (string?)container["portMappings"]![0]!["protocol"]);
        Assert.AreEqual("FEATURE_X", (string?)container["environment"]![0]!["name"]);
        Assert.AreEqual("DB_PASSWORD", (string?)container["secrets"]![0]!["name"]);
        var log = container["logConfiguration"]!;
        Assert.AreEqual("awslogs", (string?)log["logDriver"]);
        Assert.AreEqual("/ecs/hello-ecs", (string?)log["options"]!["awslogs-group"]);
        Assert.AreEqual("us-east-1", (string?)log["options"]!["awslogs-region"]);
        Assert.AreEqual("ecs", (string?)log["options"]!["awslogs-stream-prefix"]);

        var service = Json(definitions.Service);
        Assert.AreEqual("prod", (string?)service["cluster"]);
        Assert.AreEqual("hello-ecs", (string?)service["serviceName"]);
        Assert.AreEqual("hello-ecs", (string?)service["taskDefinition"]);
        Assert.AreEqual("FARGATE", (string?)service["launchType"]);
        Assert.AreEqual("REPLICA", (string?)service["schedulingStrategy"]);
        Assert.AreEqual(1, (int)service["desiredCount"]!);
        Assert.AreEqual("DISABLED", (string?)service["networkConfiguration"]!["awsvpcConfiguration"]!["assignPublicIp"]);
        var breaker = service["deploymentConfiguration"]!["deploymentCircuitBreaker"]!;
        Assert.IsTrue((bool)breaker["enable"]!);
        Assert.IsTrue((bool)breaker["rollback"]!);
        Assert.AreEqual("ROLLING", (string?)service["deploymentConfiguration"]!["strategy"]);
        Assert.AreEqual("SERVICE", (string?)service["propagateTags"]);
    }

    [TestMethod]
    public void Generated_definitions_conform_to_the_official_model()
    {
        var model = AwsModel.Load("ecs");
        var configurations = new Dictionary<string, SettingsInput>
        {
            ["fargate"] = TestInputs.ValidFargate(),
            ["daemon"] = TestInputs.ValidDaemon(),
            ["everything"] = TestInputs.ValidFargate()
                .Set("EcsHealthCheckCommand", "CMD-SHELL;curl -f http://localhost:8080/health || exit 1")
                .Set("EcsHealthCheckIntervalSeconds", "10")
                .Set("EcsHealthCheckTimeoutSeconds", "3")
                .Set("EcsHealthCheckRetries", "5")
                .Set("EcsHealthCheckStartPeriodSeconds", "15")
                .Set("EcsStopTimeout", "60")
                .Set("EcsEphemeralStorageGiB", "50")
                .Set("EcsRuntimePlatform", "ARM64")
                .Set("EcsTaskRoleArn", "arn:aws:iam::123456789012:role/app")
                .Set("EcsCircuitBreakerThreshold", "COUNT:3")
                .Set("EcsMinimumHealthyPercent", "50")
                .Set("EcsMaximumPercent", "150")
                .Set("EcsTargetGroupArn", TestInputs.TargetGroup)
                .Set("EcsHealthCheckGracePeriodSeconds", "30")
                .Set("EcsEnableExecuteCommand", "true")
                .Set("EcsPlatformVersion", "1.4.0")
                .Also(i => i.Add("EcsAlarm", "hello-5xx").Add("EcsTag", "team", ("Value", "web"))),
            ["capacity providers"] = TestInputs.ValidFargate()
                .Also(i => i.Add("EcsCapacityProvider", "FARGATE", ("Weight", "1"), ("Base", "1")).Add("EcsCapacityProvider", "FARGATE_SPOT", ("Weight", "3"))),
        };

        foreach (var (name, input) in configurations)
        {
            var definitions = Generate(input);
            var taskProblems = model.Check(Json(definitions.TaskDefinition), "RegisterTaskDefinitionRequest");
            var serviceProblems = model.Check(Json(definitions.Service), "CreateServiceRequest");
            Assert.AreEqual(0, taskProblems.Count + serviceProblems.Count, $"{name}:\n{string.Join("\n", taskProblems.Concat(serviceProblems))}");
        }
    }

    [TestMethod]
    public void Default_names_come_from_the_container_repository()
    {
        var input = TestInputs.ValidFargate().Set("ContainerRepository", "team/hello.api");

        var definitions = Generate(input);

        Assert.AreEqual("team-hello-api", definitions.TaskDefinition.Family);
        Assert.AreEqual("team-hello-api", definitions.Service.ServiceName);
        Assert.AreEqual("team-hello-api", definitions.MainContainer.Name);
        Assert.AreEqual("123456789012.dkr.ecr.us-east-1.amazonaws.com/team/hello.api:1.0.0", definitions.MainContainer.Image);
    }

    [TestMethod]
    public void A_pushed_image_is_pinned_by_digest_and_ports_come_from_the_image_configuration()
    {
        var input = TestInputs.ValidFargate()
            .Set("EcsDryRun", "false")
            .Set("GeneratedContainerDigest", "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
            .Set("GeneratedContainerConfiguration", """{"architecture":"amd64","config":{"ExposedPorts":{"8080/tcp":{},"9090/udp":{}},"User":"1654"}}""");

        var definitions = Generate(input);

        Assert.AreEqual("123456789012.dkr.ecr.us-east-1.amazonaws.com/hello-ecs@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", definitions.MainContainer.Image);
        CollectionAssert.AreEqual(new[] { "8080/tcp", "9090/udp" }, definitions.MainContainer.PortMappings!.Select(p => $"{p.ContainerPort}/{p.Protocol?.Value}").ToArray());
    }

    [TestMethod]
    public void An_existing_image_is_deployed_as_given()
    {
        var input = TestInputs.ValidFargate().Set("EcsImage", "public.ecr.aws/nginx/nginx:1.27");

        var definitions = Generate(input);

        Assert.AreEqual("public.ecr.aws/nginx/nginx:1.27", definitions.MainContainer.Image);
        Assert.IsTrue(definitions.Settings.ImageIsExternal);
    }

    [TestMethod]
    public void Runtime_platform_follows_the_container_runtime_identifier()
    {
        Assert.AreEqual("ARM64", Generate(TestInputs.ValidFargate().Set("ContainerRuntimeIdentifier", "linux-arm64")).TaskDefinition.RuntimePlatform!.CpuArchitecture!.Value);
        Assert.AreEqual("X86_64", Generate(TestInputs.ValidFargate().Set("ContainerRuntimeIdentifier", "linux-musl-x64")).TaskDefinition.RuntimePlatform!.CpuArchitecture!.Value);
        Assert.AreEqual("LINUX", Generate(TestInputs.ValidFargate().Set("ContainerRuntimeIdentifier", "linux-x64")).TaskDefinition.RuntimePlatform!.OperatingSystemFamily!.Value);
        Assert.AreEqual("X86_64", Generate(TestInputs.ValidFargate().Set("ContainerRuntimeIdentifier", "linux-arm64").Set("EcsRuntimePlatform", "X86_64")).TaskDefinition.RuntimePlatform!.CpuArchitecture!.Value);
    }

    [TestMethod]
    public void A_daemon_service_has_no_desired_count_and_bridge_networking()
    {
        var definitions = Generate(TestInputs.ValidDaemon());

        Assert.AreEqual("DAEMON", definitions.Service.SchedulingStrategy!.Value);
        Assert.IsNull(definitions.Service.DesiredCount);
        Assert.AreEqual("EC2", definitions.Service.LaunchType!.Value);
        Assert.AreEqual("bridge", definitions.TaskDefinition.NetworkMode!.Value);
        Assert.IsNull(definitions.TaskDefinition.Cpu);
        Assert.IsNull(definitions.Service.NetworkConfiguration);
        Assert.IsNull(definitions.MainContainer.PortMappings![0].HostPort, "bridge mode leaves the host port dynamic");
    }

    [TestMethod]
    public void Capacity_providers_replace_the_launch_type()
    {
        var input = TestInputs.ValidFargate();
        input.Add("EcsCapacityProvider", "FARGATE_SPOT", ("Weight", "4"));
        input.Add("EcsCapacityProvider", "FARGATE", ("Weight", "1"), ("Base", "2"));

        var definitions = Generate(input);

        Assert.IsNull(definitions.Service.LaunchType);
        Assert.AreEqual(2, definitions.Service.CapacityProviderStrategy!.Count);
        Assert.AreEqual(2, definitions.Service.CapacityProviderStrategy[1].Base);
        Assert.AreEqual("FARGATE", definitions.TaskDefinition.RequiresCompatibilities![0]);
    }

    [TestMethod]
    public void Without_subnets_the_plan_says_the_default_vpc_is_used()
    {
        using var directory = new TempDirectory();
        var input = TestInputs.ValidFargate().Set("EcsSubnets", null).Set("EcsSecurityGroups", null);

        var definitions = Generate(input);
        var files = DefinitionWriter.Write(definitions, directory.Path);

        Assert.IsNull(definitions.Service.NetworkConfiguration);
        StringAssert.Contains(File.ReadAllText(files.PlanFile), "the deployment uses the default VPC's subnets and default security group");
    }

    [TestMethod]
    public void Template_values_are_kept_and_properties_override_them()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(Path.Combine(directory.Path, "task.json"), """
            {
              "family": "from-template",
              "cpu": "1024",
              "memory": "2048",
              "networkMode": "awsvpc",
              "requiresCompatibilities": ["FARGATE"],
              "volumes": [{"name": "scratch"}],
              "containerDefinitions": [
                {
                  "name": "app",
                  "image": "placeholder",
                  "environment": [{"name": "FEATURE_X", "value": "template"}, {"name": "KEEP", "value": "1"}],
                  "mountPoints": [{"sourceVolume": "scratch", "containerPath": "/scratch"}],
                  "ulimits": [{"name": "nofile", "softLimit": 1024, "hardLimit": 4096}]
                },
                {"name": "envoy", "image": "public.ecr.aws/appmesh/aws-appmesh-envoy:v1", "essential": false, "memoryReservation": 128}
              ]
            }
            """);
        var input = TestInputs.ValidFargate(directory.Path)
            .Set("EcsTaskDefinitionTemplate", "task.json")
            .Set("EcsCpu", null)
            .Set("EcsMemory", "3072")
            .Set("EcsContainerName", "app")
            .Set("EcsTaskFamily", null);

        var definitions = Generate(input);

        var task = definitions.TaskDefinition;
        Assert.AreEqual("from-template", task.Family, "the template names the family when no property does");
        Assert.AreEqual("1024", task.Cpu, "kept from the template");
        Assert.AreEqual("3072", task.Memory, "overridden by EcsMemory");
        Assert.AreEqual("scratch", task.Volumes![0].Name);
        Assert.AreEqual(2, task.ContainerDefinitions!.Count);
        var app = task.ContainerDefinitions[0];
        Assert.AreEqual("123456789012.dkr.ecr.us-east-1.amazonaws.com/hello-ecs:1.0.0", app.Image, "the built image replaces the placeholder");
        Assert.AreEqual("on", app.Environment!.Single(e => e.Name == "FEATURE_X").Value, "EcsEnvironmentVariable overrides the template");
        Assert.AreEqual("1", app.Environment!.Single(e => e.Name == "KEEP").Value);
        Assert.AreEqual(4096, app.Ulimits![0].HardLimit);
        Assert.AreEqual("/scratch", app.MountPoints![0].ContainerPath);
        Assert.AreEqual("public.ecr.aws/appmesh/aws-appmesh-envoy:v1", task.ContainerDefinitions[1].Image, "sidecars are left alone");
    }

    [TestMethod]
    public void Describe_task_definition_output_is_accepted_as_a_template()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(Path.Combine(directory.Path, "described.json"), """
            {
              "taskDefinition": {
                "taskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/hello-ecs:7",
                "containerDefinitions": [{"name": "hello-ecs", "image": "old", "cpu": 0, "essential": true, "environment": [], "mountPoints": [], "volumesFrom": [], "systemControls": []}],
                "family": "hello-ecs",
                "networkMode": "awsvpc",
                "revision": 7,
                "volumes": [],
                "status": "ACTIVE",
                "requiresAttributes": [{"name": "com.amazonaws.ecs.capability.logging-driver.awslogs"}],
                "placementConstraints": [],
                "compatibilities": ["EC2", "FARGATE"],
                "requiresCompatibilities": ["FARGATE"],
                "cpu": "512",
                "memory": "1024",
                "registeredAt": 1767225600.123,
                "registeredBy": "arn:aws:sts::123456789012:assumed-role/deployer/ci"
              },
              "tags": [{"key": "owner", "value": "team-a"}]
            }
            """);
        var input = TestInputs.ValidFargate(directory.Path).Set("EcsTaskDefinitionTemplate", "described.json");
        var diagnostics = new DiagnosticCollection();

        var definitions = Project.Generate(input, diagnostics);

        Assert.IsNotNull(definitions, string.Join("\n", diagnostics));
        var json = Json(definitions.TaskDefinition);
        Assert.IsNull(json["revision"]);
        Assert.IsNull(json["taskDefinitionArn"]);
        Assert.AreEqual("owner", (string?)json["tags"]![0]!["key"]);
        Assert.AreEqual(0, AwsModel.Load("ecs").Check(json, "RegisterTaskDefinitionRequest").Count);
    }

    [TestMethod]
    public void Describe_services_output_is_accepted_as_a_template()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(Path.Combine(directory.Path, "service.json"), """
            {
              "services": [{
                "serviceArn": "arn:aws:ecs:us-east-1:123456789012:service/prod/hello-ecs",
                "serviceName": "hello-ecs",
                "clusterArn": "arn:aws:ecs:us-east-1:123456789012:cluster/prod",
                "loadBalancers": [],
                "serviceRegistries": [],
                "status": "ACTIVE",
                "desiredCount": 3,
                "runningCount": 3,
                "pendingCount": 0,
                "launchType": "FARGATE",
                "platformVersion": "LATEST",
                "platformFamily": "Linux",
                "taskDefinition": "arn:aws:ecs:us-east-1:123456789012:task-definition/hello-ecs:7",
                "deploymentConfiguration": {"deploymentCircuitBreaker": {"enable": true, "rollback": true}, "maximumPercent": 200, "minimumHealthyPercent": 50},
                "deployments": [{"id": "ecs-svc/1", "status": "PRIMARY"}],
                "events": [{"id": "e1", "createdAt": 1767225600, "message": "(service hello-ecs) has reached a steady state."}],
                "createdAt": 1767225600,
                "healthCheckGracePeriodSeconds": 45,
                "schedulingStrategy": "REPLICA",
                "deploymentController": {"type": "ECS"},
                "createdBy": "arn:aws:iam::123456789012:role/deployer",
                "enableECSManagedTags": true,
                "propagateTags": "NONE",
                "enableExecuteCommand": false
              }],
              "failures": []
            }
            """);
        var input = TestInputs.ValidFargate(directory.Path).Set("EcsServiceDefinitionTemplate", "service.json").Set("EcsCluster", null);

        var definitions = Generate(input);

        var json = Json(definitions.Service);
        Assert.AreEqual("arn:aws:ecs:us-east-1:123456789012:cluster/prod", (string?)json["cluster"]);
        Assert.AreEqual(3, (int)json["desiredCount"]!);
        Assert.AreEqual(50, (int)json["deploymentConfiguration"]!["minimumHealthyPercent"]!);
        Assert.AreEqual(45, (int)json["healthCheckGracePeriodSeconds"]!);
        Assert.AreEqual("NONE", (string?)json["propagateTags"]);
        Assert.AreEqual("hello-ecs", (string?)json["taskDefinition"], "the service follows the family's newest revision");
        Assert.AreEqual(0, AwsModel.Load("ecs").Check(json, "CreateServiceRequest").Count);
    }

    [TestMethod]
    public void The_plan_summarises_service_task_container_network_and_deployment()
    {
        using var directory = new TempDirectory();
        var definitions = Generate(TestInputs.ValidFargate());

        var plan = File.ReadAllText(DefinitionWriter.Write(definitions, directory.Path).PlanFile);

        StringAssert.Contains(plan, "EcsBuildTasks: plan (dry run");
        StringAssert.Contains(plan, "Service     hello-ecs in cluster prod: REPLICA, FARGATE, desired count 1 when created, unchanged on update");
        StringAssert.Contains(plan, "Task        family hello-ecs: 512 CPU units, 1024 MiB, awsvpc");
        StringAssert.Contains(plan, "Ports       8080/tcp (from the ASP.NET Core default (8080))");
        StringAssert.Contains(plan, "1 environment variable(s), 1 secret(s)");
        StringAssert.Contains(plan, "Network     subnets subnet-0123456789abcdef0, subnet-0fedcba9876543210; security groups sg-0123456789abcdef0; public IP DISABLED");
        StringAssert.Contains(plan, "Deployment  Rolling: min 100% / max 200% (ECS defaults), circuit breaker with rollback");
    }

    private static GeneratedDefinitions Generate(SettingsInput input)
    {
        var diagnostics = new DiagnosticCollection();
        var definitions = Project.Generate(input, diagnostics);
        Assert.IsNotNull(definitions, string.Join("\n", diagnostics));
        return definitions;
    }

    private static JsonNode Json<T>(T value) => JsonNode.Parse(EcsJson.Serialize(value))!;
}
