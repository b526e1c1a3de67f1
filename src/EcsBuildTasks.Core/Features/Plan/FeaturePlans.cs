using System.Globalization;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Features.AutoScaling;
using EcsBuildTasks.Core.Features.ServiceDiscovery;
using EcsBuildTasks.Core.Infrastructure;

namespace EcsBuildTasks.Core.Features.Plan;

/// <summary>
/// The plan of what the features deploy around the service (read-only): the Cloud Map service it registers in, and the
/// auto scaling scalable target's capacity, as <see cref="CloudMapRegistration"/> and <see cref="ScalingConfigurator"/> would make them.
/// </summary>
internal static class FeaturePlans
{
    public const string CloudMapKind = "Cloud Map service";
    public const string ScalableTargetKind = "scalable target";

    public static async Task<IReadOnlyList<ResourcePlan>> PlanAsync(AwsSession aws, GeneratedDefinitions definitions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(aws);
        ArgumentNullException.ThrowIfNull(definitions);
        var plans = new List<ResourcePlan>();
        if (definitions.Settings.ServiceDiscovery is { RegistryArn: null, Namespace: { } reference } discovery)
        {
            var lookup = new CloudMapLookup(aws);
            var name = discovery.Name ?? definitions.Service.ServiceName!;
            var namespaces = await lookup.FindNamespacesAsync(reference, cancellationToken).ConfigureAwait(false);
            var existing = namespaces.Count == 1 ? await lookup.FindServiceAsync(namespaces[0].Id, name, cancellationToken).ConfigureAwait(false) : null;
            plans.Add(existing is null
                ? new ResourcePlan(CloudMapKind, $"{name} in {reference}", PlanAction.Create, namespaces.Count == 0 ? ["Cloud Map CreatePrivateDnsNamespace", "Cloud Map CreateService"] : ["Cloud Map CreateService"], [])
                : new ResourcePlan(CloudMapKind, $"{name} in {reference}", PlanAction.None, [], []) { Live = existing.Id });
        }

        if (definitions.Settings.AutoScaling is { MinCapacity: { } min, MaxCapacity: { } max })
        {
            var resourceId = ScalableTargets.ResourceId(definitions.Service.Cluster!, definitions.Service.ServiceName!);
            var target = await ScalableTargets.FindAsync(aws, resourceId, cancellationToken).ConfigureAwait(false);
            var inv = CultureInfo.InvariantCulture;
            if (target is null)
            {
                plans.Add(new ResourcePlan(ScalableTargetKind, resourceId, PlanAction.Create, ["Application Auto Scaling RegisterScalableTarget"], []) { Note = string.Create(inv, $"capacity {min}–{max}") });
            }
            else
            {
                var changes = new List<PlanChange>();
                if (target.MinCapacity != min)
                {
                    changes.Add(new PlanChange("minCapacity", PlanChangeKind.Changed, target.MinCapacity?.ToString(inv), min.ToString(inv)));
                }

                if (target.MaxCapacity != max)
                {
                    changes.Add(new PlanChange("maxCapacity", PlanChangeKind.Changed, target.MaxCapacity?.ToString(inv), max.ToString(inv)));
                }

                plans.Add(changes.Count == 0
                    ? new ResourcePlan(ScalableTargetKind, resourceId, PlanAction.None, [], []) { Live = string.Create(inv, $"capacity {min}–{max}") }
                    : new ResourcePlan(ScalableTargetKind, resourceId, PlanAction.Update, ["Application Auto Scaling RegisterScalableTarget"], changes));
            }
        }

        return plans;
    }
}
