using System.Globalization;
using System.Xml.Linq;

namespace EcsBuildTasks.LocalEcs.Tests.Support;

/// <summary>Route 53 requests as their XML documents, and the answers the tests read.</summary>
internal static class Route53Scenario
{
    private static readonly XNamespace Ns = AwsClient.Route53Namespace;

    public sealed record Record(string Name, string Type, string? SetIdentifier, long? Weight, long? Ttl, IReadOnlyList<string> Values)
    {
        /// <summary>Everything about the record in one comparable line.</summary>
        public string Text => $"{Name} {Type} {SetIdentifier} {Weight} {Ttl} {string.Join(',', Values)}";
    }

    /// <summary>Creates a public hosted zone; returns its id as Route 53 writes it (<c>/hostedzone/Z…</c>).</summary>
    public static async Task<string> ZoneAsync(AwsClient aws, string name, string? callerReference = null)
    {
        var created = await aws.Route53Async("CreateHostedZone", HttpMethod.Post, "/2013-04-01/hostedzone", new XElement(
            Ns + "CreateHostedZoneRequest",
            new XElement(Ns + "Name", name),
            new XElement(Ns + "CallerReference", callerReference ?? Guid.NewGuid().ToString())));
        return created.Document.Element(Ns + "HostedZone")!.Element(Ns + "Id")!.Value;
    }

    public static XElement Change(string action, string name, string type, string? setIdentifier, long? weight, long? ttl, params string[] values) => new(
        Ns + "Change",
        new XElement(Ns + "Action", action),
        new XElement(
            Ns + "ResourceRecordSet",
            new XElement(Ns + "Name", name),
            new XElement(Ns + "Type", type),
            setIdentifier is null ? null : new XElement(Ns + "SetIdentifier", setIdentifier),
            weight is null ? null : new XElement(Ns + "Weight", weight.Value.ToString(CultureInfo.InvariantCulture)),
            ttl is null ? null : new XElement(Ns + "TTL", ttl.Value.ToString(CultureInfo.InvariantCulture)),
            values.Length == 0 ? null : new XElement(Ns + "ResourceRecords", values.Select(v => new XElement(Ns + "ResourceRecord", new XElement(Ns + "Value", v))))));

    /// <summary>A weighted CNAME with a 60-second TTL.</summary>
    public static XElement Weighted(string action, string name, string setIdentifier, long weight, string target) =>
        Change(action, name, "CNAME", setIdentifier, weight, 60, target);

    /// <summary>Submits a change batch; returns the change id (<c>/change/C…</c>).</summary>
    public static async Task<string> ChangeAsync(AwsClient aws, string zoneId, params XElement[] changes)
    {
        var response = await aws.Route53Async("ChangeResourceRecordSets", HttpMethod.Post, $"/2013-04-01{zoneId}/rrset/", new XElement(
            Ns + "ChangeResourceRecordSetsRequest",
            new XElement(Ns + "ChangeBatch", new XElement(Ns + "Comment", "test"), new XElement(Ns + "Changes", changes))));
        return response.Document.Element(Ns + "ChangeInfo")!.Element(Ns + "Id")!.Value;
    }

    public static async Task<string> StatusAsync(AwsClient aws, string changeId) =>
        (await aws.Route53Async("GetChange", HttpMethod.Get, "/2013-04-01" + changeId)).Document.Element(Ns + "ChangeInfo")!.Element(Ns + "Status")!.Value;

    /// <summary>Every record set of a zone, one page after another (<paramref name="pageSize"/> records a page).</summary>
    public static async Task<List<Record>> ListAsync(AwsClient aws, string zoneId, int pageSize = 300)
    {
        var records = new List<Record>();
        var query = string.Empty;
        while (true)
        {
            var page = (await aws.Route53Async("ListResourceRecordSets", HttpMethod.Get, $"/2013-04-01{zoneId}/rrset?maxitems={pageSize}{query}")).Document;
            records.AddRange(page.Element(Ns + "ResourceRecordSets")!.Elements(Ns + "ResourceRecordSet").Select(Read));
            if (page.Element(Ns + "IsTruncated")!.Value != "true")
            {
                return records;
            }

            query = "&name=" + Uri.EscapeDataString(page.Element(Ns + "NextRecordName")!.Value)
                + "&type=" + page.Element(Ns + "NextRecordType")!.Value
                + (page.Element(Ns + "NextRecordIdentifier") is { } identifier ? "&identifier=" + Uri.EscapeDataString(identifier.Value) : string.Empty);
        }
    }

    private static Record Read(XElement set) => new(
        set.Element(Ns + "Name")!.Value,
        set.Element(Ns + "Type")!.Value,
        set.Element(Ns + "SetIdentifier")?.Value,
        set.Element(Ns + "Weight") is { } weight ? long.Parse(weight.Value, CultureInfo.InvariantCulture) : null,
        set.Element(Ns + "TTL") is { } ttl ? long.Parse(ttl.Value, CultureInfo.InvariantCulture) : null,
        [.. set.Descendants(Ns + "Value").Select(v => v.Value)]);
}
