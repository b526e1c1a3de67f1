namespace EcsBuildTasks.Core.Settings;

internal sealed record EnvironmentSetting(string Name, string Value);

/// <summary>A one-off task: a pre-deploy task (item <c>EcsPreDeployTask</c>) or the ad-hoc task of <c>-t:EcsRunTask</c>.</summary>
/// <param name="Subject">What a diagnostic names (<c>EcsPreDeployTask 'migrate'</c>, <c>EcsRunTaskCommand</c>).</param>
/// <param name="Container">Null: the application's container.</param>
/// <param name="TimeoutMinutes">Null: <c>EcsTimeoutMinutes</c>.</param>
internal sealed record OneOffTaskSetting(string Subject, string? Container, IReadOnlyList<string> Command, IReadOnlyList<EnvironmentSetting> Environment, int? TimeoutMinutes)
{
    /// <summary>The item's Include for pre-deploy tasks.</summary>
    public string? Name { get; init; }
}
