using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EcsBuildTasks.LocalEcs.Hosting;
using EcsBuildTasks.LocalEcs.Iam;
using EcsBuildTasks.LocalEcs.Iam.Authorization;
using EcsBuildTasks.LocalEcs.Iam.Policies;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Services.Iam;

/// <summary>
/// IAM (Query protocol, a global service: one set of roles whatever region a request is signed for): roles with trust
/// policies, tags, AWS managed policy attachments and inline policies. Policy documents are checked as IAM checks them
/// and returned URL-encoded, as IAM returns them (the AWS CLI and SDKs decode them).
/// </summary>
internal sealed partial class IamApi(IamAuthorizer authorizer) : IAwsApi
{
    private static readonly HashSet<string> ServedOperations =
    [
        "CreateRole", "GetRole", "DeleteRole", "ListRoles", "UpdateRole", "UpdateAssumeRolePolicy",
        "TagRole", "UntagRole", "ListRoleTags",
        "AttachRolePolicy", "DetachRolePolicy", "ListAttachedRolePolicies", "GetPolicy",
        "PutRolePolicy", "GetRolePolicy", "DeleteRolePolicy", "ListRolePolicies",
        "SimulatePrincipalPolicy",
    ];

    public string SigningName => "iam";

    public string XmlNamespace => "https://iam.amazonaws.com/doc/2010-05-08/";

    public IReadOnlyCollection<string> Operations => ServedOperations;

    public JsonNode? Invoke(AwsRequest request)
    {
        var iam = request.Account.Iam;
        var input = request.Input;
        return request.Operation switch
        {
            "CreateRole" => CreateRole(iam, input, request.Now),
            "GetRole" => new JsonObject { ["Role"] = Render(Role(iam, input)) },
            "DeleteRole" => DeleteRole(iam, input),
            "ListRoles" => ListRoles(iam, input),
            "UpdateRole" => UpdateRole(Role(iam, input), input),
            "UpdateAssumeRolePolicy" => UpdateAssumeRolePolicy(Role(iam, input), input),
            "TagRole" => TagRole(Role(iam, input), input),
            "UntagRole" => UntagRole(Role(iam, input), input),
            "ListRoleTags" => Page(Role(iam, input).Tags.Select(t => (JsonNode?)Tag(t)).ToList(), "Tags"),
            "AttachRolePolicy" => AttachRolePolicy(Role(iam, input), input),
            "DetachRolePolicy" => DetachRolePolicy(Role(iam, input), input),
            "ListAttachedRolePolicies" => ListAttachedRolePolicies(Role(iam, input), input),
            "GetPolicy" => GetPolicy(iam, input),
            "PutRolePolicy" => PutRolePolicy(Role(iam, input), input),
            "GetRolePolicy" => GetRolePolicy(Role(iam, input), input),
            "DeleteRolePolicy" => DeleteRolePolicy(Role(iam, input), input),
            "ListRolePolicies" => Page(Role(iam, input).InlinePolicies.Keys.Order(StringComparer.Ordinal).Select(n => (JsonNode?)JsonValue.Create(n)).ToList(), "PolicyNames"),
            "SimulatePrincipalPolicy" => SimulatePrincipalPolicy(iam, input),
            _ => throw new AwsServiceException("InvalidAction", $"The action {request.Operation} is not valid for this web service."),
        };
    }

    /// <summary>The role a request names, or IAM's NoSuchEntity error.</summary>
    private static IamRole Role(IamState iam, JsonObject input)
    {
        var name = Required(input, "RoleName", RoleNamePattern(), 64);
        return iam.FindRole(name) ?? throw NoSuchEntity($"The role with name {name} cannot be found.");
    }

