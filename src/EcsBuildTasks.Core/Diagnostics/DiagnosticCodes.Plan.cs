namespace EcsBuildTasks.Core.Diagnostics;

internal static partial class DiagnosticCodes
{
    // ECS7100–ECS7199: the live plan, -t:EcsImport and -t:EcsIamPolicy.
    public static readonly DiagnosticDescriptor LivePlanUnavailable = new("ECS7100", "The live plan cannot read the live state (EcsPlanLive=true)");
    public static readonly DiagnosticDescriptor LivePlanFailed = new("ECS7101", "The live plan failed; the dry run stays offline");
    public static readonly DiagnosticDescriptor ImportServiceNotFound = new("ECS7110", "The service to import does not exist");
    public static readonly DiagnosticDescriptor ImportTargetInvalid = new("ECS7111", "The import file is not a .props, .targets or .pubxml file, or cannot be written");
    public static readonly DiagnosticDescriptor ImportNeedsService = new("ECS7112", "EcsImport needs EcsCluster and EcsServiceName");
    public static readonly DiagnosticDescriptor IamPolicyNotWritten = new("ECS7120", "The IAM policy file cannot be written");
    public static readonly DiagnosticDescriptor PermissionMissing = new("ECS7130", "The deploying principal may not do something this deployment needs (EcsCheckPermissions)");

    // ECS1100–ECS1149: secrets and roles, checked read-only before anything is built or pushed.
    public static readonly DiagnosticDescriptor SecretNotFound = new("ECS1100", "An EcsSecret's Secrets Manager secret or SSM parameter does not exist");
    public static readonly DiagnosticDescriptor SecretNotReadable = new("ECS1101", "The execution role may not read an EcsSecret");
    public static readonly DiagnosticDescriptor SecretNotCheckable = new("ECS1102", "An EcsSecret could not be checked (another account, or the deploying principal may not describe it)");
    public static readonly DiagnosticDescriptor SecretEncryptedWithKmsKey = new("ECS1103", "An EcsSecret is encrypted with a customer KMS key the execution role must be allowed to decrypt with");
    public static readonly DiagnosticDescriptor SecretReferenceInvalid = new("ECS1104", "An EcsSecret's valueFrom is not a secret or parameter ARN or name, or is in another region");
    public static readonly DiagnosticDescriptor RoleNotFound = new("ECS1110", "The execution role or task role does not exist");
    public static readonly DiagnosticDescriptor RoleNotTrustingEcsTasks = new("ECS1111", "A role's trust policy does not let ecs-tasks.amazonaws.com assume it");
}
