namespace EcsBuildTasks.LocalEcs.Iam.Authorization.Tables;

/// <summary>STS operations → IAM actions. GetCallerIdentity needs no permission: IAM cannot deny it.</summary>
internal static class StsActions
{
    public static readonly ActionTable Table = new("sts")
    {
        ["GetCallerIdentity"] = _ => [],
        ["AssumeRole"] = c => [c.Check("sts:AssumeRole", c.Str("RoleArn") ?? "*", ("sts:RoleSessionName", c.Str("RoleSessionName")))],
    };
}
