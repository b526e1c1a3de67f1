using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Hosting;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Services.Route53;

/// <summary>
/// Route 53 (rest-xml): hosted zones, record sets with weighted routing and changes that are PENDING until they have
/// propagated (<see cref="Propagation"/> of simulated time; at once in instant mode), then INSYNC. Route 53 is global:
/// its state is the account's, whatever region a request is signed for.
/// </summary>
internal sealed partial class Route53Api(LocalEcsRuntime runtime) : IRestXmlApi
{
    public const string Namespace = "https://route53.amazonaws.com/doc/2013-04-01/";

    /// <summary>How long a change takes to reach every Route 53 name server (AWS: "generally within 60 seconds").</summary>
    public static readonly TimeSpan Propagation = TimeSpan.FromSeconds(60);

    private static readonly RestXmlRoute[] RouteTable =
    [
        new("POST", "/2013-04-01/hostedzone", "CreateHostedZone", 201, ["Location"]),
        new("GET", "/2013-04-01/hostedzone", "ListHostedZones"),
        new("GET", "/2013-04-01/hostedzone/{Id}", "GetHostedZone"),
        new("DELETE", "/2013-04-01/hostedzone/{Id}", "DeleteHostedZone"),
        new("GET", "/2013-04-01/hostedzonesbyname", "ListHostedZonesByName"),
        new("POST", "/2013-04-01/hostedzone/{Id}/rrset", "ChangeResourceRecordSets"),
        new("GET", "/2013-04-01/hostedzone/{Id}/rrset", "ListResourceRecordSets"),
        new("GET", "/2013-04-01/change/{Id}", "GetChange"),
    ];

    private static readonly Dictionary<string, string> Lists = new(StringComparer.Ordinal)
    {
        ["HostedZones"] = "HostedZone",
        ["ResourceRecordSets"] = "ResourceRecordSet",
        ["ResourceRecords"] = "ResourceRecord",
        ["NameServers"] = "NameServer",
        ["VPCs"] = "VPC",
        ["Changes"] = "Change",
    };

    private static readonly string[] NameServerDomains = ["com", "net", "org", "co.uk"];

    private static readonly HashSet<string> ServedOperations = RouteTable.Select(r => r.Operation).ToHashSet(StringComparer.Ordinal);

    public string SigningName => "route53";

    public string XmlNamespace => Namespace;

    public IReadOnlyCollection<string> Operations => ServedOperations;

    public IReadOnlyList<RestXmlRoute> Routes => RouteTable;

    public IReadOnlyDictionary<string, string> ListItems => Lists;

    public JsonNode? Invoke(AwsRequest request)
    {
        var state = request.Account.Route53;
        return request.Operation switch
        {
            "CreateHostedZone" => CreateHostedZone(request, state),
            "ListHostedZones" => ListHostedZones(request.Input, state),
            "GetHostedZone" => GetHostedZone(request.Input, state),
            "DeleteHostedZone" => DeleteHostedZone(request, state),
            "ListHostedZonesByName" => ListHostedZonesByName(request.Input, state),
            "ChangeResourceRecordSets" => ChangeResourceRecordSets(request, state),
            "ListResourceRecordSets" => ListResourceRecordSets(request.Input, state),
            _ => GetChange(request, state),
        };
    }

    /// <summary>A zone by its id, with or without the <c>/hostedzone/</c> prefix.</summary>
    public static HostedZoneRecord FindZone(Route53State state, string? id)
    {
        var bare = LastSegment(id);
        return bare is not null && state.Zones.TryGetValue(bare, out var zone)
            ? zone
            : throw new AwsServiceException("NoSuchHostedZone", $"No hosted zone found with ID: {bare}", HttpStatusCode.NotFound);
    }

    private JsonObject CreateHostedZone(AwsRequest request, Route53State state)
    {
        var input = request.Input;
        var name = input.Str("Name");
        var callerReference = input.Str("CallerReference");
        if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(callerReference))
        {
            throw new AwsServiceException("InvalidInput", "Invalid request: Name and CallerReference are required.");
        }

