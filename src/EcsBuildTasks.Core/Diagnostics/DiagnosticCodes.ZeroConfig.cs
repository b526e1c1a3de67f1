namespace EcsBuildTasks.Core.Diagnostics;

internal static partial class DiagnosticCodes
{
    // ECS1150–ECS1199: zero configuration (the SDK's defaults, the account's execution role, the first hour's errors).
    public static readonly DiagnosticDescriptor ContainerRepositoryUnusable = new("ECS1150", "No valid image repository name: the .NET SDK cannot make one from the project");
    public static readonly DiagnosticDescriptor ExecutionRoleNotFound = new("ECS1151", "No execution role is set and the account has no ecsTaskExecutionRole");
    public static readonly DiagnosticDescriptor SessionExpired = new("ECS1152", "The AWS session (SSO or temporary credentials) has expired");
}
