using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Infrastructure;

namespace EcsBuildTasks.Core.Features.Preflight;

/// <summary>What a strategy's own read-only checks get: AWS, where to write lines, the definitions and where to add findings.</summary>
internal sealed record ServicePreflightContext(AwsSession Aws, IDeploymentLog Log, GeneratedDefinitions Definitions, DiagnosticCollection Problems);

/// <summary>
/// The read-only checks a deployment strategy adds to the preflight (the existing service, the strategy's own
/// resources). They run after the cluster check, alongside the other checks; their findings and lines are reported with
/// the cluster's, before anything changes.
/// </summary>
internal interface IServicePreflight
{
    Task PreflightAsync(ServicePreflightContext context, CancellationToken cancellationToken);
}
