using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace EcsBuildTasks.LocalEcs.Control;

/// <summary>
/// Reads a control request body strictly: only the members the endpoint takes, each of its type and in its range. Every
/// problem is collected, and the endpoint answers 400 with all of them instead of acting on a value it half understood
/// (<c>{"count": "abc", "latencyMs": 1e40}</c> once became an endless fault).
/// </summary>
internal sealed class ControlInput
{
    private readonly JsonObject body;
    private readonly List<string> problems = [];

    /// <summary>Query string parameters are text: numbers and booleans are read from their text.</summary>
    private readonly bool fromQuery;

    public ControlInput(JsonObject body, params string[] members)
        : this(body, false, members)
    {
    }

    private ControlInput(JsonObject body, bool fromQuery, string[] members)
    {
        this.body = body;
        this.fromQuery = fromQuery;
        var what = fromQuery ? "parameter" : "member";
        foreach (var (name, _) in body)
        {
            if (!members.Contains(name, StringComparer.Ordinal))
            {
                problems.Add(members.Length == 0
                    ? $"'{name}' is not a {what} of this request (it takes none)"
                    : $"'{name}' is not a {what} of this request (it takes {string.Join(", ", members.Select(m => $"'{m}'"))})");
            }
        }
    }

    /// <summary>Reads the query string of a GET (<c>?name=api.example.com&amp;samples=100</c>) as strictly as a body.</summary>
    public static ControlInput FromQuery(IQueryCollection query, params string[] members)
    {
        var values = new JsonObject();
        var repeated = new List<string>();
        foreach (var (name, value) in query)
        {
            if (value.Count > 1)
            {
                repeated.Add(name);
            }

            values[name] = value.ToString();
        }

        var input = new ControlInput(values, true, members);
        foreach (var name in repeated)
        {
            input.Fail($"'{Shorten(name)}' is given more than once");
        }

        return input;
    }

    public IReadOnlyList<string> Problems => problems;

    public bool IsValid => problems.Count == 0;

    /// <summary>One line with every problem, for the 400 answer.</summary>
    public string Error => string.Join("; ", problems) + ".";

    public string? String(string name, bool required = false, int maxLength = 2048, IReadOnlyCollection<string>? allowed = null)
    {
        var node = body[name];
        if (node is null)
        {
            if (body.ContainsKey(name) || required)
            {
                problems.Add(body.ContainsKey(name) ? $"'{name}' must be a string, not null" : $"'{name}' is required");
            }

            return null;
        }

        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
        {
            problems.Add($"'{name}' must be a string, not {Kind(node)}");
            return null;
        }

        var text = value.GetValue<string>();
        if (text.Length == 0 || text.Length > maxLength)
        {
            problems.Add($"'{name}' must be a string of 1 to {maxLength} characters");
            return null;
        }

        if (allowed is not null && !allowed.Contains(text))
        {
            problems.Add($"'{name}' must be one of {string.Join(", ", allowed)}, not '{Shorten(text)}'");
            return null;
        }

        return text;
    }

    public long? Integer(string name, long minimum, long maximum, bool required = false)
    {
        var number = Number(name, required);
        if (number is not { } n)
        {
            return null;
        }

        if (n != Math.Floor(n) || n < minimum || n > maximum)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"'{name}' must be a whole number from {minimum} to {maximum}, not {n}"));
            return null;
        }

        return (long)n;
    }

    public double? Real(string name, double minimum, double maximum, bool required = false)
    {
        var number = Number(name, required);
        if (number is not { } n)
        {
            return null;
        }

        if (n < minimum || n > maximum)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"'{name}' must be a number from {minimum} to {maximum}, not {n}"));
            return null;
        }

        return n;
    }

    public bool? Boolean(string name)
    {
        switch (body[name])
        {
            case null:
                if (body.ContainsKey(name))
                {
                    problems.Add($"'{name}' must be true or false, not null");
                }

                return null;
            case JsonValue value when value.GetValueKind() is JsonValueKind.True or JsonValueKind.False:
                return value.GetValue<bool>();
            case JsonValue value when fromQuery && value.GetValueKind() == JsonValueKind.String && bool.TryParse(value.GetValue<string>(), out var parsed):
                return parsed;
            default:
                problems.Add($"'{name}' must be true or false, not {Kind(body[name])}");
                return null;
        }
    }

    /// <summary>A member taken as JSON (a policy document): present, not null, and of one of the kinds given.</summary>
    public JsonNode? Json(string name, params JsonValueKind[] kinds)
    {
        var node = body[name];
        if (node is null)
        {
            if (body.ContainsKey(name))
            {
                problems.Add($"'{name}' must not be null");
            }

            return null;
        }

        if (!kinds.Contains(node.GetValueKind()))
        {
            problems.Add($"'{name}' must be {string.Join(" or ", kinds.Select(k => "a JSON " + k.ToString().ToLowerInvariant()))}, not {Kind(node)}");
            return null;
        }

        return node;
    }

    /// <summary>Adds a problem found by a rule between members (e.g. rates summing past 1).</summary>
    public void Fail(string problem) => problems.Add(problem);

    private double? Number(string name, bool required)
    {
        switch (body[name])
        {
            case null:
                if (required || body.ContainsKey(name))
                {
                    problems.Add(body.ContainsKey(name) ? $"'{name}' must be a number, not null" : $"'{name}' is required");
                }

                return null;
            case JsonValue value when value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<double>(out var n) && double.IsFinite(n):
                return n;
            case JsonValue value when fromQuery && value.GetValueKind() == JsonValueKind.String
                && double.TryParse(value.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var q) && double.IsFinite(q):
                return q;
            default:
                problems.Add($"'{name}' must be a finite number, not {Kind(body[name])}");
                return null;
        }
    }

    private static string Kind(JsonNode? node) => node switch
    {
        null => "null",
        JsonValue value when value.GetValueKind() == JsonValueKind.String => $"the string \"{Shorten(value.GetValue<string>())}\"",
        JsonValue value when value.GetValueKind() == JsonValueKind.Number => Shorten(value.ToJsonString()),
        _ => node.GetValueKind().ToString().ToLowerInvariant(),
    };

    private static string Shorten(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
