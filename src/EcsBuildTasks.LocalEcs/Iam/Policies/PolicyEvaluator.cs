using System.Text;

namespace EcsBuildTasks.LocalEcs.Iam.Policies;

/// <summary>An identity-based policy as a principal holds it: its name (inline name or managed policy ARN) and document.</summary>
internal sealed record NamedPolicy(string Name, PolicyDocument Document);

/// <summary>
/// One authorization question: may the principal perform <see cref="Action"/> on <see cref="Resource"/> (an ARN, or
/// <c>*</c> for actions that take no resource) given the request's condition keys? Keys compare case-insensitively,
/// as IAM's do; a key may hold several values (<c>aws:TagKeys</c>).
/// </summary>
internal sealed class RequestContext
{
    public RequestContext(string action, string resource, IReadOnlyDictionary<string, IReadOnlyList<string>>? keys = null)
    {
        Action = action;
        Resource = resource;
        Keys = new Dictionary<string, IReadOnlyList<string>>(keys ?? new Dictionary<string, IReadOnlyList<string>>(), StringComparer.OrdinalIgnoreCase);
    }

    public string Action { get; }

    public string Resource { get; }

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Keys { get; }

    public IReadOnlyList<string>? Values(string key) => Keys.TryGetValue(key, out var values) ? values : null;
}

internal enum Decision
{
    /// <summary>Some statement allows the request and none denies it.</summary>
    Allow,

    /// <summary>A Deny statement matches: nothing can allow the request.</summary>
    ExplicitDeny,

    /// <summary>No statement allows the request (IAM's default).</summary>
    ImplicitDeny,
}

/// <summary>The decision and the statement that made it (the denying one, or the first allowing one).</summary>
internal sealed record Evaluation(Decision Decision, NamedPolicy? Policy = null, PolicyStatement? Statement = null)
{
    public bool Allowed => Decision == Decision.Allow;
}

/// <summary>
/// IAM's evaluation logic for identity-based policies: an explicit Deny in any policy wins; otherwise some Allow is
/// needed; otherwise the request is implicitly denied. A statement applies when its Action (or NotAction), Resource
/// (or NotResource) and every Condition match.
/// </summary>
internal static class PolicyEvaluator
{
    public static Evaluation Evaluate(IEnumerable<NamedPolicy> policies, RequestContext request)
    {
        Evaluation? allow = null;
        foreach (var policy in policies)
        {
            foreach (var statement in policy.Document.Statements)
            {
                if (!Applies(policy.Document, statement, request))
                {
                    continue;
                }

                if (statement.Effect == Effect.Deny)
                {
                    return new Evaluation(Decision.ExplicitDeny, policy, statement);
                }

                allow ??= new Evaluation(Decision.Allow, policy, statement);
            }
        }

        return allow ?? new Evaluation(Decision.ImplicitDeny);
    }

    /// <summary>Every Allow statement that applies to the request (for usage reports: which grants a run exercised).</summary>
    public static IEnumerable<(NamedPolicy Policy, PolicyStatement Statement)> AllowingStatements(IEnumerable<NamedPolicy> policies, RequestContext request) =>
        policies.SelectMany(p => p.Document.Statements.Where(s => s.Effect == Effect.Allow && Applies(p.Document, s, request)).Select(s => (p, s)));

    public static bool Applies(PolicyDocument document, PolicyStatement statement, RequestContext request)
    {
        var actionListed = statement.Actions.Any(pattern => Wildcard.MatchesAction(pattern, request.Action));
        if (actionListed == statement.NotAction)
        {
            return false;
        }

        var resourceListed = statement.Resources.Any(pattern =>
            Substitute(document, pattern, request) is { } resolved && Wildcard.MatchesArn(resolved, request.Resource));
        if (resourceListed == statement.NotResource)
        {
            return false;
        }

        return statement.Conditions.All(condition =>
        {
            var values = condition.Values.Select(v => Substitute(document, v, request)).OfType<string>().ToList();
            return condition.Operator.Evaluate(values, request.Values(condition.Key));
        });
    }

    /// <summary>
    /// Resolves policy variables (<c>${aws:username}</c>, and the escapes <c>${*}</c>, <c>${?}</c>, <c>${$}</c>) in
    /// 2012-10-17 documents. A variable whose key is not in the request makes the value match nothing (null), as in IAM.
    /// </summary>
    private static string? Substitute(PolicyDocument document, string value, RequestContext request)
    {
        if (!document.ResolvesVariables || !value.Contains("${", StringComparison.Ordinal))
        {
            return value;
        }

        var result = new StringBuilder();
        var at = 0;
        while (at < value.Length)
        {
            var start = value.IndexOf("${", at, StringComparison.Ordinal);
            var end = start < 0 ? -1 : value.IndexOf('}', start);
            if (start < 0 || end < 0)
            {
                result.Append(value, at, value.Length - at);
                break;
            }

            result.Append(value, at, start - at);
            var name = value[(start + 2)..end];
            if (name is "*" or "?" or "$")
            {
                result.Append(name);
            }
            else if (request.Values(name) is [var single])
            {
                result.Append(single);
            }
            else
            {
                return null;
            }

            at = end + 1;
        }

        return result.ToString();
    }
}