    private static JsonObject CreateRole(IamState iam, JsonObject input, DateTimeOffset now)
    {
        var name = Required(input, "RoleName", RoleNamePattern(), 64);
        var path = input.Str("Path") ?? "/";
        if (!PathPattern().IsMatch(path) || path.Length > 512)
        {
            throw Validation(path, "path", @"(\u002F)|(\u002F[\u0021-\u007E]+\u002F)");
        }

        var trust = input.Str("AssumeRolePolicyDocument") ?? throw Missing("assumeRolePolicyDocument");
        ParsePolicy(trust, PolicyKind.Trust);
        var maxSession = MaxSessionDuration(input) ?? 3600;
        if (iam.FindRole(name) is not null)
        {
            throw new AwsServiceException("EntityAlreadyExists", $"Role with name {name} already exists.", HttpStatusCode.Conflict);
        }

        var arn = $"arn:aws:iam::{Account.Id}:role{path}{name}";
        var role = new IamRole
        {
            Name = name,
            Path = path,
            Arn = arn,
            RoleId = RoleIds.New(),
            CreateDate = now,
            AssumeRolePolicyDocument = trust,
            Description = input.Str("Description"),
            MaxSessionDuration = maxSession,
            PermissionsBoundaryArn = input.Str("PermissionsBoundary"),
            Tags = ParseTags(input.Arr("Tags")),
        };
        iam.Roles[IamRole.Key(name)] = role;
        return new JsonObject { ["Role"] = Render(role) };
    }

    private static JsonObject? DeleteRole(IamState iam, JsonObject input)
    {
        var role = Role(iam, input);
        if (role.AttachedPolicyArns.Count > 0)
        {
            throw new AwsServiceException("DeleteConflict", "Cannot delete entity, must detach all policies first.", HttpStatusCode.Conflict);
        }

        if (role.InlinePolicies.Count > 0)
        {
            throw new AwsServiceException("DeleteConflict", "Cannot delete entity, must delete policies first.", HttpStatusCode.Conflict);
        }

        iam.Roles.Remove(IamRole.Key(role.Name));
        return null;
    }

