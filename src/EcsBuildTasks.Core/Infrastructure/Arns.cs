namespace EcsBuildTasks.Core.Infrastructure;

/// <summary>How the build shows ARNs to people.</summary>
internal static class Arns
{
    /// <summary>"arn:aws:ecs:...:task-definition/web:7" → "web:7" (the part after the last '/').</summary>
    public static string? Short(string? arn)
    {
        if (arn is null)
        {
            return null;
        }

        var slash = arn.LastIndexOf('/');
        return slash >= 0 ? arn[(slash + 1)..] : arn;
    }

    /// <summary>"arn:aws-cn:sts::...:assumed-role/x" → "aws-cn" (the partition; "aws" when the ARN has none).</summary>
    public static string Partition(string? arn) =>
        arn?.Split(':') is [_, { Length: > 0 } partition, ..] ? partition : "aws";
}
