using System.Globalization;
using EcsBuildTasks.Aws.ECS;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Features.Plan;
using EcsBuildTasks.Core.Features.VersionedServices;
using EcsBuildTasks.Core.Infrastructure;

namespace EcsBuildTasks.Core.Strategies.Versioned;

/// <summary>
/// The live plan of the strategies on versioned services: the task definition as for any strategy; then either nothing
/// (the serving version runs this build with this configuration, as <see cref="IsUpToDateAsync"/> decides for a deploy)
/// or a new version <c>&lt;name&gt;__&lt;N&gt;</c>, compared field by field with the serving version, with the calls that
/// move tasks (and, per strategy, traffic) to it and the old versions the deploy would delete; then the features.
/// </summary>
internal abstract partial class VersionedServicesStrategy
{
    public const string VersionKind = "service version";

    public async Task<IReadOnlyList<ResourcePlan>> PlanAsync(DeploymentContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var aws = context.Aws;
        var (definitions, serviceConnect) = await FeaturePlans.ResolveServiceConnectAsync(aws, context.Definitions, cancellationToken).ConfigureAwait(false);
        context = context with { Definitions = definitions };
        var cluster = definitions.Service.Cluster!;
        var baseName = definitions.Service.ServiceName!;
        var taskDefinition = await TaskDefinitionPlan.PlanAsync(aws, definitions, cancellationToken).ConfigureAwait(false);
        var set = await new ServiceVersions(aws, context.Log).FindAsync(cluster, baseName, cancellationToken).ConfigureAwait(false);
        var current = set.Current;
        var plans = new List<ResourcePlan> { taskDefinition.Plan };
        if (set.Versions.FirstOrDefault(v => v.IsDeploying) is { } busy)
        {
            plans.Add(new ResourcePlan(VersionKind, busy.Name, PlanAction.NotPlanned, [], [])
            {
                Note = "another build is deploying this version: a deploy now stops before changing anything (dotnet msbuild -t:EcsStatus shows where it stands)",
            });
            return plans;
        }

        string scalingService;
        string? newVersion = null;
        if (current is not null && !taskDefinition.Changes && set.Serving.Count == 1 && !current.IsAdopted
            && await IsUpToDateAsync(context, set, current, taskDefinition.LiveArn!, cancellationToken).ConfigureAwait(false))
        {
            plans.Add(new ResourcePlan(VersionKind, current.Name, PlanAction.None, [], []) { Live = $"serves {Arns.Short(current.Service.TaskDefinition)}" });
            scalingService = current.Name;
        }
        else
        {
            var next = VersionSet.NameOf(baseName, set.NextNumber);
            var running = set.Serving.Sum(v => v.DesiredCount);
            var target = context.Settings.DesiredCount ?? (running > 0 ? running : 1);
            var revision = taskDefinition.Changes ? "the new revision" : Arns.Short(taskDefinition.LiveArn);
            var prune = set.Versions.Where(v => v.Service.Status == "ACTIVE" && !v.IsDeploying).OrderByDescending(v => v.Number).Skip(KeepVersions).Where(v => v.DesiredCount == 0).Select(v => v.Name).ToList();
            List<string> calls = [$"ECS CreateService ({next}, {revision}, 0 tasks)", .. PlanVersionCalls(context, set, next, target)];
            if (prune.Count > 0)
            {
                calls.Add($"ECS DeleteService ({string.Join(", ", prune)}: beyond the {KeepVersions} old version(s) kept)");
            }

            plans.Add(new ResourcePlan(VersionKind, next, PlanAction.Create, calls, current is null ? [] : ChangesFrom(definitions, current, taskDefinition))
            {
                Live = current is null ? null : $"{current.Name} serves {Arns.Short(current.Service.TaskDefinition)}",
                Note = string.Create(CultureInfo.InvariantCulture, $"{target} task(s){(current is null ? ", the first version" : $", replacing {string.Join(", ", set.Serving.Select(v => v.Describe()))}")}"),
                FollowsTaskDefinition = current is not null && ChangesFrom(definitions, current, taskDefinition).Count == 0,
            });
            scalingService = next;
            newVersion = next;
        }

        if (newVersion is not null)
        {
            plans.AddRange(await PlanTrafficAsync(context, set, cancellationToken).ConfigureAwait(false));
        }
        if (serviceConnect is not null)
        {
            plans.Add(serviceConnect);
        }

        var scope = new FeaturePlanScope(taskDefinition.Changes, scalingService, CloudMap: PlansProjectCloudMapService)
        {
            RunsPreDeployTasks = scalingService != current?.Name,
        };
        plans.AddRange(await FeaturePlans.PlanAsync(aws, definitions, cancellationToken, scope).ConfigureAwait(false));
        return plans;
    }

    /// <summary>False when the strategy registers the versions in Cloud Map services of its own rather than the project's (DnsBlueGreen).</summary>
    protected virtual bool PlansProjectCloudMapService => true;

    /// <summary>
    /// The calls after the new version is created, for the plan: by default its resize to the target count and the
    /// serving versions' resize to 0 (phase by phase for Versioned).
    /// </summary>
    protected virtual IEnumerable<string> PlanVersionCalls(DeploymentContext context, VersionSet set, string next, int target)
    {
        ArgumentNullException.ThrowIfNull(set);
        yield return string.Create(CultureInfo.InvariantCulture, $"ECS UpdateService (desiredCount: {next} → {target}{string.Concat(set.Serving.Select(v => $", {v.Name} → 0"))})");
    }

    /// <summary>The plan of what the strategy moves traffic with (listener rules, DNS records) to a new version; none by default.</summary>
    protected virtual Task<IReadOnlyList<ResourcePlan>> PlanTrafficAsync(DeploymentContext context, VersionSet set, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ResourcePlan>>([]);

    /// <summary>How the new version's definition differs from the serving version's (the members the project sets).</summary>
    private static IReadOnlyList<PlanChange> ChangesFrom(GeneratedDefinitions definitions, ServiceVersion current, TaskDefinitionComparison taskDefinition)
    {
        var probe = EcsJson.Deserialize<CreateServiceRequest>(EcsJson.Serialize(definitions.Service));
        probe.ServiceName = current.Name;
        if (current.TargetGroups.Count > 0)
        {
            // A version may sit behind the other target group of a swap: which one is not the project's setting.
            foreach (var balancer in probe.LoadBalancers ?? [])
            {
                balancer.TargetGroupArn = current.TargetGroups[0];
            }
        }

        var settings = definitions.Settings with { DesiredCount = null };
        var plan = ServicePlan.Plan(definitions with { Service = probe, Settings = settings }, current.Service, taskDefinition);
        return [.. plan.Changes.Where(c => !c.Path.StartsWith("tags", StringComparison.Ordinal))];
    }
}
