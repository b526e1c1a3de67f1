using System.Diagnostics;
using System.Globalization;
using System.Text;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Local;

/// <summary>How a build came to use the LocalEcs at its endpoint.</summary>
internal enum LocalEcsOrigin
{
    /// <summary>This build started it; it exits once no build uses it.</summary>
    StartedForThisBuild,

    /// <summary>Another build started it and this one joined; it exits once no build uses it.</summary>
    StartedByAnotherBuild,

    /// <summary>Someone started it by hand: builds never stop it.</summary>
    StartedByHand,

    /// <summary>A LocalEcs without leases (an older one): used as it is, never stopped.</summary>
    WithoutLeases,
}

/// <summary>What to start when nothing listens at the endpoint, and who the build is.</summary>
/// <param name="Holder">What the build is, for the messages of other builds, e.g. <c>project Orders</c>.</param>
/// <param name="ProcessId">The build's process: its lease ends when that process does, also when it is killed.</param>
internal sealed record LocalEcsStart(string EndpointUrl, string AssemblyPath, string StateFile, string DotnetHost, string Holder, int ProcessId);

/// <summary>A build's hold on the LocalEcs at <see cref="EndpointUrl"/>; <see cref="LeaseId"/> is null when it has none to release.</summary>
internal sealed record LocalEcsLease(string EndpointUrl, string? LeaseId, LocalEcsOrigin Origin, string? StartedBy, int? StartedByProcessId);

/// <summary>
/// Makes sure LocalEcs answers at the endpoint for this build, and that it runs exactly as long as some build uses it.
/// <para>
/// A build takes a lease on LocalEcs (<c>POST /_localecs/leases</c>, with its process id) before using it and releases
/// it when it ends (the MSBuild tasks keep one lease per build process, for every project it deploys). When nothing
/// listens, it starts the LocalEcs that ships with EcsBuildTasks with its own lease on the command line, so the new
/// process is never without a holder. LocalEcs keeps the lease table itself: it ends the
/// lease of a build whose process is gone (killed builds release nothing) and, when a build started it, exits a few
/// seconds after the last lease ends, saving its state file. Several builds racing to start it on one port all end up
/// on the one that bound the port: the others' processes exit and their builds join it. A LocalEcs started by hand
/// records leases but never exits because of them.
/// </para>
/// </summary>
internal sealed class LocalEcsLauncher(IDeploymentLog log, TimeProvider time)
{
    /// <summary>The header every control API call carries: it says the caller is an EcsBuildTasks build.</summary>
    public const string ClientHeader = "LocalEcs-Control";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Starts of a LocalEcs process that exited at once (it lost the port to another build, or it cannot run).</summary>
    private const int MaximumStarts = 3;

