namespace EcsBuildTasks.LocalEcs.Iam.Authorization.Tables;

/// <summary>CloudWatch alarm operations → IAM actions on alarm ARNs (Service Authorization Reference, "Amazon CloudWatch"); every protocol (Query, JSON, CBOR) shares this table.</summary>
internal static class CloudWatchActions
{
    public static readonly ActionTable Table = new("monitoring")
    {
        ["PutMetricAlarm"] = c => [c.Check("cloudwatch:PutMetricAlarm", Alarm(c, c.Str("AlarmName"))), .. c.TagOnCreate("cloudwatch:TagResource", Alarm(c, c.Str("AlarmName")), c.Tags("Tags"))],
        ["DescribeAlarms"] = c => c.Checks("cloudwatch:DescribeAlarms", c.Strings("AlarmNames").Select(n => Alarm(c, n)).DefaultIfEmpty(Alarm(c, "*"))),
        ["SetAlarmState"] = c => [c.Check("cloudwatch:SetAlarmState", Alarm(c, c.Str("AlarmName")))],
        ["DeleteAlarms"] = c => c.Checks("cloudwatch:DeleteAlarms", c.Strings("AlarmNames").Select(n => Alarm(c, n))),
    };

    private static string Alarm(OperationContext c, string? name) => c.Arn("cloudwatch", "alarm:" + name);
}
