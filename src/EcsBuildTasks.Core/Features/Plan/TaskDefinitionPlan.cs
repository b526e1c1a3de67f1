using System.Text.Json.Nodes;
using EcsBuildTasks.Aws.ECS;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Features.TaskDefinitions;
using EcsBuildTasks.Core.Infrastructure;

namespace EcsBuildTasks.Core.Features.Plan;

/// <summary>The task definition the deploy would register, compared with the family's latest ACTIVE revision.</summary>
/// <param name="Plan">The resource's plan.</param>
/// <param name="LiveArn">The latest ACTIVE revision (null when the family has none).</param>
/// <param name="Changes">True when the deploy would register a new revision.</param>
internal sealed record TaskDefinitionComparison(ResourcePlan Plan, string? LiveArn, bool Changes);

/// <summary>
/// Plans the task definition: reads the family's latest ACTIVE revision (read-only) and lists the fields that differ
/// from what the deploy would register. It registers a new revision exactly when <see cref="TaskDefinitionRegistrar"/>
/// would: unless the live revision carries the content hash of this definition.
/// </summary>
internal static class TaskDefinitionPlan
{
    public const string Kind = "task definition";

    /// <summary>Members of a described task definition that a registration does not send.</summary>
    private static readonly string[] DescribedOnly =
        ["taskDefinitionArn", "revision", "status", "requiresAttributes", "compatibilities", "registeredAt", "registeredBy", "deregisteredAt", "deleteRequestedAt"];

    public static async Task<TaskDefinitionComparison> PlanAsync(AwsSession aws, GeneratedDefinitions definitions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(aws);
        ArgumentNullException.ThrowIfNull(definitions);
        var desired = definitions.TaskDefinition;
        var family = desired.Family!;
        DescribeTaskDefinitionResponse? live;
        try
        {
            live = await AwsCalls.RunAsync("ECS DescribeTaskDefinition", () => aws.Ecs.DescribeTaskDefinitionAsync(new DescribeTaskDefinitionRequest { TaskDefinition = family, Include = ["TAGS"] }, cancellationToken)).ConfigureAwait(false);
        }
        catch (DeploymentException ex) when (ex.InnerException is ClientException)
        {
            // "Unable to describe task definition.": the family has no ACTIVE revision yet.
            live = null;
        }

        if (live?.TaskDefinition is not { } current)
        {
            return new TaskDefinitionComparison(
                new ResourcePlan(Kind, family, PlanAction.Create, ["ECS RegisterTaskDefinition"], []) { Note = "first revision of the family" },
                null,
                Changes: true);
        }

        var changes = Compare(current, live.Tags, definitions);
        var liveName = $"{family}:{current.Revision}";
        var hash = live.Tags?.FirstOrDefault(t => t.Key == TaskDefinitionRegistrar.ContentHashTag)?.Value;
        if (changes.Count == 0 && hash == TaskDefinitionRegistrar.ContentHash(desired))
        {
            return new TaskDefinitionComparison(new ResourcePlan(Kind, family, PlanAction.None, [], []) { Live = liveName }, current.TaskDefinitionArn, Changes: false);
        }

        var note = changes.Count == 0
            ? "same content, but the live revision was not registered from this definition by EcsBuildTasks (no matching content hash tag)"
            : null;
        return new TaskDefinitionComparison(
            new ResourcePlan(Kind, family, PlanAction.Register, [$"ECS RegisterTaskDefinition ({family}:{current.Revision + 1} or later)"], changes) { Live = liveName, Note = note },
            current.TaskDefinitionArn,
            Changes: true);
    }

    /// <summary>The fields that differ between the live revision (with its tags) and the desired definition.</summary>
    public static IReadOnlyList<PlanChange> Compare(TaskDefinition live, IEnumerable<Tag>? liveTags, GeneratedDefinitions definitions)
    {
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(definitions);
        var have = JsonNode.Parse(EcsJson.Serialize(live))!.AsObject();
        foreach (var member in DescribedOnly)
        {
            have.Remove(member);
        }

        have["tags"] = JsonNode.Parse(EcsJson.Serialize((liveTags ?? []).Where(t => !TaskDefinitionRegistrar.IsOwnTag(t.Key)).ToList()));
        var want = JsonNode.Parse(EcsJson.Serialize(definitions.TaskDefinition))!.AsObject();
        if (want["tags"] is JsonArray tags)
        {
            want["tags"] = new JsonArray([.. tags.Where(t => !TaskDefinitionRegistrar.IsOwnTag((string?)t?["key"])).Select(t => t!.DeepClone())]);
        }

        if (have["runtimePlatform"] is null && want["runtimePlatform"] is JsonObject platform
            && (string?)platform["cpuArchitecture"] is null or "X86_64" && (string?)platform["operatingSystemFamily"] is null or "LINUX")
        {
            // A revision registered without a runtime platform runs as X86_64 Linux: the project naming that is no change.
            want.Remove("runtimePlatform");
        }

        var changes = DefinitionDiff.Compare(DefinitionDiff.Prune(have), DefinitionDiff.Prune(want), string.Empty, desiredOnly: false, IsEcsDefault);
        return [.. changes.Select(c => MarkNewImage(c, definitions))];
    }

    /// <summary>
    /// Values ECS fills in for members a registration leaves out: a container's <c>cpu</c> 0, <c>essential</c> true, a
    /// port mapping's <c>protocol</c> tcp and (awsvpc, host) <c>hostPort</c>.
    /// </summary>
    private static bool IsEcsDefault(string member, JsonNode live) => member switch
    {
        "cpu" => live is JsonValue v && v.TryGetValue<int>(out var cpu) && cpu == 0,
        "essential" => live is JsonValue v && v.TryGetValue<bool>(out var essential) && essential,
        "protocol" => live is JsonValue v && v.TryGetValue<string>(out var protocol) && protocol == "tcp",
        "hostPort" => true,
        _ => false,
    };

    /// <summary>The image the build pushes replaces the running one of the same repository: a new image, not a new place.</summary>
    private static PlanChange MarkNewImage(PlanChange change, GeneratedDefinitions definitions)
    {
        if (change.Kind != PlanChangeKind.Changed || !change.Path.EndsWith("].image", StringComparison.Ordinal) || definitions.Settings.ImageIsExternal)
        {
            return change;
        }

        var desired = Unquote(change.New);
        if (desired.Contains('@', StringComparison.Ordinal) || definitions.MainContainer.Image != desired)
        {
            return change;
        }

        return Repository(Unquote(change.Old)) == Repository(desired)
            ? change with { IsNewImage = true, New = "the image this publish builds" }
            : change;
    }

    /// <summary>The repository path of an image reference, without registry, tag or digest.</summary>
    private static string Repository(string image)
    {
        var name = image.Split('@')[0];
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0 && name[..slash].Contains('.', StringComparison.Ordinal) || name[..Math.Max(slash, 0)].Contains(':', StringComparison.Ordinal) || name.StartsWith("localhost", StringComparison.Ordinal))
        {
            name = name[(slash + 1)..];
        }

        var colon = name.LastIndexOf(':');
        return colon > name.LastIndexOf('/') ? name[..colon] : name;
    }

    private static string Unquote(string? json) => json is null ? string.Empty : JsonNode.Parse(json)?.GetValue<string>() ?? string.Empty;
}