    /// <param name="heldLeaseId">
    /// The lease this build already holds (an earlier project of the same build took it): taken again, which is a no-op
    /// unless LocalEcs is gone, in which case it is started again with that lease.
    /// </param>
    public async Task<LocalEcsLease> AcquireAsync(LocalEcsStart start, CancellationToken cancellationToken, string? heldLeaseId = null)
    {
        ArgumentNullException.ThrowIfNull(start);
        var endpoint = start.EndpointUrl;
        var uri = new Uri(endpoint);
        var leaseId = heldLeaseId ?? Guid.NewGuid().ToString("N");
        var control = new LocalEcsControlClient(endpoint);
        Process? process = null;
        StringBuilder? output = null;
        var starts = 0;
        var began = time.GetTimestamp();
        while (true)
        {
            var answer = uri.IsLoopback
                ? await control.AcquireAsync(leaseId, start.ProcessId, start.Holder, cancellationToken).ConfigureAwait(false)
                : await control.HealthAsync(cancellationToken).ConfigureAwait(false);
            switch (answer.Outcome)
            {
                case ControlOutcome.Answered when !uri.IsLoopback:
                    // A LocalEcs on another machine cannot see this build's process: used as it is.
                    log.Info($"EcsBuildTasks: using LocalEcs at {endpoint}");
                    return new LocalEcsLease(endpoint, null, LocalEcsOrigin.WithoutLeases, null, null);
                case ControlOutcome.Answered:
                    return Joined(endpoint, leaseId, answer.Table!, startedNow: process is not null, held: heldLeaseId is not null);
                case ControlOutcome.NoLeases:
                    log.Info($"EcsBuildTasks: using LocalEcs at {endpoint}");
                    return new LocalEcsLease(endpoint, null, LocalEcsOrigin.WithoutLeases, null, null);
                case ControlOutcome.Refused:
                    throw new DeploymentException(DiagnosticCodes.LocalEcsUnavailable, EcsProperties.EndpointUrl,
                        $"LocalEcs at {endpoint} refused this build's lease: {answer.Error}");
                case ControlOutcome.Stopping:
                    // The last build just left it and it is on its way out: start another once its port is free.
                    break;
                case ControlOutcome.NotListening when !uri.IsLoopback:
                    throw new DeploymentException(DiagnosticCodes.LocalEcsUnavailable, EcsProperties.EndpointUrl,
                        $"Nothing answers at {EcsProperties.EndpointUrl}={endpoint}, and LocalEcs is only started on this machine (localhost). Start it there, or point {EcsProperties.EndpointUrl} at a running one.");
                case ControlOutcome.NotListening when process is null || process.HasExited:
                    if (starts == MaximumStarts)
                    {
                        throw new DeploymentException(DiagnosticCodes.LocalEcsUnavailable, EcsProperties.EndpointUrl,
                            $"LocalEcs exited at start (exit code {process!.ExitCode}): {Text(output!)}");
                    }

                    process?.Dispose();
                    (process, output) = StartProcess(start, leaseId);
                    starts++;
                    break;
            }

            if (time.GetElapsedTime(began) >= StartTimeout)
            {
                StopStartedProcess(process);
                throw new DeploymentException(DiagnosticCodes.LocalEcsUnavailable, EcsProperties.EndpointUrl,
                    $"LocalEcs did not answer at {endpoint} within {StartTimeout.TotalSeconds:0} s{(process is null ? "" : " of starting: " + Text(output!))}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Ends this build's lease and says what becomes of LocalEcs: it stops (no build uses it any more), or keeps running
    /// for the builds named, or was started by hand and is left running.
    /// </summary>
    public async Task ReleaseAsync(string endpointUrl, string leaseId, CancellationToken cancellationToken)
    {
        var answer = await new LocalEcsControlClient(endpointUrl).ReleaseAsync(leaseId, cancellationToken).ConfigureAwait(false);
        if (answer.Table is not { } table)
        {
            log.Info($"EcsBuildTasks: LocalEcs at {endpointUrl} no longer answers (nothing to release)");
            return;
        }

        if (!table.ExitsWhenUnused)
        {
            log.Detail($"EcsBuildTasks: released LocalEcs at {endpointUrl}; it was started outside any build and is left running");
        }
        else if (table.Leases.Count == 0)
        {
            log.Info($"EcsBuildTasks: done with LocalEcs at {endpointUrl}; no other build uses it, so it stops (state kept in {table.StateFile ?? "memory only"})");
        }
        else
        {
            log.Info($"EcsBuildTasks: done with LocalEcs at {endpointUrl}; it keeps running for {Describe(table.Leases)}");
        }
    }

    /// <summary>The default state file: one LocalEcs "account" per user, shared by every project.</summary>
    public static string DefaultStateFile() =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "EcsBuildTasks", "localecs", "state.json");

    /// <summary>
    /// Says how this build uses LocalEcs at the end of its publish: it stops then, or keeps running for the builds named,
    /// or was started by hand and is left running. For a build that keeps its lease until it ends.
    /// </summary>
    public async Task ReportAsync(string endpointUrl, string leaseId, CancellationToken cancellationToken)
    {
        var answer = await new LocalEcsControlClient(endpointUrl).LeasesAsync(cancellationToken).ConfigureAwait(false);
        if (answer.Table is not { } table)
        {
            log.Info($"EcsBuildTasks: LocalEcs at {endpointUrl} no longer answers");
        }
        else if (!table.ExitsWhenUnused)
        {
            log.Detail($"EcsBuildTasks: LocalEcs at {endpointUrl} was started outside any build and is left running");
        }
        else if (table.Leases.Where(l => l.Id != leaseId).ToList() is { Count: > 0 } others)
        {
            log.Info($"EcsBuildTasks: done with LocalEcs at {endpointUrl}; it keeps running until this publish and {Describe(others)} are done");
        }
        else
        {
            log.Info($"EcsBuildTasks: done with LocalEcs at {endpointUrl}; no other build uses it, so it stops when this publish ends (state kept in {table.StateFile ?? "memory only"})");
        }
    }

    private static string Describe(IEnumerable<LeaseHolder> leases) =>
        string.Join(", ", leases.Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.Holder} (pid {l.ProcessId})")));

    private LocalEcsLease Joined(string endpoint, string leaseId, LeaseTable table, bool startedNow, bool held)
    {
        var state = table.StateFile is null ? "state in memory only" : $"state in {table.StateFile}";
        if (table.StartedBy is not { } starter)
        {
            log.Info($"EcsBuildTasks: using LocalEcs at {endpoint}, started outside any build (it is left running)");
            return new LocalEcsLease(endpoint, leaseId, LocalEcsOrigin.StartedByHand, null, null);
        }

        var origin = starter.Id == leaseId ? LocalEcsOrigin.StartedForThisBuild : LocalEcsOrigin.StartedByAnotherBuild;
        var starterText = string.Create(CultureInfo.InvariantCulture, $"{starter.Holder} (pid {starter.ProcessId})");
        log.Info((origin, startedNow, held) switch
        {
            (LocalEcsOrigin.StartedForThisBuild, true, _) => $"EcsBuildTasks: started LocalEcs at {endpoint} for this publish ({starter.Holder}; {state}); it stops when no build uses it any more; watch it at {endpoint}/",
            (LocalEcsOrigin.StartedForThisBuild, false, _) => $"EcsBuildTasks: using LocalEcs at {endpoint}, started for this publish by {starter.Holder}",
            (_, _, true) => $"EcsBuildTasks: using LocalEcs at {endpoint} started by {starterText}, which this publish joined",
            _ => $"EcsBuildTasks: joined LocalEcs at {endpoint} started by {starterText[..^1]}; {state})",
        });
        return new LocalEcsLease(endpoint, leaseId, origin, starter.Holder, starter.ProcessId);
    }

    private static (Process Process, StringBuilder Output) StartProcess(LocalEcsStart start, string leaseId)
    {
        if (!File.Exists(start.AssemblyPath))
        {
            throw new DeploymentException(DiagnosticCodes.LocalEcsUnavailable, "EcsLocalEcsAssembly",
                $"LocalEcs is not listening at {start.EndpointUrl} and its assembly was not found at {start.AssemblyPath}.");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(start.StateFile))!);
        var info = new ProcessStartInfo(start.DotnetHost)
        {
            UseShellExecute = false,
            // Its output is read while it starts (for the error when it cannot); it outlives this build, so it must not
            // hold the build's own console streams open.
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        string[] arguments =
        [
            "exec", start.AssemblyPath, "--port", new Uri(start.EndpointUrl).Port.ToString(CultureInfo.InvariantCulture), "--state-file", start.StateFile,
            "--lease", leaseId, "--lease-process", start.ProcessId.ToString(CultureInfo.InvariantCulture), "--lease-holder", start.Holder,
        ];
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new DeploymentException(DiagnosticCodes.LocalEcsUnavailable, EcsProperties.Target, $"LocalEcs could not be started with {start.DotnetHost}.");
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, output);
    }

    private static void Append(StringBuilder output, string? line)
    {
        lock (output)
        {
            // Only the start matters (why it could not run); a long-lived LocalEcs must not grow the build's memory.
            if (line is not null && output.Length < 16_384)
            {
                output.AppendLine(line);
            }
        }
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString().Trim();
        }
    }

    private static void StopStartedProcess(Process? process)
    {
        try
        {
            if (process is { HasExited: false })
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}
