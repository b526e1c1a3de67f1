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

/// <summary>The hosted zone, the record's weighted entries in Route 53, and changes to them that wait for INSYNC.</summary>
internal sealed class DnsWeights(AwsSession aws, IDeploymentLog log, TimeProvider time)
{
    /// <summary>The set identifiers of the two entries; each stays bound to one Cloud Map service (first and second of <c>EcsDnsCloudMapServices</c>).</summary>
    public static readonly string[] SetIdentifiers = ["Blue", "Green"];

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
