using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace EcsBuildTasks.LocalEcs.Hosting;

/// <summary>
/// Malformed ARNs get the error AWS gives for a malformed ARN, not "not found": a client that builds ARNs wrongly must
/// fail on LocalEcs as on AWS. Checked for every service before the handler: every string in a member named <c>…Arn</c>
/// or <c>…Arns</c> (any case) must be an ARN, and every value a service takes as a name or an ARN (ECS's <c>cluster</c>,
/// <c>service</c>, <c>taskDefinition</c>, …) must be a well-formed ARN when it starts with <c>arn:</c>.
/// </summary>
internal static partial class ArnCheck
{
    /// <summary>Members that take a name or an ARN; ECS also takes role names in its <c>…RoleArn</c> members.</summary>
    private static readonly Dictionary<string, HashSet<string>> NameOrArnMembers = new(StringComparer.Ordinal)
    {
        ["ecs"] = new(StringComparer.Ordinal)
        {
            "cluster", "clusters", "service", "services", "taskDefinition", "task", "tasks", "containerInstance", "containerInstances",
            "taskSet", "taskSets", "primaryTaskSet", "capacityProvider", "taskRoleArn", "executionRoleArn", "role",

            // The daemon operations' clusterArn takes a cluster name too, as every other ECS cluster member does.
            "clusterArn",
        },
    };

    public static void Validate(string service, JsonObject input, bool jsonProtocol)
    {
        var nameOrArn = NameOrArnMembers.GetValueOrDefault(service);
        Walk(input, null, service, nameOrArn, jsonProtocol);
    }

    public static bool IsWellFormed(string value) => value.Length <= 2048 && Pattern().IsMatch(value);

    private static void Walk(JsonNode? node, string? member, string service, HashSet<string>? nameOrArn, bool jsonProtocol)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj)
                {
                    Walk(value, name, service, nameOrArn, jsonProtocol);
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Walk(item, member, service, nameOrArn, jsonProtocol);
                }

                break;
            case JsonValue value when member is not null && value.GetValueKind() == JsonValueKind.String:
                var text = value.GetValue<string>();
                var arnNamed = member.EndsWith("arn", StringComparison.OrdinalIgnoreCase) || member.EndsWith("arns", StringComparison.OrdinalIgnoreCase);
                var mayBeName = nameOrArn?.Contains(member) == true;
                if ((arnNamed && !mayBeName) || text.StartsWith("arn:", StringComparison.Ordinal))
                {
                    if ((arnNamed || mayBeName) && !IsWellFormed(text))
                    {
                        throw ServiceErrors.MalformedArn(service, jsonProtocol, member, text);
                    }
                }

                break;
        }
    }

    /// <summary>arn:partition:service:region:account:resource, with an empty or AWS-shaped region and account.</summary>
    [GeneratedRegex("^arn:aws(-cn|-us-gov|-iso|-iso-[a-z]|-eusc)?:[a-z0-9][a-z0-9-]*:([a-z]{2,4}(-[a-z]+)+-[0-9]{1,2})?:([0-9]{12}|aws)?:[^\\s]+$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