    private static JsonObject ListRoles(IamState iam, JsonObject input)
    {
        var prefix = input.Str("PathPrefix") ?? "/";
        var roles = iam.Roles.Values
            .Where(r => r.Path.StartsWith(prefix, StringComparison.Ordinal))
            .OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase)
            .Select(r =>
            {
                // ListRoles leaves out tags and permissions boundaries (GetRole has them).
                var rendered = Render(r);
                rendered.Remove("Tags");
                rendered.Remove("PermissionsBoundary");
                rendered.Remove("RoleLastUsed");
                return (JsonNode?)rendered;
            })
            .ToList();
        return Page(roles, "Roles");
    }

    private static JsonObject? UpdateRole(IamRole role, JsonObject input)
    {
        role.MaxSessionDuration = MaxSessionDuration(input) ?? role.MaxSessionDuration;
        role.Description = input.Str("Description") ?? role.Description;
        return new JsonObject();
    }

    private static JsonObject? UpdateAssumeRolePolicy(IamRole role, JsonObject input)
    {
        var document = input.Str("PolicyDocument") ?? throw Missing("policyDocument");
        ParsePolicy(document, PolicyKind.Trust);
        role.AssumeRolePolicyDocument = document;
        return null;
    }

    private static JsonObject? TagRole(IamRole role, JsonObject input)
    {
        foreach (var tag in ParseTags(input.Arr("Tags") ?? throw Missing("tags")))
        {
            role.Tags.RemoveAll(t => t.Key == tag.Key);
            role.Tags.Add(tag);
        }

        if (role.Tags.Count > 50)
        {
            throw new AwsServiceException("LimitExceeded", "The number of tags has reached the maximum limit.", HttpStatusCode.Conflict);
        }

        return null;
    }

    private static JsonObject? UntagRole(IamRole role, JsonObject input)
    {
        var keys = input.Strings("TagKeys").ToHashSet(StringComparer.Ordinal);
        role.Tags.RemoveAll(t => keys.Contains(t.Key));
        return null;
    }

    private static JsonObject? AttachRolePolicy(IamRole role, JsonObject input)
    {
        var arn = input.Str("PolicyArn") ?? throw Missing("policyArn");
        if (!arn.StartsWith("arn:aws:iam::", StringComparison.Ordinal) || !arn.Contains(":policy/", StringComparison.Ordinal))
        {
            throw new AwsServiceException("InvalidInput", $"ARN {arn} is not valid.");
        }

        if (!ManagedPolicies.IsAwsManaged(arn))
        {
            // Customer managed policies (CreatePolicy) are not served: only AWS managed ones can be attached.
            throw NoSuchEntity($"Policy {arn} does not exist or is not attachable.");
        }

        if (!role.AttachedPolicyArns.Contains(arn))
        {
            if (role.AttachedPolicyArns.Count >= 20)
            {
                throw new AwsServiceException("LimitExceeded", $"Cannot exceed quota for PoliciesPerRole: 20", HttpStatusCode.Conflict);
            }

            role.AttachedPolicyArns.Add(arn);
        }

        return null;
    }

    private static JsonObject? DetachRolePolicy(IamRole role, JsonObject input)
    {
        var arn = input.Str("PolicyArn") ?? throw Missing("policyArn");
        if (!role.AttachedPolicyArns.Remove(arn))
        {
            throw NoSuchEntity($"Policy {arn} was not found.");
        }

        return null;
    }

    private static JsonObject ListAttachedRolePolicies(IamRole role, JsonObject input)
    {
        var prefix = input.Str("PathPrefix") ?? "/";
        var attached = role.AttachedPolicyArns
            .Select(arn => (Arn: arn, Parts: ManagedPolicies.NameAndPath(arn)))
            .Where(p => p.Parts.Path.StartsWith(prefix, StringComparison.Ordinal))
            .Select(p => (JsonNode?)new JsonObject { ["PolicyName"] = p.Parts.Name, ["PolicyArn"] = p.Arn })
            .ToList();
        return Page(attached, "AttachedPolicies");
    }

    private static JsonObject GetPolicy(IamState iam, JsonObject input)
    {
        var arn = input.Str("PolicyArn") ?? throw Missing("policyArn");
        if (!ManagedPolicies.IsAwsManaged(arn))
        {
            throw NoSuchEntity($"Policy {arn} was not found.");
        }

        var (name, path) = ManagedPolicies.NameAndPath(arn);
        var published = new DateTimeOffset(2017, 11, 16, 0, 0, 0, TimeSpan.Zero);
        return new JsonObject
        {
            ["Policy"] = new JsonObject
            {
                ["PolicyName"] = name,
                ["PolicyId"] = RoleIds.Stable(arn, "ANPA"),
                ["Arn"] = arn,
                ["Path"] = path,
                ["DefaultVersionId"] = "v1",
                ["AttachmentCount"] = iam.Roles.Values.Count(r => r.AttachedPolicyArns.Contains(arn)),
                ["PermissionsBoundaryUsageCount"] = 0,
                ["IsAttachable"] = true,
                ["CreateDate"] = AwsValues.Timestamp(published),
                ["UpdateDate"] = AwsValues.Timestamp(published),
            },
        };
    }

    private static JsonObject? PutRolePolicy(IamRole role, JsonObject input)
    {
        var name = Required(input, "PolicyName", RoleNamePattern(), 128);
        var document = input.Str("PolicyDocument") ?? throw Missing("policyDocument");
        ParsePolicy(document, PolicyKind.Identity);
        role.InlinePolicies[name] = document;
        return null;
    }

    private static JsonObject GetRolePolicy(IamRole role, JsonObject input)
    {
        var name = Required(input, "PolicyName", RoleNamePattern(), 128);
        var document = role.InlinePolicies.GetValueOrDefault(name) ?? throw NoSuchEntity($"The role policy with name {name} cannot be found.");
        return new JsonObject { ["RoleName"] = role.Name, ["PolicyName"] = name, ["PolicyDocument"] = Uri.EscapeDataString(document) };
    }

    private static JsonObject? DeleteRolePolicy(IamRole role, JsonObject input)
    {
        var name = Required(input, "PolicyName", RoleNamePattern(), 128);
        if (!role.InlinePolicies.Remove(name))
        {
            throw NoSuchEntity($"The role policy with name {name} cannot be found.");
        }

        return null;
    }

    internal static JsonObject Render(IamRole role)
    {
        var rendered = new JsonObject
        {
            ["Path"] = role.Path,
            ["RoleName"] = role.Name,
            ["RoleId"] = role.RoleId,
            ["Arn"] = role.Arn,
            ["CreateDate"] = AwsValues.Timestamp(role.CreateDate),
            ["AssumeRolePolicyDocument"] = Uri.EscapeDataString(role.AssumeRolePolicyDocument),
        }
        .Put("Description", role.Description)
        .Put("MaxSessionDuration", role.MaxSessionDuration);
        if (role.PermissionsBoundaryArn is { } boundary)
        {
            rendered["PermissionsBoundary"] = new JsonObject { ["PermissionsBoundaryType"] = "PermissionsBoundaryPolicy", ["PermissionsBoundaryArn"] = boundary };
        }

        if (role.Tags.Count > 0)
        {
            rendered["Tags"] = role.Tags.Select(t => (JsonNode?)Tag(t)).ToJsonArray();
        }

        rendered["RoleLastUsed"] = new JsonObject();
        return rendered;
    }

    private static JsonObject Tag(IamTag tag) => new() { ["Key"] = tag.Key, ["Value"] = tag.Value };

    private static List<IamTag> ParseTags(JsonArray? tags)
    {
        var result = new List<IamTag>();
        foreach (var tag in tags?.OfType<JsonObject>() ?? [])
        {
            var key = tag.Str("Key") ?? throw Missing("tags.member.key");
            if (key.Length is 0 or > 128 || key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
            {
                throw new AwsServiceException("InvalidInput", $"Tag key '{key}' is not valid: use 1 to 128 characters that do not start with aws:.");
            }

            result.RemoveAll(t => t.Key == key);
            result.Add(new IamTag { Key = key, Value = tag.Str("Value") ?? string.Empty });
        }

        return result.Count > 50
            ? throw new AwsServiceException("LimitExceeded", "The number of tags has reached the maximum limit.", HttpStatusCode.Conflict)
            : result;
    }

    private static void ParsePolicy(string document, PolicyKind kind)
    {
        try
        {
            PolicyDocument.Parse(document, kind);
        }
        catch (PolicyFormatException e)
        {
            throw new AwsServiceException("MalformedPolicyDocument", e.Message);
        }
    }

    private static int? MaxSessionDuration(JsonObject input)
    {
        var value = input.Int("MaxSessionDuration");
        return value is null or (>= 3600 and <= 43200)
            ? value
            : throw new AwsServiceException("ValidationError", $"1 validation error detected: Value '{value}' at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to 43200");
    }

    /// <summary>IAM lists: every item; the router cuts the page (<c>MaxItems</c>, <c>Marker</c>, <c>IsTruncated</c>: Hosting/Pagination).</summary>
    private static JsonObject Page(List<JsonNode?> items, string member) => new() { [member] = items.ToJsonArray() };

    private static string Required(JsonObject input, string member, Regex pattern, int maxLength)
    {
        var value = input.Str(member);
        var wire = char.ToLowerInvariant(member[0]) + member[1..];
        if (value is null)
        {
            throw Missing(wire);
        }

        return pattern.IsMatch(value) && value.Length <= maxLength ? value : throw Validation(value, wire, pattern.ToString().Trim('^', '$'));
    }

    private static AwsServiceException NoSuchEntity(string message) => new("NoSuchEntity", message, HttpStatusCode.NotFound);

    private static AwsServiceException Missing(string member) =>
        new("ValidationError", $"1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null");

    private static AwsServiceException Validation(string value, string member, string pattern) =>
        new("ValidationError", $"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: Member must satisfy regular expression pattern: {pattern}");

    [GeneratedRegex(@"^[\w+=,.@-]+$")]
    private static partial Regex RoleNamePattern();

    [GeneratedRegex(@"^(/|/[\u0021-\u007E]+/)$")]
    private static partial Regex PathPattern();
}
