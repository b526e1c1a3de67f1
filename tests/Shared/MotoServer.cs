using System.Diagnostics;
using System.Text;

namespace EcsBuildTasks.Testing;

/// <summary>
/// A moto server (<c>python3 -m moto.server</c>) on a free loopback port, started once per test process.
/// Tests share it, so they use unique resource names rather than resetting it.
/// </summary>
internal sealed class MotoServer : IDisposable
{
    private static readonly Lazy<MotoServer?> Shared = new(TryStart, LazyThreadSafetyMode.ExecutionAndPublication);
    private static string? startFailure;
    private readonly Process process;
    private readonly StringBuilder log;

    private MotoServer(Process process, StringBuilder log, int port)
    {
        this.process = process;
        this.log = log;
        Port = port;
    }

    public int Port { get; }

    public string Endpoint => $"http://127.0.0.1:{Port}";

    public string Log { get { lock (log) { return log.ToString(); } } }

    /// <summary>The shared server, or ends the test through <see cref="Peers.Missing"/> when moto is unavailable.</summary>
    public static MotoServer Instance
    {
        get
        {
            var server = Shared.Value;
            if (server is null)
            {
                Peers.Missing("moto (python3 -m moto.server): " + startFailure);
            }

            return server!;
        }
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }

        process.Dispose();
    }

    private static MotoServer? TryStart()
    {
        if (!Peers.CommandWorks("python3", "-c", "import moto"))
        {
            startFailure = "python3 cannot import moto";
            return null;
        }

        var port = ProcessRunner.FreeTcpPort();
        var log = new StringBuilder();
        var process = ProcessRunner.Start("python3", ["-m", "moto.server", "-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)], log);
        var server = new MotoServer(process, log, port);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Dispose();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                startFailure = "moto exited: " + server.Log;
                return null;
            }

            try
            {
                using var response = http.GetAsync(server.Endpoint + "/moto-api/data.json").GetAwaiter().GetResult();
                if (response.IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            Thread.Sleep(100);
        }

        server.Dispose();
        startFailure = "moto did not answer within 60 s: " + server.Log;
        return null;
    }
}
