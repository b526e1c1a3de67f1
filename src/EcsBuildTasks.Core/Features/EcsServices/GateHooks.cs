using System.Text.Json;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Infrastructure;

namespace EcsBuildTasks.Core.Features.EcsServices;

/// <summary>
/// The PAUSE hook this package adds to a service deployment for its verification gates: how it is recognised, the
/// stages it pauses at, and how the build answers it (ContinueServiceDeployment).
/// </summary>
internal static class GateHooks
{
    /// <summary>The <c>hookDetails</c> member that marks the PAUSE hook of the build's verification gates.</summary>
    public const string MarkerName = "ecsBuildTasks";

    public const string MarkerValue = "verification-gate";

    public const string TestGateStage = "POST_TEST_TRAFFIC_SHIFT";
    public const string StepGateStage = "PRE_PRODUCTION_TRAFFIC_SHIFT";
    public const string FinalGateStage = "POST_PRODUCTION_TRAFFIC_SHIFT";

    /// <summary>True for the PAUSE hook this package adds for its gates (recognised by its hookDetails marker).</summary>
    public static bool IsGateHook(DeploymentLifecycleHook hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        return hook.TargetType?.Value == "PAUSE"
            && hook.HookDetails?.Members.TryGetValue(MarkerName, out var marker) == true
            && marker.ValueKind == JsonValueKind.String
            && marker.GetString() == MarkerValue;
    }

    /// <summary>The hook stage a paused deployment is at (ECS shows PRE_PRODUCTION_TRAFFIC_SHIFT hooks as PRODUCTION_TRAFFIC_SHIFT, where no PAUSE may run).</summary>
    public static string HookStage(string? lifecycleStage) => lifecycleStage == "PRODUCTION_TRAFFIC_SHIFT" ? StepGateStage : lifecycleStage ?? "?";

    /// <summary>Answers a paused hook with CONTINUE or ROLLBACK.</summary>
    public static async Task ContinueAsync(AwsSession aws, IDeploymentLog log, string deploymentArn, string hookId, string action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(aws);
        ArgumentNullException.ThrowIfNull(log);
        await AwsCalls.RunAsync("ECS ContinueServiceDeployment", () => aws.Ecs.ContinueServiceDeploymentAsync(
            new ContinueServiceDeploymentRequest { ServiceDeploymentArn = deploymentArn, HookId = hookId, Action = action }, cancellationToken)).ConfigureAwait(false);
        log.Detail($"EcsBuildTasks: ContinueServiceDeployment {action} for hook {hookId}");
    }
}
