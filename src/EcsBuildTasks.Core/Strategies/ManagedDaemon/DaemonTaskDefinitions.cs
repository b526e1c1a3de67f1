using System.Text.Json.Nodes;
using EcsBuildTasks.Aws.ECS;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Infrastructure;

namespace EcsBuildTasks.Core.Strategies.ManagedDaemon;

/// <summary>
/// The daemon task definition of a project: its task definition (generated from the same properties, with the same
/// image pinned by digest) carried over member by member into what <c>RegisterDaemonTaskDefinition</c> accepts. What
/// a daemon task definition has no member for is left out and named, so the project sees it (ECS6024).
/// </summary>
internal static class DaemonTaskDefinitions
{
    /// <summary>Members the generator writes for every task (a daemon task has the host's network and ECS's placement), left out silently.</summary>
    private static readonly HashSet<string> NotForDaemons = new(StringComparer.Ordinal)
    {
        "networkMode", "requiresCompatibilities", "runtimePlatform", "tags",
    };

    /// <summary>The daemon task definition and the members of <paramref name="definition"/> it cannot carry (<c>member</c> or <c>container name.member</c>).</summary>
    public static (RegisterDaemonTaskDefinitionRequest Request, IReadOnlyList<string> Dropped) Convert(RegisterTaskDefinitionRequest definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var source = JsonNode.Parse(EcsJson.Serialize(definition))!.AsObject();
        foreach (var member in NotForDaemons)
        {
            source.Remove(member);
        }

        var request = EcsJson.Deserialize<RegisterDaemonTaskDefinitionRequest>(source.ToJsonString());
        var carried = JsonNode.Parse(EcsJson.Serialize(request))!.AsObject();
        var dropped = new List<string>();
        Missing(source, carried, string.Empty, dropped);
        return (request, dropped);
    }

    /// <summary>
    /// Whether <paramref name="registered"/> already is <paramref name="desired"/>: every member the project sets has the
    /// same value there (members ECS filled in are not differences).
    /// </summary>
    public static bool Same(RegisterDaemonTaskDefinitionRequest desired, DaemonTaskDefinition registered)
    {
        ArgumentNullException.ThrowIfNull(desired);
        ArgumentNullException.ThrowIfNull(registered);
        var wanted = JsonNode.Parse(EcsJson.Serialize(desired))!.AsObject();
        wanted.Remove("tags");
        var actual = JsonNode.Parse(EcsJson.Serialize(registered));
        return Contains(actual, wanted);
    }

    private static bool Contains(JsonNode? actual, JsonNode? wanted) => (actual, wanted) switch
    {
        (_, null) => true,
        (JsonObject have, JsonObject want) => want.All(m => m.Value is null || m.Value is JsonArray { Count: 0 } && have[m.Key] is null || Contains(have[m.Key], m.Value)),
        (JsonArray have, JsonArray want) => have.Count == want.Count && want.Select((item, index) => Contains(have[index], item)).All(same => same),
        (null, _) => false,
        _ => CanonicalJson.Write(actual) == CanonicalJson.Write(wanted),
    };

    private static void Missing(JsonObject source, JsonObject carried, string path, List<string> dropped)
    {
        foreach (var (member, value) in source)
        {
            if (value is null || value is JsonArray { Count: 0 })
            {
                continue;
            }

            var name = path.Length == 0 ? member : $"{path}.{member}";
            switch (carried[member])
            {
                case null:
                    dropped.Add(name);
                    break;
                case JsonObject inner when value is JsonObject outer:
                    Missing(outer, inner, name, dropped);
                    break;
                case JsonArray items when value is JsonArray sources:
                    for (var i = 0; i < Math.Min(items.Count, sources.Count); i++)
                    {
                        if (sources[i] is JsonObject from && items[i] is JsonObject to)
                        {
                            Missing(from, to, from["name"]?.GetValue<string>() is { } container && member == "containerDefinitions" ? container : $"{name}[{i}]", dropped);
                        }
                    }

                    break;
            }
        }
    }
}
