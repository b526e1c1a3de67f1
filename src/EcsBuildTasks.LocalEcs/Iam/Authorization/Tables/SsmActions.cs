using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.Services.Ssm;

namespace EcsBuildTasks.LocalEcs.Iam.Authorization.Tables;

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
