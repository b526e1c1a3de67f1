using System.Text.RegularExpressions;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Strategies.Express;

/// <summary>
/// What an Express service cannot take, checked with the definitions before any AWS call: ECS provisions the load
/// balancer, the scaling and the deployment configuration itself, on Fargate, so settings that wire or shape those are
/// errors (not warnings: silently deploying without the user's load balancer or Cloud Map name would surprise).
/// </summary>
internal static partial class ExpressValidation
{
    public static void Validate(GeneratedDefinitions definitions, string healthCheckPath, DiagnosticCollection diagnostics)
    {
        var settings = definitions.Settings;
        var traffic = settings.TrafficShifting;
        var name = ExpressStrategy.StrategyName;
        if (traffic.InfrastructureRoleArn is not { } role)
        {
            diagnostics.Error(DiagnosticCodes.ExpressInfrastructureRoleMissing, EcsProperties.InfrastructureRoleArn,
                $"{EcsProperties.InfrastructureRoleArn} is required for {EcsProperties.DeploymentStrategy}={name}: ECS creates the load balancer, target groups, security groups and auto scaling with it. Use a role that trusts ecs.amazonaws.com with the AmazonECSInfrastructureRoleforExpressGatewayServices policy (e.g. arn:aws:iam::<account>:role/ecsInfrastructureRoleForExpressServices).");
        }
        else if (!RoleArn().IsMatch(role))
        {
            diagnostics.Error(DiagnosticCodes.ExpressInfrastructureRoleMissing, EcsProperties.InfrastructureRoleArn,
                $"{EcsProperties.InfrastructureRoleArn}='{role}' is not an IAM role ARN (arn:aws:iam::<account>:role/<name>).");
        }

        if (!healthCheckPath.StartsWith('/'))
        {
            diagnostics.Error(DiagnosticCodes.ExpressHealthCheckPathInvalid, EcsProperties.ExpressHealthCheckPath,
                $"{EcsProperties.ExpressHealthCheckPath}='{healthCheckPath}' must start with '/' (for example /health): the load balancer probes it on the container port.");
        }

        void Unsupported(string subject, string why) => diagnostics.Error(DiagnosticCodes.ExpressSettingUnsupported, subject, $"{subject}: {why} Remove it for {EcsProperties.DeploymentStrategy}={name}, or choose another strategy.");
        const string OwnBalancer = "an Express service gets the load balancer, target groups and listener rule ECS provisions for it; it cannot use yours.";
        foreach (var (subject, value) in new (string, string?)[]
        {
            (EcsProperties.TargetGroupArn, settings.TargetGroupArn), (EcsProperties.AlternateTargetGroupArn, traffic.AlternateTargetGroupArn),
            (EcsProperties.ProductionListenerRuleArn, traffic.ProductionListenerRuleArn), (EcsProperties.TestListenerRuleArn, traffic.TestListenerRuleArn),
        })
        {
            if (value is not null)
            {
                Unsupported(subject, OwnBalancer);
            }
        }

        if (string.Equals(settings.SchedulingStrategy, "DAEMON", StringComparison.OrdinalIgnoreCase))
        {
            Unsupported(EcsProperties.SchedulingStrategy, "an Express service is a REPLICA service scaled by the target ECS manages (for an agent on every instance use ManagedDaemon).");
        }

        if (settings.LaunchType is { } launch && !string.Equals(launch, "FARGATE", StringComparison.OrdinalIgnoreCase))
        {
            Unsupported(EcsProperties.LaunchType, $"Express services run on Fargate only, not {launch}.");
        }

        if (settings.CapacityProviders.Count > 0)
        {
            Unsupported(EcsProperties.CapacityProviderItem, "Express services run on Fargate; ECS chooses the capacity.");
        }

        if (settings.PlacementConstraints.Count > 0 || settings.PlacementStrategies.Count > 0)
        {
            Unsupported(settings.PlacementConstraints.Count > 0 ? EcsProperties.PlacementConstraintItem : EcsProperties.PlacementStrategyItem, "Fargate places Express tasks itself.");
        }

        if (settings.ServiceDiscovery is not null)
        {
            Unsupported(EcsProperties.ServiceDiscoveryNamespace, "Express services are reached through the URL ECS gives them; they cannot register in Cloud Map.");
        }

        if (settings.ServiceConnect is not null)
        {
            Unsupported(EcsProperties.ServiceConnectNamespace, "Express services are reached through the URL ECS gives them; they do not join a Service Connect namespace.");
        }

        if (settings.DesiredCount is not null)
        {
            Unsupported(EcsProperties.DesiredCount, $"ECS scales an Express service between its scaling target's minimum and maximum: set {EcsProperties.AutoScalingMinCapacity} and {EcsProperties.AutoScalingMaxCapacity} instead.");
        }

        if (settings.Alarms.Count > 0)
        {
            Unsupported(EcsProperties.AlarmItem, "ECS watches the rollback alarm it creates for an Express service (4xx and 5xx responses); it takes no alarms of yours.");
        }

        if (traffic.LifecycleHooks.Count > 0 || traffic.Verification.Enabled)
        {
            Unsupported(traffic.LifecycleHooks.Count > 0 ? EcsProperties.LifecycleHookItem : EcsProperties.VerifyUrl, "ECS runs an Express service's deployments itself, without hooks or test traffic.");
        }

        ValidateScaling(settings, diagnostics);
        ValidateContainer(definitions, diagnostics);

        UnusedSettings.Warn(diagnostics, name, [
            (EcsProperties.MinimumHealthyPercent, settings.MinimumHealthyPercent), (EcsProperties.MaximumPercent, settings.MaximumPercent),
            (EcsProperties.CircuitBreaker, settings.CircuitBreaker), (EcsProperties.CircuitBreakerRollback, settings.CircuitBreakerRollback),
            (EcsProperties.BakeTimeMinutes, traffic.BakeTimeMinutes), (EcsProperties.CanaryPercent, traffic.CanaryPercent),
            (EcsProperties.CanaryBakeTimeMinutes, traffic.CanaryBakeTimeMinutes), (EcsProperties.LinearStepPercent, traffic.LinearStepPercent),
            (EcsProperties.LinearStepBakeTimeMinutes, traffic.LinearStepBakeTimeMinutes), (EcsProperties.HealthCheckGracePeriodSeconds, settings.HealthCheckGracePeriodSeconds),
            (EcsProperties.AssignPublicIp, settings.AssignPublicIp)]);
    }