        var zoneName = DnsNames.Normalize(name);
        if (DnsNames.Problem(zoneName) is { } problem)
        {
            throw new AwsServiceException("InvalidDomainName", $"{name} is not a valid domain name: {problem}.");
        }

        if (state.Zones.Values.Any(z => z.CallerReference == callerReference))
        {
            throw new AwsServiceException("HostedZoneAlreadyExists", "A hosted zone has already been created with the specified caller reference.", HttpStatusCode.Conflict);
        }

        if (input.Str("DelegationSetId") is { } delegationSet)
        {
            throw new AwsServiceException("NoSuchDelegationSet", $"A reusable delegation set with the ID {delegationSet} does not exist (LocalEcs has none).");
        }

        var config = input.Obj("HostedZoneConfig");
        var vpc = input.Obj("VPC");
        if (vpc is null && config?.Bool("PrivateZone") == true)
        {
            throw new AwsServiceException("InvalidVPCId", "A private hosted zone needs a VPC: give VPC.VPCId and VPC.VPCRegion.");
        }

        var vpcs = new JsonArray();
        if (vpc is not null)
        {
            var vpcId = vpc.Str("VPCId");
            var vpcRegion = vpc.Str("VPCRegion");
            if (string.IsNullOrEmpty(vpcId) || string.IsNullOrEmpty(vpcRegion) || !request.Account.Region(vpcRegion).Ec2.Vpcs.Any(v => v.VpcId == vpcId))
            {
                throw new AwsServiceException("InvalidVPCId", $"The VPC {vpcId} does not exist in region {vpcRegion}.");
            }

            vpcs.Add(new JsonObject { ["VPCRegion"] = vpcRegion, ["VPCId"] = vpcId });
        }

