using System.Text.Json.Nodes;

namespace EcsBuildTasks.LocalEcs.State;

/// <summary>Route 53 is global: one set of hosted zones and changes for the account, whatever region a caller signs for.</summary>
internal sealed class Route53State
{
    /// <summary>Hosted zones by id (without the <c>/hostedzone/</c> prefix).</summary>
    public Dictionary<string, HostedZoneRecord> Zones { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Changes by id (without the <c>/change/</c> prefix), newest last.</summary>
    public Dictionary<string, Route53Change> Changes { get; set; } = new(StringComparer.Ordinal);
}

internal sealed class HostedZoneRecord
{
    public string Id { get; set; } = string.Empty;

    /// <summary>Fully qualified, lower case, with the trailing dot (<c>example.com.</c>).</summary>
    public string Name { get; set; } = string.Empty;

    public string CallerReference { get; set; } = string.Empty;

    public string? Comment { get; set; }

    public bool PrivateZone { get; set; }

    /// <summary>VPCs of a private zone: <c>{VPCRegion, VPCId}</c>.</summary>
    public JsonArray Vpcs { get; set; } = [];

    public List<string> NameServers { get; set; } = [];

    /// <summary><c>{ServicePrincipal, Description}</c> of a zone another service created (Cloud Map's DNS namespaces).</summary>
    public JsonObject? LinkedService { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The record sets as the API sees them: changes show here at once, and in DNS once they are INSYNC.</summary>
    public List<RecordSet> RecordSets { get; set; } = [];
}

/// <summary>A resource record set. Its identity is name, type and set identifier.</summary>
internal sealed class RecordSet
{
    public string Name { get; set; } = string.Empty;

    public string Type { get; set; } = string.Empty;

    public string? SetIdentifier { get; set; }

    public long? Weight { get; set; }

    public string? Region { get; set; }

    public JsonObject? GeoLocation { get; set; }

    public string? Failover { get; set; }

    public bool? MultiValueAnswer { get; set; }

    public long? Ttl { get; set; }

    public List<string> Values { get; set; } = [];

    /// <summary><c>{HostedZoneId, DNSName, EvaluateTargetHealth}</c> of an alias record.</summary>
    public JsonObject? AliasTarget { get; set; }

    public string? HealthCheckId { get; set; }

    public bool SameIdentity(RecordSet other) =>
        Name == other.Name && Type == other.Type && string.Equals(SetIdentifier, other.SetIdentifier, StringComparison.Ordinal);
}

/// <summary>
/// A change: PENDING until <see cref="InsyncAt"/> (simulated time), then INSYNC. Until then DNS still answers with the
/// record sets as they were, which <see cref="Before"/> keeps.
/// </summary>
internal sealed class Route53Change
{
    public string Id { get; set; } = string.Empty;

    /// <summary>Submission order (several changes can share a simulated instant).</summary>
    public long Sequence { get; set; }

    /// <summary>The zone whose records the change touched (none for zone creation and deletion).</summary>
    public string? ZoneId { get; set; }

    public DateTimeOffset SubmittedAt { get; set; }

    public DateTimeOffset InsyncAt { get; set; }

    public string? Comment { get; set; }

    /// <summary>Each record set the change touched as it was before (null where it did not exist), in change order.</summary>
    public List<RecordSetBefore> Before { get; set; } = [];

    public string Status(DateTimeOffset now) => now >= InsyncAt ? "INSYNC" : "PENDING";
}

internal sealed class RecordSetBefore
{
    public string Name { get; set; } = string.Empty;

    public string Type { get; set; } = string.Empty;

    public string? SetIdentifier { get; set; }

    public RecordSet? Previous { get; set; }
}
