using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Deployment;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Local;

/// <summary>A LocalEcs the build found listening, or started for the publish (and stops afterwards).</summary>
public sealed record LocalEcsInstance(string EndpointUrl, int? StartedProcessId);

/// <summary>
/// Makes sure LocalEcs answers at the endpoint: uses one that is listening, otherwise starts the LocalEcs that ships
/// with EcsBuildTasks for the duration of the publish, with a state file so that successive publishes see the previous
/// deployment.
/// </summary>
public sealed class LocalEcsLauncher(IDeploymentLog log, TimeProvider time)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };

    public async Task<LocalEcsInstance> EnsureRunningAsync(string endpointUrl, string assemblyPath, string stateFile, string dotnetHost, CancellationToken cancellationToken)
    {
        if (await IsHealthyAsync(endpointUrl, cancellationToken).ConfigureAwait(false))
        {
            log.Info($"EcsBuildTasks: using LocalEcs at {endpointUrl}");
            return new LocalEcsInstance(endpointUrl, null);
        }

        var uri = new Uri(endpointUrl);
        if (!uri.IsLoopback)
        {
            throw new DeploymentException(DiagnosticCodes.LocalEcsUnavailable, EcsProperties.EndpointUrl,
                $"Nothing answers at {EcsProperties.EndpointUrl}={endpointUrl}, and LocalEcs is only started on this machine (localhost). Start it there, or point {EcsProperties.EndpointUrl} at a running one.");
        }

        if (!File.Exists(assemblyPath))
        {
            throw new DeploymentException(DiagnosticCodes.LocalEcsUnavailable, "EcsLocalEcsAssembly",
                $"LocalEcs is not listening at {endpointUrl} and its assembly was not found at {assemblyPath}.");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(stateFile))!);
        var start = new ProcessStartInfo(dotnetHost)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        var arguments = new[]
        {
            "exec", assemblyPath, "--port", uri.Port.ToString(CultureInfo.InvariantCulture), "--state-file", stateFile,
            "--exit-with", Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new DeploymentException(DiagnosticCodes.LocalEcsUnavailable, EcsProperties.Target, $"LocalEcs could not be started with {dotnetHost}.");
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var started = time.GetTimestamp();
        while (time.GetElapsedTime(started) < TimeSpan.FromSeconds(60))
        {
            if (await IsHealthyAsync(endpointUrl, cancellationToken).ConfigureAwait(false))
            {
                log.Info($"EcsBuildTasks: started LocalEcs at {endpointUrl} for this publish (state in {stateFile})");
                return new LocalEcsInstance(endpointUrl, process.Id);
            }

            if (process.HasExited)
            {
                // Another build may have started one on the same port first: use it.
                if (await IsHealthyAsync(endpointUrl, cancellationToken).ConfigureAwait(false))
                {
                    return new LocalEcsInstance(endpointUrl, null);
                }

                string text;
                lock (output)
                {
                    text = output.ToString().Trim();
                }

                throw new DeploymentException(DiagnosticCodes.LocalEcsUnavailable, EcsProperties.EndpointUrl,
                    $"LocalEcs exited at start (exit code {process.ExitCode}): {text}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken).ConfigureAwait(false);
        }

        Stop(process.Id);
        throw new DeploymentException(DiagnosticCodes.LocalEcsUnavailable, EcsProperties.EndpointUrl, $"LocalEcs did not answer at {endpointUrl} within 60 s of starting.");
    }

    /// <summary>Stops a LocalEcs this build started; it saves its state file on the way out.</summary>
    public static void Stop(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            if (OperatingSystem.IsWindows())
            {
                process.Kill(entireProcessTree: true);
            }
            else
            {
                // SIGTERM lets ASP.NET Core shut down gracefully (LocalEcs writes its state file then).
                using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", processId.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false });
                kill?.WaitForExit();
            }

            if (!process.WaitForExit(15_000))
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
        catch (InvalidOperationException)
        {
        }
    }

    /// <summary>The default state file: one LocalEcs "account" per user, shared by every project.</summary>
    public static string DefaultStateFile() =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "EcsBuildTasks", "localecs", "state.json");

    private static async Task<bool> IsHealthyAsync(string endpointUrl, CancellationToken cancellationToken)
    {
        try
        {
            // LocalEcs's control API needs this header (a web page cannot send it): see its README.
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(endpointUrl), "/_localecs/health")) { Headers = { { "LocalEcs-Control", "1" } } };
            using var response = await Http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
