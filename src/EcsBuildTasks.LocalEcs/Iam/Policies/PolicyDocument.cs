using System.Text.Json;
using System.Text.Json.Nodes;

namespace EcsBuildTasks.LocalEcs.Iam.Policies;

/// <summary>Whether a document grants permissions to its holder (identity-based) or says who may assume a role (trust).</summary>
internal enum PolicyKind
{
    Identity,
    Trust,
}

internal enum Effect
{
    Allow,
    Deny,
}

/// <summary>
/// An IAM policy document, parsed and checked as IAM checks it on PutRolePolicy/CreateRole: Version, one statement or a
/// list, Effect, Action or NotAction, Resource or NotResource (identity policies), Principal (trust policies only),
/// Condition with known operators. <see cref="Parse"/> throws <see cref="PolicyFormatException"/> with IAM's reason.
/// </summary>
internal sealed class PolicyDocument
{
    private static readonly HashSet<string> StatementMembers =
        ["Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal", "Condition"];

    private PolicyDocument(string version, IReadOnlyList<PolicyStatement> statements)
    {
        Version = version;
        Statements = statements;
    }

    public string Version { get; }

    public IReadOnlyList<PolicyStatement> Statements { get; }

    /// <summary>Policy variables (<c>${aws:username}</c>) are resolved only in 2012-10-17 documents, as in IAM.</summary>
    public bool ResolvesVariables => Version == "2012-10-17";

    public static PolicyDocument Parse(string json, PolicyKind kind)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            throw new PolicyFormatException("This policy contains invalid Json");
        }

        return Parse(root, kind);
    }

    public static PolicyDocument Parse(JsonNode? root, PolicyKind kind)
    {
        if (root is not JsonObject document)
        {
            throw new PolicyFormatException("This policy contains invalid Json");
        }

        foreach (var (name, _) in document)
        {
            if (name is not ("Version" or "Id" or "Statement"))
            {
                throw new PolicyFormatException($"Syntax errors in policy: unknown member {name}.");
            }
        }

        var version = document[nameof(Version)] is null ? "2008-10-17" : Text(document[nameof(Version)], nameof(Version));
        if (version is not ("2012-10-17" or "2008-10-17"))
        {
            throw new PolicyFormatException("The policy failed legacy parsing");
        }

        var statements = document["Statement"] switch
        {
            JsonObject one => [one],
            JsonArray many when many.Count > 0 => many.Select(s => s as JsonObject ?? throw new PolicyFormatException("Syntax errors in policy: every Statement must be an object.")).ToList(),
            null => throw new PolicyFormatException("Syntax errors in policy: missing required field Statement."),
            _ => throw new PolicyFormatException("Syntax errors in policy: Statement must be an object or a non-empty list."),
        };

        return new PolicyDocument(version, statements.Select((s, i) => ParseStatement(s, i, kind)).ToList());
    }

    private static PolicyStatement ParseStatement(JsonObject statement, int index, PolicyKind kind)
    {
        foreach (var (name, _) in statement)
        {
            if (!StatementMembers.Contains(name))
            {
                throw new PolicyFormatException($"Syntax errors in policy: unknown statement member {name}.");
            }
        }

        var effect = Text(statement["Effect"], "Effect") switch
        {
            "Allow" => Effect.Allow,
            "Deny" => Effect.Deny,
            var other => throw new PolicyFormatException($"Invalid effect: {other}"),
        };

        var (actions, notAction) = Either(statement, "Action", "NotAction");
        foreach (var action in actions.Where(a => a != "*" && (a.IndexOf(':', StringComparison.Ordinal) <= 0 || a.EndsWith(':'))))
        {
            throw new PolicyFormatException($"Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc. (got {action})");
        }

        IReadOnlyList<string> resources = [];
        var notResource = false;
        Dictionary<string, List<string>>? principals = null;
        if (kind == PolicyKind.Identity)
        {
            if (statement.ContainsKey("Principal") || statement.ContainsKey("NotPrincipal"))
            {
                throw new PolicyFormatException("Policy document should not specify a principal.");
            }

            (resources, notResource) = Either(statement, "Resource", "NotResource");
            foreach (var resource in resources.Where(r => r != "*" && !r.StartsWith("arn:", StringComparison.Ordinal)))
            {
                throw new PolicyFormatException($"Resource {resource} must be in ARN format or \"*\".");
            }
        }
        else
        {
            if (statement.ContainsKey("Resource") || statement.ContainsKey("NotResource"))
            {
                throw new PolicyFormatException("Has prohibited field Resource");
            }

            principals = ParsePrincipal(statement["Principal"] ?? throw new PolicyFormatException("Missing required field Principal"));
        }

        return new PolicyStatement
        {
            Index = index,
            Sid = statement["Sid"] is null ? null : Text(statement["Sid"], "Sid"),
            Effect = effect,
            Actions = actions,
            NotAction = notAction,
            Resources = resources,
            NotResource = notResource,
            Principals = principals,
            Conditions = ParseConditions(statement["Condition"]),
        };
    }

    private static (IReadOnlyList<string> Values, bool Negated) Either(JsonObject statement, string positive, string negative)
    {
        var hasPositive = statement.ContainsKey(positive);
        var hasNegative = statement.ContainsKey(negative);
        if (hasPositive == hasNegative)
        {
            throw new PolicyFormatException(hasPositive
                ? $"Syntax errors in policy: a statement cannot have both {positive} and {negative}."
                : $"Syntax errors in policy: every statement needs {positive} or {negative}.");
        }

        var values = Strings(statement[hasPositive ? positive : negative], hasPositive ? positive : negative);
        return values.Count == 0
            ? throw new PolicyFormatException($"Syntax errors in policy: {(hasPositive ? positive : negative)} must not be empty.")
            : (values, hasNegative);
    }

    private static Dictionary<string, List<string>> ParsePrincipal(JsonNode principal)
    {
        if (principal is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>() == "*")
        {
            return new Dictionary<string, List<string>>(StringComparer.Ordinal) { ["AWS"] = ["*"] };
        }

        if (principal is not JsonObject byType || byType.Count == 0)
        {
            throw new PolicyFormatException("Invalid principal in policy: Principal must be \"*\" or an object such as {\"Service\": \"ecs-tasks.amazonaws.com\"}.");
        }

        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (type, ids) in byType)
        {
            if (type is not ("AWS" or "Service" or "Federated" or "CanonicalUser"))
            {
                throw new PolicyFormatException($"Invalid principal in policy: unknown principal type {type}.");
            }

            result[type] = Strings(ids, "Principal." + type).ToList();
        }

        return result;
    }

    private static List<PolicyCondition> ParseConditions(JsonNode? node)
    {
        if (node is null)
        {
            return [];
        }

        if (node is not JsonObject byOperator)
        {
            throw new PolicyFormatException("Syntax errors in policy: Condition must be an object.");
        }

        var conditions = new List<PolicyCondition>();
        foreach (var (name, keys) in byOperator)
        {
            var op = ConditionOperator.Parse(name) ?? throw new PolicyFormatException($"Invalid Condition type : {name}.");
            if (keys is not JsonObject byKey || byKey.Count == 0)
            {
                throw new PolicyFormatException($"Syntax errors in policy: Condition {name} must map keys to values.");
            }

            foreach (var (key, values) in byKey)
            {
                if (key.IndexOf(':', StringComparison.Ordinal) <= 0)
                {
                    throw new PolicyFormatException($"Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc. (got condition key {key})");
                }

                conditions.Add(new PolicyCondition(op, key, Strings(values, $"Condition.{name}.{key}")));
            }
        }

        return conditions;
    }

    /// <summary>A string or a list of strings; numbers and booleans (allowed in condition values) become their JSON text.</summary>
    private static List<string> Strings(JsonNode? node, string member) => node switch
    {
        JsonArray array => array.Select(item => Scalar(item, member)).ToList(),
        _ => [Scalar(node, member)],
    };

    private static string Scalar(JsonNode? node, string member) => node is JsonValue value
        ? value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.ToJsonString(),
            _ => throw new PolicyFormatException($"Syntax errors in policy: {member} must hold strings."),
        }
        : throw new PolicyFormatException($"Syntax errors in policy: {member} must hold strings.");

    private static string Text(JsonNode? node, string member) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String
            ? value.GetValue<string>()
            : throw new PolicyFormatException($"Syntax errors in policy: {member} must be a string.");
}

