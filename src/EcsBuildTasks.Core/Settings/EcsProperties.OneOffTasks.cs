namespace EcsBuildTasks.Core.Settings;

internal static partial class EcsProperties
{
    public const string PreDeployTaskItem = "EcsPreDeployTask";
    public const string RunTaskCommand = "EcsRunTaskCommand";
    public const string RunTaskContainer = "EcsRunTaskContainer";
    public const string RunTaskEnvironment = "EcsRunTaskEnvironment";

    /// <summary>Pre-deploy tasks and <c>-t:EcsRunTask</c>.</summary>
    private static SettingInfo[] OneOffTaskProperties =>
    [
        P(RunTaskCommand, "`dotnet msbuild -t:EcsRunTask`: the command, arguments separated by `;` (`%3B` on the command line).", "the image's command"),
        P(RunTaskContainer, "`dotnet msbuild -t:EcsRunTask`: the container the command and environment apply to.", "the application's container"),
        P(RunTaskEnvironment, "`dotnet msbuild -t:EcsRunTask`: extra environment, `NAME=value` pairs separated by `;`.", "none"),
        I(PreDeployTaskItem, "One-off task run with the new task definition and the service's network before the service changes (e.g. a migration): `Include`=name, `Container` (default the application's), `Command` (arguments separated by `;`), `Environment` (`NAME=value` pairs separated by `;`), `TimeoutMinutes` (default `EcsTimeoutMinutes`). A non-zero exit code fails the build before the service changes.", "none"),
    ];
}