        var id = "Z" + Ids.Alphanumeric(20).ToUpperInvariant();
        var zone = new HostedZoneRecord
        {
            Id = id,
            Name = zoneName,
            CallerReference = callerReference,
            Comment = config?.Str("Comment"),
            PrivateZone = vpc is not null,
            Vpcs = vpcs,
            NameServers = NameServers(id),
            CreatedAt = request.Now,
        };
        AddApexRecords(zone);
        state.Zones[id] = zone;
        var change = NewChange(state, request.Now, null, null);
        return new JsonObject
        {
            ["HostedZone"] = Render(zone),
            ["ChangeInfo"] = Render(change, request.Now),
        }
        .Put("DelegationSet", zone.PrivateZone ? null : Delegation(zone))
        .Put("VPC", vpcs.Count > 0 ? vpcs[0]!.DeepClone() : null)
        .Put("Location", $"https://route53.amazonaws.com/2013-04-01/hostedzone/{id}");
    }

    private static JsonObject GetHostedZone(JsonObject input, Route53State state)
    {
        var zone = FindZone(state, input.Str("Id"));
        return new JsonObject { ["HostedZone"] = Render(zone) }
            .Put("DelegationSet", zone.PrivateZone ? null : Delegation(zone))
            .Put("VPCs", zone.PrivateZone ? zone.Vpcs.DeepClone() : null);
    }

    private JsonObject DeleteHostedZone(AwsRequest request, Route53State state)
    {
        var zone = FindZone(state, request.Input.Str("Id"));
        if (zone.LinkedService?.Str("ServicePrincipal") is { } owner)
        {
            throw new AwsServiceException("InvalidInput", $"The hosted zone {zone.Id} was created by {owner} and only that service can delete it (delete the Cloud Map namespace instead).");
        }

        if (zone.RecordSets.Any(r => !(r.Name == zone.Name && r.Type is "SOA" or "NS" && r.SetIdentifier is null)))
        {
            throw new AwsServiceException("HostedZoneNotEmpty", "The specified hosted zone contains non-required resource record sets and so cannot be deleted.");
        }

        state.Zones.Remove(zone.Id);
        foreach (var change in state.Changes.Values.Where(c => c.ZoneId == zone.Id))
        {
            change.ZoneId = null;
            change.Before.Clear();
        }

        return new JsonObject { ["ChangeInfo"] = Render(NewChange(state, request.Now, null, null), request.Now) };
    }

    /// <summary>
    /// Every zone, in creation order: the router cuts the page, whose marker is the id of the first zone of the next page
    /// (Hosting/Pagination).
    /// </summary>
    private static JsonObject ListHostedZones(JsonObject input, Route53State state)
    {
        var type = input.Str("hostedzonetype");
        if (type is not (null or "PrivateHostedZone"))
        {
            throw new AwsServiceException("InvalidInput", $"Invalid value for hostedzonetype: {type}.");
        }

        var zones = state.Zones.Values
            .Where(z => type is null || z.PrivateZone)
            .OrderBy(z => z.CreatedAt)
            .ThenBy(z => z.Id, StringComparer.Ordinal);
        return new JsonObject { ["HostedZones"] = zones.Select(z => (JsonNode?)Render(z)).ToJsonArray() };
    }

    /// <summary>Zones ordered by name with labels reversed (com.example.api), then id; starts at DNSName and HostedZoneId.</summary>
    private static JsonObject ListHostedZonesByName(JsonObject input, Route53State state)
    {
        var maxItems = MaxItems(input, 100);
        var dnsName = input.Str("dnsname");
        var hostedZoneId = LastSegment(input.Str("hostedzoneid"));
        if (hostedZoneId is not null && dnsName is null)
        {
            throw new AwsServiceException("InvalidInput", "Invalid request: hostedzoneid is given without dnsname.");
        }

        var zones = state.Zones.Values
            .OrderBy(z => DnsNames.SortKey(z.Name), StringComparer.Ordinal)
            .ThenBy(z => z.Id, StringComparer.Ordinal)
            .ToList();
        var start = 0;
        if (dnsName is not null)
        {
            var key = DnsNames.SortKey(DnsNames.Normalize(dnsName));
            start = zones.FindIndex(z =>
            {
                var order = string.CompareOrdinal(DnsNames.SortKey(z.Name), key);
                return order > 0 || (order == 0 && (hostedZoneId is null || string.CompareOrdinal(z.Id, hostedZoneId) >= 0));
            });
            start = start < 0 ? zones.Count : start;
        }

        var page = zones.Skip(start).Take(maxItems).ToList();
        var truncated = start + page.Count < zones.Count;
        var next = truncated ? zones[start + page.Count] : null;
        return new JsonObject
        {
            ["HostedZones"] = page.Select(z => (JsonNode?)Render(z)).ToJsonArray(),
        }
        .Put("DNSName", dnsName)
        .Put("HostedZoneId", hostedZoneId)
        .Put("IsTruncated", truncated)
        .Put("NextDNSName", next?.Name)
        .Put("NextHostedZoneId", next?.Id)
        .Put("MaxItems", maxItems.ToString(CultureInfo.InvariantCulture));
    }

    private static JsonObject GetChange(AwsRequest request, Route53State state)
    {
        var id = LastSegment(request.Input.Str("Id"));
        if (id is null || !state.Changes.TryGetValue(id, out var change))
        {
            throw new AwsServiceException("NoSuchChange", $"A change with the specified change ID {id} does not exist.", HttpStatusCode.NotFound);
        }

        return new JsonObject { ["ChangeInfo"] = Render(change, request.Now) };
    }

    /// <summary>A change submitted now; INSYNC once it has propagated (at once in instant mode).</summary>
    private Route53Change NewChange(Route53State state, DateTimeOffset now, string? zoneId, string? comment)
    {
        var change = new Route53Change
        {
            Id = "C" + Ids.Alphanumeric(20).ToUpperInvariant(),
            Sequence = state.Changes.Count == 0 ? 1 : state.Changes.Values.Max(c => c.Sequence) + 1,
            ZoneId = zoneId,
            SubmittedAt = now,
            InsyncAt = now + (runtime.Route53Propagation.Take() ?? (runtime.Clock.Instant ? TimeSpan.Zero : Propagation)),
            Comment = comment,
        };

        // Route 53 keeps change records for a while, not forever: the oldest go beyond a thousand.
        if (state.Changes.Count >= 1000)
        {
            foreach (var old in state.Changes.Values.OrderBy(c => c.SubmittedAt).Take(state.Changes.Count - 999).ToList())
            {
                if (old.InsyncAt <= now)
                {
                    state.Changes.Remove(old.Id);
                }
            }
        }

        state.Changes[change.Id] = change;
        return change;
    }

    private static JsonObject Render(HostedZoneRecord zone) => new JsonObject
    {
        ["Id"] = "/hostedzone/" + zone.Id,
        ["Name"] = DnsNames.Escape(zone.Name),
        ["CallerReference"] = zone.CallerReference,
        ["Config"] = new JsonObject().Put("Comment", zone.Comment).Put("PrivateZone", zone.PrivateZone),
        ["ResourceRecordSetCount"] = (long)zone.RecordSets.Count,
    }
    .Put("LinkedService", zone.LinkedService?.DeepClone());

    /// <summary>
    /// The hosted zone Cloud Map creates for a DNS namespace (private in the namespace's VPC, or public), linked to
    /// Cloud Map: its id is the namespace's <c>DnsProperties.HostedZoneId</c>.
    /// </summary>
    public static void LinkCloudMapZone(AccountState account, CloudMapNamespace ns, string region, DateTimeOffset now)
    {
        if (ns.HostedZoneId is not { } id)
        {
            return;
        }

        var name = DnsNames.Normalize(ns.Name);
        var zone = new HostedZoneRecord
        {
            Id = id,
            Name = name,
            CallerReference = ns.Id,
            PrivateZone = ns.Type == "DNS_PRIVATE",
            Vpcs = ns.VpcId is null ? [] : [new JsonObject { ["VPCRegion"] = region, ["VPCId"] = ns.VpcId }],
            NameServers = NameServers(id),
            CreatedAt = now,
            LinkedService = new JsonObject { ["ServicePrincipal"] = "servicediscovery.amazonaws.com", ["Description"] = ns.Arn },
        };
        AddApexRecords(zone);
        account.Route53.Zones[id] = zone;
    }

    public static void UnlinkCloudMapZone(AccountState account, string? hostedZoneId)
    {
        if (hostedZoneId is not null)
        {
            account.Route53.Zones.Remove(hostedZoneId);
        }
    }

    private static void AddApexRecords(HostedZoneRecord zone)
    {
        zone.RecordSets.Add(new RecordSet { Name = zone.Name, Type = "NS", Ttl = 172800, Values = [.. zone.NameServers.Select(n => n + ".")] });
        zone.RecordSets.Add(new RecordSet
        {
            Name = zone.Name,
            Type = "SOA",
            Ttl = 900,
            Values = [$"{zone.NameServers[0]}. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400"],
        });
    }

    private static JsonObject Render(Route53Change change, DateTimeOffset now) => new JsonObject
    {
        ["Id"] = "/change/" + change.Id,
        ["Status"] = change.Status(now),
        ["SubmittedAt"] = AwsValues.Timestamp(change.SubmittedAt),
    }
    .Put("Comment", change.Comment);

    private static JsonObject Delegation(HostedZoneRecord zone) => new()
    {
        ["NameServers"] = zone.NameServers.ToJsonArray(),
    };

    /// <summary>Four name servers in four top-level domains, derived from the zone id as Route 53 assigns a delegation set.</summary>
    private static List<string> NameServers(string zoneId)
    {
        var seed = int.Parse(Ids.StableHex(zoneId, 6), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var first = seed % 2048;
        return NameServerDomains.Select((tld, i) =>
        {
            var n = (first + (i * 512)) % 2048;
            return $"ns-{n.ToString(CultureInfo.InvariantCulture)}.awsdns-{(n / 32).ToString("00", CultureInfo.InvariantCulture)}.{tld}";
        }).ToList();
    }

    /// <summary>MaxItems is a string on the wire; Route 53 caps it rather than refusing larger values.</summary>
    private static int MaxItems(JsonObject input, int cap)
    {
        var text = input.Str("maxitems");
        if (text is null)
        {
            return cap;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < 1)
        {
            throw new AwsServiceException("InvalidInput", $"1 validation error detected: Value '{text}' at 'maxItems' failed to satisfy constraint: Member must be a positive integer");
        }

        return Math.Min(value, cap);
    }

    private static string? LastSegment(string? id) =>
        string.IsNullOrEmpty(id) ? null : id[(id.LastIndexOf('/') + 1)..];
}
