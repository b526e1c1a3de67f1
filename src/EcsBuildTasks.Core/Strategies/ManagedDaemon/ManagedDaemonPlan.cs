using System.Globalization;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using EcsBuildTasks.Aws.ECS;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Features.Plan;
using EcsBuildTasks.Core.Infrastructure;

namespace EcsBuildTasks.Core.Strategies.ManagedDaemon;

/// <summary>
/// The live plan of a managed daemon: the daemon task definition (registered only when it differs from the family's
/// latest ACTIVE revision), the daemon (created, or updated in the members that differ, as a deploy decides), the log
/// groups.
/// </summary>
internal sealed partial class ManagedDaemonStrategy
{
    public const string DaemonTaskDefinitionKind = "daemon task definition";
    public const string DaemonKind = "managed daemon";

    public async Task<IReadOnlyList<ResourcePlan>> PlanAsync(DeploymentContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (aws, definitions) = (context.Aws, context.Definitions);
        var settings = definitions.Settings;
        var (cluster, name) = (definitions.Service.Cluster!, definitions.Service.ServiceName!);
        var problems = new DiagnosticCollection();
        var providers = await CapacityProviderArnsAsync(aws, settings, cluster, problems, cancellationToken).ConfigureAwait(false);
        if (problems.HasErrors)
        {
            throw new DeploymentException([.. problems.Where(p => p.IsError)]);
        }

        var (desired, _) = DaemonTaskDefinitions.Convert(definitions.TaskDefinition);
        DaemonTaskDefinition? latest;
        try
        {
            latest = (await AwsCalls.RunAsync("ECS DescribeDaemonTaskDefinition", () => aws.Ecs.DescribeDaemonTaskDefinitionAsync(new DescribeDaemonTaskDefinitionRequest { DaemonTaskDefinition = desired.Family }, cancellationToken)).ConfigureAwait(false)).DaemonTaskDefinition;
        }
        catch (DeploymentException ex) when (ex.InnerException is AmazonServiceException { StatusCode: System.Net.HttpStatusCode.BadRequest })
        {
            latest = null;
        }

        var plans = new List<ResourcePlan>();
        var registers = latest is not { Status.Value: "ACTIVE" } || !DaemonTaskDefinitions.Same(desired, latest);
        string taskDefinition;
        if (!registers)
        {
            taskDefinition = latest!.DaemonTaskDefinitionArn!;
            plans.Add(new ResourcePlan(DaemonTaskDefinitionKind, desired.Family!, PlanAction.None, [], []) { Live = $"{latest.Family}:{latest.Revision}" });
        }
        else if (latest is null)
        {
            taskDefinition = "the new revision";
            plans.Add(new ResourcePlan(DaemonTaskDefinitionKind, desired.Family!, PlanAction.Create, ["ECS RegisterDaemonTaskDefinition"], []) { Note = "first revision of the family" });
        }
        else
        {
            taskDefinition = "the new revision";
            var have = JsonNode.Parse(EcsJson.Serialize(latest));
            var want = JsonNode.Parse(EcsJson.Serialize(desired))!.AsObject();
            want.Remove("tags");
            var changes = DefinitionDiff.Compare(DefinitionDiff.Prune(have), DefinitionDiff.Prune(want), string.Empty, desiredOnly: true);
            plans.Add(new ResourcePlan(DaemonTaskDefinitionKind, desired.Family!, PlanAction.Register, [string.Create(CultureInfo.InvariantCulture, $"ECS RegisterDaemonTaskDefinition ({latest.Family}:{latest.Revision + 1} or later)")], changes)
            {
                Live = $"{latest.Family}:{latest.Revision}",
            });
        }

        var existing = await FindAsync(aws, cluster, name, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            plans.Add(new ResourcePlan(DaemonKind, name, PlanAction.Create, ["ECS CreateDaemon"], [])
            {
                Note = $"in cluster {cluster}, on {string.Join(", ", providers.Select(Arns.Short))}",
            });
        }
        else
        {
            var current = await CurrentAsync(aws, existing.DaemonArn!, cancellationToken).ConfigureAwait(false);
            var changes = DaemonChanges(settings, current, registers ? null : taskDefinition, providers);
            var live = current.Revision?.DaemonTaskDefinitionArn is { } arn ? $"runs {Arns.Short(arn)}" : null;
            plans.Add(changes.Count == 0
                ? new ResourcePlan(DaemonKind, name, PlanAction.None, [], []) { Live = live }
                : new ResourcePlan(DaemonKind, name, PlanAction.Update, [$"ECS UpdateDaemon ({string.Join(", ", changes.Select(c => c.Path))})"], changes)
                {
                    Live = live,
                    Note = registers ? "runs the new revision" : null,
                    FollowsTaskDefinition = changes.All(c => c.Path == "daemonTaskDefinitionArn"),
                });
        }

        plans.AddRange(await FeaturePlans.PlanAsync(aws, definitions, cancellationToken, new FeaturePlanScope(registers, CloudMap: false)).ConfigureAwait(false));
        return plans;
    }

