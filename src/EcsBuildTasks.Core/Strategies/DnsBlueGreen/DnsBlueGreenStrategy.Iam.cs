using System.Text.Json.Nodes;
using EcsBuildTasks.Core.Features.IamPolicy;

namespace EcsBuildTasks.Core.Strategies.DnsBlueGreen;

internal sealed partial class DnsBlueGreenStrategy
{
    /// <summary>
    /// The weighted records: the hosted zone found (by id, or by name when the project names it), its records of the name
    /// listed, and changed only by UPSERTs of CNAMEs of <c>EcsDnsRecordName</c> (Route 53's record-level condition keys);
    /// the changes followed to INSYNC. A zone named by id scopes the record statements to it; by name, Route 53 chose the
    /// id, so any zone (the record condition still holds). The two Cloud Map services and their instances are the base's.
    /// </summary>
    protected override IEnumerable<PolicyStatement> TrafficIamStatements(IamScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (dns.HostedZone is not { } zone || dns.RecordName is not { } record)
        {
            yield break;
        }

        string zones;
        if (DnsWeights.IsZoneId(zone))
        {
            zones = "arn:aws:route53:::hostedzone/" + DnsWeights.StripPrefix(zone);
            yield return new("ReadTheHostedZoneAndTheRecordsOfTheName", ["route53:GetHostedZone", "route53:ListResourceRecordSets"], [zones]);
        }
        else
        {
            zones = "arn:aws:route53:::hostedzone/*";
            yield return new("FindTheHostedZoneByNameListHostedZonesByNameTakesNoResource", ["route53:ListHostedZonesByName"], ["*"]);
            yield return new("ReadTheRecordsOfTheNameTheZoneIdIsChosenByRoute53", ["route53:ListResourceRecordSets"], [zones]);
        }

        yield return new("UpsertOnlyTheWeightedCnamesOfTheRecordName", ["route53:ChangeResourceRecordSets"], [zones], new JsonObject
        {
            ["ForAllValues:StringEquals"] = new JsonObject
            {
                ["route53:ChangeResourceRecordSetsNormalizedRecordNames"] = new JsonArray(record.TrimEnd('.').ToLowerInvariant()),
                ["route53:ChangeResourceRecordSetsRecordTypes"] = new JsonArray("CNAME"),
                ["route53:ChangeResourceRecordSetsActions"] = new JsonArray("UPSERT"),
            },
        });
        yield return new("FollowTheRecordChangesToInSyncChangeIdsAreChosenByRoute53", ["route53:GetChange"], ["arn:aws:route53:::change/*"]);
    }
}
