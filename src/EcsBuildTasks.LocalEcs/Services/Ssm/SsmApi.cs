using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EcsBuildTasks.LocalEcs.Hosting;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Services.Ssm;

/// <summary>
/// SSM Parameter Store (JSON 1.1): String, StringList and SecureString parameters with versions, hierarchies (paths),
/// the KMS key of a SecureString recorded (read without decryption, a SecureString returns an opaque ciphertext), tags.
/// Parameters are found by name, <c>name:version</c> or ARN, as ECS task secrets name them (<see cref="Find"/>).
/// </summary>
internal sealed partial class SsmApi : IAwsApi
{
    public const string DefaultKeyId = "alias/aws/ssm";

    private static readonly HashSet<string> ServedOperations =
    [
        "PutParameter", "GetParameter", "GetParameters", "GetParametersByPath", "DescribeParameters", "DeleteParameter", "DeleteParameters",
        "AddTagsToResource", "ListTagsForResource", "RemoveTagsFromResource",
    ];

    private static readonly HashSet<string> Types = ["String", "StringList", "SecureString"];

    public string SigningName => "ssm";

    public IReadOnlyCollection<string> Operations => ServedOperations;

    public JsonNode? Invoke(AwsRequest request)
    {
        var state = request.RegionState.Ssm;
        var input = request.Input;
        return request.Operation switch
        {
            "PutParameter" => PutParameter(request, state, input),
            "GetParameter" => new JsonObject { ["Parameter"] = RenderSelected(request.Region, state, input.Str("Name") ?? throw Required("name"), input.Bool("WithDecryption") ?? false) },
            "GetParameters" => GetParameters(request, state, input),
            "GetParametersByPath" => GetParametersByPath(request, state, input),
            "DescribeParameters" => DescribeParameters(request, state, input),
            "DeleteParameter" => DeleteParameter(state, input),
            "DeleteParameters" => DeleteParameters(state, input),
            "AddTagsToResource" => AddTags(Tagged(state, input), input),
            "ListTagsForResource" => new JsonObject { ["TagList"] = Tagged(state, input).Tags.Select(t => (JsonNode?)new JsonObject { ["Key"] = t.Key, ["Value"] = t.Value }).ToJsonArray() },
            "RemoveTagsFromResource" => RemoveTags(Tagged(state, input), input),
            _ => throw new AwsServiceException("UnknownOperationException", $"LocalEcs does not implement ssm {request.Operation}."),
        };
    }

    /// <summary>The parameter ARN for a name: the leading slash of a hierarchy is not repeated after <c>parameter/</c>.</summary>
    public static string Arn(string region, string name) => $"arn:aws:ssm:{region}:{Account.Id}:parameter/{name.TrimStart('/')}";