/// <summary>One statement of a policy; <see cref="Index"/> is its position, for reports when it has no Sid.</summary>
internal sealed class PolicyStatement
{
    public required int Index { get; init; }

    public string? Sid { get; init; }

    public required Effect Effect { get; init; }

    public required IReadOnlyList<string> Actions { get; init; }

    public bool NotAction { get; init; }

    public required IReadOnlyList<string> Resources { get; init; }

    public bool NotResource { get; init; }

    /// <summary>Trust policies only: principal type (<c>AWS</c>, <c>Service</c>, …) → identifiers.</summary>
    public IReadOnlyDictionary<string, List<string>>? Principals { get; init; }

    public required IReadOnlyList<PolicyCondition> Conditions { get; init; }

    /// <summary>How reports name the statement: its Sid, else its position.</summary>
    public string Name => Sid is { Length: > 0 } sid ? sid : $"Statement[{Index}]";
}

/// <summary>One key under one operator: <c>"StringEquals": {"iam:PassedToService": ["ecs-tasks.amazonaws.com"]}</c>.</summary>
internal sealed record PolicyCondition(ConditionOperator Operator, string Key, IReadOnlyList<string> Values);

/// <summary>A policy IAM would refuse (MalformedPolicyDocument), with IAM's reason.</summary>
internal sealed class PolicyFormatException : Exception
{
    public PolicyFormatException(string message)
        : base(message)
    {
    }

    public PolicyFormatException()
    {
    }

    public PolicyFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
