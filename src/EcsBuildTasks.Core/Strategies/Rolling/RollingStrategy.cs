using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Settings;
using EcsBuildTasks.Core.Strategies.InPlace;

namespace EcsBuildTasks.Core.Strategies.Rolling;

/// <summary>
/// <c>EcsDeploymentStrategy=Rolling</c> (the default), for REPLICA and DAEMON services: ECS replaces the tasks within
/// <c>EcsMinimumHealthyPercent</c>/<c>EcsMaximumPercent</c>, with the circuit breaker and alarms rolling back. Everything
/// but the checks is the ECS service deployment every in-place strategy shares.
/// </summary>
internal sealed class RollingStrategy : InPlaceStrategy
{
    public const string StrategyName = "Rolling";

    public override string Name => StrategyName;

    protected override string ControllerStrategy => "ROLLING";

    public static IDeploymentStrategy Create(StrategyChoice choice) => new RollingStrategy();

    public override void Validate(GeneratedDefinitions definitions, DiagnosticCollection diagnostics)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var settings = definitions.Settings;
        var service = definitions.Service;
        var configuration = service.DeploymentConfiguration;
        var isDaemon = service.SchedulingStrategy?.Value == "DAEMON";
        var min = configuration?.MinimumHealthyPercent ?? (isDaemon ? 0 : 100);
        var max = configuration?.MaximumPercent ?? (isDaemon ? 100 : 200);
        if (!isDaemon && min >= 100 && max <= 100)
        {
            var minSubject = DefinitionSubjects.Service(settings, EcsProperties.MinimumHealthyPercent, settings.MinimumHealthyPercent, "deploymentConfiguration.minimumHealthyPercent");
            var maxSubject = DefinitionSubjects.Service(settings, EcsProperties.MaximumPercent, settings.MaximumPercent, "deploymentConfiguration.maximumPercent");
            diagnostics.Error(DiagnosticCodes.DeploymentCannotProgress, maxSubject,
                $"{minSubject}={min} with {maxSubject}={max} leaves no room to start a new task or stop an old one: raise {EcsProperties.MaximumPercent} above 100 or lower {EcsProperties.MinimumHealthyPercent}.");
        }

        var traffic = settings.TrafficShifting;
        if (traffic.Verification.Enabled)
        {
            var subject = traffic.Verification.Urls.Count > 0 ? EcsProperties.VerifyUrl : EcsProperties.VerifyAlarmItem;
            diagnostics.Error(DiagnosticCodes.VerificationNeedsTrafficShifting, subject,
                $"{subject}: verification gates run while green has test traffic only, which needs {EcsProperties.DeploymentStrategy}=BlueGreen, Canary or Linear (it is {Name}). For a rolling deployment use {EcsProperties.AlarmItem} (ECS rolls back when it goes into ALARM).");
        }

        UnusedSettings.Warn(diagnostics, Name, [
            (EcsProperties.BakeTimeMinutes, traffic.BakeTimeMinutes), (EcsProperties.CanaryPercent, traffic.CanaryPercent), (EcsProperties.CanaryBakeTimeMinutes, traffic.CanaryBakeTimeMinutes),
            (EcsProperties.LinearStepPercent, traffic.LinearStepPercent), (EcsProperties.LinearStepBakeTimeMinutes, traffic.LinearStepBakeTimeMinutes),
            (EcsProperties.AlternateTargetGroupArn, traffic.AlternateTargetGroupArn), (EcsProperties.ProductionListenerRuleArn, traffic.ProductionListenerRuleArn),
            (EcsProperties.TestListenerRuleArn, traffic.TestListenerRuleArn), (EcsProperties.InfrastructureRoleArn, traffic.InfrastructureRoleArn),
            (EcsProperties.LifecycleHookItem, traffic.LifecycleHooks.Count > 0 ? traffic.LifecycleHooks.Count : null)]);

        if (settings.ServiceConnect?.TestTrafficHeader is not null)
        {
            diagnostics.Error(DiagnosticCodes.ServiceConnectTestTrafficHeaderInvalid, EcsProperties.ServiceConnectTestTrafficHeader,
                $"{EcsProperties.ServiceConnectTestTrafficHeader} routes test traffic to the new revision while a BlueGreen, Canary or Linear deployment runs; {EcsProperties.DeploymentStrategy} is {Name}, which has no test traffic.");
        }
    }
}
