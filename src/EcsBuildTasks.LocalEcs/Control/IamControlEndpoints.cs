using System.Text.Json;
using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Iam.Authorization;
using EcsBuildTasks.LocalEcs.Iam.Policies;
using EcsBuildTasks.LocalEcs.Protocols;
using Microsoft.AspNetCore.Http;

namespace EcsBuildTasks.LocalEcs.Control;

/// <summary>
/// The control API for IAM enforcement (<c>/_localecs/iam/…</c>): policies per access key (or the default policy), and
/// the usage record a test reads to prove a policy is enough and has no excess.
/// </summary>
internal sealed class IamControlEndpoints(IamAuthorizer authorizer)
{
    /// <summary>IAM's limit for an access key id.</summary>
    private const int MaxAccessKeyId = 128;

    public static readonly string[] Endpoints =
    [
        "GET|POST|DELETE /_localecs/iam/policies {accessKeyId?, principalArn?, policy | policies}",
        "GET|DELETE /_localecs/iam/usage?accessKeyId=",
    ];

    /// <summary>Handles <c>iam/…</c> paths; null when the path is not one of them.</summary>
    public (int Status, JsonNode Body)? Handle(string method, string path, JsonObject body, IQueryCollection query) => (method, path) switch
    {
        ("GET", "iam/policies") => (200, Describe()),
        ("POST", "iam/policies") => SetPolicies(body),
        ("DELETE", "iam/policies") => RemovePolicies(body, query),
        ("GET", "iam/usage") => Usage(query),
        ("DELETE", "iam/usage") => ClearUsage(),
        _ => null,
    };

    private JsonObject Describe()
    {
        var (defaults, keys) = authorizer.Policies();
        return new JsonObject
        {
            ["enforcing"] = authorizer.Enforcing,
            ["default"] = defaults is null ? null : Render(defaults),
            ["accessKeys"] = keys.Select(k => (JsonNode?)new JsonObject
            {
                ["accessKeyId"] = k.AccessKeyId,
                ["principalArn"] = k.Principal ?? authorizer.PrincipalOf(k.AccessKeyId),
                ["policies"] = Render(k.Policies),
            }).ToJsonArray(),
        };
    }

    private (int, JsonNode) SetPolicies(JsonObject body)
    {
        var input = new ControlInput(body, "accessKeyId", "principalArn", "policy", "policies");
        var accessKeyId = input.String("accessKeyId", maxLength: MaxAccessKeyId);
        var principal = input.String("principalArn");
        if (principal is not null && !principal.StartsWith("arn:aws:", StringComparison.Ordinal))
        {
            input.Fail($"'principalArn' must be an ARN such as arn:aws:iam::123456789012:user/ci, not '{principal}'");
        }

        var documents = new List<(string Name, JsonNode? Document)>();
        if (input.Json("policy", JsonValueKind.Object, JsonValueKind.String) is { } single)
        {
            documents.Add(("policy", single));
        }

        switch (input.Json("policies", JsonValueKind.Array, JsonValueKind.Object))
        {
            case JsonArray list:
                documents.AddRange(list.Select((p, i) => ($"policies[{i}]", p)));
                break;
            case JsonObject named:
                documents.AddRange(named.Select(p => (p.Key, p.Value)));
                break;
        }

        if (input.IsValid && documents.Count == 0)
        {
            input.Fail("'policy' or 'policies' is required");
        }

        if (!input.IsValid)
        {
            return (400, new JsonObject { ["error"] = input.Error + " Give {\"accessKeyId\": \"AKIA...\", \"policy\": {\"Version\": \"2012-10-17\", \"Statement\": [...]}} (policy may also be a JSON string; \"policies\" takes several; without accessKeyId the policy becomes the default for every access key)." });
        }

        var policies = new List<NamedPolicy>();
        foreach (var (name, document) in documents)
        {
            try
            {
                var parsed = document is JsonValue text && text.GetValueKind() == JsonValueKind.String
                    ? PolicyDocument.Parse(text.GetValue<string>(), PolicyKind.Identity)
                    : PolicyDocument.Parse(document, PolicyKind.Identity);
                policies.Add(new NamedPolicy(name, parsed));
            }
            catch (PolicyFormatException e)
            {
                return (400, new JsonObject { ["error"] = $"{name} is not a policy IAM would accept: {e.Message}", ["code"] = "MalformedPolicyDocument" });
            }
        }

        authorizer.SetPolicies(accessKeyId, policies, principal);
        return (200, Describe());
    }

    /// <summary>Removes the policies of an access key (<c>accessKeyId</c> in the body or the query), or the default policy.</summary>
    private (int, JsonNode) RemovePolicies(JsonObject body, IQueryCollection query)
    {
        var input = body.Count > 0 ? new ControlInput(body, "accessKeyId") : ControlInput.FromQuery(query, "accessKeyId");
        var accessKeyId = input.String("accessKeyId", maxLength: MaxAccessKeyId);
        if (!input.IsValid)
        {
            return (400, new JsonObject { ["error"] = input.Error });
        }

        authorizer.RemovePolicies(accessKeyId);
        return (200, Describe());
    }

    /// <summary>Recorded requests and, for every policy in force, the Allow statements' action patterns nothing used.</summary>
    private (int, JsonNode) Usage(IQueryCollection query)
    {
        var input = ControlInput.FromQuery(query, "accessKeyId");
        var accessKeyId = input.String("accessKeyId", maxLength: MaxAccessKeyId);
        if (!input.IsValid)
        {
            return (400, new JsonObject { ["error"] = input.Error });
        }

        var (defaults, keys) = authorizer.Policies();
        var unused = new JsonObject();
        if (defaults is not null && accessKeyId is null)
        {
            unused[UsageRecorder.DefaultGrant] = authorizer.Usage.Unused(UsageRecorder.DefaultGrant, defaults);
        }

        foreach (var (key, _, policies) in keys.Where(k => accessKeyId is null || k.AccessKeyId == accessKeyId))
        {
            unused[key] = authorizer.Usage.Unused(key, policies);
        }

        return (200, new JsonObject { ["requests"] = authorizer.Usage.Requests(accessKeyId), ["unused"] = unused, ["dropped"] = authorizer.Usage.Dropped });
    }

    private (int, JsonNode) ClearUsage()
    {
        authorizer.Usage.Clear();
        return (200, new JsonObject { ["cleared"] = true });
    }

    private static JsonArray Render(IReadOnlyList<NamedPolicy> policies) =>
        policies.Select(p => (JsonNode?)new JsonObject
        {
            ["name"] = p.Name,
            ["statements"] = p.Document.Statements.Select(s => (JsonNode?)JsonValue.Create(s.Name)).ToJsonArray(),
        }).ToJsonArray();
}
