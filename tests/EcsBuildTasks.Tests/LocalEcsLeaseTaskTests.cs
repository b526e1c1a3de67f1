using System.Collections;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs;
using Microsoft.Build.Framework;

namespace EcsBuildTasks.Tests;

/// <summary>
/// How the tasks hold LocalEcs for a build: one lease per build process, shared by every project it deploys, kept
/// until MSBuild disposes it at the end of the build; in a task host (Visual Studio), which ends with each task, each
/// project's lease is released by StopLocalEcs instead.
/// </summary>
[TestClass]
public sealed class LocalEcsLeaseTaskTests
{
    [TestMethod]
    public async Task Every_project_of_a_build_shares_one_lease_that_ends_with_the_build_not_with_a_project()
    {
        await using var localEcs = await LocalEcsServer.StartAsync(new LocalEcsOptions { Port = 0, TimeScale = 0 });
        var endpoint = localEcs.BaseUrl.ToString().TrimEnd('/');
        var engine = new BuildEngineWithObjects();

        var api = Start(engine, endpoint, "Api");
        var worker = Start(engine, endpoint, "Worker");

        Assert.IsNotNull(api.LeaseId);
        Assert.AreEqual(api.LeaseId, worker.LeaseId, "the second project reuses the build's lease");
        Assert.AreEqual("project Api", (await LeasesAsync(endpoint)).Single()!["holder"]!.GetValue<string>());
        Assert.AreEqual(Environment.ProcessId, (await LeasesAsync(endpoint)).Single()!["processId"]!.GetValue<int>(), "the lease follows the build's process");

        Assert.IsTrue(new StopLocalEcs { BuildEngine = engine, EndpointUrl = endpoint, LeaseId = api.LeaseId! }.Execute());
        Assert.HasCount(1, await LeasesAsync(endpoint), "a project is done, the build is not: the lease stays");

        engine.EndBuild();
        Assert.IsEmpty(await LeasesAsync(endpoint), "MSBuild disposes the build's lease when the build ends");
    }

    [TestMethod]
    public async Task In_a_task_host_each_project_holds_its_own_lease_and_releases_it_when_done()
    {
        await using var localEcs = await LocalEcsServer.StartAsync(new LocalEcsOptions { Port = 0, TimeScale = 0 });
        var endpoint = localEcs.BaseUrl.ToString().TrimEnd('/');
        var engine = new OutOfProcTaskHostNode();

        var api = Start(engine, endpoint, "Api");
        var worker = Start(engine, endpoint, "Worker");

        Assert.AreNotEqual(api.LeaseId, worker.LeaseId);
        Assert.HasCount(2, await LeasesAsync(endpoint));
        Assert.IsTrue(new StopLocalEcs { BuildEngine = engine, EndpointUrl = endpoint, LeaseId = api.LeaseId! }.Execute());
        Assert.AreEqual("project Worker", (await LeasesAsync(endpoint)).Single()!["holder"]!.GetValue<string>());
    }

    private static StartLocalEcs Start(IBuildEngine engine, string endpoint, string project)
    {
        var task = new StartLocalEcs
        {
            BuildEngine = engine,
            ProjectDirectory = "/repo/" + project,
            ProjectFile = $"/repo/{project}/{project}.csproj",
            LocalEcsAssembly = "/not/needed/when/one/listens.dll",
            Settings = [new TaskItem("EcsEndpointUrl", ("Value", endpoint))],
        };
        Assert.IsTrue(task.Execute(), string.Join("\n", ((BuildEngineWithObjects)engine).Errors.Select(e => e.Message)));
        return task;
    }

    private static async Task<JsonArray> LeasesAsync(string endpoint)
    {
        using var http = new HttpClient { DefaultRequestHeaders = { { LocalEcsServer.ControlHeader, "1" } } };
        var table = await http.GetFromJsonAsync<JsonObject>(new Uri(endpoint + "/_localecs/leases"));
        return table!["leases"]!.AsArray();
    }

    /// <summary>A build engine with MSBuild's registered task objects; <see cref="EndBuild"/> disposes the build's, as MSBuild does.</summary>
    private class BuildEngineWithObjects : IBuildEngine4
    {
        private readonly FakeBuildEngine log = new();
        private readonly Dictionary<object, object> buildObjects = [];

        public List<BuildErrorEventArgs> Errors => log.Errors;

        public bool ContinueOnError => false;

        public int LineNumberOfTaskNode => 0;

        public int ColumnNumberOfTaskNode => 0;

        public string ProjectFileOfTaskNode => log.ProjectFileOfTaskNode;

        public bool IsRunningMultipleNodes => false;

        public void EndBuild()
        {
            foreach (var disposable in buildObjects.Values.OfType<IDisposable>())
            {
                disposable.Dispose();
            }

            buildObjects.Clear();
        }

        public void RegisterTaskObject(object key, object obj, RegisteredTaskObjectLifetime lifetime, bool allowEarlyCollection) => buildObjects[key] = obj;

        public object? GetRegisteredTaskObject(object key, RegisteredTaskObjectLifetime lifetime) => buildObjects.GetValueOrDefault(key);

        public object? UnregisterTaskObject(object key, RegisteredTaskObjectLifetime lifetime) => buildObjects.Remove(key, out var obj) ? obj : null;

        public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs) => throw new NotSupportedException();

        public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs, string toolsVersion) => throw new NotSupportedException();

        public bool BuildProjectFilesInParallel(string[] projectFileNames, string[] targetNames, IDictionary[] globalProperties, IDictionary[] targetOutputsPerProject, string[] toolsVersion, bool useResultsCache, bool unloadProjectsOnCompletion) => throw new NotSupportedException();

        public BuildEngineResult BuildProjectFilesInParallel(string[] projectFileNames, string[] targetNames, IDictionary[] globalProperties, IList<string>[] removeGlobalProperties, string[] toolsVersion, bool returnTargetOutputs) => throw new NotSupportedException();

        public void Yield()
        {
        }

        public void Reacquire()
        {
        }

        public void LogCustomEvent(CustomBuildEventArgs e)
        {
        }

        public void LogErrorEvent(BuildErrorEventArgs e) => log.LogErrorEvent(e);

        public void LogMessageEvent(BuildMessageEventArgs e) => log.LogMessageEvent(e);

        public void LogWarningEvent(BuildWarningEventArgs e) => log.LogWarningEvent(e);
    }

    /// <summary>Named like MSBuild's task host node, which the tasks recognise: it ends with the task.</summary>
    private sealed class OutOfProcTaskHostNode : BuildEngineWithObjects;
}
