namespace EcsBuildTasks.LocalEcs.Iam.Authorization.Tables;

/// <summary>IAM operations → IAM actions on role ARNs (with their path) and policy ARNs (Service Authorization Reference, "AWS Identity and Access Management").</summary>
internal static class IamActions
{
    public static readonly ActionTable Table = new("iam")
    {
        // Tags given on create are authorised as iam:TagRole on the new role too (IAM's tag-on-create).
        ["CreateRole"] = c => [c.Check("iam:CreateRole", NewRole(c)), .. c.TagOnCreate("iam:TagRole", NewRole(c), c.Tags("Tags"))],
        ["GetRole"] = c => [RoleCheck(c, "iam:GetRole")],
        ["DeleteRole"] = c => [RoleCheck(c, "iam:DeleteRole")],
        ["ListRoles"] = c => [c.Any("iam:ListRoles")],
        ["UpdateRole"] = c => [RoleCheck(c, "iam:UpdateRole")],
        ["UpdateAssumeRolePolicy"] = c => [RoleCheck(c, "iam:UpdateAssumeRolePolicy")],
        ["TagRole"] = c => [new AuthorizationCheck("iam:TagRole", Role(c), OperationContext.TagKeys(c.Tags("Tags")))],
        ["UntagRole"] = c => [RoleCheck(c, "iam:UntagRole")],
        ["ListRoleTags"] = c => [RoleCheck(c, "iam:ListRoleTags")],
        ["AttachRolePolicy"] = c => [c.Check("iam:AttachRolePolicy", Role(c), ("iam:PolicyARN", c.Str("PolicyArn")))],
        ["DetachRolePolicy"] = c => [c.Check("iam:DetachRolePolicy", Role(c), ("iam:PolicyARN", c.Str("PolicyArn")))],
        ["ListAttachedRolePolicies"] = c => [RoleCheck(c, "iam:ListAttachedRolePolicies")],
        ["GetPolicy"] = c => [c.Check("iam:GetPolicy", c.Str("PolicyArn") ?? "*")],
        ["PutRolePolicy"] = c => [RoleCheck(c, "iam:PutRolePolicy")],
        ["GetRolePolicy"] = c => [RoleCheck(c, "iam:GetRolePolicy")],
        ["DeleteRolePolicy"] = c => [RoleCheck(c, "iam:DeleteRolePolicy")],
        ["ListRolePolicies"] = c => [RoleCheck(c, "iam:ListRolePolicies")],
        ["SimulatePrincipalPolicy"] = c => [c.Check("iam:SimulatePrincipalPolicy", c.Str("PolicySourceArn") ?? "*")],
    };

    /// <summary>The ARN of the role a CreateRole request makes (with its path).</summary>
    private static string NewRole(OperationContext c) => $"arn:aws:iam::{c.AccountId}:role{c.Str("Path") ?? "/"}{c.Str("RoleName")}";

    /// <summary>The role's ARN with its path when the role exists, else <c>role/NAME</c>.</summary>
    private static string Role(OperationContext c) =>
        c.Account.Iam.FindRole(c.Str("RoleName") ?? string.Empty)?.Arn ?? $"arn:aws:iam::{c.AccountId}:role/{c.Str("RoleName")}";

    private static AuthorizationCheck RoleCheck(OperationContext c, string action) => c.Check(action, Role(c));
}
