using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Deployment;
using EcsBuildTasks.Core.Deployment.Tasks;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Settings;
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

    [Output]
    public string? TaskArn { get; private set; }

    [Output]
    public int ExitCode { get; private set; } = -1;

    protected override void ExecuteCore(SettingsInput input, DiagnosticCollection diagnostics)
    {
        if (DefinitionsOfDeployedService(input, diagnostics) is not { } definitions)
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
