using System.Globalization;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Features.EcsServices;
using EcsBuildTasks.Core.Features.LoadBalancing;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Strategies.EcsTrafficShifting;

/// <summary>
/// Checks that the generated service definition is a BlueGreen, Canary or Linear deployment ECS can run, and that the
/// verification gates have what they need: the wiring (two target groups, a production listener rule, an
/// infrastructure role), a test listener for URL probes, no PAUSE hook of the project where the gates pause, and no
/// setting that the chosen strategy would silently ignore.
/// </summary>
internal static class TrafficShiftingValidation
{
    public static void Validate(EcsSettings settings, CreateServiceRequest service, TrafficShift shift, string name, DiagnosticCollection diagnostics)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(diagnostics);
        if (service.SchedulingStrategy?.Value == "DAEMON")
        {
            diagnostics.Error(DiagnosticCodes.StrategyNotSupported, EcsProperties.DeploymentStrategy, $"{EcsProperties.DeploymentStrategy}={name}: DAEMON services deploy with Rolling only.");
        }

        if (service.DeploymentController?.Type?.Value is { } controller && controller != "ECS")
        {
            diagnostics.Error(DiagnosticCodes.StrategyNotSupported, EcsProperties.DeploymentStrategy, $"{EcsProperties.DeploymentStrategy}={name} runs on the ECS deployment controller, but the service template uses {controller}.");
        }

        var traffic = settings.TrafficShifting;
        if (shift != TrafficShift.Canary)
        {
            UnusedSettings.Warn(diagnostics, name, [(EcsProperties.CanaryPercent, traffic.CanaryPercent), (EcsProperties.CanaryBakeTimeMinutes, traffic.CanaryBakeTimeMinutes)]);
        }

        if (shift != TrafficShift.Linear)
        {
            UnusedSettings.Warn(diagnostics, name, [(EcsProperties.LinearStepPercent, traffic.LinearStepPercent), (EcsProperties.LinearStepBakeTimeMinutes, traffic.LinearStepBakeTimeMinutes)]);
        }

        if (shift == TrafficShift.BlueGreen && traffic.Verification.EachStep)
        {
            diagnostics.Warning(DiagnosticCodes.SettingNotForStrategy, EcsProperties.VerifyEachStep,
                $"{EcsProperties.VerifyEachStep}=true is for Canary and Linear; BlueGreen moves production traffic in one step, which the gate at POST_TEST_TRAFFIC_SHIFT already guards.");
        }

        if (traffic.Verification.Enabled && !settings.Wait)
        {
            diagnostics.Error(DiagnosticCodes.VerificationNeedsWait, EcsProperties.Wait,
                $"{EcsProperties.Wait}=false, but the verification gates ({EcsProperties.VerifyUrl}, {EcsProperties.VerifyAlarmItem}) run in this build while ECS pauses for them; without waiting the deployment would pause until the gate's hook times out and rolls back. Remove {EcsProperties.Wait}=false or the gates.");
        }

