namespace EcsBuildTasks.LocalEcs.Iam.Authorization.Tables;

/// <summary>
/// CloudWatch Logs operations → IAM actions (Service Authorization Reference, "Amazon CloudWatch Logs"). As CloudWatch
/// Logs does, log group operations are authorised on <c>log-group:NAME:log-stream:</c> and stream operations on
/// <c>log-group:NAME:log-stream:STREAM</c>, so a policy needs <c>log-group:NAME:*</c> for them (tagging takes the
/// group's own ARN). Tags on CreateLogGroup need <c>logs:TagResource</c>.
/// </summary>
internal static class LogsActions
{
    public static readonly ActionTable Table = new("logs")
    {
        ["CreateLogGroup"] = c => [c.Check("logs:CreateLogGroup", GroupLevel(c)), .. c.TagOnCreate("logs:TagResource", c.Arn("logs", "log-group:" + GroupName(c)), c.Tags("tags"))],
        ["DeleteLogGroup"] = c => [c.Check("logs:DeleteLogGroup", GroupLevel(c))],
        ["DescribeLogGroups"] = c => [c.Check("logs:DescribeLogGroups", c.Arn("logs", "log-group::log-stream:"))],
        ["PutRetentionPolicy"] = c => [c.Check("logs:PutRetentionPolicy", GroupLevel(c))],
        ["DeleteRetentionPolicy"] = c => [c.Check("logs:DeleteRetentionPolicy", GroupLevel(c))],
        ["CreateLogStream"] = c => [c.Check("logs:CreateLogStream", StreamLevel(c))],
        ["DeleteLogStream"] = c => [c.Check("logs:DeleteLogStream", StreamLevel(c))],
        ["DescribeLogStreams"] = c => [c.Check("logs:DescribeLogStreams", GroupLevel(c))],
        ["PutLogEvents"] = c => [c.Check("logs:PutLogEvents", StreamLevel(c))],
        ["GetLogEvents"] = c => [c.Check("logs:GetLogEvents", StreamLevel(c))],
        ["FilterLogEvents"] = c => [c.Check("logs:FilterLogEvents", GroupLevel(c))],
        ["TagResource"] = c => [new AuthorizationCheck("logs:TagResource", c.Str("resourceArn") ?? "*", OperationContext.TagKeys(c.Tags("tags")))],
        ["UntagResource"] = c => [c.Check("logs:UntagResource", c.Str("resourceArn") ?? "*")],
        ["ListTagsForResource"] = c => [c.Check("logs:ListTagsForResource", c.Str("resourceArn") ?? "*")],
    };

    /// <summary>The group name from <c>logGroupName</c>, or from <c>logGroupIdentifier</c> (a name or an ARN).</summary>
    private static string GroupName(OperationContext c)
    {
        var identifier = c.Str("logGroupName") ?? c.Str("logGroupIdentifier") ?? string.Empty;
        if (!identifier.StartsWith("arn:", StringComparison.Ordinal))
        {
            return identifier;
        }

        var name = identifier.Split(':', 7) is { Length: >= 7 } parts ? parts[6] : identifier;
        return name.EndsWith(":*", StringComparison.Ordinal) ? name[..^2] : name;
    }

    private static string GroupLevel(OperationContext c) => c.Arn("logs", $"log-group:{GroupName(c)}:log-stream:");

    private static string StreamLevel(OperationContext c) => c.Arn("logs", $"log-group:{GroupName(c)}:log-stream:{c.Str("logStreamName")}");
}
