namespace EcsBuildTasks.Core.Settings;

internal static partial class EcsProperties
{
    public const string PlanLive = "EcsPlanLive";
    public const string PlanFile = "EcsPlanFile";
    public const string ImportTo = "EcsImportTo";
    public const string IamPolicyFile = "EcsIamPolicyFile";
    public const string CheckSecrets = "EcsCheckSecrets";
    public const string CheckPermissions = "EcsCheckPermissions";

    /// <summary>The live plan, <c>-t:EcsImport</c>, <c>-t:EcsIamPolicy</c> and the secrets and roles preflight.</summary>
    private static SettingInfo[] PlanProperties =>
    [
        P(PlanLive, "With `EcsDryRun=true`: `auto` reads the live service and task definition (read-only calls only) and prints a field-level plan when credentials and the endpoint answer, else stays offline and says why; `true` requires the live plan (an error when it cannot read); `false` never reads.", "`auto`"),
        P(PlanFile, "Where the live plan is written as JSON (with `GITHUB_STEP_SUMMARY` set, it is added there as Markdown too).", "`$(PublishDir)ecs-plan.json`"),
        P(ImportTo, "`dotnet msbuild -t:EcsImport`: the file the imported `Ecs*` properties and items are written to (`.props`, `.targets` or a publish profile `.pubxml`); templates go next to it.", "`ecs.props`"),
        P(IamPolicyFile, "`dotnet msbuild -t:EcsIamPolicy`: where the least-privilege IAM policy of the deploying principal is written.", "`ecs-iam-policy.json` in the project folder"),
        P(CheckSecrets, "Preflight: every `EcsSecret` must exist (Secrets Manager or SSM Parameter Store, described without reading its value) and the execution and task roles must exist, before anything is built or pushed.", "`true`"),
        P(CheckPermissions, "Preflight: asks IAM's policy simulator (`iam:SimulatePrincipalPolicy` on the deploying principal itself) whether the principal may do all that `-t:EcsIamPolicy` lists for this project; a missing action is ECS7130, naming it and the statement to add, before anything changes. Skipped, and said, when the principal may not simulate itself.", "`false`"),
    ];
}
