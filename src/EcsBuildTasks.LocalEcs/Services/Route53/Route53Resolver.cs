using System.Globalization;
using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Services.Route53;

/// <summary>
/// What DNS answers for a name now, as Route 53's name servers would: the record sets of the zone that holds the name,
/// without the changes that are still PENDING; for a weighted group, each set's share of the answers
/// (weight / sum of weights; equal shares when every weight is 0, as Route 53 does); and where each answer leads —
/// another LocalEcs record, or a Cloud Map service and its instances.
/// </summary>
internal static class Route53Resolver
{
    private const int MaxDepth = 5;

    /// <summary>The record sets DNS serves for a zone at <paramref name="now"/>: the API's, with PENDING changes undone, newest first.</summary>
    public static List<RecordSet> Served(Route53State state, HostedZoneRecord zone, DateTimeOffset now)
    {
        var records = zone.RecordSets.ToList();
        foreach (var change in state.Changes.Values.Where(c => c.ZoneId == zone.Id && c.InsyncAt > now).OrderByDescending(c => c.Sequence))
        {
            foreach (var before in Enumerable.Reverse(change.Before))
            {
                records.RemoveAll(r => r.Name == before.Name && r.Type == before.Type && r.SetIdentifier == before.SetIdentifier);
                if (before.Previous is not null)
                {
                    records.Add(before.Previous);
                }
            }
        }

        return records;
    }

    /// <summary>The deepest zone that holds <paramref name="name"/> (a public one before a private one of the same name), or the one asked for.</summary>
    public static HostedZoneRecord? ZoneFor(Route53State state, string name, string? zoneId)
    {
        if (zoneId is not null)
        {
            return state.Zones.TryGetValue(zoneId[(zoneId.LastIndexOf('/') + 1)..], out var chosen) && DnsNames.IsInZone(name, chosen.Name) ? chosen : null;
        }

        return state.Zones.Values
            .Where(z => DnsNames.IsInZone(name, z.Name))
            .OrderByDescending(z => z.Name.Length)
            .ThenBy(z => z.PrivateZone)
            .ThenBy(z => z.CreatedAt)
            .FirstOrDefault();
    }

    /// <param name="roll">A number in [0, 1) that picks the answer deterministically; random when null.</param>
    /// <param name="samples">When positive, that many simulated queries with <paramref name="seed"/>: answers counted by set.</param>
    public static JsonObject? Resolve(AccountState account, string name, string? type, string? zoneId, double? roll, int samples, int seed, DateTimeOffset now) =>
        Resolve(account, DnsNames.Normalize(name), type, zoneId, roll, samples, seed, now, 0);

    private static JsonObject? Resolve(AccountState account, string name, string? type, string? zoneId, double? roll, int samples, int seed, DateTimeOffset now, int depth)
    {
        var state = account.Route53;
        if (ZoneFor(state, name, zoneId) is not { } zone)
        {
            return null;
        }

        var served = Served(state, zone, now);
        var atName = RecordsAt(served, name, zone.Name);
        var cname = atName.Where(r => r.Type == "CNAME").ToList();
        var answerType = cname.Count > 0 ? "CNAME" : type ?? (atName.Any(r => r.Type == "A") ? "A" : atName.FirstOrDefault()?.Type);
        var group = atName.Where(r => r.Type == answerType).ToList();
        var shares = Shares(group);
        var pending = state.Changes.Values.Where(c => c.ZoneId == zone.Id && c.InsyncAt > now).OrderBy(c => c.Sequence).ToList();
        var answers = group.Select((record, i) => (JsonNode?)new JsonObject
        {
            ["routing"] = Routing(record),
            ["share"] = shares[i],
            ["values"] = record.Values.ToJsonArray(),
        }
        .Put("setIdentifier", record.SetIdentifier)
        .Put("weight", record.Weight)
        .Put("ttl", record.Ttl)
        .Put("aliasTarget", record.AliasTarget?.DeepClone())
        .Put("reaches", depth < MaxDepth ? Reaches(account, record, now, depth) : null)).ToJsonArray();

        var result = new JsonObject
        {
            ["name"] = DnsNames.Escape(name),
            ["type"] = answerType,
            ["zone"] = new JsonObject { ["id"] = "/hostedzone/" + zone.Id, ["name"] = DnsNames.Escape(zone.Name), ["privateZone"] = zone.PrivateZone },
            ["answers"] = answers,
            ["propagating"] = pending.Count > 0,
            ["pendingChanges"] = pending.Select(c => (JsonNode?)new JsonObject
            {
                ["id"] = "/change/" + c.Id,
                ["insyncAt"] = AwsValues.ToIso8601(c.InsyncAt),
            }).ToJsonArray(),
        };
        if (group.Count == 0)
        {
            // Cloud Map answers for its services' names in the zone it manages for the namespace.
            var service = atName.Count == 0 ? CloudMapService(account, name) : null;
            result["nxdomain"] = atName.Count == 0 && service is null;
            return result.Put("cloudMap", service);
        }

        var picked = Pick(shares, roll ?? Random.Shared.NextDouble());
        result["pick"] = new JsonObject { ["values"] = group[picked].Values.ToJsonArray() }.Put("setIdentifier", group[picked].SetIdentifier);
        if (samples > 0)
        {
            var random = new Random(seed);
            var counts = new int[group.Count];
            for (var i = 0; i < samples; i++)
            {
                counts[Pick(shares, random.NextDouble())]++;
            }

            var tally = new JsonObject();
            for (var i = 0; i < group.Count; i++)
            {
                tally[group[i].SetIdentifier ?? string.Join(",", group[i].Values)] = counts[i];
            }

            result["samples"] = tally;
        }

        return result;
    }

