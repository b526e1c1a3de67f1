namespace EcsBuildTasks.Core.Diagnostics;

internal static partial class DiagnosticCodes
{
    // ECS4000–ECS4019: blue/green, canary and linear settings and verification gates, checked before anything runs.
    public static readonly DiagnosticDescriptor TrafficPercentInvalid = new("ECS4000", "A canary or linear percentage is not a multiple of 0.1 in ECS's range");
    public static readonly DiagnosticDescriptor AlternateTargetGroupInvalid = new("ECS4001", "The alternate target group is missing, malformed or the same as the target group");
    public static readonly DiagnosticDescriptor ListenerRuleInvalid = new("ECS4002", "A production or test listener rule ARN is missing or malformed");
    public static readonly DiagnosticDescriptor InfrastructureRoleInvalid = new("ECS4003", "The infrastructure role for load balancer traffic shifting is missing or malformed");
    public static readonly DiagnosticDescriptor LifecycleHookInvalid = new("ECS4004", "A lifecycle hook is invalid (target, stages, role, timeout action or details)");
    public static readonly DiagnosticDescriptor SettingNotForStrategy = new("ECS4005", "A setting does not apply to the deployment strategy and is ignored");
    public static readonly DiagnosticDescriptor VerifyUrlInvalid = new("ECS4006", "A verification URL is not an absolute http(s) URL");
    public static readonly DiagnosticDescriptor VerificationNeedsTrafficShifting = new("ECS4007", "Verification gates need the BlueGreen, Canary or Linear strategy");
    public static readonly DiagnosticDescriptor VerifyUrlNeedsTestListener = new("ECS4008", "Verification URLs need a test listener rule");
    public static readonly DiagnosticDescriptor ExpectedStatusInvalid = new("ECS4009", "The expected verification status is not a status code, list or range");
    public static readonly DiagnosticDescriptor PauseHookConflictsWithGate = new("ECS4010", "A PAUSE hook uses a stage the verification gates pause at");
    public static readonly DiagnosticDescriptor TrafficWiringNeedsTargetGroup = new("ECS4011", "The traffic-shifting wiring needs a target group");
    public static readonly DiagnosticDescriptor VerificationNeedsWait = new("ECS4012", "Verification gates need the build to wait for the deployment");

    // ECS4020–ECS4039: preflight of the wiring (read-only).
    public static readonly DiagnosticDescriptor AlternateTargetGroupNotFound = new("ECS4020", "The alternate target group does not exist");
    public static readonly DiagnosticDescriptor TargetGroupsDiffer = new("ECS4021", "The two target groups differ in port, protocol or target type");
    public static readonly DiagnosticDescriptor ListenerRuleNotFound = new("ECS4022", "A listener rule or listener does not exist");
    public static readonly DiagnosticDescriptor ListenerRuleOnOtherLoadBalancer = new("ECS4023", "A listener rule or target group is on another load balancer");
    public static readonly DiagnosticDescriptor ListenerRuleForwardsElsewhere = new("ECS4024", "A listener rule does not forward to the service's target groups");
    public static readonly DiagnosticDescriptor VerifyAlarmNotFound = new("ECS4025", "A verification alarm does not exist");

    // ECS4040–ECS4059: the deployment.
    public static readonly DiagnosticDescriptor VerificationFailed = new("ECS4040", "A verification gate failed and the deployment was rolled back");
    public static readonly DiagnosticDescriptor TrafficNotBackOnBlue = new("ECS4041", "After the rollback, production traffic is not back on the previous revision");
    public static readonly DiagnosticDescriptor LifecycleHookFailed = new("ECS4042", "A lifecycle hook failed or timed out and ECS rolled the deployment back");
}
