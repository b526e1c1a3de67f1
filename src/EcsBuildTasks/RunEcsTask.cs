using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Features.OneOffTasks;
using EcsBuildTasks.Core.Infrastructure;
using Microsoft.Build.Framework;

namespace EcsBuildTasks;

/// <summary>
/// <c>dotnet msbuild -t:EcsRunTask</c>: runs a one-off task with what the service runs (task definition, launch
/// settings, network), <c>EcsRunTaskCommand</c>/<c>EcsRunTaskEnvironment</c> as overrides, waits until it stops and
/// fails on a non-zero exit code of its container.
/// </summary>
public sealed class RunEcsTask : EcsTask
{
    public string? EndpointUrl { get; set; }

    private protected override string? ResolvedEndpointUrl => EndpointUrl;

    [Output]
    public string? TaskArn { get; private set; }

    [Output]
    public int ExitCode { get; private set; } = -1;

    private protected override void ExecuteCore(Project project, DiagnosticCollection diagnostics)
    {
        if (DefinitionsOfDeployedService(project, diagnostics) is not { } definitions)
        {
            return;
        }

        using var aws = AwsSession.For(definitions.Settings, EndpointUrl);
        OneOffTaskResult? result = null;
        EcsDiagnostic? failure = null;
        RunSynchronously(async () => (result, failure) = await new AdHocTask(aws, DeploymentLog, TimeProvider.System).RunAsync(definitions, CancellationToken).ConfigureAwait(false));
        TaskArn = result?.TaskArn;
        ExitCode = result?.ExitCode ?? -1;
        if (failure is not null)
        {
            diagnostics.Add(failure);
        }
    }
}
