using EcsBuildTasks.LocalEcs.Services.SecretsManager;

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
