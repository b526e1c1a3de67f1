using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Tests.Support;

namespace EcsBuildTasks.LocalEcs.Tests;

/// <summary>One-off tasks that finish on their own (<c>exit:&lt;code&gt;</c>), Service Connect checks and reporting, Cloud Map UpdateService.</summary>
[TestClass]
public sealed class OneOffTaskAndServiceConnectTests
{
    [TestMethod]
    public async Task Exit_codes_finish_one_off_tasks_with_the_command_in_their_last_log_lines()
    {
        await using var sim = await SimulatedLocalEcs.StartAsync();
        var aws = sim.Aws;
        var (subnets, group, _) = await Scenario.DefaultNetworkAsync(aws);
        await Scenario.ClusterAsync(aws, "jobs");
        await aws.JsonAsync("logs", "CreateLogGroup", new JsonObject { ["logGroupName"] = "/ecs/job" });
        var definition = await Scenario.FargateTaskDefinitionAsync(aws, "job", $"{sim.Registry}/localecs/base:latest", logGroup: "/ecs/job");

        async Task<string> RunAsync(string simulate)
        {
            var run = await aws.EcsAsync("RunTask", new JsonObject
            {
                ["cluster"] = "jobs",
                ["taskDefinition"] = definition,
                ["launchType"] = "FARGATE",
                ["networkConfiguration"] = Scenario.AwsVpc(subnets, group),
                ["overrides"] = new JsonObject
                {
                    ["containerOverrides"] = new JsonArray(new JsonObject
                    {
                        ["name"] = "web",
                        ["command"] = new JsonArray("migrate", "--all"),
                        ["environment"] = new JsonArray(new JsonObject { ["name"] = "LOCALECS_SIMULATE", ["value"] = simulate }),
                    }),
                },
            });
            return run["tasks"]![0]!["taskArn"]!.GetValue<string>();
        }

        var finished = await RunAsync("exit:0");
        var failed = await RunAsync("exit:42");
        var ignored = await RunAsync("exit:300");
        sim.Advance(TimeSpan.FromSeconds(40));

        var tasks = (await aws.EcsAsync("DescribeTasks", new JsonObject { ["cluster"] = "jobs", ["tasks"] = new JsonArray(finished, failed, ignored) }))["tasks"]!.AsArray()
            .ToDictionary(t => t!["taskArn"]!.GetValue<string>(), t => t!);
        foreach (var (arn, code) in new[] { (finished, 0), (failed, 42) })
        {
            Assert.AreEqual("STOPPED", tasks[arn]["lastStatus"]!.GetValue<string>());
            Assert.AreEqual("EssentialContainerExited", tasks[arn]["stopCode"]!.GetValue<string>());
            Assert.AreEqual("Essential container in task exited", tasks[arn]["stoppedReason"]!.GetValue<string>());
            Assert.AreEqual(code, tasks[arn]["containers"]![0]!["exitCode"]!.GetValue<int>());
        }

        Assert.AreEqual("RUNNING", tasks[ignored]["lastStatus"]!.GetValue<string>(), "an exit code outside 0–255 is not a simulation");
        var events = await aws.JsonAsync("logs", "GetLogEvents", new JsonObject { ["logGroupName"] = "/ecs/job", ["logStreamName"] = $"app/web/{failed.Split('/')[^1]}" });
        var lines = events["events"]!.AsArray().Select(e => e!["message"]!.GetValue<string>()).ToList();
        CollectionAssert.Contains(lines, "      Running command: migrate --all");
        CollectionAssert.Contains(lines, "      LOCALECS_SIMULATE=exit:42: the job finished with exit code 42");
    }

