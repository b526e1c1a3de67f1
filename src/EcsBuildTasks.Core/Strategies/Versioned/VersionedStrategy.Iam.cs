namespace EcsBuildTasks.Core.Strategies.Versioned;

internal sealed partial class VersionedStrategy
{
    /// <summary>The alarms the <c>EcsPhase</c> items' gates read.</summary>
    protected override IEnumerable<string> GateAlarms => Phases.SelectMany(p => p.Gate?.Alarms ?? []);
}
