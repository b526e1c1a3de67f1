namespace EcsBuildTasks.LocalEcs.Iam.Policies;

/// <summary>
/// IAM's wildcard matching: <c>*</c> matches any run of characters (also none, also <c>/</c> and <c>:</c>), <c>?</c>
/// exactly one. Actions match case-insensitively; ARNs component by component, as IAM compares the Resource element
/// and the Arn condition operators.
/// </summary>
internal static class Wildcard
{
    /// <summary>Whether <paramref name="value"/> matches <paramref name="pattern"/> as a whole.</summary>
    public static bool Matches(string pattern, string value, bool ignoreCase = false)
    {
        // Greedy matching with one backtrack point: linear in practice, never exponential.
        int p = 0, v = 0, star = -1, resume = 0;
        while (v < value.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || Same(pattern[p], value[v], ignoreCase)))
            {
                p++;
                v++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = v;
            }
            else if (star >= 0)
            {
                p = star + 1;
                v = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    /// <summary>An action pattern (<c>ecs:Describe*</c>, <c>*</c>) against an action (<c>ecs:DescribeServices</c>); case-insensitive.</summary>
    public static bool MatchesAction(string pattern, string action) => Matches(pattern, action, ignoreCase: true);

    /// <summary>
    /// A Resource pattern or Arn condition value against an ARN: <c>*</c> matches everything; otherwise the six
    /// colon-separated components (<c>arn</c>, partition, service, region, account, resource) are matched one by one,
    /// the last taking the rest of the ARN (its colons included). A value that is not an ARN (such as <c>*</c> for
    /// actions that take no resource) only matches a pattern that matches it as a plain string.
    /// </summary>
    public static bool MatchesArn(string pattern, string arn)
    {
        if (pattern == "*")
        {
            return true;
        }

        var patternParts = pattern.Split(':', 6);
        var arnParts = arn.Split(':', 6);
        if (patternParts.Length != 6 || arnParts.Length != 6)
        {
            return Matches(pattern, arn);
        }

        for (var i = 0; i < 6; i++)
        {
            if (!Matches(patternParts[i], arnParts[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Same(char a, char b, bool ignoreCase) =>
        a == b || (ignoreCase && char.ToUpperInvariant(a) == char.ToUpperInvariant(b));
}
