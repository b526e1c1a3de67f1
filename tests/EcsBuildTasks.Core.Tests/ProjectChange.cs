using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Tests;

/// <summary>A change to a project's configuration, as a data-driven test case carries it (the engine's types are internal).</summary>
public sealed class ProjectChange
{
    private readonly Action<SettingsInput> apply;

    internal ProjectChange(Action<SettingsInput> apply) => this.apply = apply;

    internal void ApplyTo(SettingsInput input) => apply(input);
}
