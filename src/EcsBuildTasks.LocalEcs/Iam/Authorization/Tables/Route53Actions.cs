namespace EcsBuildTasks.LocalEcs.Iam.Authorization.Tables;

/// <summary>
/// Route 53 operations → IAM actions on hosted zone and change ARNs (<c>arn:aws:route53:::hostedzone/ID</c>; Service
/// Authorization Reference, "Amazon Route 53"); creating and listing zones takes no resource.
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
        ["ChangeResourceRecordSets"] = c => [c.Check("route53:ChangeResourceRecordSets", Zone(c.Str("HostedZoneId")))],
        ["ListResourceRecordSets"] = c => [c.Check("route53:ListResourceRecordSets", Zone(c.Str("HostedZoneId")))],
        ["GetChange"] = c => [c.Check("route53:GetChange", "arn:aws:route53:::change/" + Id(c.Str("Id")))],
        ["ChangeTagsForResource"] = c => [c.Check("route53:ChangeTagsForResource", Zone(c.Str("ResourceId")))],
        ["ListTagsForResource"] = c => [c.Check("route53:ListTagsForResource", Zone(c.Str("ResourceId")))],
    };

    /// <summary>Zone ids come as <c>Z123</c> or <c>/hostedzone/Z123</c>.</summary>
    private static string Id(string? id) => (id ?? string.Empty)[((id ?? string.Empty).LastIndexOf('/') + 1)..];

    private static string Zone(string? id) => "arn:aws:route53:::hostedzone/" + Id(id);
}