    /// <summary>Express scales on one target (minimum, maximum, one metric and its target value); nothing scheduled.</summary>
    private static void ValidateScaling(EcsSettings settings, DiagnosticCollection diagnostics)
    {
        if (settings.AutoScaling is not { } scaling)
        {
            return;
        }

        if (scaling.ScheduledActions.Count > 0)
        {
            diagnostics.Error(DiagnosticCodes.ExpressScalingInvalid, EcsProperties.ScheduledScalingItem,
                $"{EcsProperties.ScheduledScalingItem}: an Express service scales on one target tracking metric between {EcsProperties.AutoScalingMinCapacity} and {EcsProperties.AutoScalingMaxCapacity}; it has no scheduled actions.");
        }

        if (scaling.Policies.Count > 1)
        {
            diagnostics.Error(DiagnosticCodes.ExpressScalingInvalid, EcsProperties.ScalingPolicyItem,
                $"{EcsProperties.ScalingPolicyItem}: an Express service tracks one metric; {scaling.Policies.Count} policies are given ({string.Join(", ", scaling.Policies.Select(p => p.Name))}). Keep one (Metric CPU, Memory or RequestCount, and TargetValue).");
        }

        foreach (var policy in scaling.Policies)
        {
            var subject = $"{EcsProperties.ScalingPolicyItem} '{policy.Name}'";
            var maximum = policy.Metric == ScalingMetric.RequestCount ? int.MaxValue : 100;
            if (policy.TargetValue < 1 || policy.TargetValue > maximum || policy.TargetValue != Math.Floor(policy.TargetValue))
            {
                diagnostics.Error(DiagnosticCodes.ExpressScalingInvalid, subject,
                    $"{subject}: Express takes a whole TargetValue from 1 to {(maximum == 100 ? "100 (percent)" : "2147483647 (requests per target)")}; it is {policy.TargetValue}.");
            }

            if (policy.TargetGroupArn is not null)
            {
                diagnostics.Error(DiagnosticCodes.ExpressScalingInvalid, subject,
                    $"{subject}: TargetGroupArn does not apply to Express, which counts requests on the target group it provisions; remove it.");
            }

            UnusedSettings.Warn(diagnostics, ExpressStrategy.StrategyName, [
                ($"{subject} ScaleInCooldown", policy.ScaleInCooldown), ($"{subject} ScaleOutCooldown", policy.ScaleOutCooldown), ($"{subject} DisableScaleIn", policy.DisableScaleIn)]);
        }
    }

    /// <summary>The application container: one TCP port for the load balancer; named Main when the package registers the task definition.</summary>
    private static void ValidateContainer(GeneratedDefinitions definitions, DiagnosticCollection diagnostics)
    {
        var settings = definitions.Settings;
        var main = definitions.MainContainer;
        var mappings = main.PortMappings ?? [];
        if (TaskDefinitionBuilder.DefaultContainerPort(settings, main) is null)
        {
            diagnostics.Error(DiagnosticCodes.ExpressContainerPortMissing, EcsProperties.ContainerPort,
                $"{EcsProperties.ContainerPort}: the container {main.Name} exposes no port, and an Express service's load balancer sends HTTPS traffic to one. Set {EcsProperties.ContainerPort} (ASP.NET Core apps published with the .NET SDK listen on 8080).");
        }

        if (!ExpressConfiguration.NeedsTaskDefinition(definitions))
        {
            return;
        }

        if (main.Name != ExpressConfiguration.MainContainerName)
        {
            diagnostics.Error(DiagnosticCodes.ExpressMainContainerName, EcsProperties.ContainerName,
                $"{EcsProperties.ContainerName}: this project needs more than Express's primary container ({string.Join(", ", ExpressConfiguration.BeyondPrimaryContainer(definitions))}), so the package registers the task definition and passes it to ECS, which requires the application container to be named {ExpressConfiguration.MainContainerName} (it is {main.Name}). Set {EcsProperties.ContainerName}={ExpressConfiguration.MainContainerName}.");
        }

        if (mappings.Count != 1 || mappings[0].Protocol is { } protocol && protocol.Value != "tcp")
        {
            diagnostics.Error(DiagnosticCodes.ExpressContainerPortMissing, EcsProperties.ContainerPort,
                $"{EcsProperties.ContainerPort}: a task definition for Express has exactly one TCP port mapping on its {ExpressConfiguration.MainContainerName} container (the load balancer's); {main.Name} has {mappings.Count}.");
        }
    }

    [GeneratedRegex(@"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$")]
    private static partial Regex RoleArn();
}
