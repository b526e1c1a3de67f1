using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Settings;
using EcsBuildTasks.Core.Strategies.DnsBlueGreen;
using EcsBuildTasks.Core.Strategies.EcsTrafficShifting;
using EcsBuildTasks.Core.Strategies.Express;
using EcsBuildTasks.Core.Strategies.ManagedDaemon;
using EcsBuildTasks.Core.Strategies.Rolling;
using EcsBuildTasks.Core.Strategies.Versioned;
using EcsBuildTasks.Core.Strategies.VersionedBlueGreen;

namespace EcsBuildTasks.Core.Strategies;

/// <summary>What a strategy is created from: the name the project chose, its settings, and the settings reader for properties of its own.</summary>
/// <param name="Name">The canonical name (as registered), whatever the project's spelling.</param>
/// <param name="Values">The project's raw values, for a strategy that reads properties of its own (reported like every other setting).</param>
internal sealed record StrategyChoice(string Name, EcsSettings Settings, SettingsValues Values);

/// <summary>A strategy's names (the <c>EcsDeploymentStrategy</c> values that choose it) and how to create it.</summary>
internal sealed record StrategyRegistration(IReadOnlyList<string> Names, Func<StrategyChoice, IDeploymentStrategy> Create);

/// <summary>
/// Every deployment strategy, and the one place that turns <c>EcsDeploymentStrategy</c> into one. Nothing else in the
/// engine compares strategy names: it asks the strategy.
/// </summary>
internal static class DeploymentStrategies
{
    /// <summary>The strategy of a project that sets none.</summary>
    public const string DefaultName = RollingStrategy.StrategyName;

    /// <summary>Every strategy, in the order the README and the errors list them. A new strategy adds one line here.</summary>
    private static readonly StrategyRegistration[] Registrations =
    [
        new([RollingStrategy.StrategyName], RollingStrategy.Create),
        new(TrafficShiftingStrategy.Names, TrafficShiftingStrategy.Create),
        new([VersionedStrategy.StrategyName], VersionedStrategy.Create),
        new([VersionedBlueGreenStrategy.StrategyName], VersionedBlueGreenStrategy.Create),
        new([ExpressStrategy.StrategyName], ExpressStrategy.Create),
        new([ManagedDaemonStrategy.StrategyName], ManagedDaemonStrategy.Create),
        new([DnsBlueGreenStrategy.StrategyName], DnsBlueGreenStrategy.Create),
    ];

    /// <summary>Every name <c>EcsDeploymentStrategy</c> takes.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Registrations.SelectMany(r => r.Names)];

    /// <summary>
    /// The strategy <c>EcsDeploymentStrategy</c> names (matched case-insensitively), created with its own settings. A
    /// name no strategy has is reported (ECS0003, listing the names) and the default is used, so that the rest of the
    /// project is still checked.
    /// </summary>
    public static IDeploymentStrategy Choose(SettingsValues values, EcsSettings settings)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(settings);
        var requested = settings.DeploymentStrategy ?? DefaultName;
        var name = Names.FirstOrDefault(n => string.Equals(n, requested, StringComparison.OrdinalIgnoreCase));
        if (name is null)
        {
            values.Error(DiagnosticCodes.InvalidChoice, EcsProperties.DeploymentStrategy, $"{EcsProperties.DeploymentStrategy}='{requested}' is not one of: {string.Join(", ", Names)}.");
            name = DefaultName;
        }

        var registration = Array.Find(Registrations, r => r.Names.Contains(name, StringComparer.Ordinal))!;
        return registration.Create(new StrategyChoice(name, settings with { DeploymentStrategy = name }, values));
    }

    /// <summary>The strategy that shaped <paramref name="definitions"/> (the definitions keep it by its definition-time face).</summary>
    public static IDeploymentStrategy Of(GeneratedDefinitions definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        return definitions.Strategy as IDeploymentStrategy
            ?? throw new InvalidOperationException($"The definitions were shaped by {definitions.Strategy.GetType().Name}, which is not a deployment strategy.");
    }
}
