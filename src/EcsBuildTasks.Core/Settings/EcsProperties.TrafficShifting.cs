namespace EcsBuildTasks.Core.Settings;

internal static partial class EcsProperties
{
    public const string BakeTimeMinutes = "EcsBakeTimeMinutes";
    public const string CanaryPercent = "EcsCanaryPercent";
    public const string CanaryBakeTimeMinutes = "EcsCanaryBakeTimeMinutes";
    public const string LinearStepPercent = "EcsLinearStepPercent";
    public const string LinearStepBakeTimeMinutes = "EcsLinearStepBakeTimeMinutes";
    public const string AlternateTargetGroupArn = "EcsAlternateTargetGroupArn";
    public const string ProductionListenerRuleArn = "EcsProductionListenerRuleArn";
    public const string TestListenerRuleArn = "EcsTestListenerRuleArn";
    public const string InfrastructureRoleArn = "EcsInfrastructureRoleArn";
    public const string VerifyUrl = "EcsVerifyUrl";
    public const string VerifyTimeoutSeconds = "EcsVerifyTimeoutSeconds";
    public const string VerifySuccesses = "EcsVerifySuccesses";
    public const string VerifyIntervalSeconds = "EcsVerifyIntervalSeconds";
    public const string VerifyExpectedStatus = "EcsVerifyExpectedStatus";
    public const string VerifyEachStep = "EcsVerifyEachStep";
    public const string LifecycleHookItem = "EcsLifecycleHook";
    public const string VerifyAlarmItem = "EcsVerifyAlarm";

    /// <summary>Blue/green, canary and linear deployments and their verification gates.</summary>
    private static SettingInfo[] TrafficShiftingProperties =>
    [
        P(BakeTimeMinutes, "BlueGreen, Canary, Linear: minutes blue and green both run after production traffic has fully moved to green, before blue is removed (0–1440); a rollback in this time is instant.", "`10` (ECS requires a value for BlueGreen)"),
        P(CanaryPercent, "Canary: percent of production traffic the canary step moves to green (0.1–100 in 0.1 steps).", "ECS's `5`"),
        P(CanaryBakeTimeMinutes, "Canary: minutes between the canary step and moving the rest (0–1440).", "ECS's `10`"),
        P(LinearStepPercent, "Linear: percent of production traffic each step moves to green (3–100 in 0.1 steps).", "ECS's `10`"),
        P(LinearStepBakeTimeMinutes, "Linear: minutes between steps (0–1440).", "ECS's `6`"),
        P(AlternateTargetGroupArn, "BlueGreen, Canary, Linear: the second target group (same port, protocol and target type as `EcsTargetGroupArn`); green tasks go to whichever of the two is not serving production.", "none"),
        P(ProductionListenerRuleArn, "The listener rule (ALB) or listener (NLB) that carries production traffic; ECS moves its weights between the two target groups.", "none"),
        P(TestListenerRuleArn, "Optional listener rule (or NLB listener) that sends test traffic to green before production moves; `EcsVerifyUrl` probes through it.", "none"),
        P(InfrastructureRoleArn, "Role ECS assumes to change the listener rules (`AmazonECSInfrastructureRolePolicyForLoadBalancers`).", "none"),
        P(VerifyUrl, "URLs (separated by `;`) the build probes through the test listener while green has test traffic only; the deployment continues only when each answers `EcsVerifyExpectedStatus` `EcsVerifySuccesses` times in a row.", "none"),
        P(VerifyTimeoutSeconds, "How long one verification gate may take to collect its successes before it fails and rolls back (5–3600).", "`300`"),
        P(VerifySuccesses, "Consecutive successful rounds every URL and alarm needs to pass a gate (1–100).", "`3`"),
        P(VerifyIntervalSeconds, "Seconds between verification rounds (1–300).", "`5`"),
        P(VerifyExpectedStatus, "HTTP status a verification URL must answer: a code, a range or a list (`200`, `200-299`, `200,204`).", "`200-299`"),
        P(VerifyEachStep, "Canary, Linear: also verify after each production traffic step (before the next one, and after the last).", "`false`"),
        I(LifecycleHookItem, "Lifecycle hook: `Include`=Lambda function ARN or `PAUSE`; `Stages` (`;`-separated lifecycle stages), `RoleArn` (Lambda), `TimeoutMinutes` (1–20160), `TimeoutAction` (`ROLLBACK` or `CONTINUE`), `Details` (JSON object passed to the Lambda).", "none"),
        I(VerifyAlarmItem, "CloudWatch alarm (by name) that must be OK at every verification gate; ECS also watches it through the bake time and rolls back when it goes into ALARM.", "none"),
    ];
}
