using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Hosting;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Services.Route53;

/// <summary>
/// ChangeResourceRecordSets and ListResourceRecordSets. A change batch is all or nothing: request-level mistakes are
/// InvalidInput (the first one found, in Route 53's wording), and every conflict with the zone's records is collected
/// into one InvalidChangeBatch whose message lists them as Route 53 does (<c>[first, second]</c>).
/// </summary>
internal sealed partial class Route53Api
{
    private const int MaxRecordSetsPerPage = 300;

    /// <summary>Route 53's record types (the model's RRType).</summary>
    internal static readonly string[] RecordTypes =
        ["SOA", "A", "TXT", "NS", "CNAME", "MX", "NAPTR", "PTR", "SRV", "SPF", "AAAA", "CAA", "DS", "TLSA", "SSHFP", "SVCB", "HTTPS"];

    private static readonly string[] RoutingPolicies = ["Weight", "Region", "Failover", "GeoLocation", "MultiValueAnswer", "GeoProximityLocation", "CidrRoutingConfig"];

    private JsonObject ChangeResourceRecordSets(AwsRequest request, Route53State state)
    {
        var zone = FindZone(state, request.Input.Str("Id"));
        var batch = request.Input.Obj("ChangeBatch")
            ?? throw new AwsServiceException("InvalidInput", "1 validation error detected: Value null at 'changeBatch' failed to satisfy constraint: Member must not be null");
        var changes = batch.Objects("Changes").ToList();
        if (changes.Count == 0)
        {
            throw new AwsServiceException("InvalidInput", "1 validation error detected: Value '[]' at 'changeBatch.changes' failed to satisfy constraint: Member must have length greater than or equal to 1");
        }

        var parsed = changes.Select((change, i) => ParseChange(change, i + 1)).ToList();
        var working = zone.RecordSets.ToList();
        var messages = new List<string>();
        var touched = new List<RecordSet>();
        foreach (var (action, record) in parsed)
        {
            messages.AddRange(Apply(zone, working, touched, action, record));
        }

        if (messages.Count > 0)
        {
            throw new AwsServiceException("InvalidChangeBatch", "[" + string.Join(", ", messages) + "]") { Messages = messages };
        }

        var change = NewChange(state, request.Now, zone.Id, batch.Str("Comment"));
        foreach (var record in touched)
        {
            // DNS keeps answering with the record as it was until the change is INSYNC.
            change.Before.Add(new RecordSetBefore
            {
                Name = record.Name,
                Type = record.Type,
                SetIdentifier = record.SetIdentifier,
                Previous = zone.RecordSets.FirstOrDefault(r => r.SameIdentity(record)),
            });
        }

        zone.RecordSets = working;
        return new JsonObject { ["ChangeInfo"] = Render(change, request.Now) };
    }

