using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EcsBuildTasks.LocalEcs.Protocols;

namespace EcsBuildTasks.LocalEcs.Hosting;

/// <summary>
/// Pagination of every List and Describe operation, done by the router around the handler: handlers return every item,
/// and the router checks the page size and token before the handler runs and cuts the page after it. Page sizes
/// (default, minimum, maximum) are the ones the API models document; a test reads the models and keeps this table true.
/// Tokens are opaque and bound to the operation and to the request's other members, so a token from another operation,
/// another filter or another program is refused as AWS refuses it, and a client that forgets to paginate sees only the
/// first page, as it would on AWS.
/// </summary>
internal static class Pagination
{
    private const string TokenPrefix = "lecs1.";

    /// <summary>The rules by signing name and operation.</summary>
    public static readonly IReadOnlyDictionary<(string Service, string Operation), PageRule> Rules = new Dictionary<(string, string), PageRule>
    {
        [("ecs", "ListClusters")] = new("maxResults", "nextToken", "clusterArns", 100, 1, 100),
        [("ecs", "ListContainerInstances")] = new("maxResults", "nextToken", "containerInstanceArns", 100, 1, 100),
        [("ecs", "ListTaskDefinitions")] = new("maxResults", "nextToken", "taskDefinitionArns", 100, 1, 100),
        [("ecs", "ListTaskDefinitionFamilies")] = new("maxResults", "nextToken", "families", 100, 1, 100),
        [("ecs", "ListTasks")] = new("maxResults", "nextToken", "taskArns", 100, 1, 100),
        [("ecs", "ListServices")] = new("maxResults", "nextToken", "serviceArns", 10, 1, 100),
        [("ecs", "ListServicesByNamespace")] = new("maxResults", "nextToken", "serviceArns", 10, 1, 100),
        [("ecs", "ListServiceDeployments")] = new("maxResults", "nextToken", "serviceDeployments", 20, 1, 100),
        [("ecs", "ListAccountSettings")] = new("maxResults", "nextToken", "settings", 10, 1, 10),
        [("ecr", "DescribeRepositories")] = new("maxResults", "nextToken", "repositories", 100, 1, 1000),
        [("ecr", "DescribeImages")] = new("maxResults", "nextToken", "imageDetails", 100, 1, 1000),
        [("ecr", "ListImages")] = new("maxResults", "nextToken", "imageIds", 100, 1, 1000),
        [("logs", "DescribeLogGroups")] = new("limit", "nextToken", "logGroups", 50, 1, 50),
        [("logs", "DescribeLogStreams")] = new("limit", "nextToken", "logStreams", 50, 1, 50),
        [("logs", "FilterLogEvents")] = new("limit", "nextToken", "events", 10_000, 1, 10_000),

        // GetLogEvents pages by time with forward and backward tokens: its handler cuts the page; the router checks the limit
        // and that the token is one of those (f/ or b/ and a position).
        [("logs", "GetLogEvents")] = new("limit", "nextToken", null, 10_000, 1, 10_000) { HandlerTokenPattern = "^[fb]/[0-9]{56}$" },

        // The model gives MaxRecords' range, not its default: AWS answers 50 alarms a page.
        [("monitoring", "DescribeAlarms")] = new("MaxRecords", "NextToken", "MetricAlarms", 50, 1, 100),
        [("servicediscovery", "ListNamespaces")] = new("MaxResults", "NextToken", "Namespaces", 100, 1, 100),
        [("servicediscovery", "ListOperations")] = new("MaxResults", "NextToken", "Operations", 100, 1, 100),
        [("servicediscovery", "ListServices")] = new("MaxResults", "NextToken", "Services", 100, 1, 100),
        [("servicediscovery", "ListInstances")] = new("MaxResults", "NextToken", "Instances", 100, 1, 100),
        [("servicediscovery", "GetInstancesHealthStatus")] = new("MaxResults", "NextToken", "Status", 100, 1, 100),
        [("servicediscovery", "DiscoverInstances")] = new("MaxResults", null, "Instances", 100, 1, 1000),
        [("application-autoscaling", "DescribeScalableTargets")] = new("MaxResults", "NextToken", "ScalableTargets", 50, 1, 50),
        [("application-autoscaling", "DescribeScalingPolicies")] = new("MaxResults", "NextToken", "ScalingPolicies", 10, 1, 10),
        [("application-autoscaling", "DescribeScheduledActions")] = new("MaxResults", "NextToken", "ScheduledActions", 50, 1, 50),
        [("application-autoscaling", "DescribeScalingActivities")] = new("MaxResults", "NextToken", "ScalingActivities", 50, 1, 50),

        // The model gives PageSize's range, not its default: AWS answers up to the maximum, 400.
        [("elasticloadbalancing", "DescribeLoadBalancers")] = new("PageSize", "Marker", "LoadBalancers", 400, 1, 400, "NextMarker"),
        [("elasticloadbalancing", "DescribeTargetGroups")] = new("PageSize", "Marker", "TargetGroups", 400, 1, 400, "NextMarker"),
        [("elasticloadbalancing", "DescribeListeners")] = new("PageSize", "Marker", "Listeners", 400, 1, 400, "NextMarker"),
        [("elasticloadbalancing", "DescribeRules")] = new("PageSize", "Marker", "Rules", 400, 1, 400, "NextMarker"),

        // EC2 returns every item when MaxResults is not given (documented for security groups; the same for VPCs and subnets).
        [("ec2", "DescribeVpcs")] = new("MaxResults", "NextToken", "vpcSet", null, 5, 1000, "nextToken"),
        [("ec2", "DescribeSubnets")] = new("MaxResults", "NextToken", "subnetSet", null, 5, 1000, "nextToken"),
        [("ec2", "DescribeSecurityGroups")] = new("MaxResults", "NextToken", "securityGroupInfo", null, 5, 1000, "nextToken"),

        [("ecs", "DescribeCapacityProviders")] = new("maxResults", "nextToken", "capacityProviders", 10, 1, 10),
        [("ecs", "ListDaemons")] = new("maxResults", "nextToken", "daemonSummariesList", 100, 1, 100),
        [("ecs", "ListDaemonDeployments")] = new("maxResults", "nextToken", "daemonDeployments", 20, 1, 100),
        [("ecs", "ListDaemonTaskDefinitions")] = new("maxResults", "nextToken", "daemonTaskDefinitions", 100, 1, 100),

        // The models give the ranges, not the defaults: Secrets Manager answers 100 secrets a page, SSM 10 parameters.
        [("secretsmanager", "ListSecrets")] = new("MaxResults", "NextToken", "SecretList", 100, 1, 100),
        [("ssm", "GetParametersByPath")] = new("MaxResults", "NextToken", "Parameters", 10, 1, 10),
        [("ssm", "DescribeParameters")] = new("MaxResults", "NextToken", "Parameters", 10, 1, 50),

        // IAM: MaxItems (default 100) and an opaque Marker, which the answer carries back with IsTruncated (true or false).
        [("iam", "ListRoles")] = IamList("Roles"),
        [("iam", "ListRoleTags")] = IamList("Tags"),
        [("iam", "ListAttachedRolePolicies")] = IamList("AttachedPolicies"),
        [("iam", "ListRolePolicies")] = IamList("PolicyNames"),
        [("iam", "SimulatePrincipalPolicy")] = IamList("EvaluationResults"),

        // Route 53 (rest-xml: the members travel as the query parameters maxitems and marker). The model documents neither
        // defaults nor ranges: Route 53 answers up to 100 hosted zones and 300 record sets, and lowers a larger maxitems to
        // that instead of refusing it. ListHostedZones' marker is the id of the first zone of the next page, as Route 53
        // documents (not an opaque token); the other two lists start at a name (and type, identifier) their handlers find.
        [("route53", "ListHostedZones")] = new("MaxItems", "Marker", "HostedZones", 100, 1, 100, "NextMarker")
        {
            LimitOnWire = "maxitems",
            TokenOnWire = "marker",
            TruncatedMember = "IsTruncated",
            CapsLimit = true,
            EchoesRequest = true,
            ItemKey = item => item?["Id"] is JsonValue id && id.TryGetValue<string>(out var text) ? text[(text.LastIndexOf('/') + 1)..] : null,
        },
        [("route53", "ListHostedZonesByName")] = new("MaxItems", null, null, 100, 1, 100) { LimitOnWire = "maxitems", CapsLimit = true },
        [("route53", "ListResourceRecordSets")] = new("MaxItems", null, null, 300, 1, 300) { LimitOnWire = "maxitems", CapsLimit = true },
    };

