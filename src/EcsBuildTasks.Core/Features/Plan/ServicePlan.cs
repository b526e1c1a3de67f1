using System.Globalization;
using System.Text.Json.Nodes;
using EcsBuildTasks.Aws.ECS;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Features.EcsServices;
using EcsBuildTasks.Core.Infrastructure;
using EcsService = EcsBuildTasks.Aws.ECS.Model.Service;

namespace EcsBuildTasks.Core.Features.Plan;

/// <summary>
/// Plans the ECS service: what <see cref="ServiceUpdate"/> would send (the same comparison the deploy makes: only the
/// members the project sets, the desired count only when it sets one), with each differing member broken down field by
/// field against <c>DescribeServices</c>.
/// </summary>
internal static class ServicePlan
{
    public const string Kind = "service";

    /// <summary>Request members that address the service rather than change it.</summary>
    private static readonly HashSet<string> Addressing = new(StringComparer.Ordinal) { "cluster", "service", "forceNewDeployment", "taskDefinition", "desiredCount" };

    public static ResourcePlan Plan(GeneratedDefinitions definitions, EcsService? existing, TaskDefinitionComparison taskDefinition)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        ArgumentNullException.ThrowIfNull(taskDefinition);
        var desired = EcsJson.Deserialize<CreateServiceRequest>(EcsJson.Serialize(definitions.Service));
        var name = desired.ServiceName!;
        if (existing is null)
        {
            var count = desired.SchedulingStrategy?.Value == "DAEMON" ? "one task per container instance" : string.Create(CultureInfo.InvariantCulture, $"desired count {desired.DesiredCount}");
            return new ResourcePlan(Kind, name, PlanAction.Create, ["ECS CreateService"], []) { Note = $"in cluster {desired.Cluster}, {count}" };
        }

        var family = definitions.TaskDefinition.Family!;
        var newRevision = $"{family}:{(taskDefinition.LiveArn is { } liveArn ? Revision(liveArn) + 1 : 1)}";
        desired.TaskDefinition = taskDefinition.Changes ? newRevision : taskDefinition.LiveArn ?? existing.TaskDefinition;
        ServiceUpdate.ClearStaleHooks(desired, existing);
        var live = Arns.Short(existing.TaskDefinition);
        var tagCalls = MissingTags(desired, existing) is { Count: > 0 } missing
            ? new[] { $"ECS TagResource ({string.Join(", ", missing.Select(t => t.Key))})" }
            : [];
        var tagChanges = MissingTags(desired, existing).Select(t => new PlanChange($"tags[{t.Key}]", PlanChangeKind.Added, null, JsonValue.Create(t.Value)!.ToJsonString())).ToList();
        var update = ServiceUpdate.BuildUpdate(desired, existing, definitions.Settings, out _);
        if (update is null)
        {
            return tagCalls.Length == 0
                ? new ResourcePlan(Kind, name, PlanAction.None, [], []) { Live = $"runs {live}" }
                : new ResourcePlan(Kind, name, PlanAction.Update, tagCalls, tagChanges) { Live = $"runs {live}" };
        }

        var sent = JsonNode.Parse(EcsJson.Serialize(update))!.AsObject();
        var want = JsonNode.Parse(EcsJson.Serialize(desired))!.AsObject();
        var have = ServiceUpdate.LiveJson(existing);
        var changes = new List<PlanChange>(tagChanges);
        foreach (var (member, _) in sent.Where(p => !Addressing.Contains(p.Key) && p.Value is not null))
        {
            var fields = DefinitionDiff.Compare(DefinitionDiff.Prune(have[member]), DefinitionDiff.Prune(want[member]), member, desiredOnly: true);

            // A list the update sends to clear what is there (e.g. no lifecycle hooks any more) reads as its removal.
            changes.AddRange(fields.Count > 0 ? fields : [new PlanChange(member, PlanChangeKind.Changed, have[member]?.ToJsonString() ?? "null", want[member]?.ToJsonString() ?? "null")]);
        }

        if (update.DesiredCount is { } desiredCount)
        {
            changes.Add(new PlanChange("desiredCount", PlanChangeKind.Changed, existing.DesiredCount?.ToString(CultureInfo.InvariantCulture) ?? "null", desiredCount.ToString(CultureInfo.InvariantCulture)));
        }

        var members = sent.Where(p => p.Key is not ("cluster" or "service") && p.Value is not null && !(p.Key == "forceNewDeployment" && p.Value.GetValue<bool>() == false)).Select(p => p.Key);
        var runs = update.TaskDefinition is null ? null : $"runs {(taskDefinition.Changes ? $"the new revision {newRevision}" : Arns.Short(update.TaskDefinition))}";
        return new ResourcePlan(Kind, name, PlanAction.Update, [.. tagCalls, $"ECS UpdateService ({string.Join(", ", members)})"], changes)
        {
            Live = $"runs {live}",
            Note = runs,
            FollowsTaskDefinition = changes.Count == 0,
        };
    }

    private static List<Tag> MissingTags(CreateServiceRequest desired, EcsService existing) =>
        [.. (desired.Tags ?? []).Where(t => !(existing.Tags ?? []).Exists(e => e.Key == t.Key && e.Value == t.Value))];

    private static int Revision(string taskDefinitionArn) =>
        int.TryParse(taskDefinitionArn[(taskDefinitionArn.LastIndexOf(':') + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var revision) ? revision : 0;
}
