using System.Text.Json.Nodes;

namespace EcsBuildTasks.Core.Features.Plan;

/// <summary>How a field differs between the live resource and what the deploy would send.</summary>
internal enum PlanChangeKind
{
    /// <summary><c>+</c>: only the project has it.</summary>
    Added,

    /// <summary><c>-</c>: only the live resource has it.</summary>
    Removed,

    /// <summary><c>~</c>: both have it, with different values.</summary>
    Changed,
}

/// <summary>One field that differs: its JSON path (list items by their name or key), the live value and the new one (JSON, or null).</summary>
internal sealed record PlanChange(string Path, PlanChangeKind Kind, string? Old, string? New)
{
    /// <summary>The change is the container image the build replaces (a new build of the same repository).</summary>
    public bool IsNewImage { get; init; }

    public string Symbol => Kind switch { PlanChangeKind.Added => "+", PlanChangeKind.Removed => "-", _ => "~" };

    /// <summary>The plan's line for it, e.g. <c>~ memory: "512" → "1024"</c>.</summary>
    public string Describe() => IsNewImage
        ? $"{Symbol} {Path}: new image (replaces {Old})"
        : Kind switch
        {
            PlanChangeKind.Added => $"+ {Path}: {New}",
            PlanChangeKind.Removed => $"- {Path}: {Old}",
            _ => $"~ {Path}: {Old} → {New}",
        };
}

/// <summary>
/// Field-level differences between two JSON documents of the same ECS shape. Lists of named things (containers,
/// environment variables, secrets, tags, port mappings, ...) are matched by their name or key, so that a change reads as
/// <c>containerDefinitions[web].environment[LOG_LEVEL].value</c> and reordering is no change; lists whose order carries
/// no meaning (subnets, security groups) are compared as sets.
/// </summary>
internal static class DefinitionDiff
{
    /// <summary>The member that names an item of a list, by the list's member name.</summary>
    private static readonly Dictionary<string, string> ListKeys = new(StringComparer.Ordinal)
    {
        ["containerDefinitions"] = "name",
        ["environment"] = "name",
        ["secrets"] = "name",
        ["tags"] = "key",
        ["volumes"] = "name",
        ["ulimits"] = "name",
        ["mountPoints"] = "containerPath",
        ["dependsOn"] = "containerName",
        ["loadBalancers"] = "targetGroupArn",
        ["serviceRegistries"] = "registryArn",
        ["capacityProviderStrategy"] = "capacityProvider",
        ["placementConstraints"] = "expression",
        ["lifecycleHooks"] = "hookTargetArn",
        ["services"] = "portName",
        ["resourceRequirements"] = "type",
        ["extraHosts"] = "hostname",
        ["systemControls"] = "namespace",
        ["environmentFiles"] = "value",
        ["inferenceAccelerators"] = "deviceName",
    };

    /// <summary>Lists whose order carries no meaning: compared as sets.</summary>
    private static readonly HashSet<string> UnorderedLists = new(StringComparer.Ordinal) { "subnets", "securityGroups", "alarmNames", "requiresCompatibilities", "links", "dnsServers", "dnsSearchDomains" };

    /// <summary>
    /// The differences from <paramref name="live"/> to <paramref name="desired"/>. With <paramref name="desiredOnly"/>,
    /// a member the desired document leaves out is no difference (an update sends only what the project sets, so the
    /// live value stays); otherwise it is a removal, unless <paramref name="isDefault"/> says the live value is what ECS
    /// fills in for a member left out.
    /// </summary>
    public static IReadOnlyList<PlanChange> Compare(JsonNode? live, JsonNode? desired, string path, bool desiredOnly, Func<string, JsonNode, bool>? isDefault = null)
    {
        var changes = new List<PlanChange>();
        Walk(live, desired, path, memberName: path, desiredOnly, isDefault ?? ((_, _) => false), changes);
        return changes;
    }

