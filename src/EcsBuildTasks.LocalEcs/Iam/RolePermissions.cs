using EcsBuildTasks.LocalEcs.Iam.Policies;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Iam;

/// <summary>What a role held in LocalEcs may do: its inline policies and the AWS managed policies whose documents LocalEcs knows.</summary>
internal static class RolePermissions
{
    public static List<NamedPolicy> Policies(IamRole role)
    {
        var policies = new List<NamedPolicy>();
        foreach (var (name, document) in role.InlinePolicies)
        {
            try
            {
                policies.Add(new NamedPolicy(name, PolicyDocument.Parse(document, PolicyKind.Identity)));
            }
            catch (PolicyFormatException)
            {
                // PutRolePolicy refused malformed documents; one from an older state file grants nothing.
            }
        }

        policies.AddRange(role.AttachedPolicyArns.Select(arn => ManagedPolicies.Document(arn) is { } document ? new NamedPolicy(arn, document) : null).OfType<NamedPolicy>());
        return policies;
    }

    /// <summary>Whether the role's session may perform <paramref name="action"/> on <paramref name="resource"/> in <paramref name="region"/>.</summary>
    public static Evaluation Evaluate(IamRole role, string action, string resource, string region) =>
        PolicyEvaluator.Evaluate(Policies(role), new RequestContext(action, resource, new Dictionary<string, IReadOnlyList<string>>
        {
            ["aws:RequestedRegion"] = [region],
            ["aws:PrincipalArn"] = [role.Arn],
            ["aws:PrincipalAccount"] = [Account.Id],
        }));
}

/// <summary>The message AWS gives a request IAM denies.</summary>
internal static class AccessDenial
{
    public static string Message(string principal, string action, string resource, Evaluation evaluation) =>
        evaluation.Decision == Decision.ExplicitDeny
            ? $"User: {principal} is not authorized to perform: {action} on resource: {resource} with an explicit deny in an identity-based policy"
            : $"User: {principal} is not authorized to perform: {action} on resource: {resource} because no identity-based policy allows the {action} action";
}
