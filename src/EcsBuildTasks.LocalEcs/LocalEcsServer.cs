using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;
using EcsBuildTasks.LocalEcs.Control;
using EcsBuildTasks.LocalEcs.Hosting;
using EcsBuildTasks.LocalEcs.Registry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EcsBuildTasks.LocalEcs;

/// <summary>
/// A running LocalEcs: every AWS API, the registry and the control API on <c>http://localhost:&lt;port&gt;</c>.
/// Start one with <see cref="StartAsync"/>; disposing it stops the simulation, saves the state file and closes the port.
/// </summary>
[SuppressMessage("Performance", "CA1515:Consider making public types internal", Justification = "The in-process API for tests and tools.")]
public sealed class LocalEcsServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly LeaseWatcher leaseWatcher;
    private int disposed;

    private LocalEcsServer(WebApplication app, LocalEcsRuntime runtime)
    {
        this.app = app;
        Runtime = runtime;
        leaseWatcher = new LeaseWatcher(runtime, app.Services.GetRequiredService<ILoggerFactory>().CreateLogger<LeaseWatcher>());
    }

    /// <summary>The port everything is served on.</summary>
    public int Port => Runtime.Port;

    /// <summary>The endpoint for AWS clients and the CLI (<c>--endpoint-url</c>).</summary>
    public Uri BaseUrl => new($"http://localhost:{Port}");

    /// <summary>The registry name for image references and <c>ContainerRegistry</c>.</summary>
    public string RegistryHost => Runtime.RegistryHost;

    /// <summary>The account every resource belongs to.</summary>
    public static string AccountId => State.Account.Id;

    internal LocalEcsRuntime Runtime { get; }

    /// <summary>Where <see cref="LocalEcsOptions.ResetState"/> moved the previous state file and journal (empty otherwise).</summary>
    public IReadOnlyList<string> StateBackups => Runtime.StateBackups;

    /// <summary>The header every control API request (<c>/_localecs/…</c>) needs, with any non-empty value: <c>LocalEcs-Control: 1</c>.</summary>
    public const string ControlHeader = RequestGuard.ControlHeader;

    /// <summary>Starts LocalEcs; with <see cref="LocalEcsOptions.Port"/> 0 a free port is picked.</summary>
    public static async Task<LocalEcsServer> StartAsync(LocalEcsOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        for (var attempt = 0; ; attempt++)
        {
            var port = options.Port == 0 ? FreeLoopbackPort() : options.Port;
            var app = Build(options, port, out var runtime);
            try
            {
                await app.StartAsync(cancellationToken);
            }
            catch (IOException) when (options.Port == 0 && attempt < 5)
            {
                // Another process took the port between probing and binding; try another.
                await app.DisposeAsync();
                continue;
            }

            if (options.RunSimulationLoop)
            {
                runtime.Engine.Start();
            }

            return new LocalEcsServer(app, runtime);
        }
    }

    /// <summary>
    /// Completes when a LocalEcs started for a build (<see cref="LocalEcsOptions.StartedForBuild"/>) is no longer used by
    /// any build: every lease was released or its build's process is gone. Never completes for one started by hand.
    /// </summary>
    public Task Unused => leaseWatcher.Unused;

    /// <summary>Completes when the host is asked to stop (Ctrl+C or SIGTERM for the command line).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        // Stop taking requests first (in-flight ones finish), then the simulation, then save: nothing changes after the save.
        await leaseWatcher.DisposeAsync();
        await app.StopAsync();
        await Runtime.Engine.StopAsync();
        Runtime.Engine.Dispose();
        Runtime.Store.Save(Runtime.State, Runtime.Clock.Now);
        Runtime.Store.Dispose();
        await app.DisposeAsync();
        Runtime.Blobs.Dispose();
    }

    private static WebApplication Build(LocalEcsOptions options, int port, out LocalEcsRuntime runtime)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // localhost (IPv4 and IPv6): "localhost:<port>" is what makes the .NET SDK treat the registry as insecure.
            kestrel.ListenLocalhost(port);
            // The largest body anything takes (a registry blob, streamed to disk); each request lowers it for its kind (RequestLimits).
            kestrel.Limits.MaxRequestBodySize = RequestLimits.BlobBytes;
            kestrel.AddServerHeader = false;
        });
        builder.Logging.ClearProviders();
        if (options.ConsoleLogging)
        {
            builder.Logging.AddSimpleConsole(c => c.SingleLine = true);
            builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        }
        else
        {
            builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
        }

        var app = builder.Build();
        var loggers = app.Services.GetRequiredService<ILoggerFactory>();
        try
        {
            runtime = new LocalEcsRuntime(options, port, loggers);
        }
        catch
        {
            ((IDisposable)app).Dispose();
            throw;
        }

        var router = new RequestRouter(runtime, new RegistryEndpoints(runtime), new ControlEndpoints(runtime, new LeaseEndpoints(runtime, loggers.CreateLogger<LeaseEndpoints>())), loggers.CreateLogger<RequestRouter>());
        app.Run(router.HandleAsync);
        return app;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>In-process servers leave Ctrl+C and SIGTERM to the host process (a test runner, a tool).</summary>
    private sealed class EmbeddedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
