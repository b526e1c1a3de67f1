using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.Services.SecretsManager;
using EcsBuildTasks.LocalEcs.Services.Ssm;

namespace EcsBuildTasks.LocalEcs.Iam.Authorization.Tables;

/// <summary>
/// Secrets Manager operations → IAM actions on the secret's ARN (Service Authorization Reference, "AWS Secrets
/// Manager"): an existing secret by its full ARN; a new one as <c>secret:NAME-??????</c>, the random suffix unknown
/// yet. Tags on CreateSecret need <c>secretsmanager:TagResource</c>.
/// </summary>
internal static class SecretsManagerActions
{
    private const string Prefix = "secretsmanager:";

    public static readonly ActionTable Table = new("secretsmanager")
    {
        ["CreateSecret"] = c =>
        [
            c.Check(Prefix + "CreateSecret", c.Arn("secretsmanager", $"secret:{c.Str("Name")}-??????"), (Prefix + "Name", c.Str("Name"))),
            .. c.TagOnCreate(Prefix + "TagResource", c.Arn("secretsmanager", $"secret:{c.Str("Name")}-??????"), c.Tags("Tags")),
        ],
        ["DescribeSecret"] = c => [SecretCheck(c, "DescribeSecret")],
        ["GetSecretValue"] = c => [c.Check(Prefix + "GetSecretValue", Secret(c), (Prefix + "SecretId", Secret(c)), (Prefix + "VersionId", c.Str("VersionId")), (Prefix + "VersionStage", c.Str("VersionStage")))],
        ["PutSecretValue"] = c => [SecretCheck(c, "PutSecretValue")],
        ["UpdateSecret"] = c => [SecretCheck(c, "UpdateSecret")],
        ["ListSecrets"] = c => [c.Any(Prefix + "ListSecrets")],
        ["DeleteSecret"] = c => [SecretCheck(c, "DeleteSecret")],
        ["RestoreSecret"] = c => [SecretCheck(c, "RestoreSecret")],
        ["TagResource"] = c => [new AuthorizationCheck(Prefix + "TagResource", Secret(c), OperationContext.TagKeys(c.Tags("Tags")))],
        ["UntagResource"] = c => [SecretCheck(c, "UntagResource")],
    };

    private static string Secret(OperationContext c)
    {
        var id = c.Str("SecretId") ?? string.Empty;
        return SecretsManagerApi.Find(c.RegionState.SecretsManager, id)?.Arn
            ?? (id.StartsWith("arn:", StringComparison.Ordinal) ? id : c.Arn("secretsmanager", $"secret:{id}-??????"));
    }

    private static AuthorizationCheck SecretCheck(OperationContext c, string action) => c.Check(Prefix + action, Secret(c), (Prefix + "SecretId", Secret(c)));
}

/// <summary>
/// SSM Parameter Store operations → IAM actions on parameter ARNs (Service Authorization Reference, "AWS Systems
/// Manager"); GetParametersByPath is authorised on the path, DescribeParameters takes no resource. Tags on
/// PutParameter need <c>ssm:AddTagsToResource</c>.
/// </summary>
internal static class SsmActions
{
    public static readonly ActionTable Table = new("ssm")
    {
        ["PutParameter"] = c =>
        [
            c.Check("ssm:PutParameter", Parameter(c, c.Str("Name")), ("ssm:Overwrite", (c.Input.Bool("Overwrite") ?? false) ? "true" : "false")),
            .. c.TagOnCreate("ssm:AddTagsToResource", Parameter(c, c.Str("Name")), c.Tags("Tags")),
        ],
        ["GetParameter"] = c => [c.Check("ssm:GetParameter", Parameter(c, c.Str("Name")))],
        ["GetParameters"] = c => c.Checks("ssm:GetParameters", c.Strings("Names").Select(n => Parameter(c, n))),
        ["GetParametersByPath"] = c => [c.Check("ssm:GetParametersByPath", Parameter(c, c.Str("Path")?.TrimEnd('/')), ("ssm:Recursive", (c.Input.Bool("Recursive") ?? false) ? "true" : "false"))],
        ["DescribeParameters"] = c => [c.Any("ssm:DescribeParameters")],
        ["DeleteParameter"] = c => [c.Check("ssm:DeleteParameter", Parameter(c, c.Str("Name")))],
        ["DeleteParameters"] = c => c.Checks("ssm:DeleteParameters", c.Strings("Names").Select(n => Parameter(c, n))),
        ["AddTagsToResource"] = c => [new AuthorizationCheck("ssm:AddTagsToResource", Parameter(c, c.Str("ResourceId")), OperationContext.TagKeys(c.Tags("Tags")))],
        ["ListTagsForResource"] = c => [c.Check("ssm:ListTagsForResource", Parameter(c, c.Str("ResourceId")))],
        ["RemoveTagsFromResource"] = c => [c.Check("ssm:RemoveTagsFromResource", Parameter(c, c.Str("ResourceId")))],
    };

    /// <summary>A parameter reference (name, <c>name:version</c> or ARN) as the parameter's ARN, without the version.</summary>
    private static string Parameter(OperationContext c, string? reference)
    {
        reference ??= string.Empty;
        if (reference.StartsWith("arn:", StringComparison.Ordinal))
        {
            var colon = reference.LastIndexOf(':');
            return reference.Split(':').Length > 6 ? reference[..colon] : reference;
        }

        var selector = reference.LastIndexOf(':');
        return SsmApi.Arn(c.Region, selector > 0 ? reference[..selector] : reference);
    }
}
