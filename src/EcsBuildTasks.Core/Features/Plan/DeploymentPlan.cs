using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EcsBuildTasks.Core.Features.Plan;

/// <summary>What a deploy would do to one resource.</summary>
internal static class PlanAction
{
    /// <summary>It does not exist: the deploy creates (or registers the first revision of) it.</summary>
    public const string Create = "create";

    /// <summary>A new task definition revision.</summary>
    public const string Register = "register";

    /// <summary>The deploy changes it in place.</summary>
    public const string Update = "update";

    /// <summary>A one-off task runs (a pre-deploy task).</summary>
    public const string Run = "run";

    /// <summary>Nothing changes.</summary>
    public const string None = "none";

    /// <summary>The strategy does not compare this resource with the live state: the deploy decides.</summary>
    public const string NotPlanned = "not-planned";
}

/// <summary>One resource of the plan: the live one compared with what the deploy would send, and what it would call.</summary>
/// <param name="Kind">What it is: <c>task definition</c>, <c>service</c>, <c>scalable target</c>, <c>Cloud Map service</c>, <c>listener rule</c>.</param>
/// <param name="Name">Its name or ARN.</param>
/// <param name="Action">A <see cref="PlanAction"/>.</param>
/// <param name="Calls">The AWS calls the deploy would make for it, with the members it would send (e.g. <c>ECS UpdateService (desiredCount, taskDefinition)</c>).</param>
/// <param name="Changes">The fields that differ (none for a resource created or unchanged).</param>
internal sealed record ResourcePlan(string Kind, string Name, string Action, IReadOnlyList<string> Calls, IReadOnlyList<PlanChange> Changes)
{
    /// <summary>The live revision or identifier compared against, when there is one.</summary>
    public string? Live { get; init; }

    /// <summary>Why the action is what it is, when the changes alone do not say (e.g. the only change is the image).</summary>
    public string? Note { get; init; }

    /// <summary>The only change is that the service moves to the new task definition revision (no field of its own differs).</summary>
    public bool FollowsTaskDefinition { get; init; }

    /// <summary>A new revision of the same content (the live one was not registered from this definition by EcsBuildTasks).</summary>
    public bool SameContent => Action == PlanAction.Register && Changes.Count == 0;

    /// <summary>Only the image differs: the new build's image replaces the running one.</summary>
    public bool OnlyImage => Changes.Count > 0 && Changes.All(c => c.IsNewImage);
}

/// <summary>
/// The plan of a deployment against the live service: each resource's field-level differences and the calls the deploy
/// would make. Written to <c>ecs-plan.json</c>, printed, and (on GitHub) added to the step summary. It holds secret
/// names and <c>valueFrom</c> references only, never a value.
/// </summary>
internal sealed record DeploymentPlan
{
    public const string NoChange = "no-change";
    public const string ImageOnly = "image-only";
    public const string Changes = "changes";
    public const string Offline = "offline";

    /// <summary>True when the live state was read; false for an offline dry run (<see cref="OfflineReason"/> says why).</summary>
    public required bool Live { get; init; }

    public string? OfflineReason { get; init; }

    public required string Cluster { get; init; }

    public required string Service { get; init; }

    public string? Region { get; init; }

    public required string Strategy { get; init; }

    public IReadOnlyList<ResourcePlan> Resources { get; init; } = [];

    /// <summary>The deployment's configured steps (bakes, canary and linear intervals, pauses), as the timeline chart shows them.</summary>
    public IReadOnlyList<PlannedStep> Steps { get; init; } = [];

    /// <summary>When the plan was made: the chart's steps start here.</summary>
    public DateTimeOffset PlannedAt { get; init; }

    /// <summary>no-change, image-only, changes, or offline.</summary>
    public string Verdict => !Live ? Offline
        : Resources.All(r => r.Action == PlanAction.None) ? NoChange
        : Resources.Where(r => r.Action != PlanAction.None).All(r => r.OnlyImage || r.FollowsTaskDefinition || r.SameContent) ? ImageOnly
        : Changes;

