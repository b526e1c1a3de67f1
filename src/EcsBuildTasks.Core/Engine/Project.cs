using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Features.AutoScaling;
using EcsBuildTasks.Core.Features.OneOffTasks;
using EcsBuildTasks.Core.Features.ServiceConnect;
using EcsBuildTasks.Core.Features.ServiceDiscovery;
using EcsBuildTasks.Core.Settings;
using EcsBuildTasks.Core.Strategies;

namespace EcsBuildTasks.Core.Engine;

/// <summary>
/// The project as the engine sees it: its settings, read once, and the deployment strategy they choose, chosen once.
/// Every MSBuild task starts from one.
/// </summary>
internal sealed record Project(EcsSettings Settings, IDeploymentStrategy Strategy)
{
    /// <summary>The features that shape the definitions, in the order they do (after the strategy).</summary>
    public static IReadOnlyList<IDefinitionContributor> Features { get; } =
        [ServiceDiscoveryDefinitions.Instance, ServiceConnectDefinitions.Instance, AutoScalingDefinitions.Instance, OneOffTaskDefinitions.Instance];

    /// <summary>Reads the settings (every malformed value reported in <paramref name="diagnostics"/>) and chooses the strategy.</summary>
    public static Project Read(SettingsInput input, DiagnosticCollection diagnostics)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var values = new SettingsValues(input, diagnostics);
        var settings = SettingsReader.Read(values);
        var strategy = DeploymentStrategies.Choose(values, settings);
        return new Project(settings with { DeploymentStrategy = strategy.Name, InputDigest = input.Digest() }, strategy);
    }

    /// <summary>Reads the project and generates its definitions: null when anything is wrong (all of it in <paramref name="diagnostics"/>).</summary>
    public static GeneratedDefinitions? Generate(SettingsInput input, DiagnosticCollection diagnostics) => Read(input, diagnostics).Generate(diagnostics);

    /// <summary>
    /// The definitions <c>GenerateEcsDefinitions</c> wrote for these settings (the plan's), read back instead of generated
    /// again by a step that only checks them.
    /// </summary>
    public GeneratedDefinitions Load(DefinitionFiles files) => DefinitionWriter.Read(files, Settings, Strategy, Features);

    /// <summary>The definitions these settings describe: null when anything is wrong (all of it in <paramref name="diagnostics"/>).</summary>
    public GeneratedDefinitions? Generate(DiagnosticCollection diagnostics) => DefinitionGenerator.Generate(Settings, Strategy, Features, diagnostics);
}
