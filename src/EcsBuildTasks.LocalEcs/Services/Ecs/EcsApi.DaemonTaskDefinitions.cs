using System.Globalization;
using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Hosting;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Services.Ecs;

/// <summary>
/// Daemon task definitions: registered in families with revisions like task definitions, validated by the same
/// container rules, deleted through DELETE_IN_PROGRESS (while a daemon still runs them) to DELETED.
/// </summary>
internal sealed partial class EcsApi
{
    private static readonly string[] DaemonTaskDefinitionMembers =
        ["family", "taskRoleArn", "executionRoleArn", "containerDefinitions", "cpu", "memory", "volumes", "pidMode", "ipcMode"];

    private static JsonObject RegisterDaemonTaskDefinition(AwsRequest request)
    {
        var input = request.Input;
        var definition = new JsonObject();
        foreach (var member in DaemonTaskDefinitionMembers)
        {
            if (input[member] is { } value)
            {
                definition[member] = value.DeepClone();
            }
        }

        foreach (var mode in new[] { "pidMode", "ipcMode" })
        {
            if (definition.Str(mode) is { } value && value is not ("none" or "shared"))
            {
                throw EcsErrors.Client($"1 validation error detected: Value '{value}' at '{mode}' failed to satisfy constraint: Member must satisfy enum value set: [none, shared]");
            }
        }

        foreach (var volume in definition.Objects("volumes"))
        {
            if (string.IsNullOrEmpty(volume.Str("name")))
            {
                throw EcsErrors.Client("Volume name should not be null or empty.");
            }
        }

        // Daemon containers follow the task definition rules (names, essential containers, health checks, log
        // configuration, units); they run in the host's network on the instance.
        var checkedDefinition = (JsonObject)definition.DeepClone();
        checkedDefinition["networkMode"] = "host";
        checkedDefinition.Remove("volumes");
        checkedDefinition.Remove("pidMode");
        checkedDefinition.Remove("ipcMode");
        ValidateTaskDefinition(checkedDefinition);
        foreach (var member in new[] { "cpu", "memory" })
        {
            if (checkedDefinition[member] is { } normalized)
            {
                definition[member] = normalized.DeepClone();
            }
        }

        // Only the members daemon containers have are echoed (task definition defaults such as portMappings are not).
        foreach (var container in definition.Objects("containerDefinitions"))
        {
            container["essential"] ??= true;
        }

        var region = request.RegionState;
        var family = definition.Str("family")!;
        var revision = region.DaemonTaskDefinitionFamilyRevisions.GetValueOrDefault(family) + 1;
        region.DaemonTaskDefinitionFamilyRevisions[family] = revision;
        var record = new DaemonTaskDefinitionRecord
        {
            Arn = DaemonTaskDefinitionArn(request.Region, family, revision),
            Family = family,
            Revision = revision,
            RegisteredAt = request.Now,
            Definition = definition,
            Tags = input.CloneArr("tags"),
        };
        region.DaemonTaskDefinitions[$"{family}:{revision.ToString(CultureInfo.InvariantCulture)}"] = record;
        return new JsonObject { ["daemonTaskDefinitionArn"] = record.Arn };
    }

    private static JsonObject DescribeDaemonTaskDefinition(AwsRequest request) => new()
    {
        ["daemonTaskDefinition"] = RenderDaemonTaskDefinition(ResolveDaemonTaskDefinition(
            request.RegionState, request.Input.Str("daemonTaskDefinition") ?? throw EcsErrors.Required("daemonTaskDefinition"), activeOnly: false)),
    };

