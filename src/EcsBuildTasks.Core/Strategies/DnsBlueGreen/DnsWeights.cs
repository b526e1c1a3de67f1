using System.Globalization;
using EcsBuildTasks.Aws.Route53;
using EcsBuildTasks.Aws.Route53.Model;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Strategies.DnsBlueGreen;

/// <summary>One of the two weighted entries of the record: its set identifier, the Cloud Map service it points at, its weight.</summary>
internal sealed record DnsSlot(string SetIdentifier, string CloudMapService, string Target, long Weight, string? RegistryArn = null);

/// <summary>
/// What a DnsBlueGreen deployment works on: the hosted zone, the record, the two slots (Cloud Map services) and the
/// weights the record had before it (what a rollback restores).
/// </summary>
internal sealed class DnsTraffic
{
    public required string ZoneId { get; init; }

    public required string RecordName { get; init; }

    public required long Ttl { get; init; }

    /// <summary>The slot the new version registers in (the one the serving version does not use).</summary>
    public required DnsSlot New { get; init; }

    /// <summary>The slot of the serving version, with the weight it had.</summary>
    public required DnsSlot Old { get; init; }

    /// <summary>True when the record had no weighted entries before (a first deployment).</summary>
    public bool Created { get; init; }

    /// <summary>The new version's weight now (0 until the first step).</summary>
    public long NewWeight { get; set; }
}

/// <summary>
/// The two Cloud Map services (in the order their entries are named) and the set identifier of the record's entry that
/// points at each; <see cref="Adopted"/> when the entries were made by another tool (Harness) and are taken over as they are.
/// </summary>
internal sealed record DnsEntries(string First, string Second, IReadOnlyList<string> SetIdentifiers, bool Adopted);

/// <summary>The hosted zone, the record's weighted entries in Route 53, and changes to them that wait for INSYNC.</summary>
internal sealed class DnsWeights(AwsSession aws, IDeploymentLog log, TimeProvider time)
{
    /// <summary>
    /// The set identifiers of the package's own two entries; each stays bound to one Cloud Map service (first and second
    /// of <c>EcsDnsCloudMapServices</c>). A record whose two weighted entries were made by another tool (Harness's
    /// Harness-Blue and Harness-Green) keeps its own set identifiers: <see cref="Match"/>.
    /// </summary>
    public static readonly string[] SetIdentifiers = ["Blue", "Green"];

    /// <summary>The set identifiers Harness FirstGen's Route 53 blue/green writes (fixed in Harness, not configurable).</summary>
    public static readonly string[] HarnessSetIdentifiers = ["Harness-Blue", "Harness-Green"];

    private static readonly TimeSpan ChangeTimeout = TimeSpan.FromMinutes(15);

    /// <summary>A name as Route 53 answers it: lower case with the trailing dot.</summary>
    public static string Fqdn(string name) => name.Trim().TrimEnd('.').ToLowerInvariant() + ".";