        var templated = settings.ServiceDefinitionTemplate is not null;
        ValidateValues(service.DeploymentConfiguration, templated, diagnostics);
        ValidateWiring(settings, service, name, templated, diagnostics);
        ValidateHooks(settings, service, shift, diagnostics);
    }

    /// <summary>Values a service template may bring (the properties were checked when they were read).</summary>
    private static void ValidateValues(DeploymentConfiguration? configuration, bool templated, DiagnosticCollection diagnostics)
    {
        if (!templated || configuration is null)
        {
            return;
        }

        var inv = CultureInfo.InvariantCulture;
        foreach (var (member, minutes) in new[]
        {
            ("bakeTimeInMinutes", configuration.BakeTimeInMinutes),
            ("canaryConfiguration.canaryBakeTimeInMinutes", configuration.CanaryConfiguration?.CanaryBakeTimeInMinutes),
            ("linearConfiguration.stepBakeTimeInMinutes", configuration.LinearConfiguration?.StepBakeTimeInMinutes),
        })
        {
            if (minutes is < 0 or > 1440)
            {
                var subject = $"deploymentConfiguration.{member} in {EcsProperties.ServiceDefinitionTemplate}";
                diagnostics.Error(DiagnosticCodes.InvalidInteger, subject, string.Create(inv, $"{subject}={minutes} must be between 0 and 1440 minutes."));
            }
        }

        if (configuration.CanaryConfiguration?.CanaryPercent is { } canary && !TrafficShiftingSettingsReader.IsTrafficPercent(canary, 0.1))
        {
            var subject = $"deploymentConfiguration.canaryConfiguration.canaryPercent in {EcsProperties.ServiceDefinitionTemplate}";
            diagnostics.Error(DiagnosticCodes.TrafficPercentInvalid, subject, string.Create(inv, $"{subject}={canary} must be between 0.1 and 100 in steps of 0.1."));
        }

        if (configuration.LinearConfiguration?.StepPercent is { } step && !TrafficShiftingSettingsReader.IsTrafficPercent(step, 3.0))
        {
            var subject = $"deploymentConfiguration.linearConfiguration.stepPercent in {EcsProperties.ServiceDefinitionTemplate}";
            diagnostics.Error(DiagnosticCodes.TrafficPercentInvalid, subject, string.Create(inv, $"{subject}={step} must be between 3.0 and 100 in steps of 0.1."));
        }
    }

    private static void ValidateWiring(EcsSettings settings, CreateServiceRequest service, string strategy, bool templated, DiagnosticCollection diagnostics)
    {
        var traffic = settings.TrafficShifting;
        var loadBalancers = service.LoadBalancers ?? [];
        if (loadBalancers.Count == 0)
        {
            // Without a load balancer ECS still runs the strategy's stages (a "headless" blue/green), but there is no traffic to move.
            if (traffic.HasWiring)
            {
                var subject = traffic.AlternateTargetGroupArn is not null ? EcsProperties.AlternateTargetGroupArn : traffic.ProductionListenerRuleArn is not null ? EcsProperties.ProductionListenerRuleArn : traffic.TestListenerRuleArn is not null ? EcsProperties.TestListenerRuleArn : EcsProperties.InfrastructureRoleArn;
                diagnostics.Error(DiagnosticCodes.TrafficWiringNeedsTargetGroup, EcsProperties.TargetGroupArn,
                    $"{subject} is set but the service has no load balancer: set {EcsProperties.TargetGroupArn} (the target group production traffic reaches first) so ECS can move traffic between it and {EcsProperties.AlternateTargetGroupArn}.");
            }

            if (traffic.Verification.Urls.Count > 0)
            {
                diagnostics.Error(DiagnosticCodes.VerifyUrlNeedsTestListener, EcsProperties.VerifyUrl,
                    $"{EcsProperties.VerifyUrl} probes green through the test listener, but the service has no load balancer: set {EcsProperties.TargetGroupArn}, {EcsProperties.AlternateTargetGroupArn}, {EcsProperties.ProductionListenerRuleArn} and {EcsProperties.TestListenerRuleArn}.");
            }

            return;
        }

        for (var i = 0; i < loadBalancers.Count; i++)
        {
            var entry = loadBalancers[i];
            var ours = i == 0 || entry.TargetGroupArn == settings.TargetGroupArn;
            var advanced = entry.AdvancedConfiguration;

            // A missing value, or one the property set, is the property's to fix; a bad value from the template names its member.
            string Subject(string property, string member, string? propertyValue, string? value) =>
                ours && (propertyValue is not null || value is null || !templated)
                    ? property
                    : $"loadBalancers[{i}].advancedConfiguration.{member} in {EcsProperties.ServiceDefinitionTemplate}{(ours ? $" (or set {property})" : string.Empty)}";

            var alternate = advanced?.AlternateTargetGroupArn;
            var alternateSubject = Subject(EcsProperties.AlternateTargetGroupArn, "alternateTargetGroupArn", traffic.AlternateTargetGroupArn, alternate);
            if (alternate is null)
            {
                diagnostics.Error(DiagnosticCodes.AlternateTargetGroupInvalid, alternateSubject,
                    $"{EcsProperties.DeploymentStrategy}={strategy} needs a second target group for green: set {EcsProperties.AlternateTargetGroupArn} (same port, protocol and target type as {entry.TargetGroupArn}).");
            }
            else if (!ElbArns.TargetGroup().IsMatch(alternate))
            {
                diagnostics.Error(DiagnosticCodes.AlternateTargetGroupInvalid, alternateSubject, $"{alternateSubject}='{alternate}' is not a target group ARN (arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>).");
            }
            else if (alternate == entry.TargetGroupArn)
            {
                diagnostics.Error(DiagnosticCodes.AlternateTargetGroupInvalid, alternateSubject, $"{alternateSubject} is the same target group as {EcsProperties.TargetGroupArn}; blue and green need one each.");
            }

            var productionSubject = Subject(EcsProperties.ProductionListenerRuleArn, "productionListenerRule", traffic.ProductionListenerRuleArn, advanced?.ProductionListenerRule);
            if (advanced?.ProductionListenerRule is not { } production)
            {
                diagnostics.Error(DiagnosticCodes.ListenerRuleInvalid, productionSubject,
                    $"{EcsProperties.DeploymentStrategy}={strategy} needs the listener rule ECS moves production traffic on: set {EcsProperties.ProductionListenerRuleArn} (an ALB listener rule ARN, or an NLB listener ARN).");
            }
            else if (!ElbArns.IsRuleOrListener(production))
            {
                diagnostics.Error(DiagnosticCodes.ListenerRuleInvalid, productionSubject, $"{productionSubject}='{production}' is neither a listener rule ARN (…:listener-rule/app/…) nor a listener ARN (…:listener/net/…).");
            }

            var testSubject = Subject(EcsProperties.TestListenerRuleArn, "testListenerRule", traffic.TestListenerRuleArn, advanced?.TestListenerRule);
            if (advanced?.TestListenerRule is { } test && !ElbArns.IsRuleOrListener(test))
            {
                diagnostics.Error(DiagnosticCodes.ListenerRuleInvalid, testSubject, $"{testSubject}='{test}' is neither a listener rule ARN (…:listener-rule/app/…) nor a listener ARN (…:listener/net/…).");
            }
            else if (advanced?.TestListenerRule is { } sameRule && sameRule == advanced.ProductionListenerRule)
            {
                diagnostics.Error(DiagnosticCodes.ListenerRuleInvalid, testSubject, $"{testSubject} is the production listener rule; test traffic needs a rule (or listener) of its own.");
            }

            var roleSubject = Subject(EcsProperties.InfrastructureRoleArn, "roleArn", traffic.InfrastructureRoleArn, advanced?.RoleArn);
            if (advanced?.RoleArn is not { } role)
            {
                diagnostics.Error(DiagnosticCodes.InfrastructureRoleInvalid, roleSubject,
                    $"{EcsProperties.DeploymentStrategy}={strategy} needs the role ECS assumes to change the listener rules: set {EcsProperties.InfrastructureRoleArn} (a role trusted by ecs.amazonaws.com with the AmazonECSInfrastructureRolePolicyForLoadBalancers policy).");
            }
            else if (!TrafficShiftingSettingsReader.RoleArn().IsMatch(role))
            {
                diagnostics.Error(DiagnosticCodes.InfrastructureRoleInvalid, roleSubject, $"{roleSubject}='{role}' is not an IAM role ARN (arn:aws:iam::<account>:role/<name>).");
            }

            if (i == 0 && traffic.Verification.Urls.Count > 0 && advanced?.TestListenerRule is null)
            {
                diagnostics.Error(DiagnosticCodes.VerifyUrlNeedsTestListener, EcsProperties.TestListenerRuleArn,
                    $"{EcsProperties.VerifyUrl} must reach green while production still goes to blue, which is what the test listener is for: set {EcsProperties.TestListenerRuleArn} and point {EcsProperties.VerifyUrl} at it (its port or host).");
            }
        }
    }

    private static void ValidateHooks(EcsSettings settings, CreateServiceRequest service, TrafficShift shift, DiagnosticCollection diagnostics)
    {
        var gateStages = TrafficShiftingDefinitions.GateStages(settings, shift);
        foreach (var hook in service.DeploymentConfiguration?.LifecycleHooks ?? [])
        {
            if (GateHooks.IsGateHook(hook) || hook.TargetType?.Value != "PAUSE")
            {
                continue;
            }

            var conflicts = (hook.LifecycleStages ?? []).Intersect(gateStages, StringComparer.Ordinal).ToList();
            if (conflicts.Count > 0)
            {
                var subject = settings.TrafficShifting.LifecycleHooks.Count > 0 ? $"{EcsProperties.LifecycleHookItem} 'PAUSE'" : $"deploymentConfiguration.lifecycleHooks in {EcsProperties.ServiceDefinitionTemplate}";
                diagnostics.Error(DiagnosticCodes.PauseHookConflictsWithGate, subject,
                    $"{subject} pauses at {string.Join(", ", conflicts)}, where the build's verification gates pause; the build could not tell your pause from its own. Move it to another stage (e.g. POST_SCALE_UP) or drop {EcsProperties.VerifyUrl}/{EcsProperties.VerifyAlarmItem}.");
            }
        }
    }
}