    private static PageRule IamList(string result) => new("MaxItems", "Marker", result, 100, 1, 1000, "Marker") { TruncatedMember = "IsTruncated" };

    /// <summary>Checks the page size and token of a paginated request before its handler runs.</summary>
    public static void Validate(string service, string operation, JsonObject input, bool jsonProtocol)
    {
        if (!Rules.TryGetValue((service, operation), out var rule))
        {
            return;
        }

        Limit(service, rule, input, jsonProtocol);
        if (rule.TokenMember is not null && input[rule.TokenOnWire ?? rule.TokenMember] is { } token)
        {
            var tokenMember = rule.TokenOnWire ?? rule.TokenMember;
            if (rule.HandlerTokenPattern is { } pattern)
            {
                if (token is not JsonValue v || v.GetValueKind() != JsonValueKind.String || !Regex.IsMatch(v.GetValue<string>(), pattern, RegexOptions.None, TimeSpan.FromSeconds(1)))
                {
                    throw ServiceErrors.InvalidToken(service, jsonProtocol, tokenMember);
                }

                return;
            }

            if (rule.ItemKey is null)
            {
                _ = Offset(service, operation, rule, input, token, jsonProtocol);
            }
        }
    }

    /// <summary>Cuts the page out of the handler's complete answer and adds the token of the next one.</summary>
    public static void Apply(string service, string operation, JsonObject input, JsonNode? result, bool jsonProtocol)
    {
        if (!Rules.TryGetValue((service, operation), out var rule) || rule.ResultMember is null || result is not JsonObject output)
        {
            return;
        }

        var limit = Limit(service, rule, input, jsonProtocol) ?? int.MaxValue;
        var token = rule.TokenMember is null ? null : input[rule.TokenOnWire ?? rule.TokenMember];
        int offset;
        int total;
        string? nextKey = null;
        switch (output[rule.ResultMember])
        {
            case JsonArray items:
                total = items.Count;
                offset = token is null ? 0
                    : rule.ItemKey is { } itemKey ? KeyOffset(service, rule, items, itemKey, token, jsonProtocol)
                    : Offset(service, operation, rule, input, token, jsonProtocol);
                if (rule.ItemKey is { } next && (long)offset + limit < total)
                {
                    // The marker of the next page is its first item's key, as the API documents.
                    nextKey = next(items[offset + limit]);
                }

                output[rule.ResultMember] = items.Skip(offset).Take(limit).Select(i => i?.DeepClone()).ToJsonArray();
                break;
            case JsonObject map:
                total = map.Count;
                offset = token is null ? 0 : Offset(service, operation, rule, input, token, jsonProtocol);
                var entries = map.Skip(offset).Take(limit).Select(e => (e.Key, Value: e.Value?.DeepClone())).ToList();
                var cut = new JsonObject();
                foreach (var (key, value) in entries)
                {
                    cut[key] = value;
                }

                output[rule.ResultMember] = cut;
                break;
            default:
                return;
        }

        // Members in the order the APIs answer them (Route 53: Marker, IsTruncated, NextMarker, MaxItems).
        var truncated = (long)offset + limit < total;
        if (rule.EchoesRequest && token is not null)
        {
            output[rule.TokenMember!] = token.DeepClone();
        }

        if (rule.TruncatedMember is { } truncatedMember)
        {
            output[truncatedMember] = truncated;
        }

        if (truncated && rule.TokenMember is not null)
        {
            output[rule.OutputTokenMember ?? rule.TokenMember] = rule.ItemKey is null ? Token(service, operation, rule, input, offset + limit) : nextKey;
        }

        if (rule.EchoesRequest)
        {
            output[rule.LimitMember] = (limit == int.MaxValue ? rule.Maximum : limit).ToString(CultureInfo.InvariantCulture);
        }
    }

