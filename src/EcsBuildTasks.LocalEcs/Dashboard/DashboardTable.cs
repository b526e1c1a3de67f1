using System.Globalization;
using System.Text.Json.Nodes;

namespace EcsBuildTasks.LocalEcs.Dashboard;

/// <summary>
/// A resource section of the dashboard as the page renders it without knowing the resource: a title, column names and
/// rows of cells. A cell is plain text, or an object the page knows how to draw (<see cref="Cell"/>). Rows may name the
/// service they belong to (<c>cluster/service</c>), so selecting a service filters them.
/// </summary>
internal sealed class DashboardTable(string id, string title, params string[] columns)
{
    private const int MaxRows = 300;
    private readonly JsonArray rows = [];
    private int omitted;

    /// <summary>Shown instead of an empty table.</summary>
    public string Empty { get; init; } = "None yet.";

    public DashboardTable Row(string key, string? service, params JsonNode?[] cells)
    {
        if (rows.Count >= MaxRows)
        {
            omitted++;
            return this;
        }

        var row = new JsonObject { ["key"] = key, ["cells"] = new JsonArray(cells) };
        if (service is not null)
        {
            row["service"] = service;
        }

        rows.Add(row);
        return this;
    }

    public JsonObject ToJson() => new()
    {
        ["id"] = id,
        ["title"] = title,
        ["columns"] = new JsonArray(columns.Select(c => (JsonNode?)c).ToArray()),
        ["rows"] = rows,
        ["empty"] = Empty,
        ["omitted"] = omitted,
    };
}

/// <summary>Cells the page draws: toned badges, weight bars, lists, simulated times.</summary>
internal static class Cell
{
    /// <summary>Text, optionally as a badge with a tone (<c>ok</c>, <c>warn</c>, <c>bad</c>, <c>info</c>, <c>muted</c>) and a tooltip.</summary>
    public static JsonNode? Text(string? text, string? tone = null, string? title = null)
    {
        if (text is null)
        {
            return null;
        }

        if (tone is null && title is null)
        {
            return text;
        }

        var cell = new JsonObject { ["text"] = text };
        if (tone is not null)
        {
            cell["tone"] = tone;
        }

        if (title is not null)
        {
            cell["title"] = title;
        }

        return cell;
    }

    /// <summary>Monospaced text (ids, digests, addresses), with the full value as a tooltip when shortened.</summary>
    public static JsonNode? Code(string? text, int keep = 0)
    {
        if (text is null)
        {
            return null;
        }

        var shown = keep > 0 && text.Length > keep ? text[..keep] + "…" : text;
        return new JsonObject { ["text"] = shown, ["mono"] = true, ["title"] = shown == text ? null : text };
    }

    public static JsonNode Number(int value) => value;

    public static JsonNode? Time(DateTimeOffset? at) => at is { } value ? new JsonObject { ["time"] = value.ToUnixTimeMilliseconds() } : null;

    /// <summary>A weighted forward: one bar per target group with its share.</summary>
    public static JsonNode Weights(IEnumerable<(string Label, double Weight)> weights) => new JsonObject
    {
        ["weights"] = new JsonArray(weights.Select(w => (JsonNode?)new JsonObject { ["label"] = w.Label, ["weight"] = w.Weight }).ToArray()),
    };

    public static JsonNode List(IEnumerable<JsonNode?> items) => new JsonObject { ["items"] = new JsonArray(items.Where(i => i is not null).ToArray()) };

    public static string Size(long bytes) => bytes switch
    {
        >= 1 << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0.0} MiB"),
        >= 1 << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
    };

    /// <summary>The tone of a status word wherever it appears (tasks, targets, deployments, hooks).</summary>
    public static string? Tone(string? status) => status switch
    {
        null => null,
        "RUNNING" or "ACTIVE" or "healthy" or "HEALTHY" or "SUCCESSFUL" or "COMPLETED" or "SUCCEEDED" or "PRIMARY" or "OK" => "ok",
        "PROVISIONING" or "PENDING" or "ACTIVATING" or "IN_PROGRESS" or "initial" or "AWAITING_ACTION" or "MONITORING" => "info",
        "DEACTIVATING" or "STOPPING" or "DEPROVISIONING" or "draining" or "DRAINING" or "ROLLBACK_IN_PROGRESS" or "ROLLBACK_REQUESTED"
            or "STOP_REQUESTED" or "INSUFFICIENT_DATA" or "ROLLBACK_SUCCESSFUL" => "warn",
        "unhealthy" or "UNHEALTHY" or "FAILED" or "ROLLBACK_FAILED" or "TIMED_OUT" or "TRIGGERED" or "ALARM" or "STOPPED" => "bad",
        _ => "muted",
    };
}
