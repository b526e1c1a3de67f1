using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

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

    public ControlInput(JsonObject body, params string[] members)
    {
        this.body = body;
        foreach (var (name, _) in body)
        {
            if (!members.Contains(name, StringComparer.Ordinal))
            {
                problems.Add($"'{name}' is not a member of this request (it takes {string.Join(", ", members.Select(m => $"'{m}'"))})");
            }
        }
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
