namespace EcsBuildTasks.LocalEcs.Iam.Policies;

/// <summary>Questions about a role's trust policy (its AssumeRolePolicyDocument).</summary>
internal static class TrustPolicy
{
    /// <summary>
    /// Whether an AWS service (<c>ecs-tasks.amazonaws.com</c>) may assume the role: some Allow statement names the
    /// service (or <c>*</c>) as principal for <c>sts:AssumeRole</c>, and no Deny statement does. Conditions are taken
    /// as met: the service itself would supply the keys they test (aws:SourceAccount, aws:SourceArn).
    /// </summary>
    public static bool AllowsService(PolicyDocument trust, string service)
    {
        bool Names(PolicyStatement statement) =>
            statement.Principals is { } principals
            && ((principals.TryGetValue("Service", out var services) && services.Any(s => s == "*" || string.Equals(s, service, StringComparison.OrdinalIgnoreCase)))
                || (principals.TryGetValue("AWS", out var accounts) && accounts.Contains("*")));

        bool Assumes(PolicyStatement statement) =>
            statement.Actions.Any(a => Wildcard.MatchesAction(a, "sts:AssumeRole")) != statement.NotAction;

        var relevant = trust.Statements.Where(s => Names(s) && Assumes(s)).ToList();
        return relevant.Any(s => s.Effect == Effect.Allow) && relevant.All(s => s.Effect == Effect.Allow);
    }
}
