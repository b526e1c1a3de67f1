using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs;
using EcsBuildTasks.Testing;

namespace EcsBuildTasks.EndToEndTests;

/// <summary>
/// The embedded LocalEcs (<c>EcsTarget=local</c> with nothing listening) shared by publishes that run at once: the
/// first starts it, the others join it, and it stops when the last of them is done — not when the one that started it
/// is, not when one is killed — while one a user started is never stopped. Each project waits at a gate file right
/// after it took its lease, so the tests decide who finishes first.
/// </summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed class SharedLocalEcsTests
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(3);

    [TestMethod]
    public async Task Two_concurrent_publishes_share_one_embedded_LocalEcs_that_outlives_the_one_that_started_it_and_stops_after_both()
    {
        using var localEcs = new EmbeddedLocalEcs();
        using var starter = localEcs.CreateProject("share-a");
        using var joiner = localEcs.CreateProject("share-b");
        var starterLog = new StringBuilder();
        var joinerLog = new StringBuilder();
        using var starterBuild = localEcs.Publish(starter, starterLog);
        await WaitForAsync(starterLog, $"started LocalEcs at {localEcs.Endpoint} for this publish (project {starter.Name}; state in {localEcs.StateFile})");
        using var joinerBuild = localEcs.Publish(joiner, joinerLog);
        try
        {
            await WaitForAsync(joinerLog, $"joined LocalEcs at {localEcs.Endpoint} started by project {starter.Name} (pid {starterBuild.Id}; state in {localEcs.StateFile})");

            // The build that started it finishes first, while the other still needs it.
            localEcs.OpenGate(starter);
            AssertExitedSuccessfully(starterBuild, starterLog);
            StringAssert.Contains(starterLog.ToString(), $"done with LocalEcs at {localEcs.Endpoint}; it keeps running until this publish and project {joiner.Name} (pid {joinerBuild.Id}) are done");
            await Task.Delay(TimeSpan.FromSeconds(5));
            Assert.IsTrue(await localEcs.IsListeningAsync(), "LocalEcs stopped when the build that started it was done, under a build that still uses it");

            localEcs.OpenGate(joiner);
            AssertExitedSuccessfully(joinerBuild, joinerLog);
            StringAssert.Contains(joinerLog.ToString(), $"done with LocalEcs at {localEcs.Endpoint}; no other build uses it, so it stops when this publish ends");
            await localEcs.WaitUntilStoppedAsync();
            var state = await File.ReadAllTextAsync(localEcs.StateFile);
            StringAssert.Contains(state, $"service/{EmbeddedLocalEcs.Cluster}/{starter.Name}", "both deployments are in the state it saved");
            StringAssert.Contains(state, $"service/{EmbeddedLocalEcs.Cluster}/{joiner.Name}");
        }
        finally
        {
            localEcs.OpenAllGates();
        }
    }

    [TestMethod]
    public async Task A_build_killed_mid_publish_neither_stops_the_shared_LocalEcs_for_the_other_nor_leaves_it_running_after_both()
    {
        using var localEcs = new EmbeddedLocalEcs();
        using var killed = localEcs.CreateProject("killed");
        using var survivor = localEcs.CreateProject("survivor");
        var killedLog = new StringBuilder();
        var survivorLog = new StringBuilder();
        using var killedBuild = localEcs.Publish(killed, killedLog);
        await WaitForAsync(killedLog, $"started LocalEcs at {localEcs.Endpoint} for this publish (project {killed.Name}");
        using var survivorBuild = localEcs.Publish(survivor, survivorLog);
        try
        {
            await WaitForAsync(survivorLog, $"joined LocalEcs at {localEcs.Endpoint} started by project {killed.Name}");

            // kill -9 of the dotnet process that started LocalEcs, mid-publish: it releases nothing.
            killedBuild.Kill();
            await killedBuild.WaitForExitAsync();
            await WaitUntilAsync(async () => (await localEcs.LeaseHoldersAsync()).SequenceEqual([$"project {survivor.Name}"]), "the killed build's lease to end, the other's to stay");
            Assert.IsTrue(await localEcs.IsListeningAsync());

            localEcs.OpenGate(survivor);
            AssertExitedSuccessfully(survivorBuild, survivorLog);
            StringAssert.Contains(survivorLog.ToString(), "EcsBuildTasks: deployed: the new revision is serving");
            StringAssert.Contains(survivorLog.ToString(), "no other build uses it, so it stops when this publish ends");
            await localEcs.WaitUntilStoppedAsync();
        }
        finally
        {
            localEcs.OpenAllGates();
        }
    }

    [TestMethod]
    public async Task Two_concurrent_publishes_of_one_service_end_truthfully_the_second_waiting_for_the_firsts_deployment_then_deploying_its_own()
    {
        using var localEcs = new EmbeddedLocalEcs();
        var service = LocalEcsProjects.NewName("same");
        using var first = localEcs.CreateProject("first", service);
        using var second = localEcs.CreateProject("second", service);
        var firstLog = new StringBuilder();
        var secondLog = new StringBuilder();
        using var firstBuild = localEcs.Publish(first, firstLog);
        try
        {
            // The first build waits at its gate with LocalEcs started: its deployment will stay in flight until released.
            await WaitForAsync(firstLog, $"started LocalEcs at {localEcs.Endpoint} for this publish (project {first.Name}");
            await localEcs.HoldAsync(service);
            localEcs.OpenGate(first);
            var firsts = await localEcs.HeldDeploymentAsync(service, "the first build's deployment to be in flight\n" + Text(firstLog));
            StringAssert.EndsWith(firsts.TaskDefinition, $"{service}:1");

            localEcs.OpenGate(second);
            using var secondBuild = localEcs.Publish(second, secondLog, "-p:Revision=2");
            await WaitForAsync(secondLog, $"EcsBuildTasks: waiting for the deployment of {service}:1 in flight on the service {service} in cluster {EmbeddedLocalEcs.Cluster} ({firsts.Arn}, IN_PROGRESS, a build of ");
            StringAssert.Contains(Text(secondLog), $"joined LocalEcs at {localEcs.Endpoint} started by project {first.Name}");
            Assert.AreEqual(firsts.Arn, (await localEcs.HeldDeploymentAsync(service, "the first deployment")).Arn, "the waiting build changed nothing");
            Assert.IsFalse(firstBuild.HasExited, Text(firstLog));

            // The first deployment completes; the second build's own deployment is held in turn, so that the first build
            // is done while the second still uses LocalEcs.
            await localEcs.ReleaseAsync(service);
            await localEcs.HoldAsync(service);
            AssertExitedSuccessfully(firstBuild, firstLog);
            var firstOutput = Text(firstLog);
            StringAssert.Contains(firstOutput, "EcsBuildTasks: deployed: the new revision is serving");
            StringAssert.Contains(firstOutput, $"done with LocalEcs at {localEcs.Endpoint}; it keeps running until this publish and project {second.Name} (pid {secondBuild.Id}) are done");
            Assert.IsFalse(firstOutput.Contains("superseded", StringComparison.OrdinalIgnoreCase), firstOutput);
            var seconds = await localEcs.HeldDeploymentAsync(service, "the second build's own deployment\n" + Text(secondLog));
            StringAssert.EndsWith(seconds.TaskDefinition, $"{service}:2");
            Assert.IsTrue(await localEcs.IsListeningAsync(), "LocalEcs outlives the build that started it while the other deploys");

            await localEcs.ReleaseAsync(service);
            AssertExitedSuccessfully(secondBuild, secondLog);
            var secondOutput = Text(secondLog);
            StringAssert.Contains(secondOutput, "EcsBuildTasks: the deployment in flight has finished (waited ");
            StringAssert.Contains(secondOutput, "EcsBuildTasks: deployed: the new revision is serving");
            Assert.IsFalse(secondOutput.Contains("up to date", StringComparison.Ordinal), "the second build's revision is not the first's: it deploys, never 'up to date'\n" + secondOutput);
            StringAssert.Contains(secondOutput, "no other build uses it, so it stops when this publish ends");

            var firstResult = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(first.Directory, "bin", "Release", "net10.0", "publish", "ecs-deployment.json")))!;
            var secondResult = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(second.Directory, "bin", "Release", "net10.0", "publish", "ecs-deployment.json")))!;
            Assert.AreEqual("succeeded", (string?)firstResult["status"]);
            Assert.AreEqual(firsts.Arn, (string?)firstResult["serviceDeploymentArn"], "the first build reports its own deployment");
            StringAssert.EndsWith((string?)firstResult["runningTaskDefinitionArn"], $"{service}:1");
            Assert.AreEqual("succeeded", (string?)secondResult["status"]);
            Assert.AreEqual(seconds.Arn, (string?)secondResult["serviceDeploymentArn"], "the second build reports its own deployment, not the first's");
            StringAssert.EndsWith((string?)secondResult["runningTaskDefinitionArn"], $"{service}:2");

            await localEcs.WaitUntilStoppedAsync();
            var state = JsonNode.Parse(await File.ReadAllTextAsync(localEcs.StateFile))!;
            StringAssert.EndsWith((string?)state["Regions"]!["us-east-1"]!["Clusters"]![EmbeddedLocalEcs.Cluster]!["Services"]![service]!["TaskDefinitionArn"], $"{service}:2", "the service ends on the second build's revision, which that build reported");
        }
        finally
        {
            localEcs.OpenAllGates();
        }
    }

    [TestMethod]
    public async Task A_LocalEcs_the_user_started_is_used_and_never_stopped()
    {
        using var localEcs = new EmbeddedLocalEcs();
        using var project = localEcs.CreateProject("by-hand");
        var serverLog = new StringBuilder();
        using var byHand = ProcessRunner.Start("dotnet", [Path.Combine(AppContext.BaseDirectory, "EcsBuildTasks.LocalEcs.dll"), "--port", localEcs.Port.ToString(CultureInfo.InvariantCulture), "--state-file", localEcs.StateFile], serverLog);
        try
        {
            await WaitUntilAsync(localEcs.IsListeningAsync, "the LocalEcs started by hand to listen\n" + serverLog);

            var result = LocalEcsProjects.Publish(project);

            LocalEcsProjects.AssertSucceeded(result);
            StringAssert.Contains(result.StandardOutput, $"using LocalEcs at {localEcs.Endpoint}, started outside any build (it is left running)");
            Assert.IsFalse(result.StandardOutput.Contains("so it stops", StringComparison.Ordinal), result.StandardOutput);
            await Task.Delay(TimeSpan.FromSeconds(5));
            Assert.IsFalse(byHand.HasExited, "a build stopped the LocalEcs the user started:\n" + serverLog);
            Assert.AreEqual(0, (await localEcs.LeaseHoldersAsync()).Count, "the build released its lease");
        }
        finally
        {
            byHand.Kill();
        }
    }

    private static async Task WaitForAsync(StringBuilder log, string text) =>
        await WaitUntilAsync(() => Task.FromResult(Text(log).Contains(text, StringComparison.Ordinal)), $"'{text}' in the build's output");

    private static async Task WaitUntilAsync(Func<Task<bool>> done, string what)
    {
        var deadline = DateTime.UtcNow + StepTimeout;
        while (!await done())
        {
            Assert.IsLessThan(deadline, DateTime.UtcNow, "Timed out waiting for " + what);
            await Task.Delay(200);
        }
    }

    private static void AssertExitedSuccessfully(Process build, StringBuilder log)
    {
        Assert.IsTrue(build.WaitForExit(StepTimeout), "the publish did not finish:\n" + Text(log));
        build.WaitForExit();
        Assert.AreEqual(0, build.ExitCode, Text(log));
    }

    private static string Text(StringBuilder log)
    {
        lock (log)
        {
            return log.ToString();
        }
    }

    /// <summary>
    /// The endpoint and state file of an embedded LocalEcs for one test (a port of its own, never the default), and
    /// projects that deploy to it, each pausing at a gate file right after it took its lease on LocalEcs.
    /// </summary>
    private sealed class EmbeddedLocalEcs : IDisposable
    {
        public const string Cluster = "shared";

        private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5), DefaultRequestHeaders = { { LocalEcsServer.ControlHeader, "1" } } };
        private readonly string folder = Directory.CreateTempSubdirectory("ecs-shared-localecs-").FullName;
        private readonly List<ConsumerProject> projects = [];

        public int Port { get; } = ProcessRunner.FreeTcpPort();

        public string Endpoint => $"http://localhost:{Port.ToString(CultureInfo.InvariantCulture)}";

        public string StateFile => Path.Combine(folder, "state.json");

        /// <param name="service">The service it deploys; by default one of its own, named like the project.</param>
        public ConsumerProject CreateProject(string prefix, string? service = null)
        {
            if (OperatingSystem.IsWindows())
            {
                Assert.Inconclusive("The gate is a POSIX shell loop.");
            }

            var name = LocalEcsProjects.NewName(prefix);
            var project = PackageFixture.Instance.CreateConsumer($"""
                <ContainerRepository>{service ?? name}</ContainerRepository>
                <EcsTarget>local</EcsTarget>
                <EcsEndpointUrl>{Endpoint}</EcsEndpointUrl>
                <EcsLocalStateFile>{StateFile}</EcsLocalStateFile>
                <EcsCluster>{Cluster}</EcsCluster>
                <EcsExecutionRoleArn>arn:aws:iam::123456789012:role/ecsTaskExecutionRole</EcsExecutionRoleArn>
                """, """
                <EcsEnvironmentVariable Include="LOCALECS_SIMULATE" Value="$(Simulate)" Condition="'$(Simulate)' != ''" />
                <EcsEnvironmentVariable Include="REVISION" Value="$(Revision)" Condition="'$(Revision)' != ''" />
                """, name: name, targets: """
                <!-- Also ends when the test's folder is gone: a killed build's shell lives on and must not outlive the test. -->
                <Target Name="WaitAtTheTestGate" AfterTargets="_EcsStartLocalEcs" Condition="'$(Gate)' != ''">
                  <Exec Command="while [ ! -f '$(Gate)' ] &amp;&amp; [ -d '$([System.IO.Path]::GetDirectoryName($(Gate)))' ]; do sleep 0.1; done" />
                </Target>
                """);
            // The project is named after its service, so that the messages say which build started LocalEcs.
            File.Move(Path.Combine(project.Directory, "consumer.csproj"), Path.Combine(project.Directory, name + ".csproj"));
            projects.Add(project);
            return project;
        }

        public string Gate(ConsumerProject project) => Path.Combine(folder, project.Name + ".gate");

        public void OpenGate(ConsumerProject project) => File.WriteAllText(Gate(project), "go");

        /// <summary>Lets the gate loops of every project end, also those of a killed build (its shell lives on).</summary>
        public void OpenAllGates()
        {
            foreach (var project in projects)
            {
                OpenGate(project);
            }
        }

        public Process Publish(ConsumerProject project, StringBuilder log, params string[] extra) =>
            project.Start(log, ["publish", "-c", "Release", "-p:EcsDeploy=true", "-nodeReuse:false", "-p:Gate=" + Gate(project), .. extra]);

        public async Task<bool> IsListeningAsync()
        {
            try
            {
                using var response = await Http.GetAsync(new Uri(Endpoint + "/_localecs/health"));
                return response.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }

        public async Task<IReadOnlyList<string>> LeaseHoldersAsync()
        {
            var table = JsonNode.Parse(await Http.GetStringAsync(new Uri(Endpoint + "/_localecs/leases")))!;
            return [.. table["leases"]!.AsArray().Select(l => l!["holder"]!.GetValue<string>())];
        }

        /// <summary>Holds the service's deployments in flight until <see cref="ReleaseAsync"/> (LocalEcs's <c>/_localecs/deployments/hold</c>).</summary>
        public async Task HoldAsync(string service) => await ChangeHoldAsync(HttpMethod.Put, service);

        /// <summary>Lets the held deployment complete (LocalEcs completes it before it answers).</summary>
        public async Task ReleaseAsync(string service) => await ChangeHoldAsync(HttpMethod.Delete, service);

        /// <summary>Waits until LocalEcs holds a deployment of the service in flight; its service deployment ARN and task definition.</summary>
        public async Task<(string Arn, string TaskDefinition)> HeldDeploymentAsync(string service, string what)
        {
            (string, string)? held = null;
            await WaitUntilAsync(async () =>
            {
                var holds = JsonNode.Parse(await Http.GetStringAsync(new Uri(Endpoint + "/_localecs/deployments/hold")))!["holds"]!.AsArray();
                var deployment = holds.FirstOrDefault(h => (string?)h!["service"] == service)?["serviceDeployment"];
                held = deployment is not null && (string?)deployment["status"] == "IN_PROGRESS" ? ((string)deployment["serviceDeploymentArn"]!, (string)deployment["taskDefinition"]!) : null;
                return held is not null;
            }, what);
            return held!.Value;
        }

        private async Task ChangeHoldAsync(HttpMethod method, string service)
        {
            using var request = new HttpRequestMessage(method, new Uri(Endpoint + "/_localecs/deployments/hold"))
            {
                Content = new StringContent(new JsonObject { ["cluster"] = Cluster, ["service"] = service }.ToJsonString(), Encoding.UTF8, "application/json"),
            };
            using var response = await Http.SendAsync(request);
            Assert.IsTrue(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        public async Task WaitUntilStoppedAsync() =>
            await WaitUntilAsync(async () => !await IsListeningAsync(), $"LocalEcs at {Endpoint} to stop once no build uses it");

        public void Dispose()
        {
            OpenAllGates();
            foreach (var project in projects)
            {
                project.Dispose();
            }

            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
