namespace EcsBuildTasks.Core.Settings;

internal static partial class EcsProperties
{
    public const string ConcurrentDeployment = "EcsConcurrentDeployment";
    public const string ForceNewDeployment = "EcsForceNewDeployment";
    public const string SolutionResultFile = "EcsSolutionResultFile";
    public const string DeployAfterItem = "EcsDeployAfter";
    public const string UpToDateShortcut = "EcsUpToDateShortcut";

    /// <summary>The publish profile (<c>-p:PublishProfile=Staging</c>): the SDK imports <c>Properties/PublishProfiles/NAME.pubxml</c>.</summary>
    public const string SdkPublishProfileName = "PublishProfileName";

    /// <summary>Whether the SDK found and imported the profile (its own or one the Web SDK ships, such as DefaultContainer).</summary>
    public const string SdkPublishProfileImported = "PublishProfileImported";

    /// <summary>Item metadata the targets add: the file that defined the item (the project, or a publish profile it imports).</summary>
    public const string ItemDefinedInMetadata = "EcsDefinedIn";

    /// <summary>Releasing: deployments in flight, redeploying an unchanged revision.</summary>
    private static SettingInfo[] ReleaseProperties =>
    [
        P(ConcurrentDeployment, "What to do when the service already has a deployment in flight (another build's, or one started in the console) before this build changes it: `Wait` for it to finish (within `EcsTimeoutMinutes`, printing whose it is), then deploy or find the service up to date; `Fail` with ECS7000 without changing anything.", "`Wait`"),
        P(ForceNewDeployment, "Starts a new deployment of the current revision even when nothing changed (new tasks pull the image and the secrets again, e.g. after rotating a secret).", "`false`"),
        P(SolutionResultFile, "A solution publish: where the combined result of every project it deployed is written as JSON (one entry per service, the failed ones first).", "`$(SolutionDir)ecs-deployments.json`"),
        I(DeployAfterItem, "Another project (`Include`=its project file) whose deployment must succeed before this project's starts, when both are in one publish (a solution publish); when it fails this project is skipped (ECS7004).", "none"),
        P(UpToDateShortcut, "When the service was last deployed, successfully, from exactly this build's inputs (settings, definitions, image content and tags) and still runs that revision with that configuration, every task running and no deployment in flight, reports it up to date after four reads, without the preflight, the image build or the deployment step's requests; `false` takes the full path every time.", "`true`"),
    ];
}
