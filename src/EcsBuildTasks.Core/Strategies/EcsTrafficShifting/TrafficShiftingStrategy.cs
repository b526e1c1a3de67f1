using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Features.EcsServices;
using EcsBuildTasks.Core.Features.Plan;
using EcsBuildTasks.Core.Features.Preflight;
using EcsBuildTasks.Core.Strategies.InPlace;
using EcsService = EcsBuildTasks.Aws.ECS.Model.Service;

namespace EcsBuildTasks.Core.Strategies.EcsTrafficShifting;

/// <summary>
/// <c>EcsDeploymentStrategy=BlueGreen</c>, <c>Canary</c> or <c>Linear</c>: ECS's own traffic shifting between two
/// target groups (no CodeDeploy). The service deployment is the one every in-place strategy shares; this strategy
/// writes the shifting into the service definition, checks the wiring, and follows the deployment stage by stage,
/// running the build's verification gates when ECS pauses for them.
/// </summary>
internal sealed partial class TrafficShiftingStrategy(string name, TrafficShift shift) : InPlaceStrategy
{
    /// <summary>The names this strategy answers to, one per way of shifting.</summary>
    public static IReadOnlyList<string> Names { get; } = [nameof(TrafficShift.BlueGreen), nameof(TrafficShift.Canary), nameof(TrafficShift.Linear)];

    public override string Name => name;

    protected override string ControllerStrategy => shift switch
    {
        TrafficShift.Canary => "CANARY",
        TrafficShift.Linear => "LINEAR",
        _ => "BLUE_GREEN",
    };

    public static IDeploymentStrategy Create(StrategyChoice choice)
    {
        ArgumentNullException.ThrowIfNull(choice);
        return new TrafficShiftingStrategy(choice.Name, Enum.Parse<TrafficShift>(choice.Name));
    }

    public override void Shape(GeneratedDefinitions definitions)
    {
        base.Shape(definitions);
        TrafficShiftingDefinitions.Apply(definitions.Settings, shift, definitions.Service);
    }

    public override void Validate(GeneratedDefinitions definitions, DiagnosticCollection diagnostics)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        TrafficShiftingValidation.Validate(definitions.Settings, definitions.Service, shift, Name, diagnostics);
    }

    public override IEnumerable<string> PlanLines(GeneratedDefinitions definitions) => TrafficShiftingPlan.Lines(definitions, shift);

    public override IReadOnlyList<PlannedStep> PlannedSteps(GeneratedDefinitions definitions) => TrafficShiftingPlan.Steps(definitions, shift);

    protected override Task PreflightStrategyAsync(ServicePreflightContext context, EcsService? existing, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new TrafficShiftingPreflight(context.Aws, context.Log).CheckAsync(context.Definitions, existing, context.Problems, cancellationToken);
    }

    protected override ServiceDeploymentFollower CreateFollower(DeploymentContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var settings = context.Settings;
        var configuration = context.Definitions.Service.DeploymentConfiguration;
        var verification = settings.TrafficShifting.Verification;
        var gates = new VerificationGateRunner(context.Aws, context.Log, context.Time, verification, context.VerificationHandler);
        return new ServiceDeploymentFollower(context.Aws, context.Log, context.Time, ServiceDeploymentStages.Stages, gates, TrafficShiftingDefinitions.GateStages(settings, shift))
        {
            ConfiguredWaits = TrafficShiftingPlan.ConfiguredWaits(configuration, TrafficShiftingPlan.GateCount(settings, shift, configuration), verification),
        };
    }
}