    [TestMethod]
    public async Task Service_Connect_needs_its_namespace_and_named_ports_and_is_reported_on_the_deployments()
    {
        await using var sim = await SimulatedLocalEcs.StartAsync();
        var aws = sim.Aws;
        var (subnets, group, _) = await Scenario.DefaultNetworkAsync(aws);
        await Scenario.ClusterAsync(aws, "prod");
        var operation = await aws.JsonAsync("servicediscovery", "CreateHttpNamespace", new JsonObject { ["Name"] = "mesh" });
        var namespaceId = (await aws.JsonAsync("servicediscovery", "GetOperation", new JsonObject { ["OperationId"] = operation["OperationId"]!.DeepClone() }))["Operation"]!["Targets"]!["NAMESPACE"]!.GetValue<string>();
        var namespaceArn = $"arn:aws:servicediscovery:us-east-1:123456789012:namespace/{namespaceId}";
        var definition = (await aws.EcsAsync("RegisterTaskDefinition", new JsonObject
        {
            ["family"] = "orders",
            ["networkMode"] = "awsvpc",
            ["requiresCompatibilities"] = new JsonArray("FARGATE"),
            ["cpu"] = "256",
            ["memory"] = "512",
            ["containerDefinitions"] = new JsonArray(new JsonObject
            {
                ["name"] = "orders",
                ["image"] = $"{sim.Registry}/localecs/base:latest",
                ["portMappings"] = new JsonArray(new JsonObject { ["containerPort"] = 8080, ["name"] = "http", ["appProtocol"] = "http" }),
            }),
        }))["taskDefinition"]!["taskDefinitionArn"]!.GetValue<string>();
        JsonObject Service(string ns, string portName) => ServiceRequest.Fargate("prod", "orders", definition, 1, subnets, group).With("serviceConnectConfiguration", new JsonObject
        {
            ["enabled"] = true,
            ["namespace"] = ns,
            ["services"] = new JsonArray(new JsonObject { ["portName"] = portName, ["clientAliases"] = new JsonArray(new JsonObject { ["port"] = 80, ["dnsName"] = "orders" }) }),
        });

        var missing = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.EcsAsync("CreateService", Service("nowhere", "http")));
        var unnamed = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.EcsAsync("CreateService", Service(namespaceArn, "grpc")));
        await aws.EcsAsync("CreateService", Service(namespaceArn, "http"));

        Assert.AreEqual("NamespaceNotFoundException", missing.Code);
        Assert.AreEqual("InvalidParameterException", unnamed.Code);
        StringAssert.Contains(unnamed.AwsMessage, "grpc");
        var service = await Scenario.ServiceAsync(aws, "prod", "orders");
        Assert.IsNull(service["serviceConnectConfiguration"], "ECS reports it on the deployments, not on the service");
        var reported = service["deployments"]![0]!["serviceConnectConfiguration"]!;
        Assert.AreEqual(namespaceArn, reported["namespace"]!.GetValue<string>());
        Assert.AreEqual("http", reported["services"]![0]!["portName"]!.GetValue<string>());

        // A discovery name (by default the port name) is unique in the namespace, whichever way the namespace is named.
        var same = Service("mesh", "http");
        same["serviceName"] = "orders__2";
        var taken = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.EcsAsync("CreateService", same));
        Assert.AreEqual("InvalidParameterException", taken.Code);
        StringAssert.Contains(taken.AwsMessage, "discovery name http is already used by the service orders");
        var second = Service(namespaceArn, "http");
        second["serviceName"] = "orders__2";
        second["serviceConnectConfiguration"]!["services"]![0]!["discoveryName"] = "http-v2";
        await aws.EcsAsync("CreateService", second);
    }

    [TestMethod]
    public async Task Cloud_Map_UpdateService_changes_TTLs_but_not_record_types()
    {
        await using var sim = await SimulatedLocalEcs.StartAsync();
        var aws = sim.Aws;
        var (_, _, vpc) = await Scenario.DefaultNetworkAsync(aws);
        var operation = await aws.JsonAsync("servicediscovery", "CreatePrivateDnsNamespace", new JsonObject { ["Name"] = "prod.local", ["Vpc"] = vpc });
        var namespaceId = (await aws.JsonAsync("servicediscovery", "GetOperation", new JsonObject { ["OperationId"] = operation["OperationId"]!.DeepClone() }))["Operation"]!["Targets"]!["NAMESPACE"]!.DeepClone();
        var id = (await aws.JsonAsync("servicediscovery", "CreateService", new JsonObject
        {
            ["Name"] = "api",
            ["NamespaceId"] = namespaceId,
            ["DnsConfig"] = new JsonObject { ["DnsRecords"] = new JsonArray(new JsonObject { ["Type"] = "A", ["TTL"] = 60 }) },
        }))["Service"]!["Id"]!.GetValue<string>();
        JsonObject Change(string type, int ttl) => new()
        {
            ["Id"] = id,
            ["Service"] = new JsonObject { ["DnsConfig"] = new JsonObject { ["DnsRecords"] = new JsonArray(new JsonObject { ["Type"] = type, ["TTL"] = ttl }) } },
        };

        var update = await aws.JsonAsync("servicediscovery", "UpdateService", Change("A", 10));
        var retype = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.JsonAsync("servicediscovery", "UpdateService", Change("SRV", 10)));

        var status = (await aws.JsonAsync("servicediscovery", "GetOperation", new JsonObject { ["OperationId"] = update["OperationId"]!.DeepClone() }))["Operation"]!;
        Assert.AreEqual("SUCCESS", status["Status"]!.GetValue<string>());
        Assert.AreEqual("UPDATE_SERVICE", status["Type"]!.GetValue<string>());
        Assert.AreEqual("InvalidInput", retype.Code);
        var records = (await aws.JsonAsync("servicediscovery", "GetService", new JsonObject { ["Id"] = id }))["Service"]!["DnsConfig"]!["DnsRecords"]!.AsArray();
        Assert.AreEqual(10, records.Single()!["TTL"]!.GetValue<int>());
        Assert.AreEqual("A", records[0]!["Type"]!.GetValue<string>());
    }
}
