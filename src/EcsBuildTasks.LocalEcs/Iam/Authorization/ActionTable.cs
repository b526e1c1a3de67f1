using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Hosting;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Iam.Authorization;

/// <summary>
/// One authorization an API request needs, as AWS defines it for the operation: the IAM action, the resource ARN (or
/// <c>*</c> for actions that take no resource) and the condition keys the service supplies for it.
/// </summary>
internal sealed record AuthorizationCheck(string Action, string Resource, IReadOnlyDictionary<string, IReadOnlyList<string>> Keys);

/// <summary>
/// The authorizations every operation of one service needs: operation name → the checks for a request. One table per
/// service, in <c>Iam/Authorization/Tables</c>; a test keeps every served operation in its table.
/// </summary>
internal sealed class ActionTable(string signingName) : Dictionary<string, Func<OperationContext, IEnumerable<AuthorizationCheck>>>(StringComparer.Ordinal)
{
    public string SigningName { get; } = signingName;
}

/// <summary>What a table entry sees of a request, with the helpers entries share.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "Table entries reach every helper through the context they are given (c.Check, c.Arn, …).")]
internal sealed class OperationContext(AwsRequest request)
{
    public static readonly Dictionary<string, IReadOnlyList<string>> NoKeys = new(StringComparer.Ordinal);

    public JsonObject Input => request.Input;

    public string Region => request.Region;

    public RegionState RegionState => request.RegionState;

    public AccountState Account => request.Account;

    public string AccountId => State.Account.Id;

    public string? Str(string member) => request.Input.Str(member);

    public IEnumerable<string> Strings(string member) => request.Input.Strings(member);

    /// <summary>A regional ARN of this account: <c>arn:aws:&lt;service&gt;:&lt;region&gt;:&lt;account&gt;:&lt;resource&gt;</c>.</summary>
    public string Arn(string service, string resource) => $"arn:aws:{service}:{Region}:{AccountId}:{resource}";

    public AuthorizationCheck Check(string action, string resource, params (string Key, string? Value)[] keys) =>
        new(action, resource, Keys(keys));

    public IEnumerable<AuthorizationCheck> Checks(string action, IEnumerable<string> resources, params (string Key, string? Value)[] keys) =>
        resources.Distinct(StringComparer.Ordinal).Select(r => Check(action, r, keys));

    /// <summary>An action that takes no resource (the policy needs <c>Resource: "*"</c>).</summary>
    public AuthorizationCheck Any(string action, params (string Key, string? Value)[] keys) => Check(action, "*", keys);

    /// <summary>
    /// <c>iam:PassRole</c> for a role the request hands to a service (<c>iam:PassedToService</c>), as the caller must be
    /// allowed to pass it; names become ARNs of this account.
    /// </summary>
    public IEnumerable<AuthorizationCheck> PassRoles(IEnumerable<string?> roles, string toService) =>
        roles.OfType<string>().Where(r => r.Length > 0)
            .Select(r => r.StartsWith("arn:", StringComparison.Ordinal) ? r : $"arn:aws:iam::{AccountId}:role/{r}")
            .Distinct(StringComparer.Ordinal)
            .Select(r => Check("iam:PassRole", r, ("iam:PassedToService", toService)));

    /// <summary>
    /// Tags given on a create operation: <paramref name="tagAction"/> on the new resource, with the tag keys and the
    /// creating action (<paramref name="createActionKey"/>, e.g. <c>ecs:CreateAction</c>) when the service defines one.
    /// Nothing when the request carries no tags.
    /// </summary>
    public IEnumerable<AuthorizationCheck> TagOnCreate(string tagAction, string resource, IReadOnlyList<(string Key, string Value)> tags, string? createActionKey = null, string? createAction = null)
    {
        if (tags.Count == 0)
        {
            return [];
        }

        var keys = TagKeys(tags);
        if (createActionKey is not null && createAction is not null)
        {
            keys[createActionKey] = [createAction];
        }

        return [new AuthorizationCheck(tagAction, resource, keys)];
    }

    /// <summary><c>aws:RequestTag/&lt;key&gt;</c> and <c>aws:TagKeys</c> for tags in a request.</summary>
    public static Dictionary<string, IReadOnlyList<string>> TagKeys(IReadOnlyList<(string Key, string Value)> tags)
    {
        var keys = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
        {
            ["aws:TagKeys"] = tags.Select(t => t.Key).Distinct(StringComparer.Ordinal).ToList(),
        };
        foreach (var (key, value) in tags)
        {
            keys["aws:RequestTag/" + key] = [value];
        }

        return keys;
    }

    /// <summary>Tags as the request carries them: a list of <c>{key, value}</c> / <c>{Key, Value}</c> objects, or a map.</summary>
    public List<(string Key, string Value)> Tags(string member)
    {
        return Input[member] switch
        {
            JsonArray list => list.OfType<JsonObject>()
                .Select(t => (t.Str("key") ?? t.Str("Key") ?? string.Empty, t.Str("value") ?? t.Str("Value") ?? string.Empty))
                .ToList(),
            JsonObject map => map.Select(p => (p.Key, p.Value is JsonValue v ? v.ToString() : string.Empty)).ToList(),
            _ => [],
        };
    }

    private static Dictionary<string, IReadOnlyList<string>> Keys((string Key, string? Value)[] keys)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (key, value) in keys.Where(k => k.Value is not null))
        {
            result[key] = result.TryGetValue(key, out var existing) ? [.. existing, value!] : [value!];
        }

        return result;
    }
}