    private static JsonObject ListDaemonTaskDefinitions(AwsRequest request)
    {
        var input = request.Input;
        var prefix = input.Str("familyPrefix");
        var family = input.Str("family");
        var status = input.Str("status") ?? "ACTIVE";
        if (status is not ("ACTIVE" or "DELETE_IN_PROGRESS" or "ALL"))
        {
            throw EcsErrors.Invalid($"1 validation error detected: Value '{status}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [ACTIVE, DELETE_IN_PROGRESS, ALL]");
        }

        var records = request.RegionState.DaemonTaskDefinitions.Values
            .Where(d => (prefix is null || d.Family.StartsWith(prefix, StringComparison.Ordinal))
                && (family is null || d.Family == family)
                && (status == "ALL" || d.Status == status))
            .ToList();
        if (input.Str("revision") == "LAST_REGISTERED")
        {
            records = records.GroupBy(d => d.Family, StringComparer.Ordinal).Select(g => g.MaxBy(d => d.Revision)!).ToList();
        }

        var ordered = records.OrderBy(d => d.Family, StringComparer.Ordinal).ThenBy(d => d.Revision).ToList();
        if (input.Str("sort") == "DESC")
        {
            ordered.Reverse();
        }

        var summaries = ordered.Select(d => (JsonNode?)new JsonObject
        {
            ["arn"] = d.Arn,
            ["registeredAt"] = AwsValues.Timestamp(d.RegisteredAt),
            ["registeredBy"] = Account.UserArn,
            ["status"] = d.Status,
        }.Put("deleteRequestedAt", d.DeleteRequestedAt)).ToList();
        return PageNodes(summaries, "daemonTaskDefinitions");
    }

    private static JsonObject DeleteDaemonTaskDefinition(AwsRequest request)
    {
        var record = ResolveDaemonTaskDefinition(request.RegionState, request.Input.Str("daemonTaskDefinition") ?? throw EcsErrors.Required("daemonTaskDefinition"), activeOnly: false);
        if (record.Status != "ACTIVE")
        {
            throw EcsErrors.Client($"The daemon task definition {record.Family}:{record.Revision.ToString(CultureInfo.InvariantCulture)} is {record.Status}; only ACTIVE daemon task definitions can be deleted.");
        }

        record.Status = "DELETE_IN_PROGRESS";
        record.DeleteRequestedAt = request.Now;
        Simulation.Daemons.FinishDeletedDefinitions(request.RegionState);
        return new JsonObject { ["daemonTaskDefinitionArn"] = record.Arn };
    }

    /// <summary>Finds a daemon task definition by ARN, <c>family:revision</c>, or family (its latest ACTIVE revision).</summary>
    internal static DaemonTaskDefinitionRecord ResolveDaemonTaskDefinition(RegionState region, string reference, bool activeOnly)
    {
        DaemonTaskDefinitionRecord? record;
        if (reference.StartsWith("arn:", StringComparison.Ordinal))
        {
            record = region.DaemonTaskDefinitions.Values.FirstOrDefault(d => d.Arn == reference);
        }
        else if (reference.Contains(':', StringComparison.Ordinal))
        {
            record = region.DaemonTaskDefinitions.GetValueOrDefault(reference);
        }
        else
        {
            record = region.DaemonTaskDefinitions.Values.Where(d => d.Family == reference && d.Status == "ACTIVE").MaxBy(d => d.Revision);
        }

        if (record is null || (activeOnly && record.Status != "ACTIVE"))
        {
            throw EcsErrors.Client(record is null ? "Unable to describe daemon task definition." : $"The daemon task definition {reference} is {record.Status}.");
        }

        return record;
    }

    internal static string DaemonTaskDefinitionArn(string region, string family, int revision) =>
        $"{EcsArns.Prefix(region)}:daemon-task-definition/{family}:{revision.ToString(CultureInfo.InvariantCulture)}";

    internal static JsonObject RenderDaemonTaskDefinition(DaemonTaskDefinitionRecord record)
    {
        var result = new JsonObject
        {
            ["daemonTaskDefinitionArn"] = record.Arn,
            ["family"] = record.Family,
            ["revision"] = record.Revision,
            ["containerDefinitions"] = record.Definition["containerDefinitions"]?.DeepClone() ?? new JsonArray(),
            ["volumes"] = record.Definition["volumes"]?.DeepClone() ?? new JsonArray(),
            ["status"] = record.Status,
            ["registeredAt"] = AwsValues.Timestamp(record.RegisteredAt),
            ["registeredBy"] = Account.UserArn,
        };
        return result.Put("taskRoleArn", record.Definition.Str("taskRoleArn"))
            .Put("executionRoleArn", record.Definition.Str("executionRoleArn"))
            .Put("cpu", record.Definition.Str("cpu"))
            .Put("memory", record.Definition.Str("memory"))
            .Put("pidMode", record.Definition.Str("pidMode"))
            .Put("ipcMode", record.Definition.Str("ipcMode"))
            .Put("deleteRequestedAt", record.DeleteRequestedAt);
    }
}
