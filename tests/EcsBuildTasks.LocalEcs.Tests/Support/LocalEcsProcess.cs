using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using EcsBuildTasks.Testing;

namespace EcsBuildTasks.LocalEcs.Tests.Support;

/// <summary>
/// LocalEcs as its own process (the program users run), for what an in-process server cannot show: that a request does
/// not crash the process, how much memory the process holds, and what survives <c>kill -9</c>.
/// </summary>
internal sealed class LocalEcsProcess : IAsyncDisposable
{
    private LocalEcsProcess(Process process, int port, StringBuilder log)
    {
        Process = process;
        Port = port;
        Log = log;
        Aws = new AwsClient(new Uri($"http://localhost:{port}"));
    }

    public Process Process { get; }

    public int Port { get; }

    public StringBuilder Log { get; }

    public AwsClient Aws { get; }

    public Uri BaseUrl => Aws.BaseUrl;

    public static string Program => Path.Combine(AppContext.BaseDirectory, "EcsBuildTasks.LocalEcs.dll");

    /// <summary>Starts LocalEcs (instant mode unless the arguments say otherwise) and waits until it answers.</summary>
    public static async Task<LocalEcsProcess> StartAsync(params string[] arguments)
    {
        var port = ProcessRunner.FreeTcpPort();
        var log = new StringBuilder();
        var all = new List<string> { Program, "--port", port.ToString(CultureInfo.InvariantCulture) };
        if (!arguments.Contains("--time-scale"))
        {
            all.AddRange(["--time-scale", "0"]);
        }

        all.AddRange(arguments);
        var process = ProcessRunner.Start("dotnet", all, log);
        var started = new LocalEcsProcess(process, port, log);
        try
        {
            await LiveLocalEcs.WaitUntilAsync(async () =>
            {
                Assert.IsFalse(process.HasExited, "LocalEcs exited at start:\n" + log);
                return await started.AnswersAsync();
            }, "LocalEcs to listen\n" + log, 120);
        }
        catch
        {
            await started.DisposeAsync();
            throw;
        }

        return started;
    }

    /// <summary>Whether the process is alive and both its AWS API and its control API answer.</summary>
    public async Task<bool> AnswersAsync()
    {
        if (Process.HasExited)
        {
            return false;
        }

        try
        {
            var (status, _) = await Aws.ControlAsync(HttpMethod.Get, "health");
            return status == HttpStatusCode.OK && (await Aws.EcsAsync("ListClusters"))["clusterArns"] is JsonArray;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>Fails the test unless LocalEcs still answers (and says what it printed).</summary>
    public async Task AssertStillAnswersAsync(string after)
    {
        Assert.IsTrue(await AnswersAsync(), $"LocalEcs stopped answering after {after}:\n{Log}");
    }

    /// <summary>The most memory the process has held so far (VmHWM), in bytes; Linux only.</summary>
    public long PeakResidentBytes() => StatusKilobytes("VmHWM:") * 1024;

    /// <summary>The memory the process holds now (VmRSS), in bytes; Linux only.</summary>
    public long ResidentBytes() => StatusKilobytes("VmRSS:") * 1024;

    /// <summary>SIGKILL: no shutdown code runs, nothing is saved on the way out.</summary>
    public void KillHard()
    {
        Process.Kill();
        Process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        Aws.Dispose();
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            await Process.WaitForExitAsync();
        }

        Process.Dispose();
    }

    public static void RequireLinux(string why)
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive(why);
        }
    }

    private long StatusKilobytes(string field)
    {
        var line = File.ReadLines($"/proc/{Process.Id}/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }
}