    /// <summary>Drops nulls, empty lists and empty objects (ECS answers <c>[]</c> for lists a request leaves out).</summary>
    public static JsonNode? Prune(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                var pruned = new JsonObject();
                foreach (var (name, value) in obj)
                {
                    if (Prune(value) is { } kept)
                    {
                        pruned[name] = kept;
                    }
                }

                return pruned.Count == 0 ? null : pruned;
            case JsonArray array:
                var items = new JsonArray();
                foreach (var item in array)
                {
                    if (Prune(item) is { } kept)
                    {
                        items.Add(kept);
                    }
                }

                return items.Count == 0 ? null : items;
            default:
                return node?.DeepClone();
        }
    }

    private static void Walk(JsonNode? live, JsonNode? desired, string path, string memberName, bool desiredOnly, Func<string, JsonNode, bool> isDefault, List<PlanChange> changes)
    {
        if (desired is null)
        {
            if (live is not null && !desiredOnly && !isDefault(memberName, live))
            {
                changes.Add(new PlanChange(path, PlanChangeKind.Removed, Text(live), null));
            }

            return;
        }

        if (live is null)
        {
            changes.Add(new PlanChange(path, PlanChangeKind.Added, null, Text(desired)));
            return;
        }

        switch (desired)
        {
            case JsonObject wantObject when live is JsonObject haveObject:
                foreach (var name in wantObject.Select(p => p.Key).Union(desiredOnly ? [] : haveObject.Select(p => p.Key), StringComparer.Ordinal))
                {
                    Walk(haveObject[name], wantObject[name], Join(path, name), name, desiredOnly, isDefault, changes);
                }

                return;
            case JsonArray wantArray when live is JsonArray haveArray:
                CompareLists(haveArray, wantArray, path, memberName, desiredOnly, isDefault, changes);
                return;
            default:
                if (!JsonNode.DeepEquals(live, desired))
                {
                    changes.Add(new PlanChange(path, PlanChangeKind.Changed, Text(live), Text(desired)));
                }

                return;
        }
    }

    private static void CompareLists(JsonArray live, JsonArray desired, string path, string memberName, bool desiredOnly, Func<string, JsonNode, bool> isDefault, List<PlanChange> changes)
    {
        if (UnorderedLists.Contains(memberName))
        {
            var have = live.Select(Text).Order(StringComparer.Ordinal).ToList();
            var want = desired.Select(Text).Order(StringComparer.Ordinal).ToList();
            if (!have.SequenceEqual(want))
            {
                changes.Add(new PlanChange(path, PlanChangeKind.Changed, live.ToJsonString(), desired.ToJsonString()));
            }

            return;
        }

        if (ListKeys.TryGetValue(memberName, out var key) && AllKeyed(live, key) && AllKeyed(desired, key))
        {
            var haveByKey = live.ToDictionary(i => (string)i![key]!.ToString(), i => i, StringComparer.Ordinal);
            var wantByKey = desired.ToDictionary(i => (string)i![key]!.ToString(), i => i, StringComparer.Ordinal);
            foreach (var name in wantByKey.Keys.Union(haveByKey.Keys, StringComparer.Ordinal))
            {
                // A list is sent whole: an item the project no longer has goes, even when updates send only what is set.
                var (had, wanted) = (haveByKey.GetValueOrDefault(name), wantByKey.GetValueOrDefault(name));
                Walk(had, wanted, $"{path}[{name}]", memberName, desiredOnly && had is not null && wanted is not null, isDefault, changes);
            }

            return;
        }

        for (var i = 0; i < Math.Max(live.Count, desired.Count); i++)
        {
            var (had, wanted) = (i < live.Count ? live[i] : null, i < desired.Count ? desired[i] : null);
            Walk(had, wanted, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{path}[{i}]"), memberName, desiredOnly && had is not null && wanted is not null, isDefault, changes);
        }
    }

    private static bool AllKeyed(JsonArray list, string key) =>
        list.All(i => i is JsonObject o && o[key] is JsonValue) && list.Select(i => i![key]!.ToString()).Distinct(StringComparer.Ordinal).Count() == list.Count;

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private static string Text(JsonNode? node) => node?.ToJsonString() ?? "null";
}
