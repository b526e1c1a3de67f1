using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Strategies;

/// <summary>Settings a strategy does not use: each one the project set is a warning (ECS4005), so that nothing is silently ignored.</summary>
internal static class UnusedSettings
{
    public static void Warn(DiagnosticCollection diagnostics, string strategy, (string Name, object? Value)[] settings)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        ArgumentNullException.ThrowIfNull(settings);
        foreach (var (name, value) in settings.Where(s => s.Value is not null))
        {
            diagnostics.Warning(DiagnosticCodes.SettingNotForStrategy, name, $"{name} does not apply to {EcsProperties.DeploymentStrategy}={strategy} and is ignored.");
        }
    }
}