    /// <summary>Records at the name, else at the closest wildcard above it within the zone.</summary>
    private static List<RecordSet> RecordsAt(List<RecordSet> served, string name, string zoneName)
    {
        var exact = served.Where(r => r.Name == name).ToList();
        for (var current = name; exact.Count == 0 && current != zoneName && current.Contains('.', StringComparison.Ordinal);)
        {
            current = current[(current.IndexOf('.', StringComparison.Ordinal) + 1)..];
            exact = served.Where(r => r.Name == "*." + current).ToList();
        }

        return exact;
    }

    /// <summary>Each set's share of the answers: weights over their sum, equal shares when all are 0; other policies share equally.</summary>
    private static double[] Shares(List<RecordSet> group)
    {
        if (group.Count == 0)
        {
            return [];
        }

        var weights = group.Select(r => (double)(r.Weight ?? 0)).ToArray();
        var total = weights.Sum();
        return group.All(r => r.Weight is not null) && total > 0
            ? [.. weights.Select(w => Math.Round(w / total, 6))]
            : [.. group.Select(_ => Math.Round(1.0 / group.Count, 6))];
    }

    private static int Pick(double[] shares, double roll)
    {
        var cumulative = 0.0;
        for (var i = 0; i < shares.Length; i++)
        {
            cumulative += shares[i];
            if (roll < cumulative)
            {
                return i;
            }
        }

        // Rounding can leave the sum just under 1: the last set with a share takes the rest.
        return Array.FindLastIndex(shares, s => s > 0) is var last and >= 0 ? last : shares.Length - 1;
    }

    private static string Routing(RecordSet record) => record switch
    {
        { Weight: not null } => "weighted",
        { SetIdentifier: null } => "simple",
        { Failover: not null } => "failover",
        { Region: not null } => "latency",
        { GeoLocation: not null } => "geolocation",
        _ => "multivalue",
    };

    /// <summary>Where an answer leads: the target of a CNAME, alias or SRV record in LocalEcs's zones or Cloud Map.</summary>
    private static JsonObject? Reaches(AccountState account, RecordSet record, DateTimeOffset now, int depth)
    {
        var target = record.AliasTarget?.Str("DNSName") ?? record.Type switch
        {
            "CNAME" => record.Values.FirstOrDefault(),
            "SRV" => record.Values.FirstOrDefault()?.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault(),
            _ => null,
        };
        if (string.IsNullOrEmpty(target))
        {
            return null;
        }

        var normalized = DnsNames.Normalize(target);
        if (CloudMapService(account, normalized) is { } service)
        {
            return new JsonObject { ["cloudMap"] = service };
        }

        return Resolve(account, normalized, record.Type == "SRV" ? "A" : null, null, 0, 0, 0, now, depth + 1) is { } nested
            ? new JsonObject { ["route53"] = nested }
            : null;
    }

    /// <summary>A Cloud Map service whose DNS name (<c>service.namespace.</c>) is <paramref name="name"/>, with its instances.</summary>
    private static JsonObject? CloudMapService(AccountState account, string name)
    {
        foreach (var region in account.Regions.Values)
        {
            foreach (var service in region.CloudMap.Services.Values)
            {
                if (!region.CloudMap.Namespaces.TryGetValue(service.NamespaceId, out var ns) || ns.Type == "HTTP"
                    || DnsNames.Normalize($"{service.Name}.{ns.Name}") != name)
                {
                    continue;
                }

                return new JsonObject
                {
                    ["region"] = region.Name,
                    ["namespace"] = ns.Name,
                    ["namespaceId"] = ns.Id,
                    ["service"] = service.Name,
                    ["serviceId"] = service.Id,
                    ["instances"] = service.Instances.Values.Select(i => (JsonNode?)new JsonObject
                    {
                        ["id"] = i.Id,
                        ["healthStatus"] = i.HealthStatus,
                    }
                    .Put("ipv4", i.Attributes.GetValueOrDefault("AWS_INSTANCE_IPV4"))
                    .Put("port", i.Attributes.TryGetValue("AWS_INSTANCE_PORT", out var port) && int.TryParse(port, NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) ? p : null)).ToJsonArray(),
                };
            }
        }

        return null;
    }
}