    /// <summary>The position of the item whose key is the marker (Route 53's hosted zone ids); an unknown marker is refused.</summary>
    private static int KeyOffset(string service, PageRule rule, JsonArray items, Func<JsonNode?, string?> key, JsonNode token, bool jsonProtocol)
    {
        var marker = token is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
        for (var i = 0; marker is not null && i < items.Count; i++)
        {
            if (key(items[i]) == marker)
            {
                return i;
            }
        }

        throw ServiceErrors.InvalidToken(service, jsonProtocol, rule.TokenOnWire ?? rule.TokenMember!);
    }

    private static int? Limit(string service, PageRule rule, JsonObject input, bool jsonProtocol)
    {
        var node = input[rule.LimitOnWire ?? rule.LimitMember];
        if (node is not JsonValue value)
        {
            return node is null ? rule.Default : throw Invalid(service, jsonProtocol, node.ToJsonString(), rule);
        }

        long number;
        if (value.GetValueKind() == JsonValueKind.Number && value.TryGetValue(out long n))
        {
            number = n;
        }
        else if (!jsonProtocol && value.GetValueKind() == JsonValueKind.String && long.TryParse(value.GetValue<string>(), NumberStyles.None, CultureInfo.InvariantCulture, out var q))
        {
            number = q;
        }
        else
        {
            throw Invalid(service, jsonProtocol, value.ToJsonString(), rule);
        }

        if (number < rule.Minimum || (number > rule.Maximum && !rule.CapsLimit))
        {
            throw Invalid(service, jsonProtocol, number.ToString(CultureInfo.InvariantCulture), rule);
        }

        return (int)Math.Min(number, rule.Maximum);
    }

