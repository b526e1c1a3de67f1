using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Definitions;

/// <summary>
/// The generated definitions, the settings they came from, and the strategy and features that shaped them (which the
/// plan asks for their lines, and the deployment for what to do).
/// </summary>
internal sealed record GeneratedDefinitions(
    EcsSettings Settings,
    LaunchTarget Target,
    RegisterTaskDefinitionRequest TaskDefinition,
    CreateServiceRequest Service)
{
    /// <summary>The deployment strategy that shaped the service definition.</summary>
    public required IStrategyDefinitions Strategy { get; init; }

    /// <summary>The features that shaped the definitions, in the order they did.</summary>
    public IReadOnlyList<IDefinitionContributor> Features { get; init; } = [];

    public ContainerDefinition MainContainer => TaskDefinitionBuilder.MainContainer(Settings, TaskDefinition);

    /// <summary>The strategy first, then the features: the order of shaping, validation and the plan.</summary>
    public IEnumerable<IDefinitionContributor> Contributors => Features.Prepend(Strategy);
}