    /// <summary>
    /// The parameter and version that a name, <c>name:version</c> or ARN designates in a region, or null when there is
    /// none (an unknown name, version or label).
    /// </summary>
    public static (SsmParameter Parameter, SsmParameterVersion Version)? Find(SsmState state, string reference)
    {
        var (name, selector) = Split(reference);
        var parameter = state.Parameters.GetValueOrDefault(name)
            ?? (reference.StartsWith("arn:", StringComparison.Ordinal) ? state.Parameters.GetValueOrDefault(name.TrimStart('/')) : null);
        if (parameter is null)
        {
            return null;
        }

        if (selector is null)
        {
            return (parameter, parameter.Current);
        }

        return long.TryParse(selector, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && parameter.History.FirstOrDefault(v => v.Version == number) is { } version
            ? (parameter, version)
            : null;
    }

    /// <summary>Splits a reference into the parameter name and the <c>:version</c> selector; ARNs name <c>parameter/a/b</c> for <c>/a/b</c>.</summary>
    private static (string Name, string? Selector) Split(string reference)
    {
        var rest = reference;
        if (reference.StartsWith("arn:", StringComparison.Ordinal))
        {
            var parts = reference.Split(':', 6);
            rest = parts.Length == 6 && parts[5].StartsWith("parameter/", StringComparison.Ordinal) ? "/" + parts[5]["parameter/".Length..] : reference;
        }

        var colon = rest.LastIndexOf(':');
        return colon > 0 ? (rest[..colon], rest[(colon + 1)..]) : (rest, null);
    }

    private static (SsmParameter Parameter, SsmParameterVersion Version) Resolve(SsmState state, string reference)
    {
        if (Find(state, reference) is { } found)
        {
            return found;
        }

        var (name, selector) = Split(reference);
        throw selector is not null && state.Parameters.ContainsKey(name)
            ? new AwsServiceException("ParameterVersionNotFound", $"Systems Manager could not find version {selector} of {name}. Verify the version and try again.")
            : new AwsServiceException("ParameterNotFound", string.Empty);
    }

    private static JsonObject PutParameter(AwsRequest request, SsmState state, JsonObject input)
    {
        var name = input.Str("Name") ?? throw Required("name");
        ValidateName(name);
        var value = input.Str("Value") ?? throw Required("value");
        if (value.Length > 4096)
        {
            throw new AwsServiceException("ValidationException", "Standard tier parameters support a maximum parameter value of 4096 characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier.");
        }

        var type = input.Str("Type");
        if (type is not null && !Types.Contains(type))
        {
            throw new AwsServiceException("ValidationException", $"1 validation error detected: Value '{type}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [SecureString, StringList, String]");
        }

        var keyId = input.Str("KeyId");
        var overwrite = input.Bool("Overwrite") ?? false;
        var tags = input.Objects("Tags").Select(t => new ResourceTag { Key = t.Str("Key") ?? string.Empty, Value = t.Str("Value") ?? string.Empty }).ToList();
        if (tags.Count > 0 && overwrite)
        {
            throw new AwsServiceException("ValidationException", "Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.");
        }

        state.Parameters.TryGetValue(name, out var parameter);
        if (parameter is not null && !overwrite)
        {
            throw new AwsServiceException("ParameterAlreadyExists", "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.");
        }

        type ??= parameter?.Type ?? throw new AwsServiceException("ValidationException", "A parameter type is required when you create a parameter.");
        if (keyId is not null && type != "SecureString")
        {
            throw new AwsServiceException("ValidationException", "KeyId is required for SecureString type parameter only.");
        }

        if (input.Str("AllowedPattern") is { } pattern && !Regex.IsMatch(value, pattern, RegexOptions.None, TimeSpan.FromSeconds(1)))
        {
            throw new AwsServiceException("ParameterPatternMismatchException", $"Parameter value, cannot be validated against allowedPattern: {pattern}");
        }

        if (parameter is null)
        {
            if (name.Count(c => c == '/') > 15)
            {
                throw new AwsServiceException("HierarchyLevelLimitExceededException", "A hierarchy can have a maximum of 15 levels.");
            }

            parameter = new SsmParameter { Name = name, Tags = tags };
            state.Parameters[name] = parameter;
        }

        parameter.Type = type;
        parameter.KeyId = type == "SecureString" ? keyId ?? parameter.KeyId ?? DefaultKeyId : null;
        parameter.Description = input.Str("Description") ?? parameter.Description;
        parameter.AllowedPattern = input.Str("AllowedPattern") ?? parameter.AllowedPattern;
        parameter.DataType = input.Str("DataType") ?? parameter.DataType;
        parameter.LastModifiedUser = request.Principal;
        var version = new SsmParameterVersion
        {
            Version = parameter.History.Count == 0 ? 1 : parameter.Current.Version + 1,
            Value = value,
            Ciphertext = type == "SecureString" ? "AQICAH" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(96)) : null,
            LastModifiedDate = request.Now,
        };
        parameter.History.Add(version);
        return new JsonObject { ["Version"] = version.Version, ["Tier"] = parameter.Tier };
    }

    private static JsonObject GetParameters(AwsRequest request, SsmState state, JsonObject input)
    {
        var names = input.Strings("Names").ToList();
        if (names.Count is < 1 or > 10)
        {
            throw new AwsServiceException("ValidationException", "1 validation error detected: Value at 'names' failed to satisfy constraint: Member must have length less than or equal to 10");
        }

        var decrypt = input.Bool("WithDecryption") ?? false;
        var found = new JsonArray();
        var invalid = new JsonArray();
        foreach (var name in names.Distinct(StringComparer.Ordinal))
        {
            if (Find(state, name) is not null)
            {
                // As GetParameter: a name:version answers with the bare name and the selector, so callers can tell
                // "db" from "db:1" in one answer.
                found.Add(RenderSelected(request.Region, state, name, decrypt));
            }
            else
            {
                invalid.Add(name);
            }
        }

        return new JsonObject { ["Parameters"] = found, ["InvalidParameters"] = invalid };
    }

