using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace EcsBuildTasks.Testing;

/// <summary>
/// Debian's <c>docker-registry</c> (the CNCF distribution registry) on a free loopback port, optionally with
/// htpasswd Basic authentication. Each instance has its own storage folder.
/// </summary>
internal sealed class DockerRegistryServer : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder log;
    private readonly string directory;

    private DockerRegistryServer(Process process, StringBuilder log, string directory, int port)
    {
        this.process = process;
        this.log = log;
        this.directory = directory;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The registry name as the .NET SDK sees it; <c>localhost:</c> makes the SDK treat it as insecure (HTTP).</summary>
    public string Registry => $"localhost:{Port}";

    public string Url => $"http://127.0.0.1:{Port}";

    public string Log { get { lock (log) { return log.ToString(); } } }

    /// <summary>Starts a registry, or ends the test through <see cref="Peers.Missing"/> when the package is missing.</summary>
    public static DockerRegistryServer Start(string? user = null, string? password = null)
    {
        if (!File.Exists("/usr/bin/docker-registry"))
        {
            Peers.Missing("docker-registry (apt-get install docker-registry apache2-utils)");
        }

        var port = ProcessRunner.FreeTcpPort();
        var directory = Directory.CreateTempSubdirectory("ecs-registry-").FullName;
        var config = new StringBuilder()
            .AppendLine("version: 0.1")
            .AppendLine("log: { level: warn }")
            .AppendLine(CultureInfo.InvariantCulture, $"storage: {{ filesystem: {{ rootdirectory: {directory}/data }}, delete: {{ enabled: true }} }}")
            .AppendLine(CultureInfo.InvariantCulture, $"http: {{ addr: 127.0.0.1:{port} }}");
        if (user is not null && password is not null)
        {
            var htpasswd = ProcessRunner.Run("htpasswd", ["-Bbn", user, password]);
            if (htpasswd.ExitCode != 0)
            {
                Peers.Missing("htpasswd (apt-get install apache2-utils): " + htpasswd);
            }

            File.WriteAllText(Path.Combine(directory, "htpasswd"), htpasswd.StandardOutput.Trim() + "\n");
            config.AppendLine(CultureInfo.InvariantCulture, $"auth: {{ htpasswd: {{ realm: basic-realm, path: {directory}/htpasswd }} }}");
        }

        var configPath = Path.Combine(directory, "config.yml");
        File.WriteAllText(configPath, config.ToString());
        var log = new StringBuilder();
        var process = ProcessRunner.Start("/usr/bin/docker-registry", ["serve", configPath], log);
        var server = new DockerRegistryServer(process, log, directory, port);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = http.GetAsync(server.Url + "/v2/").GetAwaiter().GetResult();
                if (response.IsSuccessStatusCode || response.StatusCode == System.Net.HttpStatusCode.Unauthorized)
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

            if (process.HasExited)
            {
                break;
            }

            Thread.Sleep(100);
        }

        var output = server.Log;
        server.Dispose();
        throw new InvalidOperationException("docker-registry did not start: " + output);
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }

        process.Dispose();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