    /// <summary>One change's conflicts with the zone as the batch has left it so far; applies the change when there are none.</summary>
    private static List<string> Apply(HostedZoneRecord zone, List<RecordSet> working, List<RecordSet> touched, string action, RecordSet record)
    {
        var messages = new List<string>();
        var described = Describe(record);
        if (!DnsNames.IsInZone(record.Name, zone.Name))
        {
            messages.Add($"RRSet with DNS name {DnsNames.Escape(record.Name)} is not permitted in zone {DnsNames.Escape(zone.Name)}");
            return messages;
        }

        // Route 53 takes a DELETE followed by a CREATE or UPSERT of the same record; any other repetition is refused.
        var earlier = touched.FindLastIndex(t => t.SameIdentity(record));
        if (earlier >= 0 && !(action != "DELETE" && !working.Any(r => r.SameIdentity(record))))
        {
            messages.Add($"The request contains an invalid set of changes for a resource record set '{record.Type} {DnsNames.Escape(record.Name)}'");
            return messages;
        }

        var existing = working.FirstOrDefault(r => r.SameIdentity(record));
        if (action == "DELETE")
        {
            if (existing is null)
            {
                messages.Add($"Tried to delete resource record set {described} but it was not found");
            }
            else if (!SameValues(existing, record))
            {
                messages.Add($"Tried to delete resource record set {described} but the values provided do not match the current values");
            }
            else if (record.Name == zone.Name && record.Type is "NS" or "SOA" && record.SetIdentifier is null)
            {
                messages.Add(record.Type == "NS" ? "A HostedZone must contain at least one NS record for the zone itself." : "A HostedZone must contain exactly one SOA record.");
            }
            else
            {
                working.Remove(existing);
                touched.Add(record);
            }

            return messages;
        }

        if (action == "CREATE" && existing is not null)
        {
            messages.Add($"Tried to create resource record set {described} but it already exists");
            return messages;
        }

        messages.AddRange(RecordProblems(zone, record));
        var sameName = working.Where(r => r.Name == record.Name && !r.SameIdentity(record)).ToList();

        // A CNAME at the apex is refused as such (RecordProblems), not as a conflict with the zone's SOA and NS.
        var apexCname = record.Type == "CNAME" && record.Name == zone.Name;
        if (!apexCname && record.Type == "CNAME" && sameName.FirstOrDefault(r => r.Type != "CNAME") is { } other)
        {
            messages.Add($"RRSet of type CNAME with DNS name {DnsNames.Escape(record.Name)} is not permitted because a conflicting RRSet of type {other.Type} with the same DNS name already exists in zone {DnsNames.Escape(zone.Name)}");
        }
        else if (record.Type != "CNAME" && sameName.Any(r => r.Type == "CNAME"))
        {
            messages.Add($"RRSet of type {record.Type} with DNS name {DnsNames.Escape(record.Name)} is not permitted because a conflicting RRSet of type CNAME with the same DNS name already exists in zone {DnsNames.Escape(zone.Name)}");
        }

        var group = sameName.Where(r => r.Type == record.Type).ToList();
        if (record.SetIdentifier is not null && group.Any(r => r.SetIdentifier is null))
        {
            messages.Add($"RRSet with DNS name {DnsNames.Escape(record.Name)}, type {record.Type}, SetIdentifier {record.SetIdentifier} cannot be created as a non {Policy(record)} set exists with the same name and type.");
        }
        else if (record.SetIdentifier is null && group.Count > 0)
        {
            messages.Add($"RRSet with DNS name {DnsNames.Escape(record.Name)}, type {record.Type} cannot be created as {Policy(group[0])} sets exist with the same name and type.");
        }
        else if (record.SetIdentifier is not null && group.FirstOrDefault(r => Policy(r) != Policy(record)) is { } mixed)
        {
            messages.Add($"RRSet with DNS name {DnsNames.Escape(record.Name)}, type {record.Type}, SetIdentifier {record.SetIdentifier} cannot be created as {Policy(mixed)} sets exist with the same name and type.");
        }

        if (messages.Count == 0)
        {
            if (existing is not null)
            {
                working[working.IndexOf(existing)] = record;
            }
            else
            {
                working.Add(record);
            }

            touched.Add(record);
        }

        return messages;
    }

