using System.Globalization;
using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Hosting;
using EcsBuildTasks.LocalEcs.Protocols;
using Microsoft.Extensions.Logging;

namespace EcsBuildTasks.LocalEcs.Control;

/// <summary>
/// <c>/_localecs/leases</c>: the builds that use this LocalEcs. A build takes a lease before its first call and releases
/// it when done; LocalEcs ends the leases of builds whose process is gone, and one started for a build exits when no
/// lease is left (<see cref="BuildLeases"/>).
/// </summary>
internal sealed partial class LeaseEndpoints(LocalEcsRuntime runtime, ILogger logger)
{
    public const string Path = "leases";

    /// <summary>Lease ids and holder descriptions: a GUID or a project's name, never long.</summary>
    private const int MaxText = 256;

    public static bool Handles(string path) => path == Path || path.StartsWith(Path + "/", StringComparison.Ordinal);

    public (int Status, JsonNode Body) Handle(string method, string path, JsonObject body) => (method, path) switch
    {
        ("GET", Path) => (200, Table()),
        ("POST", Path) => Acquire(body),
        ("DELETE", _) when path.Length > Path.Length + 1 => Release(Uri.UnescapeDataString(path[(Path.Length + 1)..])),
        _ => (404, new JsonObject { ["error"] = $"No control endpoint {method} /_localecs/{path}. GET /_localecs/ lists them." }),
    };

    private (int, JsonNode) Acquire(JsonObject body)
    {
        var input = new ControlInput(body, "id", "processId", "holder");
        var id = input.String("id", required: true, maxLength: MaxText);
        var processId = input.Integer("processId", 1, int.MaxValue, required: true);
        var holder = input.String("holder", required: true, maxLength: MaxText);
        if (id is not null && string.IsNullOrWhiteSpace(id))
        {
            input.Fail("'id' must not be blank");
        }

        if (!input.IsValid)
        {
            return (400, new JsonObject { ["error"] = input.Error + " Give {\"id\": \"<your lease id>\", \"processId\": <the build's process id>, \"holder\": \"project Orders\"}." });
        }

        BuildLease lease;
        try
        {
            lease = runtime.Leases.Acquire(id!, (int)processId!.Value, holder!);
        }
        catch (LeaseRefusedException e)
        {
            return (runtime.Leases.Stopping ? 503 : 409, new JsonObject { ["error"] = e.Message, ["stopping"] = runtime.Leases.Stopping });
        }

        LogAcquired(logger, lease.Holder, lease.ProcessId);
        var table = Table();
        table["lease"] = Describe(lease);
        return (200, table);
    }

    private (int, JsonNode) Release(string id)
    {
        if (id.Length > MaxText || string.IsNullOrWhiteSpace(id))
        {
            return (400, new JsonObject { ["error"] = $"A lease id is 1 to {MaxText} characters." });
        }

        var released = runtime.Leases.Release(id);
        if (released)
        {
            LogReleased(logger, id);
        }

        var table = Table();
        table["released"] = released;
        return (200, table);
    }

    private JsonObject Table()
    {
        var leases = runtime.Leases;
        return new JsonObject
        {
            ["startedBy"] = leases.StartedBy is { } starter ? Describe(starter) : null,
            ["exitsWhenUnused"] = leases.ExitsWhenUnused,
            ["stopping"] = leases.Stopping,
            ["stateFile"] = runtime.Store.FilePath,
            ["leases"] = leases.Current.Select(l => (JsonNode?)Describe(l)).ToJsonArray(),
        };
    }

    private static JsonObject Describe(BuildLease lease) => new()
    {
        ["id"] = lease.Id,
        ["processId"] = lease.ProcessId,
        ["holder"] = lease.Holder,
        ["acquiredAt"] = lease.AcquiredAt.ToString("O", CultureInfo.InvariantCulture),
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Lease taken by {Holder} (process {ProcessId})")]
    private static partial void LogAcquired(ILogger logger, string holder, int processId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Lease {Id} released")]
    private static partial void LogReleased(ILogger logger, string id);
}
