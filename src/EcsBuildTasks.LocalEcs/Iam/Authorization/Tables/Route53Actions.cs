using EcsBuildTasks.LocalEcs.Protocols;

namespace EcsBuildTasks.LocalEcs.Iam.Authorization.Tables;

/// <summary>
/// Route 53 operations → IAM actions on hosted zone and change ARNs (<c>arn:aws:route53:::hostedzone/ID</c>; Service
/// Authorization Reference, "Amazon Route 53"); creating and listing zones takes no resource. The zone id is the
/// request URI's <c>Id</c>; a record change carries the names, types and actions of its changes as condition keys.
/// </summary>
internal static class Route53Actions
{
    public static readonly ActionTable Table = new("route53")
    {
        ["CreateHostedZone"] = c => [c.Any("route53:CreateHostedZone")],
        ["GetHostedZone"] = c => [c.Check("route53:GetHostedZone", Zone(c.Str("Id")))],
        ["ListHostedZones"] = c => [c.Any("route53:ListHostedZones")],
        ["ListHostedZonesByName"] = c => [c.Any("route53:ListHostedZonesByName")],
        ["GetHostedZoneCount"] = c => [c.Any("route53:GetHostedZoneCount")],
        ["DeleteHostedZone"] = c => [c.Check("route53:DeleteHostedZone", Zone(c.Str("Id")))],
        ["ChangeResourceRecordSets"] = c => [new AuthorizationCheck("route53:ChangeResourceRecordSets", Zone(c.Str("Id")), ChangeKeys(c))],
        ["ListResourceRecordSets"] = c => [c.Check("route53:ListResourceRecordSets", Zone(c.Str("Id")))],
        ["GetChange"] = c => [c.Check("route53:GetChange", "arn:aws:route53:::change/" + Id(c.Str("Id")))],
        ["ChangeTagsForResource"] = c => [c.Check("route53:ChangeTagsForResource", Zone(c.Str("ResourceId")))],
        ["ListTagsForResource"] = c => [c.Check("route53:ListTagsForResource", Zone(c.Str("ResourceId")))],
    };

    /// <summary>
    /// The condition keys of a change batch: the record names (normalised: lower case, no trailing dot), types and
    /// actions of its changes, so that a policy can allow changing only some records of a zone.
    /// </summary>
    private static Dictionary<string, IReadOnlyList<string>> ChangeKeys(OperationContext c)
    {
        var changes = c.Input.Obj("ChangeBatch")?.Objects("Changes").ToList() ?? [];
        return new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
        {
            ["route53:ChangeResourceRecordSetsNormalizedRecordNames"] = [.. changes.Select(ch => (ch.Obj("ResourceRecordSet")?.Str("Name") ?? string.Empty).TrimEnd('.').ToLowerInvariant()).Distinct(StringComparer.Ordinal)],
            ["route53:ChangeResourceRecordSetsRecordTypes"] = [.. changes.Select(ch => ch.Obj("ResourceRecordSet")?.Str("Type") ?? string.Empty).Distinct(StringComparer.Ordinal)],
            ["route53:ChangeResourceRecordSetsActions"] = [.. changes.Select(ch => ch.Str("Action") ?? string.Empty).Distinct(StringComparer.Ordinal)],
        };
    }

    /// <summary>Zone ids come as <c>Z123</c> or <c>/hostedzone/Z123</c>.</summary>
    private static string Id(string? id) => (id ?? string.Empty)[((id ?? string.Empty).LastIndexOf('/') + 1)..];

    private static string Zone(string? id) => "arn:aws:route53:::hostedzone/" + Id(id);
}
