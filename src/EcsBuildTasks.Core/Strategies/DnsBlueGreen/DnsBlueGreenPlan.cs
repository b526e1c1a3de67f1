using System.Globalization;
using EcsBuildTasks.Core.Features.Plan;
using EcsBuildTasks.Core.Features.VersionedServices;

namespace EcsBuildTasks.Core.Strategies.DnsBlueGreen;

/// <summary>The live plan of DNS blue/green: the two Cloud Map services the versions take turns in, and the weighted record moved step by step.</summary>
internal sealed partial class DnsBlueGreenStrategy
{
    public const string DnsRecordKind = "DNS record";

    protected override bool PlansProjectCloudMapService => false;

    protected override IEnumerable<string> PlanVersionCalls(DeploymentContext context, VersionSet set, string next, int target)
    {
        ArgumentNullException.ThrowIfNull(set);
        yield return string.Create(CultureInfo.InvariantCulture, $"ECS UpdateService (desiredCount: {next} → {target}, registered at weight 0)");
        yield return string.Create(CultureInfo.InvariantCulture, $"Route 53 ChangeResourceRecordSets ({dns.RecordName} weights {string.Join(" → ", dns.Steps)})");
        if (downsizeOld && set.Serving.Count > 0)
        {
            yield return $"ECS UpdateService (desiredCount: {string.Join(", ", set.Serving.Select(v => $"{v.Name} → 0"))}, at weight 0)";
        }
    }

    protected override async Task<IReadOnlyList<ResourcePlan>> PlanTrafficAsync(DeploymentContext context, VersionSet set, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(set);
        if (dns.HostedZone is null || dns.RecordName is null)
        {
            return [];
        }

        var weights = new DnsWeights(context.Aws, context.Log, context.Time);
        var (zone, problem) = await weights.FindZoneAsync(dns.HostedZone, cancellationToken).ConfigureAwait(false);
        if (zone is null)
        {
            return [new ResourcePlan(DnsRecordKind, dns.RecordName, PlanAction.NotPlanned, [], []) { Note = problem }];
        }

        var slots = await SlotsAsync(context, null, create: false, cancellationToken).ConfigureAwait(false);
        var ids = slots.Entries.SetIdentifiers;
        var plans = new List<ResourcePlan>();
        for (var i = 0; i < slots.Names.Length; i++)
        {
            plans.Add(slots.Arns[i] is { } arn
                ? new ResourcePlan("Cloud Map service", slots.Names[i], PlanAction.None, [], []) { Live = arn }
                : new ResourcePlan("Cloud Map service", slots.Names[i], PlanAction.Create, ["Cloud Map CreateService"], []) { Note = $"the {ids[i]} entry of {dns.RecordName} points at it" });
        }

        var records = slots.Records;
        long WeightOf(int index) => records.FirstOrDefault(r => r.SetIdentifier == ids[index])?.Weight ?? 0;
        var current = set.Current;
        var oldIndex = current is null ? -1 : Array.FindIndex(slots.Arns, a => a is not null && RegistryOf(current) == a);
        var newIndex = oldIndex == 0 ? 1 : 0;
        string Weights(long newWeight) => string.Create(CultureInfo.InvariantCulture, $"{ids[newIndex]} {newWeight} · {ids[1 - newIndex]} {100 - newWeight}");
        var live = records.Count == 0 ? null : string.Create(CultureInfo.InvariantCulture, $"{ids[newIndex]} {WeightOf(newIndex)} · {ids[1 - newIndex]} {WeightOf(1 - newIndex)}");
        plans.Add(new ResourcePlan(DnsRecordKind, $"{DnsWeights.Fqdn(dns.RecordName)} in {zone.Name}", records.Count == 0 ? PlanAction.Create : PlanAction.Update, [], [new PlanChange("weights", records.Count == 0 ? PlanChangeKind.Added : PlanChangeKind.Changed, live, Weights(100))])
        {
            Live = live,
            Note = string.Create(CultureInfo.InvariantCulture, $"weighted CNAME entries, TTL {dns.Ttl} s; the new version's entry {ids[newIndex]} goes {string.Join(" → ", dns.Steps)}"),
            FollowsTaskDefinition = true,
        });
        return plans;
    }
}