    /// <summary>
    /// True when <paramref name="zone"/> reads as a hosted zone id: <c>Z…</c> (upper-case letters and digits), or any id
    /// as Route 53 returns it, <c>/hostedzone/…</c>.
    /// </summary>
    public static bool IsZoneId(string zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var id = StripPrefix(zone);
        return id.Length is >= 2 and <= 32 && (id[0] == 'Z' || zone.StartsWith("/hostedzone/", StringComparison.Ordinal)) && id.All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterUpper(c));
    }

    public static string StripPrefix(string id) => id[(id.LastIndexOf('/') + 1)..];

    /// <summary>The hosted zone <paramref name="reference"/> names (id or name), or the problem (ECS4220).</summary>
    public async Task<(HostedZone? Zone, string? Problem)> FindZoneAsync(string reference, CancellationToken cancellationToken)
    {
        if (IsZoneId(reference))
        {
            try
            {
                var zone = await aws.Route53.GetHostedZoneAsync(new GetHostedZoneRequest { Id = StripPrefix(reference) }, cancellationToken).ConfigureAwait(false);
                return (zone.HostedZone, null);
            }
            catch (NoSuchHostedZoneException)
            {
                return (null, $"{EcsProperties.DnsHostedZone}={reference}: there is no hosted zone with this id.");
            }
        }

        var name = Fqdn(reference);
        var listed = await AwsCalls.RunAsync("Route 53 ListHostedZonesByName", () => aws.Route53.ListHostedZonesByNameAsync(new ListHostedZonesByNameRequest { DNSName = name }, cancellationToken)).ConfigureAwait(false);
        var zones = (listed.HostedZones ?? []).Where(z => z.Name is not null && Fqdn(z.Name) == name).ToList();
        return zones.Count switch
        {
            0 => (null, $"{EcsProperties.DnsHostedZone}={reference}: no hosted zone has this name. Create it (aws route53 create-hosted-zone --name {name} --caller-reference <unique>) or name an existing one."),
            1 => (zones[0], null),
            _ => (null, $"{EcsProperties.DnsHostedZone}={reference}: {zones.Count} hosted zones have this name ({string.Join(", ", zones.Select(z => StripPrefix(z.Id!) + (z.Config?.PrivateZone == true ? " private" : " public")))}); give the id of the one to change."),
        };
    }

    /// <summary>Every record set of <paramref name="recordName"/> in the zone.</summary>
    public async Task<IReadOnlyList<ResourceRecordSet>> RecordsAsync(string zoneId, string recordName, CancellationToken cancellationToken)
    {
        var fqdn = Fqdn(recordName);
        var found = new List<ResourceRecordSet>();
        string? startName = fqdn;
        RRType? startType = null;
        string? startIdentifier = null;
        while (true)
        {
            var page = await AwsCalls.RunAsync("Route 53 ListResourceRecordSets", () => aws.Route53.ListResourceRecordSetsAsync(
                new ListResourceRecordSetsRequest { HostedZoneId = zoneId, StartRecordName = startName, StartRecordType = startType, StartRecordIdentifier = startIdentifier }, cancellationToken)).ConfigureAwait(false);
            var sets = page.ResourceRecordSets ?? [];
            found.AddRange(sets.Where(r => r.Name is not null && Fqdn(r.Name) == fqdn));
            if (page.IsTruncated != true || sets.Any(r => r.Name is not null && Fqdn(r.Name) != fqdn))
            {
                return found;
            }

            (startName, startType, startIdentifier) = (page.NextRecordName, page.NextRecordType, page.NextRecordIdentifier);
        }
    }

    /// <summary>
    /// How the record's entries map onto the two Cloud Map services: none yet or the package's own (<see cref="SetIdentifiers"/>,
    /// bound to <paramref name="configured"/> in order); or two weighted CNAME entries made by another tool (Harness
    /// writes Harness-Blue and Harness-Green, each pointing at one of two Cloud Map services <c>&lt;service&gt;.&lt;namespace&gt;</c>),
    /// which are taken over as they are: each keeps its set identifier and stays bound to the Cloud Map service it points
    /// at, and only the weights move. Their Cloud Map services are found from the values when
    /// <c>EcsDnsCloudMapServices</c> is not given (<paramref name="namesGiven"/>). Anything else is a problem
    /// (ECS4223, ECS4224).
    /// </summary>
    public static (DnsEntries? Entries, EcsDiagnostic? Problem) Match(IReadOnlyList<ResourceRecordSet> records, string namespaceName, (string First, string Second) configured, bool namesGiven, string recordName, string zoneId)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(namespaceName);
        if (Foreign(records).Count == 0)
        {
            return (new DnsEntries(configured.First, configured.Second, SetIdentifiers, Adopted: false), null);
        }

        var record = Fqdn(recordName);
        var pair = records.Count == 2 && records.All(r => r.Type?.Value == "CNAME" && r.Weight is not null && r.SetIdentifier is not null && r.ResourceRecords is { Count: 1 })
            && records[0].SetIdentifier != records[1].SetIdentifier;
        if (!pair)
        {
            return (null, new EcsDiagnostic(DiagnosticCodes.DnsRecordNotWeighted, DiagnosticSeverity.Error, EcsProperties.DnsRecordName,
                $"{record} already has record(s) the package does not manage: {string.Join("; ", records.Select(Describe))}. DnsBlueGreen owns two weighted CNAME entries (its own set identifiers {string.Join(" and ", SetIdentifiers)}, or the two of an existing blue/green such as Harness's {string.Join(" and ", HarnessSetIdentifiers)}, each pointing at one of its two Cloud Map services); Route 53 cannot hold them beside other records of the name. To convert, in one change batch DELETE the existing record and CREATE a weighted CNAME with SetIdentifier={SetIdentifiers[0]}, Weight=100 and the same value (aws route53 change-resource-record-sets --hosted-zone-id {StripPrefix(zoneId)} --change-batch file://convert.json); the next deployment takes it over."));
        }

        var labels = records.Select(r => CloudMapLabel(r.ResourceRecords![0].Value, namespaceName)).ToArray();
        var entries = string.Join(" and ", records.Select(r => $"{r.SetIdentifier} → {r.ResourceRecords![0].Value}"));
        if (labels[0] is null || labels[1] is null || string.Equals(labels[0], labels[1], StringComparison.OrdinalIgnoreCase))
        {
            return (null, new EcsDiagnostic(DiagnosticCodes.DnsEntriesPointElsewhere, DiagnosticSeverity.Error, EcsProperties.ServiceDiscoveryNamespace,
                $"{record} has two weighted entries ({entries}) that do not point at two Cloud Map services of the namespace {Fqdn(namespaceName).TrimEnd('.')} ({EcsProperties.ServiceDiscoveryNamespace}): DnsBlueGreen takes over an existing pair only when each entry points at one of two services <service>.<namespace>, as Harness's Route 53 blue/green does. Set {EcsProperties.ServiceDiscoveryNamespace} to the namespace they are in, or use another {EcsProperties.DnsRecordName}."));
        }

        // Found from the entries: in the order of their set identifiers (Harness-Blue first), which only names them.
        var first = string.CompareOrdinal(records[0].SetIdentifier, records[1].SetIdentifier) < 0 ? 0 : 1;
        string[] names = namesGiven ? [configured.First, configured.Second] : [labels[first]!, labels[1 - first]!];
        var ids = new string[2];
        for (var i = 0; i < 2; i++)
        {
            var index = Array.FindIndex(labels, l => string.Equals(l, names[i], StringComparison.OrdinalIgnoreCase));
            if (index < 0)
            {
                return (null, new EcsDiagnostic(DiagnosticCodes.DnsEntriesPointElsewhere, DiagnosticSeverity.Error, EcsProperties.DnsCloudMapServices,
                    $"{record} has two weighted entries ({entries}), which point at the Cloud Map services {labels[first]} and {labels[1 - first]}, not at {EcsProperties.DnsCloudMapServices}={configured.First};{configured.Second}. To take the entries over as they are, set {EcsProperties.DnsCloudMapServices}={labels[first]};{labels[1 - first]} (or leave it unset: the services are then found from the entries)."));
            }

            ids[i] = records[index].SetIdentifier!;
        }

        return (new DnsEntries(names[0], names[1], ids, Adopted: true), null);
    }

    /// <summary><c>&lt;label&gt;</c> of a value <c>&lt;label&gt;.&lt;namespace&gt;</c> (with or without the trailing dot, as written), or null.</summary>
    public static string? CloudMapLabel(string? value, string namespaceName)
    {
        ArgumentNullException.ThrowIfNull(namespaceName);
        var name = value?.Trim().TrimEnd('.');
        var suffix = "." + namespaceName.Trim().TrimEnd('.');
        if (name is null || !name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var label = name[..^suffix.Length];
        return label.Length > 0 && !label.Contains('.', StringComparison.Ordinal) ? label : null;
    }

    /// <summary>The records of the name the package cannot take over (anything but its two weighted CNAME entries), described; empty when none.</summary>
    public static IReadOnlyList<string> Foreign(IEnumerable<ResourceRecordSet> records) =>
        [.. records.Where(r => r.Type?.Value != "CNAME" || r.Weight is null || !SetIdentifiers.Contains(r.SetIdentifier, StringComparer.Ordinal)).Select(Describe)];

    public static string Describe(ResourceRecordSet record) =>
        string.Create(CultureInfo.InvariantCulture, $"{record.Type?.Value} {record.Name}{(record.SetIdentifier is null ? string.Empty : $" set {record.SetIdentifier}")}{(record.Weight is null ? " (not weighted)" : $" weight {record.Weight}")} → {string.Join(", ", (record.ResourceRecords ?? []).Select(v => v.Value))}");

    /// <summary>UPSERTs both weighted entries in one change, then waits for INSYNC and one TTL (clients' caches).</summary>
    public async Task SetAsync(DnsTraffic traffic, long newWeight, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(traffic);
        var oldWeight = 100 - newWeight;
        var changes = new[] { (traffic.New, newWeight), (traffic.Old, oldWeight) }.Select(s => new Change
        {
            Action = ChangeAction.UPSERT,
            ResourceRecordSet = new ResourceRecordSet
            {
                Name = traffic.RecordName,
                Type = RRType.CNAME,
                SetIdentifier = s.Item1.SetIdentifier,
                Weight = s.Item2,
                TTL = traffic.Ttl,
                ResourceRecords = [new ResourceRecord { Value = s.Item1.Target }],
            },
        }).ToList();
        var response = await AwsCalls.RunAsync("Route 53 ChangeResourceRecordSets", () => aws.Route53.ChangeResourceRecordSetsAsync(new ChangeResourceRecordSetsRequest
        {
            HostedZoneId = traffic.ZoneId,
            ChangeBatch = new ChangeBatch { Comment = "EcsBuildTasks DnsBlueGreen", Changes = changes },
        }, cancellationToken)).ConfigureAwait(false);
        log.Info(string.Create(CultureInfo.InvariantCulture, $"EcsBuildTasks: {traffic.RecordName} → {traffic.New.SetIdentifier} ({traffic.New.CloudMapService}) {newWeight}, {traffic.Old.SetIdentifier} ({traffic.Old.CloudMapService}) {oldWeight}; waiting for Route 53 to be INSYNC"));
        traffic.NewWeight = newWeight;
        var changeId = StripPrefix(response.ChangeInfo?.Id ?? throw new DeploymentException(DiagnosticCodes.DnsChangeNotInSync, EcsProperties.DnsRecordName, "Route 53 ChangeResourceRecordSets returned no change id."));
        var insync = response.ChangeInfo.Status?.Value == "INSYNC" || await AdaptivePoll.UntilAsync(
            async () =>
            {
                var change = await AwsCalls.RunAsync("Route 53 GetChange", () => aws.Route53.GetChangeAsync(new GetChangeRequest { Id = changeId }, cancellationToken)).ConfigureAwait(false);
                return change.ChangeInfo?.Status?.Value == "INSYNC" ? "INSYNC" : null;
            },
            PollSchedule.For(aws),
            ChangeTimeout,
            time,
            cancellationToken).ConfigureAwait(false) is not null;
        if (!insync)
        {
            throw new DeploymentException(DiagnosticCodes.DnsChangeNotInSync, EcsProperties.DnsRecordName, $"Route 53 change {changeId} of {traffic.RecordName} was not INSYNC within {ChangeTimeout.TotalMinutes:0} minutes.");
        }

        if (traffic.Ttl > 0)
        {
            // Resolvers keep the previous answer for one TTL: only then does the new weight carry the traffic.
            log.Info(string.Create(CultureInfo.InvariantCulture, $"EcsBuildTasks: INSYNC; waiting one TTL ({traffic.Ttl} s) for resolvers' caches"));
            await Task.Delay(TimeSpan.FromSeconds(traffic.Ttl), time, cancellationToken).ConfigureAwait(false);
        }
    }
}
