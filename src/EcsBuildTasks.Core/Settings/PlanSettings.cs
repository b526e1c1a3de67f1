namespace EcsBuildTasks.Core.Settings;

/// <summary>Whether a dry run reads the live state (<c>EcsPlanLive</c>).</summary>
internal enum LivePlanMode
{
    /// <summary>Reads when credentials and the endpoint answer; otherwise offline, said so.</summary>
    Auto,

    /// <summary>Reads, or fails the build.</summary>
    Required,

    /// <summary>Never reads.</summary>
    Off,
}

/// <summary>The live plan's and the secrets preflight's settings, and whether the build checks its own permissions (<c>EcsCheckPermissions</c>).</summary>
internal sealed record PlanSettings(LivePlanMode Live, bool CheckSecrets, bool CheckPermissions = false)
{
    private static readonly string[] Modes = ["auto", "true", "false"];

    public static PlanSettings Read(SettingsValues values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var live = values.Choice(EcsProperties.PlanLive, Modes) switch
        {
            "true" => LivePlanMode.Required,
            "false" => LivePlanMode.Off,
            _ => LivePlanMode.Auto,
        };
        return new PlanSettings(live, values.Bool(EcsProperties.CheckSecrets) ?? true, values.Bool(EcsProperties.CheckPermissions) ?? false);
    }
}