    /// <summary>Every AWS call the deploy would make, in order.</summary>
    public IEnumerable<string> Calls => Resources.SelectMany(r => r.Calls);

    public string ToJson() => JsonSerializer.Serialize(this, DeploymentPlanJsonContext.Default.DeploymentPlan);

    /// <summary>The console's lines.</summary>
    public IReadOnlyList<string> Lines()
    {
        if (!Live)
        {
            return [$"EcsBuildTasks: live plan skipped: {OfflineReason}"];
        }

        var lines = new List<string> { $"EcsBuildTasks: live plan for service {Service} in cluster {Cluster}{(Region is null ? string.Empty : $" ({Region})")}: {Headline()}" };
        foreach (var resource in Resources)
        {
            lines.Add($"  {resource.Kind} {resource.Name}: {Describe(resource)}");
            lines.AddRange(resource.Changes.Select(c => $"      {c.Describe()}"));
        }

        var calls = Calls.ToList();
        lines.Add(calls.Count == 0 ? "  The deploy would call nothing that changes AWS." : $"  The deploy would call: {string.Join("; ", calls)}");
        return lines;
    }

    /// <summary>A Markdown section for a pull request or <c>$GITHUB_STEP_SUMMARY</c>.</summary>
    public string Markdown()
    {
        var text = new StringBuilder();
        text.Append("### ECS plan: ").Append(Service).Append(" in ").Append(Cluster).AppendLine().AppendLine();
        if (!Live)
        {
            text.Append("Live plan skipped: ").AppendLine(OfflineReason);
            return text.ToString();
        }

        text.Append("**").Append(Headline()).AppendLine("**").AppendLine();
        text.AppendLine("| Resource | Action | Change |").AppendLine("|---|---|---|");
        foreach (var resource in Resources)
        {
            var name = $"{resource.Kind} `{resource.Name}`";
            if (resource.Changes.Count == 0)
            {
                text.Append("| ").Append(name).Append(" | ").Append(resource.Action).Append(" | ").Append(Cell(resource.Note ?? "-")).AppendLine(" |");
            }

            foreach (var change in resource.Changes)
            {
                text.Append("| ").Append(name).Append(" | ").Append(resource.Action).Append(" | `").Append(Cell(change.Describe())).AppendLine("` |");
            }
        }

        var calls = Calls.ToList();
        text.AppendLine().Append("Calls: ").AppendLine(calls.Count == 0 ? "none" : string.Join("; ", calls.Select(c => $"`{c}`")));
        if (Verdict != NoChange && PlannedTimeline.Mermaid(Service, Strategy, Steps, PlannedAt) is { } chart)
        {
            text.AppendLine().Append(chart);
        }

        return text.ToString();
    }

    private string Headline() => Verdict switch
    {
        NoChange => "no change",
        ImageOnly => Resources.Any(r => r.OnlyImage) ? "no change but the image" : "no change but a new revision of the same definition",
        _ => $"{Resources.Sum(r => r.Changes.Count(c => !c.IsNewImage))} change(s) to {Resources.Count(r => r.Action != PlanAction.None)} resource(s)",
    };

    private static string Describe(ResourcePlan resource) => resource.Action switch
    {
        PlanAction.None => "no change" + (resource.Live is null ? string.Empty : $" ({resource.Live})"),
        PlanAction.Create => "does not exist: created" + (resource.Note is null ? string.Empty : $" ({resource.Note})"),
        _ => $"{resource.Action}{(resource.Live is null ? string.Empty : $" (live: {resource.Live})")}{(resource.Note is null ? string.Empty : $"; {resource.Note}")}",
    };

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("`", "'", StringComparison.Ordinal);
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(DeploymentPlan))]
internal sealed partial class DeploymentPlanJsonContext : JsonSerializerContext;
