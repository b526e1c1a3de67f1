using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.State;
using EcsBuildTasks.LocalEcs.Tests.Support;
using EcsBuildTasks.Testing;

namespace EcsBuildTasks.LocalEcs.Tests;

/// <summary>
/// What survives a crash, and what happens to a state file LocalEcs cannot read. An acknowledged write is on disk
/// before its answer (journal), so <c>kill -9</c> loses none; a damaged file stops LocalEcs with a clear message and is
/// never silently replaced.
/// </summary>
[TestClass]
public sealed class DurabilityTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task Every_write_acknowledged_before_kill_9_is_there_after_a_restart()
    {
        LocalEcsProcess.RequireLinux("Kills LocalEcs with SIGKILL.");
        var folder = Directory.CreateTempSubdirectory("localecs-crash-").FullName;
        var stateFile = Path.Combine(folder, "state.json");
        try
        {
            var acknowledged = new ConcurrentBag<(string Kind, string Name, string Detail)>();
            for (var trial = 0; trial < 2; trial++)
            {
                await using (var local = await LocalEcsProcess.StartAsync("--state-file", stateFile, "--time-scale", "60"))
                {
                    using var stop = new CancellationTokenSource();
                    var writers = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
                    {
                        using var aws = new AwsClient(local.BaseUrl);
                        for (var i = 0; !stop.IsCancellationRequested; i++)
                        {
                            var name = $"t{trial}-w{w}-{i}";
                            try
                            {
                                switch (i % 3)
                                {
                                    case 0:
                                        var registered = await aws.EcsAsync("RegisterTaskDefinition", new JsonObject
                                        {
                                            ["family"] = $"f{trial}-{w}",
                                            ["containerDefinitions"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = "nginx", ["memory"] = 64, ["environment"] = new JsonArray(new JsonObject { ["name"] = "WRITE", ["value"] = name }) }),
                                        });
                                        acknowledged.Add(("taskDefinition", registered["taskDefinition"]!["taskDefinitionArn"]!.GetValue<string>(), name));
                                        break;
                                    case 1:
                                        await aws.EcsAsync("CreateCluster", new JsonObject { ["clusterName"] = name });
                                        acknowledged.Add(("cluster", name, name));
                                        break;
                                    default:
                                        await aws.JsonAsync("logs", "CreateLogGroup", new JsonObject { ["logGroupName"] = "/crash/" + name });
                                        acknowledged.Add(("logGroup", "/crash/" + name, name));
                                        break;
                                }
                            }
                            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                            {
                                return; // the process is gone: this write was never acknowledged
                            }
                        }
                    })).ToList();

                    await Task.Delay(TimeSpan.FromSeconds(4));
                    local.KillHard();
                    await stop.CancelAsync();
                    await Task.WhenAll(writers);
                }
            }

            Assert.IsTrue(acknowledged.Count > 100, $"{acknowledged.Count} writes acknowledged before the kills");
            await using var restarted = await LocalEcsProcess.StartAsync("--state-file", stateFile, "--time-scale", "60");
            var aws = restarted.Aws;
            var clusters = new HashSet<string>(StringComparer.Ordinal);
            for (string? token = null; ;)
            {
                var page = await aws.EcsAsync("ListClusters", token is null ? [] : new JsonObject { ["nextToken"] = token });
                clusters.UnionWith(page["clusterArns"]!.AsArray().Select(a => a!.GetValue<string>()[(a.GetValue<string>().LastIndexOf('/') + 1)..]));
                if ((token = (string?)page["nextToken"]) is null)
                {
                    break;
                }
            }

            var groups = new HashSet<string>(StringComparer.Ordinal);
            for (string? token = null; ;)
            {
                var page = await aws.JsonAsync("logs", "DescribeLogGroups", token is null ? new JsonObject { ["logGroupNamePrefix"] = "/crash/" } : new JsonObject { ["logGroupNamePrefix"] = "/crash/", ["nextToken"] = token });
                groups.UnionWith(page["logGroups"]!.AsArray().Select(g => (string)g!["logGroupName"]!));
                if ((token = (string?)page["nextToken"]) is null)
                {
                    break;
                }
            }

            var missing = new List<string>();
            foreach (var (kind, name, detail) in acknowledged)
            {
                switch (kind)
                {
                    case "cluster" when !clusters.Contains(name):
                    case "logGroup" when !groups.Contains(name):
                        missing.Add($"{kind} {name}");
                        break;
                    case "taskDefinition":
                        try
                        {
                            var definition = await aws.EcsAsync("DescribeTaskDefinition", new JsonObject { ["taskDefinition"] = name });
                            if ((string?)definition["taskDefinition"]!["containerDefinitions"]![0]!["environment"]![0]!["value"] != detail)
                            {
                                missing.Add($"{name} holds another write than {detail}");
                            }
                        }
                        catch (AwsErrorException e)
                        {
                            missing.Add($"{name}: {e.Code}");
                        }

                        break;
                }
            }

            Assert.AreEqual(0, missing.Count, $"{missing.Count} of {acknowledged.Count} acknowledged writes lost: {string.Join(", ", missing.Take(20))}\n{restarted.Log}");
            TestContext.WriteLine($"{acknowledged.Count} writes acknowledged by 6 concurrent clients over two kill -9 trials; all present after the restart.");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public async Task Writes_to_Route_53_IAM_Secrets_Manager_SSM_capacity_providers_and_armed_faults_survive_kill_9()
    {
        LocalEcsProcess.RequireLinux("Kills LocalEcs with SIGKILL.");
        var folder = Directory.CreateTempSubdirectory("localecs-crash-services-").FullName;
        var stateFile = Path.Combine(folder, "state.json");
        try
        {
            string zone;
            string change;
            await using (var local = await LocalEcsProcess.StartAsync("--state-file", stateFile))
            {
                // Every write is acknowledged, then the process is killed at once: no snapshot is due yet, so what
                // survives came from the journal, which records whatever part of the state changed, service by service.
                var aws = local.Aws;
                await Scenario.ClusterAsync(aws, "prod");
                zone = await Route53Scenario.ZoneAsync(aws, "example.com");
                change = await Route53Scenario.ChangeAsync(aws, zone, Route53Scenario.Weighted("CREATE", "api.example.com", "blue", 90, "blue.example.com"));
                await aws.QueryAsync("iam", "CreateRole", "2010-05-08", ("RoleName", "orders-task"),
                    ("AssumeRolePolicyDocument", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}"""));
                await aws.JsonAsync("secretsmanager", "CreateSecret", new JsonObject { ["Name"] = "orders/db", ["SecretString"] = "s3cret" });
                await aws.JsonAsync("ssm", "PutParameter", new JsonObject { ["Name"] = "/orders/url", ["Value"] = "https://orders", ["Type"] = "String" });
                var (subnets, group, _) = await Scenario.DefaultNetworkAsync(aws);
                await aws.EcsAsync("CreateCapacityProvider", new JsonObject
                {
                    ["name"] = "workers",
                    ["cluster"] = "prod",
                    ["managedInstancesProvider"] = new JsonObject
                    {
                        ["infrastructureRoleArn"] = DaemonTests.InfrastructureRole,
                        ["instanceLaunchTemplate"] = new JsonObject
                        {
                            ["ec2InstanceProfileArn"] = "arn:aws:iam::123456789012:instance-profile/ecsInstanceRole",
                            ["networkConfiguration"] = new JsonObject { ["subnets"] = new JsonArray(subnets.Select(s => (JsonNode?)s).ToArray()), ["securityGroups"] = new JsonArray(group) },
                        },
                    },
                });
                var (status, body) = await aws.ControlAsync(HttpMethod.Put, "capacity-providers/instances", new JsonObject { ["capacityProvider"] = "workers", ["count"] = 3 });
                Assert.AreEqual(HttpStatusCode.OK, status, body);
                await aws.EcsAsync("CreateService", new JsonObject
                {
                    ["cluster"] = "prod",
                    ["serviceName"] = "orders",
                    ["taskDefinition"] = await Scenario.FargateTaskDefinitionAsync(aws, "orders", "public.ecr.aws/nginx/nginx:1.27"),
                    ["desiredCount"] = 0,
                    ["launchType"] = "FARGATE",
                    ["networkConfiguration"] = Scenario.AwsVpc(subnets, group),
                });
                (status, body) = await aws.ControlAsync(HttpMethod.Post, "faults/next-revision", new JsonObject { ["cluster"] = "prod", ["service"] = "orders", ["simulate"] = "crash" });
                Assert.AreEqual(HttpStatusCode.OK, status, body);
                local.KillHard();
            }

            await using var restarted = await LocalEcsProcess.StartAsync("--state-file", stateFile);
            var again = restarted.Aws;
            var zones = (await again.Route53Async("ListHostedZones", HttpMethod.Get, "/2013-04-01/hostedzone")).Document.All("Id").Select(e => e.Value).ToList();
            CollectionAssert.Contains(zones, zone, "the hosted zone\n" + restarted.Log);
            var records = await Route53Scenario.ListAsync(again, zone);
            Assert.IsTrue(records.Any(r => r.Name.TrimEnd('.') == "api.example.com" && r.SetIdentifier == "blue" && r.Weight == 90), "the weighted record");
            Assert.AreEqual("INSYNC", await Route53Scenario.StatusAsync(again, change), "the change record");
            Assert.AreEqual("orders-task", (await again.QueryAsync("iam", "GetRole", "2010-05-08", ("RoleName", "orders-task"))).Value("RoleName"));
            Assert.AreEqual("s3cret", (string?)(await again.JsonAsync("secretsmanager", "GetSecretValue", new JsonObject { ["SecretId"] = "orders/db" }))["SecretString"]);
            Assert.AreEqual("https://orders", (string?)(await again.JsonAsync("ssm", "GetParameter", new JsonObject { ["Name"] = "/orders/url" }))["Parameter"]!["Value"]);
            var provider = (await again.EcsAsync("DescribeCapacityProviders", new JsonObject { ["capacityProviders"] = new JsonArray("workers") }))["capacityProviders"]!.AsArray().Single()!;
            Assert.AreEqual("ACTIVE", (string?)provider["status"]);
            var state = JsonNode.Parse((await again.ControlAsync(HttpMethod.Get, "state")).Body)!;
            Assert.AreEqual(3, (int?)state["Regions"]!["us-east-1"]!["CapacityProviders"]!["workers"]!["InstanceCount"], "the instance count set through the control API");
            Assert.AreEqual("crash", (string?)state["Regions"]!["us-east-1"]!["Clusters"]!["prod"]!["Services"]!["orders"]!["NextRevisionSimulate"], "the fault armed for the next revision (the dashboard's button)");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public async Task A_damaged_state_file_stops_LocalEcs_with_the_file_and_the_way_out_and_reset_keeps_it_aside()
    {
        var folder = Directory.CreateTempSubdirectory("localecs-corrupt-").FullName;
        try
        {
            var stateFile = Path.Combine(folder, "state.json");
            await using (var first = await LiveLocalEcs.StartAsync(stateFile: stateFile))
            {
                await Scenario.ClusterAsync(first.Aws, "precious");
            }

            var good = await File.ReadAllBytesAsync(stateFile);
            var damaged = new (string Case, byte[] Bytes, string Reason)[]
            {
                ("empty", [], "the file is empty"),
                ("truncated", good[..(good.Length / 2)], "not valid JSON"),
                ("garbage", [0x00, 0x9F, 0x42, 0xFF, 0x13, 0x37], "not valid JSON"),
                ("an array", "[1, 2, 3]"u8.ToArray(), "holds a JSON array"),
                ("null", "null"u8.ToArray(), "holds a JSON null"),
                ("another program's object", "{\"version\": 2, \"items\": []}"u8.ToArray(), "without Regions and SimulatedNow"),
                ("wrong types", "{\"SimulatedNow\": \"2026-01-01T00:00:00Z\", \"Regions\": 5}"u8.ToArray(), "does not hold LocalEcs's state"),
                ("UTF-16", Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(Encoding.UTF8.GetString(good))).ToArray(), "UTF-16"),
            };
            foreach (var (name, bytes, reason) in damaged)
            {
                await File.WriteAllBytesAsync(stateFile, bytes);
                var error = await Assert.ThrowsExactlyAsync<LocalEcsStateException>(() => LiveLocalEcs.StartAsync(stateFile: stateFile), name);
                StringAssert.Contains(error.Message, stateFile, name);
                StringAssert.Contains(error.Message, reason, name);
                StringAssert.Contains(error.Message, "--reset-state", name);
                CollectionAssert.AreEqual(bytes, await File.ReadAllBytesAsync(stateFile), $"{name}: the file is left as it was, never replaced");
            }

            var server = await LocalEcsServer.StartAsync(new LocalEcsOptions { Port = 0, TimeScale = 0, StateFile = stateFile, ResetState = true });
            await using (server)
            {
                var backup = server.StateBackups.Single(b => !b.Contains(".journal", StringComparison.Ordinal));
                CollectionAssert.AreEqual(damaged[^1].Bytes, await File.ReadAllBytesAsync(backup), "the damaged file is kept aside");
                using var aws = new AwsClient(server.BaseUrl);
                Assert.AreEqual(0, (await aws.EcsAsync("ListClusters"))["clusterArns"]!.AsArray().Count, "a fresh start");
                await Scenario.ClusterAsync(aws, "after-reset");
            }

            await using var again = await LiveLocalEcs.StartAsync(stateFile: stateFile);
            Assert.AreEqual(1, (await again.Aws.EcsAsync("ListClusters"))["clusterArns"]!.AsArray().Count, "the new state is kept");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public void The_program_prints_the_reason_and_exits_without_a_stack_trace()
    {
        var folder = Directory.CreateTempSubdirectory("localecs-corrupt-cli-").FullName;
        try
        {
            var stateFile = Path.Combine(folder, "state.json");
            File.WriteAllText(stateFile, "{\"Regions\": {\"us-east-1\": ");
            var result = ProcessRunner.Run("dotnet", [LocalEcsProcess.Program, "--port", ProcessRunner.FreeTcpPort().ToString(CultureInfo.InvariantCulture), "--state-file", stateFile], timeout: TimeSpan.FromMinutes(2));
            Assert.AreEqual(3, result.ExitCode, result.ToString());
            StringAssert.Contains(result.StandardError, $"LocalEcs cannot read its state file {stateFile}: it is not valid JSON");
            Assert.IsFalse(result.Output.Contains("   at ", StringComparison.Ordinal), "no stack trace:\n" + result);

            // --exit-with a process that is already gone: LocalEcs starts, says where the old state went, and stops.
            using var gone = System.Diagnostics.Process.Start("true")!;
            gone.WaitForExit();
            var reset = ProcessRunner.Run("dotnet", [LocalEcsProcess.Program, "--port", "0", "--state-file", stateFile, "--reset-state", "--exit-with", gone.Id.ToString(CultureInfo.InvariantCulture)], timeout: TimeSpan.FromMinutes(2));
            Assert.AreEqual(0, reset.ExitCode, reset.ToString());
            var backup = Directory.GetFiles(folder, "state.json.bak-*").Single();
            StringAssert.Contains(reset.StandardOutput, $"the previous state is kept as {backup}");
            Assert.AreEqual("{\"Regions\": {\"us-east-1\": ", File.ReadAllText(backup));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public async Task A_change_cut_short_at_the_end_of_the_journal_is_ignored_and_a_damaged_one_before_others_is_an_error()
    {
        var folder = Directory.CreateTempSubdirectory("localecs-journal-").FullName;
        try
        {
            var stateFile = Path.Combine(folder, "state.json");
            var journal = stateFile + ".journal";
            await using (var local = await SimulatedLocalEcs.StartAsync(stateFile: stateFile))
            {
                await Scenario.ClusterAsync(local.Aws, "in-the-snapshot");
                local.Server.Runtime.Store.Save(local.Server.Runtime.State, local.Server.Runtime.Clock.Now);
                await Scenario.ClusterAsync(local.Aws, "in-the-journal-1");
                await Scenario.ClusterAsync(local.Aws, "in-the-journal-2");

                // Leave as a crash would: the snapshot and the journal as they are on disk, no shutdown save.
                File.Copy(stateFile, stateFile + ".crash", overwrite: true);
                File.Copy(journal, journal + ".crash", overwrite: true);
            }

            File.Copy(stateFile + ".crash", stateFile, overwrite: true);
            var lines = File.ReadAllLines(journal + ".crash");
            Assert.AreEqual(2, lines.Length, "one record per acknowledged change");
            await File.WriteAllTextAsync(journal, lines[0] + "\n" + lines[1][..(lines[1].Length / 2)]);
            await using (var local = await LiveLocalEcs.StartAsync(stateFile: stateFile))
            {
                var names = (await local.Aws.EcsAsync("ListClusters"))["clusterArns"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();
                Assert.IsTrue(names.Any(n => n.EndsWith("/in-the-journal-1", StringComparison.Ordinal)), string.Join(", ", names));
                Assert.IsFalse(names.Any(n => n.EndsWith("/in-the-journal-2", StringComparison.Ordinal)), "the torn record was never acknowledged");
            }

            File.Copy(stateFile + ".crash", stateFile, overwrite: true);
            await File.WriteAllTextAsync(journal, lines[0][..10] + "\n" + lines[1] + "\n");
            var error = await Assert.ThrowsExactlyAsync<LocalEcsStateException>(() => LiveLocalEcs.StartAsync(stateFile: stateFile));
            StringAssert.Contains(error.Message, journal);
            StringAssert.Contains(error.Message, "line 1 of the journal is damaged");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    [DataRow(12)]
    [DataRow(7)]
    [DataRow(2026)]
    public void Journal_records_replayed_on_the_previous_document_give_the_next_one(int seed)
    {
        var random = new Random(seed);
        JsonNode? document = JsonNode.Parse("""{"Regions": {}, "SimulatedNow": "2026-01-01T00:00:00Z", "Repositories": {}}""");
        var before = Encoding.UTF8.GetBytes(document!.ToJsonString());
        var beforeIndex = StateJournal.Index(before);
        var splitArrays = 0;
        for (var round = 0; round < 300; round++)
        {
            Mutate(document!.AsObject(), random);
            var after = Encoding.UTF8.GetBytes(document.ToJsonString());
            var afterIndex = StateJournal.Index(after);
            var record = StateJournal.Record(round + 1, DateTimeOffset.UnixEpoch, w => StateJournal.Diff(before, beforeIndex, after, afterIndex, w));
            var operations = JsonNode.Parse(record)!["ops"]!.AsArray();
            var replayed = StateJournal.Apply(JsonNode.Parse(before), operations);
            Assert.AreEqual(document.ToJsonString(), replayed!.ToJsonString(), $"round {round}: {Encoding.UTF8.GetString(record)}");
            Assert.IsTrue(after.Length < 4 * StateJournal.SplitBytes || record.Length < after.Length / 2, $"round {round}: a record of {record.Length} bytes for a document of {after.Length}: only the changed parts are written");
            splitArrays += afterIndex.Members?.GetValueOrDefault("Regions")?.Members?.Values.Count(r => r.Members?.GetValueOrDefault("Events")?.Items is not null) ?? 0;
            (before, beforeIndex) = (after, afterIndex);
        }

        Assert.IsTrue(splitArrays > 0, "arrays large enough to be compared item by item were exercised");
    }

    private static void Mutate(JsonObject root, Random random)
    {
        var regions = root["Regions"]!.AsObject();
        var region = $"r{random.Next(3)}";
        if (regions[region] is not JsonObject state)
        {
            regions[region] = state = new JsonObject { ["Clusters"] = new JsonObject(), ["Events"] = new JsonArray() };
        }

        var clusters = state["Clusters"]!.AsObject();
        var events = state["Events"]!.AsArray();
        switch (random.Next(7))
        {
            case 0:
            case 1:
                clusters[$"c{random.Next(40)}"] = new JsonObject { ["Status"] = "ACTIVE", ["Tasks"] = new JsonArray(Enumerable.Range(0, random.Next(5)).Select(i => (JsonNode?)$"task-{i}-{random.Next()}").ToArray()), ["Padding"] = new string('x', random.Next(600)) };
                break;
            case 2 when clusters.Count > 0:
                clusters.Remove(clusters.ElementAt(random.Next(clusters.Count)).Key);
                break;
            case 3:
            case 4:
                // Newest first, as service events are: every item moves one place.
                events.Insert(0, $"event {random.Next()} {new string('e', 200)}");
                while (events.Count > 30)
                {
                    events.RemoveAt(events.Count - 1);
                }

                break;
            case 5 when events.Count > 10:
                events.RemoveAt(events.Count - 1);
                break;
            default:
                root["SimulatedNow"] = DateTimeOffset.UnixEpoch.AddSeconds(random.Next()).ToString("O", CultureInfo.InvariantCulture);
                break;
        }
    }
}
