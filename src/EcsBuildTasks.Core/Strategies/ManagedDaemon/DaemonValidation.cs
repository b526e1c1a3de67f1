using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Strategies.ManagedDaemon;

/// <summary>
/// What a managed daemon cannot take, checked with the definitions before any AWS call: ECS runs one task on every
/// container instance of the capacity providers, on the instance's network, behind no load balancer and without
/// scaling, so the settings of a service's placement, count, network and traffic are errors.
/// </summary>
internal static class DaemonValidation
{
    public static void Validate(GeneratedDefinitions definitions, double? drainPercent, DiagnosticCollection diagnostics)
    {
        var settings = definitions.Settings;
        var traffic = settings.TrafficShifting;
        var name = ManagedDaemonStrategy.StrategyName;
        if (settings.CapacityProviders.Count == 0)
        {
            diagnostics.Error(DiagnosticCodes.DaemonCapacityProviderMissing, EcsProperties.CapacityProviderItem,
                $"{EcsProperties.CapacityProviderItem}: {EcsProperties.DeploymentStrategy}={name} runs one task on every container instance of the capacity providers it names, and none is named. Add <{EcsProperties.CapacityProviderItem} Include=\"<Managed Instances capacity provider>\" /> items.");
        }

        foreach (var provider in settings.CapacityProviders.Where(p => p.Weight is not null || p.Base is not null))
        {
            diagnostics.Warning(DiagnosticCodes.SettingNotForStrategy, $"{EcsProperties.CapacityProviderItem} '{provider.Name}'",
                $"{EcsProperties.CapacityProviderItem} '{provider.Name}': Weight and Base spread a service's tasks; a daemon runs on every instance of each provider, so they are ignored.");
        }

        void Unsupported(string subject, string why) => diagnostics.Error(DiagnosticCodes.DaemonSettingUnsupported, subject, $"{subject}: {why} Remove it for {EcsProperties.DeploymentStrategy}={name}.");
        if (settings.TargetGroupArn is not null || traffic.AlternateTargetGroupArn is not null || traffic.ProductionListenerRuleArn is not null)
        {
            Unsupported(settings.TargetGroupArn is not null ? EcsProperties.TargetGroupArn : traffic.AlternateTargetGroupArn is not null ? EcsProperties.AlternateTargetGroupArn : EcsProperties.ProductionListenerRuleArn,
                "a managed daemon serves its own instance, behind no load balancer.");
        }

        if (settings.DesiredCount is not null)
        {
            Unsupported(EcsProperties.DesiredCount, "a managed daemon runs exactly one task per container instance.");
        }

        if (settings.SchedulingStrategy is not null)
        {
            Unsupported(EcsProperties.SchedulingStrategy, "it schedules the tasks of an ECS service (REPLICA, or DAEMON on a service); a managed daemon is not a service and ECS places it itself.");
        }

        if (settings.LaunchType is not null)
        {
            Unsupported(EcsProperties.LaunchType, "a managed daemon runs on the instances of its capacity providers.");
        }

        if ((!settings.UsesDefaultVpc && (settings.Subnets.Count > 0 || settings.SecurityGroups.Count > 0)) || settings.AssignPublicIp is not null || settings.NetworkMode is not null)
        {
            Unsupported(settings.Subnets.Count > 0 ? EcsProperties.Subnets : settings.SecurityGroups.Count > 0 ? EcsProperties.SecurityGroups : settings.AssignPublicIp is not null ? EcsProperties.AssignPublicIp : EcsProperties.NetworkMode,
                "a daemon task uses its container instance's network.");
        }

        if (settings.PlacementConstraints.Count > 0 || settings.PlacementStrategies.Count > 0)
        {
            Unsupported(settings.PlacementConstraints.Count > 0 ? EcsProperties.PlacementConstraintItem : EcsProperties.PlacementStrategyItem, "a managed daemon is placed on every instance of its capacity providers.");
        }

        if (settings.ServiceDiscovery is not null)
        {
            Unsupported(EcsProperties.ServiceDiscoveryNamespace, "a managed daemon does not register in Cloud Map.");
        }

        if (settings.ServiceConnect is not null)
        {
            Unsupported(EcsProperties.ServiceConnectNamespace, "a managed daemon does not join a Service Connect namespace.");
        }

        if (settings.AutoScaling is not null)
        {
            Unsupported(EcsProperties.AutoScalingMinCapacity, "a managed daemon's task count follows its instances; it does not scale.");
        }

        if (traffic.LifecycleHooks.Count > 0 || traffic.Verification.Enabled)
        {
            Unsupported(traffic.LifecycleHooks.Count > 0 ? EcsProperties.LifecycleHookItem : EcsProperties.VerifyUrl, "ECS deploys a daemon instance by instance, without hooks or test traffic.");
        }

        if (drainPercent is < 0 or > 100)
        {
            diagnostics.Error(DiagnosticCodes.DaemonDeploymentSettingInvalid, EcsProperties.DaemonDrainPercent,
                $"{EcsProperties.DaemonDrainPercent}={drainPercent}: ECS drains between 0 and 100 percent of a capacity provider's instances at a time.");
        }

        if (traffic.BakeTimeMinutes is < 0 or > 1440)
        {
            diagnostics.Error(DiagnosticCodes.DaemonDeploymentSettingInvalid, EcsProperties.BakeTimeMinutes,
                $"{EcsProperties.BakeTimeMinutes}={traffic.BakeTimeMinutes}: a daemon deployment bakes between 0 and 1440 minutes.");
        }

        var (_, dropped) = DaemonTaskDefinitions.Convert(definitions.TaskDefinition);
        if (dropped.Count > 0)
        {
            diagnostics.Warning(DiagnosticCodes.DaemonMemberDropped, EcsProperties.TaskDefinitionTemplate,
                $"A daemon task definition has no {string.Join(", ", dropped)}; the daemon is registered without {(dropped.Count == 1 ? "it" : "them")} (a daemon task uses its instance's network, so it needs no port mappings).");
        }

        UnusedSettings.Warn(diagnostics, name, [
            (EcsProperties.MinimumHealthyPercent, settings.MinimumHealthyPercent), (EcsProperties.MaximumPercent, settings.MaximumPercent),
            (EcsProperties.CircuitBreaker, settings.CircuitBreaker), (EcsProperties.CircuitBreakerRollback, settings.CircuitBreakerRollback),
            (EcsProperties.CanaryPercent, traffic.CanaryPercent), (EcsProperties.CanaryBakeTimeMinutes, traffic.CanaryBakeTimeMinutes),
            (EcsProperties.LinearStepPercent, traffic.LinearStepPercent), (EcsProperties.LinearStepBakeTimeMinutes, traffic.LinearStepBakeTimeMinutes),
            (EcsProperties.HealthCheckGracePeriodSeconds, settings.HealthCheckGracePeriodSeconds), (EcsProperties.InfrastructureRoleArn, traffic.InfrastructureRoleArn)]);
    }
}