    private static JsonObject GetParametersByPath(AwsRequest request, SsmState state, JsonObject input)
    {
        var path = input.Str("Path") ?? throw Required("path");
        if (!path.StartsWith('/'))
        {
            throw new AwsServiceException("ValidationException", "The parameter doesn't meet the parameter name requirements. The parameter name must begin with a forward slash \"/\".");
        }

        var recursive = input.Bool("Recursive") ?? false;
        var decrypt = input.Bool("WithDecryption") ?? false;
        var matching = state.Parameters.Values
            .Where(p => UnderPath(p.Name, path, recursive))
            .Where(p => input.Objects("ParameterFilters").All(f => MatchesFilter(p, f)))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => (JsonNode?)Render(request.Region, (p, p.Current), decrypt))
            .ToList();
        return Page(matching, "Parameters");
    }

    private static JsonObject DescribeParameters(AwsRequest request, SsmState state, JsonObject input)
    {
        var legacy = input.Objects("Filters").ToList();
        var filters = input.Objects("ParameterFilters").ToList();
        var matching = state.Parameters.Values
            .Where(p => legacy.All(f => MatchesLegacyFilter(p, f)) && filters.All(f => MatchesFilter(p, f)))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => (JsonNode?)Metadata(request.Region, p))
            .ToList();
        return Page(matching, "Parameters");
    }

    private static JsonObject DeleteParameter(SsmState state, JsonObject input)
    {
        var name = input.Str("Name") ?? throw Required("name");
        return state.Parameters.Remove(name) ? [] : throw new AwsServiceException("ParameterNotFound", $"Parameter {name} not found.");
    }

    private static JsonObject DeleteParameters(SsmState state, JsonObject input)
    {
        var deleted = new JsonArray();
        var invalid = new JsonArray();
        foreach (var name in input.Strings("Names"))
        {
            (state.Parameters.Remove(name) ? deleted : invalid).Add(name);
        }

        return new JsonObject { ["DeletedParameters"] = deleted, ["InvalidParameters"] = invalid };
    }

    private static JsonObject AddTags(SsmParameter parameter, JsonObject input)
    {
        foreach (var tag in input.Objects("Tags"))
        {
            var key = tag.Str("Key") ?? string.Empty;
            parameter.Tags.RemoveAll(t => t.Key == key);
            parameter.Tags.Add(new ResourceTag { Key = key, Value = tag.Str("Value") ?? string.Empty });
        }

        return [];
    }

    private static JsonObject RemoveTags(SsmParameter parameter, JsonObject input)
    {
        var keys = input.Strings("TagKeys").ToHashSet(StringComparer.Ordinal);
        parameter.Tags.RemoveAll(t => keys.Contains(t.Key));
        return [];
    }

    /// <summary>The parameter a tagging request names (ResourceType Parameter; other SSM resources are not served).</summary>
    private static SsmParameter Tagged(SsmState state, JsonObject input)
    {
        if (input.Str("ResourceType") != "Parameter")
        {
            throw new AwsServiceException("InvalidResourceType", "LocalEcs serves tags for parameters only (ResourceType Parameter).");
        }

        var id = input.Str("ResourceId") ?? throw Required("resourceId");
        return Find(state, id)?.Parameter ?? throw new AwsServiceException("InvalidResourceId", "The resource ID \"" + id + "\" is not valid. Verify the ID and try again.");
    }

    private static JsonObject Render(string region, (SsmParameter Parameter, SsmParameterVersion Version) found, bool decrypt)
    {
        var (parameter, version) = found;
        return new JsonObject
        {
            ["Name"] = parameter.Name,
            ["Type"] = parameter.Type,
            ["Value"] = parameter.Type == "SecureString" && !decrypt ? version.Ciphertext : version.Value,
            ["Version"] = version.Version,
            ["LastModifiedDate"] = AwsValues.Timestamp(version.LastModifiedDate),
            ["ARN"] = Arn(region, parameter.Name),
            ["DataType"] = parameter.DataType,
        };
    }

    /// <summary>GetParameter names a version selector (<c>name:3</c>) in its answer as ECS and the CLI show it.</summary>
    private static JsonObject RenderSelected(string region, SsmState state, string reference, bool decrypt)
    {
        var rendered = Render(region, Resolve(state, reference), decrypt);
        return Split(reference).Selector is { } selector ? rendered.Put("Selector", ":" + selector) : rendered;
    }

    private static JsonObject Metadata(string region, SsmParameter parameter) =>
        new JsonObject
        {
            ["Name"] = parameter.Name,
            ["ARN"] = Arn(region, parameter.Name),
            ["Type"] = parameter.Type,
        }
        .Put("KeyId", parameter.KeyId)
        .Put("LastModifiedDate", parameter.Current.LastModifiedDate)
        .Put("LastModifiedUser", parameter.LastModifiedUser)
        .Put("Description", parameter.Description)
        .Put("AllowedPattern", parameter.AllowedPattern)
        .Put("Version", parameter.Current.Version)
        .Put("Tier", parameter.Tier)
        .Put("Policies", new JsonArray())
        .Put("DataType", parameter.DataType);

    private static bool UnderPath(string name, string path, bool recursive)
    {
        var prefix = path.EndsWith('/') ? path : path + "/";
        return name.StartsWith(prefix, StringComparison.Ordinal) && (recursive || name.IndexOf('/', prefix.Length) < 0);
    }

    /// <summary>ParameterFilters: Name (Equals, BeginsWith, Contains), Type, KeyId, DataType, Tier (Equals), Path (OneLevel, Recursive), tag:Key.</summary>
    private static bool MatchesFilter(SsmParameter parameter, JsonObject filter)
    {
        var key = filter.Str("Key") ?? throw Required("parameterFilters.member.key");
        var option = filter.Str("Option");
        var values = filter.Strings("Values").ToList();
        bool Equal(string? actual) => values.Contains(actual ?? string.Empty);
        return key switch
        {
            "Name" => option switch
            {
                null or "Equals" => values.Any(v => parameter.Name == v || parameter.Name == "/" + v.TrimStart('/')),
                "BeginsWith" => values.Any(v => parameter.Name.StartsWith(v, StringComparison.Ordinal) || parameter.Name.StartsWith("/" + v.TrimStart('/'), StringComparison.Ordinal)),
                "Contains" => values.Any(v => parameter.Name.Contains(v, StringComparison.Ordinal)),
                _ => throw new AwsServiceException("InvalidFilterOption", $"The filter option '{option}' is not valid for key Name. Valid options: Equals, BeginsWith, Contains."),
            },
            "Type" => Equal(parameter.Type),
            "KeyId" => Equal(parameter.KeyId),
            "DataType" => Equal(parameter.DataType),
            "Tier" => Equal(parameter.Tier),
            "Path" => option switch
            {
                null or "OneLevel" => values.Any(v => UnderPath(parameter.Name, v, recursive: false)),
                "Recursive" => values.Any(v => UnderPath(parameter.Name, v, recursive: true)),
                _ => throw new AwsServiceException("InvalidFilterOption", $"The filter option '{option}' is not valid for key Path. Valid options: Recursive, OneLevel."),
            },
            _ when key.StartsWith("tag:", StringComparison.Ordinal) => parameter.Tags.Any(t => t.Key == key[4..] && (values.Count == 0 || values.Contains(t.Value))),
            _ => throw new AwsServiceException("InvalidFilterKey", $"The filter key '{key}' is not valid."),
        };
    }

    private static bool MatchesLegacyFilter(SsmParameter parameter, JsonObject filter)
    {
        var values = filter.Strings("Values").ToList();
        return filter.Str("Key") switch
        {
            "Name" => values.Any(v => parameter.Name.StartsWith(v, StringComparison.Ordinal)),
            "Type" => values.Contains(parameter.Type),
            "KeyId" => values.Contains(parameter.KeyId ?? string.Empty),
            var key => throw new AwsServiceException("InvalidFilterKey", $"The filter key '{key}' is not valid."),
        };
    }

    /// <summary>Every item: the router cuts the page and checks MaxResults and NextToken (Hosting/Pagination).</summary>
    private static JsonObject Page(List<JsonNode?> items, string member) => new() { [member] = items.ToJsonArray() };

    private static void ValidateName(string name)
    {
        if (name.Length > 2048 || !NamePattern().IsMatch(name) || (name.Contains('/', StringComparison.Ordinal) && !name.StartsWith('/')))
        {
            throw new AwsServiceException("ValidationException", "Parameter name must be a fully qualified name or a name of 1 to 2048 letters, digits and the characters _.-/, and a name with a slash must start with one.");
        }

        var first = name.TrimStart('/');
        if (first.StartsWith("aws", StringComparison.OrdinalIgnoreCase) || first.StartsWith("ssm", StringComparison.OrdinalIgnoreCase))
        {
            throw new AwsServiceException("ValidationException", "Parameter name: can't be prefixed with \"aws\" or \"ssm\" (case-insensitive). If formed as a path, it can consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_");
        }
    }

    private static AwsServiceException Required(string member) =>
        new("ValidationException", $"1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null");

    [GeneratedRegex(@"^[a-zA-Z0-9_.\-/]+$")]
    private static partial Regex NamePattern();
}
