using System.Globalization;
using System.Text.RegularExpressions;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Features.AutoScaling;

/// <summary>
/// Auto scaling in the definitions: a creation desired count inside the capacity, the checks against the service
/// (scheduling, desired count, request-count target groups), and the plan's line. The scalable target itself is made
/// after the deployment (<see cref="ScalingConfigurator"/>).
/// </summary>
internal sealed partial class AutoScalingDefinitions : IDefinitionContributor
{
    public static AutoScalingDefinitions Instance { get; } = new();

    public void Shape(GeneratedDefinitions definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var settings = definitions.Settings;
        var service = definitions.Service;
        if (settings.AutoScaling is { MinCapacity: { } min, MaxCapacity: { } max } && settings.DesiredCount is null && service.DesiredCount is { } count && min <= max)
        {
            // Only used when the service is created: start inside the range auto scaling keeps it in.
            service.DesiredCount = Math.Clamp(count, min, max);
        }
    }

    public void Validate(GeneratedDefinitions definitions, DiagnosticCollection diagnostics)
    {
        ArgumentNullException.ThrowIfNull(definitions);

        // A strategy whose scaling ECS manages (Express: request count on the target group ECS provisions) checks it itself.
        if (definitions.Settings.AutoScaling is { } scaling && definitions.Strategy.ConfiguresAutoScaling)
        {
            Validate(definitions.Settings, scaling, definitions.Service, diagnostics);
        }
    }

    public IEnumerable<string> PlanLines(GeneratedDefinitions definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        if (definitions.Settings.AutoScaling is not { } scaling)
        {
            yield break;
        }

        var inv = CultureInfo.InvariantCulture;
        var policies = scaling.Policies.Select(p => string.Create(inv, $"{p.Name} ({p.Metric} target {p.TargetValue})"));
        var actions = scaling.ScheduledActions.Select(a => $"{a.Name} ({a.Schedule} {a.Timezone ?? "UTC"})");
        yield return string.Create(inv, $"  Scaling     {scaling.MinCapacity}–{scaling.MaxCapacity} tasks{(scaling.Policies.Count > 0 ? "; policies " + string.Join(", ", policies) : string.Empty)}{(scaling.ScheduledActions.Count > 0 ? "; scheduled " + string.Join(", ", actions) : string.Empty)}{(scaling.Prune ? "; other policies removed" : string.Empty)}");
    }

    [GeneratedRegex(@"^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:targetgroup/[a-zA-Z0-9-]{1,32}/[0-9a-f]{16}$")]
    private static partial Regex TargetGroupArn();

    private static void Validate(EcsSettings settings, AutoScalingSettings scaling, CreateServiceRequest service, DiagnosticCollection diagnostics)
    {
        if (service.SchedulingStrategy?.Value == "DAEMON")
        {
            diagnostics.Error(DiagnosticCodes.AutoScalingOnDaemon, EcsProperties.AutoScalingMinCapacity,
                $"{EcsProperties.AutoScalingMinCapacity}, {EcsProperties.AutoScalingMaxCapacity} and scaling items apply to REPLICA services; a DAEMON service runs one task per container instance.");
        }

        if (settings.DesiredCount is { } desired && scaling.MinCapacity is { } min && scaling.MaxCapacity is { } max && (desired < min || desired > max))
        {
            diagnostics.Error(DiagnosticCodes.DesiredCountOutsideCapacity, EcsProperties.DesiredCount,
                $"{EcsProperties.DesiredCount}={desired} is outside {EcsProperties.AutoScalingMinCapacity}={min}..{EcsProperties.AutoScalingMaxCapacity}={max}; auto scaling would change it at once. Remove {EcsProperties.DesiredCount} or fit it into the range.");
        }

        foreach (var policy in scaling.Policies.Where(p => p.Metric == ScalingMetric.RequestCount))
        {
            var subject = $"{EcsProperties.ScalingPolicyItem} '{policy.Name}'";
            var targetGroup = policy.TargetGroupArn ?? settings.TargetGroupArn;
            if (targetGroup is null)
            {
                diagnostics.Error(DiagnosticCodes.ScalingPolicyTargetGroupMissing, subject,
                    $"{subject} tracks requests per target of a target group: set {EcsProperties.TargetGroupArn} or give the item a TargetGroupArn.");
            }
            else if (!TargetGroupArn().IsMatch(targetGroup))
            {
                diagnostics.Error(DiagnosticCodes.ScalingPolicyTargetGroupMissing, subject, $"{subject}: '{targetGroup}' ({EcsProperties.TargetGroupArn}) is not a target group ARN.");
            }
        }
    }
}
