using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Local;
using Microsoft.Build.Framework;

namespace EcsBuildTasks;

/// <summary>
/// For <c>EcsTarget=local</c>: makes sure LocalEcs answers at the endpoint and that this build holds a lease on it,
/// starting the one in the package when none listens. The lease lasts until the build ends (MSBuild disposes it then,
/// in every node that took one) or its process dies, so LocalEcs, which exits when no lease is left, runs for the whole
/// publish of a solution and for every publish that runs at the same time.
/// </summary>
public sealed class StartLocalEcs : EcsTask
{
    private static readonly Lock Sync = new();

    [Required]
    public string LocalEcsAssembly { get; set; } = string.Empty;

    public string? StateFile { get; set; }

    /// <summary>The dotnet host that runs LocalEcs (the SDK sets DOTNET_HOST_PATH for tasks).</summary>
    public string? DotnetHost { get; set; }

    [Output]
    public string? EndpointUrl { get; private set; }

    /// <summary>LocalEcs's built-in base image on its registry (<c>localhost:port/localecs/base:latest</c>).</summary>
    [Output]
    public string? BaseImage { get; private set; }

    /// <summary>This build's lease, for <see cref="StopLocalEcs"/>; empty when there is none (a LocalEcs without leases).</summary>
    [Output]
    public string? LeaseId { get; private set; }

    /// <summary>Whether LocalEcs exits when the builds using it end (<c>true</c>: a build started it) or keeps running (started by hand).</summary>
    [Output]
    public bool StopsWithBuilds { get; private set; }

    private protected override void ExecuteCore(Project project, DiagnosticCollection diagnostics)
    {
        if (diagnostics.HasErrors)
        {
            return;
        }

        var endpoint = project.Settings.EndpointUrl ?? LocalEcsDefaults.EndpointUrl;
        var stateFile = string.IsNullOrWhiteSpace(StateFile) ? LocalEcsLauncher.DefaultStateFile() : StateFile;
        var host = string.IsNullOrWhiteSpace(DotnetHost) ? Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet" : DotnetHost;
        var holder = "project " + Path.GetFileNameWithoutExtension(string.IsNullOrEmpty(ProjectFile) ? ProjectDirectory.TrimEnd('/', '\\') : ProjectFile);
        var start = new LocalEcsStart(endpoint, LocalEcsAssembly, stateFile, host, holder, BuildProcess.Id(BuildEngine));

        // A task host ends with the task and disposes what it registered: there, each project holds its own lease and
        // StopLocalEcs releases it. Elsewhere the first project of the build takes the lease and the others reuse it.
        var keepForTheBuild = !BuildProcess.IsTaskHost(BuildEngine);
        LocalEcsLease lease = null!;
        lock (Sync)
        {
            var held = keepForTheBuild ? BuildEngine4.GetRegisteredTaskObject(LocalEcsBuildLease.Key(endpoint), RegisteredTaskObjectLifetime.Build) as LocalEcsBuildLease : null;
            RunSynchronously(async () => lease = await new LocalEcsLauncher(DeploymentLog, TimeProvider.System).AcquireAsync(start, CancellationToken, held?.LeaseId).ConfigureAwait(false));
            if (keepForTheBuild && held is null && lease.LeaseId is { } id)
            {
                BuildEngine4.RegisterTaskObject(LocalEcsBuildLease.Key(endpoint), new LocalEcsBuildLease(lease.EndpointUrl, id), RegisteredTaskObjectLifetime.Build, allowEarlyCollection: false);
            }
        }

        EndpointUrl = lease.EndpointUrl;
        BaseImage = $"localhost:{new Uri(lease.EndpointUrl).Port}/localecs/base:latest";
        LeaseId = lease.LeaseId;
        StopsWithBuilds = lease.Origin is LocalEcsOrigin.StartedForThisBuild or LocalEcsOrigin.StartedByAnotherBuild;
    }
}

/// <summary>A build's lease on LocalEcs, released when MSBuild disposes it at the end of the build.</summary>
internal sealed class LocalEcsBuildLease(string endpointUrl, string leaseId) : IDisposable
{
    public string LeaseId { get; } = leaseId;

    public static string Key(string endpointUrl) => "EcsBuildTasks.LocalEcsLease:" + endpointUrl.TrimEnd('/').ToUpperInvariant();

    public void Dispose()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            new LocalEcsLauncher(SilentLog.Instance, TimeProvider.System).ReleaseAsync(endpointUrl, LeaseId, timeout.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            // LocalEcs did not answer in time: the lease ends with this process anyway.
        }
    }

    /// <summary>Nothing is logged at the end of a build (no task is running to log it).</summary>
    private sealed class SilentLog : IDeploymentLog
    {
        public static readonly SilentLog Instance = new();

        public void Info(string message)
        {
        }

        public void Detail(string message)
        {
        }

        public void Warning(EcsDiagnostic diagnostic)
        {
        }
    }
}
