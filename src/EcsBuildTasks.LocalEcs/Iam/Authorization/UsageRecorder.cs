using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Iam.Policies;
using EcsBuildTasks.LocalEcs.Protocols;

namespace EcsBuildTasks.LocalEcs.Iam.Authorization;

/// <summary>
/// Every (action, resource) a request needed, by principal and access key, with how often it was allowed or denied and
/// which statements allowed it; and which action patterns of which Allow statements were ever used, so that a test can
/// prove a policy has no excess (<c>GET /_localecs/iam/usage</c>).
/// </summary>
internal sealed class UsageRecorder
{
    /// <summary>The grant name of the default policy (<c>--iam-policy</c>) in usage reports.</summary>
    public const string DefaultGrant = "default";

    /// <summary>
    /// Distinct (principal, key, action, resource) entries kept: a LocalEcs left running for days describes ever new
    /// tasks; past this, new combinations are only counted (<see cref="Dropped"/>).
    /// </summary>
    public const int Capacity = 50_000;

    private readonly Lock gate = new();
    private readonly Dictionary<(string Principal, string? AccessKeyId, string Action, string Resource), Entry> entries = [];
    private readonly HashSet<(string Grant, string Policy, int Statement, string Pattern)> usedPatterns = [];

    /// <summary>Checks not kept because <see cref="Capacity"/> was reached.</summary>
    public int Dropped { get; private set; }

    public void Record(string principal, string? accessKeyId, AuthorizationCheck check, bool allowed, string? grant, IReadOnlyList<(NamedPolicy Policy, PolicyStatement Statement)> allowing)
    {
        lock (gate)
        {
            var key = (principal, accessKeyId, check.Action, check.Resource);
            if (!entries.TryGetValue(key, out var entry))
            {
                if (entries.Count >= Capacity)
                {
                    Dropped++;
                    entry = new Entry();
                }
                else
                {
                    entry = new Entry();
                    entries[key] = entry;
                }
            }

            if (allowed)
            {
                entry.Allowed++;
            }
            else
            {
                entry.Denied++;
            }

            foreach (var (policy, statement) in allowing)
            {
                entry.Statements.Add($"{policy.Name}#{statement.Name}");
                foreach (var pattern in statement.NotAction ? ["NotAction"] : statement.Actions.Where(p => Wildcard.MatchesAction(p, check.Action)))
                {
                    usedPatterns.Add((grant ?? DefaultGrant, policy.Name, statement.Index, pattern));
                }
            }
        }
    }

    public void Clear()
    {
        lock (gate)
        {
            entries.Clear();
            usedPatterns.Clear();
            Dropped = 0;
        }
    }

    /// <summary>The recorded requests (optionally of one access key), most used first.</summary>
    public JsonArray Requests(string? accessKeyId)
    {
        lock (gate)
        {
            return entries
                .Where(e => accessKeyId is null || e.Key.AccessKeyId == accessKeyId)
                .OrderBy(e => e.Key.Action, StringComparer.Ordinal).ThenBy(e => e.Key.Resource, StringComparer.Ordinal)
                .Select(e => (JsonNode?)new JsonObject
                {
                    ["principal"] = e.Key.Principal,
                    ["action"] = e.Key.Action,
                    ["resource"] = e.Key.Resource,
                    ["allowed"] = e.Value.Allowed,
                    ["denied"] = e.Value.Denied,
                    ["allowedBy"] = e.Value.Statements.Order(StringComparer.Ordinal).ToJsonArray(),
                }.Put("accessKeyId", e.Key.AccessKeyId))
                .ToJsonArray();
        }
    }

    /// <summary>The action patterns of a grant's Allow statements that no recorded request used: a policy's excess.</summary>
    public JsonArray Unused(string grant, IReadOnlyList<NamedPolicy> policies)
    {
        lock (gate)
        {
            var unused = new JsonArray();
            foreach (var policy in policies)
            {
                foreach (var statement in policy.Document.Statements.Where(s => s.Effect == Effect.Allow))
                {
                    foreach (var pattern in statement.NotAction ? ["NotAction"] : statement.Actions)
                    {
                        if (!usedPatterns.Contains((grant, policy.Name, statement.Index, pattern)))
                        {
                            unused.Add(new JsonObject { ["policy"] = policy.Name, ["statement"] = statement.Name, ["action"] = pattern });
                        }
                    }
                }
            }

            return unused;
        }
    }

    private sealed class Entry
    {
        public int Allowed { get; set; }

        public int Denied { get; set; }

        public HashSet<string> Statements { get; } = new(StringComparer.Ordinal);
    }
}