    private static AwsServiceException Invalid(string service, bool jsonProtocol, string value, PageRule rule) =>
        ServiceErrors.Validation(service, jsonProtocol, string.Create(CultureInfo.InvariantCulture,
            $"1 validation error detected: Value '{ServiceErrors.Shorten(value)}' at '{ServiceErrors.MemberName(service, rule.LimitMember)}' failed to satisfy constraint: {(rule.CapsLimit ? "Member must be a positive integer" : $"Member must have value between {rule.Minimum} and {rule.Maximum}")}"));

    private static int Offset(string service, string operation, PageRule rule, JsonObject input, JsonNode token, bool jsonProtocol)
    {
        var text = token is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
        var expected = Binding(service, operation, rule, input);
        if (text is not null && text.StartsWith(TokenPrefix, StringComparison.Ordinal) && text.Length < 200)
        {
            var dot = text.IndexOf('.', TokenPrefix.Length);
            if (dot > 0 && text[TokenPrefix.Length..dot] == expected
                && int.TryParse(text[(dot + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
            {
                return offset;
            }
        }

        throw ServiceErrors.InvalidToken(service, jsonProtocol, rule.TokenOnWire ?? rule.TokenMember!);
    }

    private static string Token(string service, string operation, PageRule rule, JsonObject input, int offset) =>
        string.Create(CultureInfo.InvariantCulture, $"{TokenPrefix}{Binding(service, operation, rule, input)}.{offset}");

    /// <summary>What a token is valid for: this operation with these other members (hashed; key order does not matter).</summary>
    private static string Binding(string service, string operation, PageRule rule, JsonObject input)
    {
        var text = new StringBuilder(service).Append(' ').Append(operation);
        foreach (var (name, value) in input.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            if (name != (rule.LimitOnWire ?? rule.LimitMember) && name != (rule.TokenOnWire ?? rule.TokenMember))
            {
                text.Append(' ').Append(name).Append('=');
                Canonical(value, text);
            }
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())).AsSpan(0, 8));
    }

    private static void Canonical(JsonNode? node, StringBuilder text)
    {
        switch (node)
        {
            case JsonObject obj:
                text.Append('{');
                foreach (var (name, value) in obj.OrderBy(m => m.Key, StringComparer.Ordinal))
                {
                    text.Append('"').Append(JsonEncodedText.Encode(name)).Append("\":");
                    Canonical(value, text);
                    text.Append(',');
                }

                text.Append('}');
                break;
            case JsonArray array:
                text.Append('[');
                foreach (var item in array)
                {
                    Canonical(item, text);
                    text.Append(',');
                }

                text.Append(']');
                break;
            default:
                text.Append(node?.ToJsonString() ?? "null");
                break;
        }
    }
}

/// <summary>
/// How one operation pages: its limit member with the default (null: everything) and range the model documents, its token
/// members (null: the operation has no token), and the output member that holds the items (null: the handler cuts the page
/// itself, as for tokens made of start keys; the router still checks the limit).
/// </summary>
internal sealed record PageRule(string LimitMember, string? TokenMember, string? ResultMember, int? Default, int Minimum, int Maximum, string? OutputTokenMember = null)
{
    /// <summary>For operations whose handler makes its own tokens: the form those take.</summary>
    public string? HandlerTokenPattern { get; init; }

    /// <summary>The limit's name in the request when it is not the model's member name (rest-xml query strings: <c>maxitems</c>).</summary>
    public string? LimitOnWire { get; init; }

    /// <summary>The token's name in the request when it is not the model's member name (<c>marker</c>).</summary>
    public string? TokenOnWire { get; init; }

    /// <summary>IAM and Route 53: the answer says whether more items follow, true or false (<c>IsTruncated</c>).</summary>
    public string? TruncatedMember { get; init; }

    /// <summary>Route 53: a limit above the maximum is lowered to it instead of being refused.</summary>
    public bool CapsLimit { get; init; }

    /// <summary>Route 53: the answer repeats the limit it applied (as text) and the marker it was given.</summary>
    public bool EchoesRequest { get; init; }

    /// <summary>
    /// Route 53's hosted zones: tokens are the key of the first item of the next page (its id), as the API documents,
    /// instead of opaque tokens; a key that names no item is refused.
    /// </summary>
    public Func<JsonNode?, string?>? ItemKey { get; init; }
}
