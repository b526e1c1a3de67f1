namespace EcsBuildTasks.LocalEcs.Iam.Authorization.Tables;

/// <summary>
/// Application Auto Scaling operations → IAM actions (Service Authorization Reference, "AWS Application Auto Scaling"):
/// changes are authorised on the scalable target (its ARN; a target not registered yet is <c>scalable-target/*</c>) with
/// the service namespace and scalable dimension as condition keys; Describe* take no resource.
/// </summary>
internal static class AutoScalingActions
{
    private const string Prefix = "application-autoscaling:";

    public static readonly ActionTable Table = new("application-autoscaling")
    {
        ["RegisterScalableTarget"] = c =>
        [
            TargetCheck(c, "RegisterScalableTarget"),
            .. c.TagOnCreate(Prefix + "TagResource", Target(c), c.Tags("Tags")),
        ],
        ["DescribeScalableTargets"] = c => [c.Any(Prefix + "DescribeScalableTargets")],
        ["DeregisterScalableTarget"] = c => [TargetCheck(c, "DeregisterScalableTarget")],
        ["PutScalingPolicy"] = c => [TargetCheck(c, "PutScalingPolicy")],
        ["DescribeScalingPolicies"] = c => [c.Any(Prefix + "DescribeScalingPolicies")],
        ["DeleteScalingPolicy"] = c => [TargetCheck(c, "DeleteScalingPolicy")],
        ["PutScheduledAction"] = c => [TargetCheck(c, "PutScheduledAction")],
        ["DescribeScheduledActions"] = c => [c.Any(Prefix + "DescribeScheduledActions")],
        ["DeleteScheduledAction"] = c => [TargetCheck(c, "DeleteScheduledAction")],
        ["DescribeScalingActivities"] = c => [c.Any(Prefix + "DescribeScalingActivities")],
        ["TagResource"] = c => [new AuthorizationCheck(Prefix + "TagResource", c.Str("ResourceARN") ?? "*", OperationContext.TagKeys(c.Tags("Tags")))],
        ["UntagResource"] = c => [c.Check(Prefix + "UntagResource", c.Str("ResourceARN") ?? "*")],
        ["ListTagsForResource"] = c => [c.Check(Prefix + "ListTagsForResource", c.Str("ResourceARN") ?? "*")],
    };

    private static string Target(OperationContext c) =>
        c.RegionState.AutoScaling.ScalableTargets.FirstOrDefault(t =>
            t.ServiceNamespace == c.Str("ServiceNamespace") && t.ResourceId == c.Str("ResourceId") && t.ScalableDimension == c.Str("ScalableDimension"))?.Arn
        ?? c.Arn("application-autoscaling", "scalable-target/*");

    private static AuthorizationCheck TargetCheck(OperationContext c, string action) =>
        c.Check(Prefix + action, Target(c), (Prefix + "service-namespace", c.Str("ServiceNamespace")), (Prefix + "scalable-dimension", c.Str("ScalableDimension")));
}