    /// <summary>Problems with a record's own values: a CNAME at the apex or with several values, malformed A, AAAA, SRV or MX data.</summary>
    private static IEnumerable<string> RecordProblems(HostedZoneRecord zone, RecordSet record)
    {
        if (DnsNames.Problem(record.Name) is { } nameProblem)
        {
            var fatal = nameProblem switch
            {
                _ when nameProblem.Contains("empty", StringComparison.Ordinal) => "DomainLabelEmpty (Domain label is empty)",
                _ when nameProblem.Contains("label", StringComparison.Ordinal) => "DomainLabelTooLong (Domain label is too long)",
                _ => "DomainNameTooLong (Domain name is too long)",
            };
            yield return $"FATAL problem: {fatal} encountered with '{DnsNames.Escape(record.Name)}'";
        }

        if (record.Type == "CNAME" && record.Name == zone.Name)
        {
            yield return $"RRSet of type CNAME with DNS name {DnsNames.Escape(record.Name)} is not permitted at apex in zone {DnsNames.Escape(zone.Name)}";
        }

        if (record.Type == "CNAME" && record.Values.Count > 1)
        {
            yield return $"RRSet of type CNAME with DNS name {DnsNames.Escape(record.Name)} has {record.Values.Count.ToString(CultureInfo.InvariantCulture)} values; a CNAME record holds exactly one.";
        }

        foreach (var value in record.Values)
        {
            var problem = record.Type switch
            {
                "A" when !IPAddress.TryParse(value, out var v4) || v4.AddressFamily != AddressFamily.InterNetwork || value.Count(c => c == '.') != 3
                    => "ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address)",
                "AAAA" when !IPAddress.TryParse(value, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6
                    => "AAAARRDATAIllegalIPv6Address (Value is not a valid IPv6 address)",
                "SRV" => SrvProblem(value),
                "MX" when value.Split(' ', StringSplitOptions.RemoveEmptyEntries) is not [var preference, _] || !ushort.TryParse(preference, NumberStyles.None, CultureInfo.InvariantCulture, out _)
                    => "MXRRDATAIllegalField (Value is not a preference and a host name)",
                _ => null,
            };
            if (problem is not null)
            {
                yield return $"Invalid Resource Record: 'FATAL problem: {problem} encountered with '{value}''";
            }
        }
    }

    /// <summary>SRV data is <c>priority weight port target</c>, the numbers 0–65535.</summary>
    private static string? SrvProblem(string value)
    {
        var fields = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 4)
        {
            return "SRVRRDATATooFewFields (Value contains too few fields)";
        }

        if (fields.Length > 4)
        {
            return "SRVRRDATATooManyFields (Value contains too many fields)";
        }

        return fields.Take(3).All(f => ushort.TryParse(f, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            ? null
            : "SRVRRDATAIllegalNumber (Priority, weight and port must be numbers between 0 and 65535)";
    }

    /// <summary>Reads one change, refusing request-level mistakes (InvalidInput) as Route 53 does, the first one found.</summary>
    private static (string Action, RecordSet Record) ParseChange(JsonObject change, int index)
    {
        var at = $"changeBatch.changes.{index.ToString(CultureInfo.InvariantCulture)}.member";
        var action = change.Str("Action");
        if (action is not ("CREATE" or "DELETE" or "UPSERT"))
        {
            throw Invalid($"Value '{action}' at '{at}.action' failed to satisfy constraint: Member must satisfy enum value set: [CREATE, DELETE, UPSERT]");
        }

        var set = change.Obj("ResourceRecordSet") ?? throw Invalid($"Value null at '{at}.resourceRecordSet' failed to satisfy constraint: Member must not be null");
        var name = set.Str("Name");
        if (string.IsNullOrEmpty(name))
        {
            throw Invalid($"Value null at '{at}.resourceRecordSet.name' failed to satisfy constraint: Member must not be null");
        }

        var type = set.Str("Type");
        if (type is null || !RecordTypes.Contains(type))
        {
            throw Invalid($"Value '{type}' at '{at}.resourceRecordSet.type' failed to satisfy constraint: Member must satisfy enum value set: [{string.Join(", ", RecordTypes)}]");
        }

        var record = new RecordSet
        {
            Name = DnsNames.Normalize(name),
            Type = type,
            SetIdentifier = set.Str("SetIdentifier"),
            Weight = Number(set, "Weight", at + ".resourceRecordSet.weight", 0, 255),
            Region = set.Str("Region"),
            GeoLocation = set.CloneObj("GeoLocation"),
            Failover = set.Str("Failover"),
            MultiValueAnswer = set.Str("MultiValueAnswer") is { } multi ? multi == "true" : null,
            Ttl = Number(set, "TTL", at + ".resourceRecordSet.TTL", 0, int.MaxValue),
            Values = [.. set.Objects("ResourceRecords").Select(r => r.Str("Value") ?? string.Empty)],
            AliasTarget = set.CloneObj("AliasTarget"),
            HealthCheckId = set.Str("HealthCheckId"),
        };
        if (record.SetIdentifier is { Length: > 128 })
        {
            throw Invalid($"Value '{record.SetIdentifier}' at '{at}.resourceRecordSet.setIdentifier' failed to satisfy constraint: Member must have length less than or equal to 128");
        }

        var context = $"in Change with [Action={action}, Name={name}, Type={type}, SetIdentifier={record.SetIdentifier ?? "null"}]";
        var hasRecords = set["ResourceRecords"] is not null;
        var forms = (record.AliasTarget is not null ? 1 : 0) + (record.Ttl is not null && hasRecords ? 1 : 0) + (set["TrafficPolicyInstanceId"] is not null ? 1 : 0);
        if (forms != 1 || (record.AliasTarget is not null && (record.Ttl is not null || hasRecords)))
        {
            throw new AwsServiceException("InvalidInput", $"Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found {(forms == 0 ? "none" : "more than one")} {context}");
        }

        if (hasRecords && record.Values.Count == 0)
        {
            throw Invalid($"Value '[]' at '{at}.resourceRecordSet.resourceRecords' failed to satisfy constraint: Member must have length greater than or equal to 1");
        }

        var policies = RoutingPolicies.Count(p => set[p] is not null);
        if (record.SetIdentifier is not null && policies != 1)
        {
            throw new AwsServiceException("InvalidInput", $"Invalid request: Expected exactly one of [{string.Join(", ", RoutingPolicies[..^1])}, or {RoutingPolicies[^1]}], but found {(policies == 0 ? "none" : "more than one")} {context}");
        }

        if (record.SetIdentifier is null && policies > 0)
        {
            throw new AwsServiceException("InvalidInput", $"Invalid request: Missing field 'SetIdentifier' {context}");
        }

        if (set["TrafficPolicyInstanceId"] is not null || set["CidrRoutingConfig"] is not null || set["GeoProximityLocation"] is not null)
        {
            throw new AwsServiceException("InvalidInput", $"LocalEcs serves no traffic policies, CIDR collections or geoproximity routing; {context}");
        }

        if (record.HealthCheckId is { } healthCheck)
        {
            throw new AwsServiceException("NoSuchHealthCheck", $"A health check with id {healthCheck} does not exist.", HttpStatusCode.NotFound);
        }

        return (action, record);
    }

    private static long? Number(JsonObject set, string member, string at, long min, long max)
    {
        if (set.Str(member) is not { } text)
        {
            return null;
        }

        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            throw new AwsServiceException("InvalidInput", $"Invalid XML ; the value '{text}' of {member} is not a number");
        }

        return value < min
            ? throw Invalid($"Value '{text}' at '{at}' failed to satisfy constraint: Member must have value greater than or equal to {min.ToString(CultureInfo.InvariantCulture)}")
            : value > max
                ? throw Invalid($"Value '{text}' at '{at}' failed to satisfy constraint: Member must have value less than or equal to {max.ToString(CultureInfo.InvariantCulture)}")
                : value;
    }

    private static AwsServiceException Invalid(string constraint) => new("InvalidInput", "1 validation error detected: " + constraint);

    /// <summary>How Route 53 names a record set in its messages: <c>[name='api.example.com.', type='CNAME', set-identifier='blue']</c>.</summary>
    private static string Describe(RecordSet record) =>
        $"[name='{DnsNames.Escape(record.Name)}', type='{record.Type}'{(record.SetIdentifier is null ? string.Empty : $", set-identifier='{record.SetIdentifier}'")}]";

    private static string Policy(RecordSet record) => record switch
    {
        { Weight: not null } => "weighted",
        { Region: not null } => "latency",
        { Failover: not null } => "failover",
        { GeoLocation: not null } => "geolocation",
        { MultiValueAnswer: true } => "multivalue answer",
        _ => "simple",
    };

    /// <summary>A DELETE must name the record exactly as it is: TTL, values, weight and the other routing settings.</summary>
    private static bool SameValues(RecordSet current, RecordSet given) =>
        current.Ttl == given.Ttl
        && current.Weight == given.Weight
        && current.Region == given.Region
        && current.Failover == given.Failover
        && current.Values.Order(StringComparer.Ordinal).SequenceEqual(given.Values.Order(StringComparer.Ordinal))
        && JsonNode.DeepEquals(current.AliasTarget, given.AliasTarget);

    /// <summary>Records ordered by name with labels reversed, then type, then set identifier; pages start at name, type and identifier.</summary>
    private static JsonObject ListResourceRecordSets(JsonObject input, Route53State state)
    {
        var zone = FindZone(state, input.Str("Id"));
        var startName = input.Str("name");
        var startType = input.Str("type");
        var startIdentifier = input.Str("identifier");
        if (startType is not null && startName is null)
        {
            throw new AwsServiceException("InvalidInput", "Invalid request: a StartRecordType (type) needs a StartRecordName (name).");
        }

        if (startIdentifier is not null && startType is null)
        {
            throw new AwsServiceException("InvalidInput", "Invalid request: a StartRecordIdentifier (identifier) needs a StartRecordType (type).");
        }

        if (startType is not null && !RecordTypes.Contains(startType))
        {
            throw Invalid($"Value '{startType}' at 'startRecordType' failed to satisfy constraint: Member must satisfy enum value set: [{string.Join(", ", RecordTypes)}]");
        }

        var maxItems = MaxItems(input, MaxRecordSetsPerPage);
        var ordered = Ordered(zone.RecordSets).ToList();
        var start = 0;
        if (startName is not null)
        {
            var key = (DnsNames.SortKey(DnsNames.Normalize(startName)), startType ?? string.Empty, startIdentifier ?? string.Empty);
            start = ordered.FindIndex(r => Compare(OrderKey(r), key) >= 0);
            start = start < 0 ? ordered.Count : start;
        }

        var page = ordered.Skip(start).Take(maxItems).ToList();
        var next = start + page.Count < ordered.Count ? ordered[start + page.Count] : null;
        return new JsonObject
        {
            ["ResourceRecordSets"] = page.Select(r => (JsonNode?)Render(r)).ToJsonArray(),
            ["IsTruncated"] = next is not null,
        }
        .Put("NextRecordName", next is null ? null : DnsNames.Escape(next.Name))
        .Put("NextRecordType", next?.Type)
        .Put("NextRecordIdentifier", next?.SetIdentifier)
        .Put("MaxItems", maxItems.ToString(CultureInfo.InvariantCulture));
    }

    public static IEnumerable<RecordSet> Ordered(IEnumerable<RecordSet> records) =>
        records.OrderBy(OrderKey, Comparer<(string, string, string)>.Create(Compare));

    private static (string Name, string Type, string Identifier) OrderKey(RecordSet record) =>
        (DnsNames.SortKey(record.Name), record.Type, record.SetIdentifier ?? string.Empty);

    private static int Compare((string, string, string) a, (string, string, string) b)
    {
        var order = string.CompareOrdinal(a.Item1, b.Item1);
        order = order != 0 ? order : string.CompareOrdinal(a.Item2, b.Item2);
        return order != 0 ? order : string.CompareOrdinal(a.Item3, b.Item3);
    }

    public static JsonObject Render(RecordSet record) => new JsonObject
    {
        ["Name"] = DnsNames.Escape(record.Name),
        ["Type"] = record.Type,
    }
    .Put("SetIdentifier", record.SetIdentifier)
    .Put("Weight", record.Weight)
    .Put("Region", record.Region)
    .Put("GeoLocation", record.GeoLocation?.DeepClone())
    .Put("Failover", record.Failover)
    .Put("MultiValueAnswer", record.MultiValueAnswer)
    .Put("TTL", record.Ttl)
    .Put("ResourceRecords", record.Values.Count == 0 ? null : record.Values.Select(v => (JsonNode?)new JsonObject { ["Value"] = v }).ToJsonArray())
    .Put("AliasTarget", record.AliasTarget?.DeepClone())
    .Put("HealthCheckId", record.HealthCheckId);
}
