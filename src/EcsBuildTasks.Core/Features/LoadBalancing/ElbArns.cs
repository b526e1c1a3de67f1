using System.Text.RegularExpressions;

namespace EcsBuildTasks.Core.Features.LoadBalancing;

/// <summary>The Elastic Load Balancing ARNs the traffic-shifting wiring uses, and how they relate.</summary>
internal static partial class ElbArns
{
    [GeneratedRegex(@"^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:targetgroup/[a-zA-Z0-9-]{1,32}/[0-9a-f]{16}$")]
    public static partial Regex TargetGroup();

    /// <summary>An ALB listener rule: <c>…:listener-rule/app/&lt;lb&gt;/&lt;lb id&gt;/&lt;listener id&gt;/&lt;rule id&gt;</c>.</summary>
    [GeneratedRegex(@"^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:listener-rule/(app|net)/[a-zA-Z0-9-]{1,32}/[0-9a-f]+/[0-9a-f]+/[0-9a-f]+$")]
    public static partial Regex ListenerRule();

    /// <summary>A listener (what ECS takes as the "rule" of an NLB): <c>…:listener/net/&lt;lb&gt;/&lt;lb id&gt;/&lt;listener id&gt;</c>.</summary>
    [GeneratedRegex(@"^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:listener/(app|net)/[a-zA-Z0-9-]{1,32}/[0-9a-f]+/[0-9a-f]+$")]
    public static partial Regex Listener();

    public static bool IsRuleOrListener(string arn) => ListenerRule().IsMatch(arn) || Listener().IsMatch(arn);

    public static bool IsListener(string arn) => Listener().IsMatch(arn);

    /// <summary>The listener a rule belongs to (the rule ARN minus its last segment); a listener ARN is its own listener.</summary>
    public static string ListenerOf(string ruleOrListener)
    {
        ArgumentNullException.ThrowIfNull(ruleOrListener);
        if (!ListenerRule().IsMatch(ruleOrListener))
        {
            return ruleOrListener;
        }

        var withoutRule = ruleOrListener[..ruleOrListener.LastIndexOf('/')];
        return withoutRule.Replace(":listener-rule/", ":listener/", StringComparison.Ordinal);
    }

    /// <summary>"arn:…:targetgroup/web-blue/0123…" → "web-blue".</summary>
    public static string ShortName(string? arn)
    {
        if (arn is null)
        {
            return "?";
        }

        var parts = arn.Split('/');
        return arn.Contains(":targetgroup/", StringComparison.Ordinal) && parts.Length >= 2 ? parts[^2] : parts[^1];
    }
}