    /// <summary>The members an update would change, with the live and new values (as <see cref="ApplyAsync"/> compares them).</summary>
    /// <param name="taskDefinition">The revision the daemon would run; null when a new one is registered.</param>
    private List<PlanChange> DaemonChanges(Settings.EcsSettings settings, DaemonState current, string? taskDefinition, List<string> providers)
    {
        var changes = new List<PlanChange>();
        var inv = CultureInfo.InvariantCulture;
        var runningTaskDefinition = current.Revision?.DaemonTaskDefinitionArn;
        if (taskDefinition is null || runningTaskDefinition != taskDefinition)
        {
            changes.Add(new PlanChange("daemonTaskDefinitionArn", PlanChangeKind.Changed, Json(Arns.Short(runningTaskDefinition)), Json(taskDefinition is null ? "the new revision" : Arns.Short(taskDefinition))));
        }

        if (!current.CapacityProviders.Order(StringComparer.Ordinal).SequenceEqual(providers.Order(StringComparer.Ordinal), StringComparer.Ordinal))
        {
            changes.Add(new PlanChange("capacityProviderArns", PlanChangeKind.Changed, Json(string.Join(", ", current.CapacityProviders.Select(Arns.Short))), Json(string.Join(", ", providers.Select(Arns.Short)))));
        }

        var configuration = DeploymentConfiguration(settings);
        var running = current.Deployment?.DeploymentConfiguration;
        if (configuration.DrainPercent is { } drain && running?.DrainPercent != drain)
        {
            changes.Add(new PlanChange("deploymentConfiguration.drainPercent", PlanChangeKind.Changed, running?.DrainPercent?.ToString(inv), drain.ToString(inv)));
        }

        if ((configuration.BakeTimeInMinutes ?? 0) != (running?.BakeTimeInMinutes ?? 0))
        {
            changes.Add(new PlanChange("deploymentConfiguration.bakeTimeInMinutes", PlanChangeKind.Changed, (running?.BakeTimeInMinutes ?? 0).ToString(inv), (configuration.BakeTimeInMinutes ?? 0).ToString(inv)));
        }

        var alarms = (configuration.Alarms?.AlarmNames ?? []).Order(StringComparer.Ordinal).ToList();
        var liveAlarms = (running?.Alarms?.Enable == true ? running.Alarms.AlarmNames ?? [] : []).Order(StringComparer.Ordinal).ToList();
        if (!alarms.SequenceEqual(liveAlarms, StringComparer.Ordinal))
        {
            changes.Add(new PlanChange("deploymentConfiguration.alarms", PlanChangeKind.Changed, Json(string.Join(", ", liveAlarms)), Json(string.Join(", ", alarms))));
        }

        if (settings.EnableExecuteCommand is { } exec && exec != (current.Revision?.EnableExecuteCommand ?? false))
        {
            changes.Add(new PlanChange("enableExecuteCommand", PlanChangeKind.Changed, (!exec).ToString().ToLowerInvariant(), exec.ToString().ToLowerInvariant()));
        }

        return changes;
    }

    private static string Json(string? text) => JsonValue.Create(text)?.ToJsonString() ?? "null";
}
