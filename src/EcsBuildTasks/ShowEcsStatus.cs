using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Deployment;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks;

/// <summary><c>dotnet msbuild -t:EcsStatus</c>: the service's state and its recent deployments.</summary>
public sealed class ShowEcsStatus : EcsTask
{
    public string? EndpointUrl { get; set; }

    protected override void ExecuteCore(SettingsInput input, DiagnosticCollection diagnostics)
    {
        if (DefinitionsOfDeployedService(input, diagnostics) is not { } definitions)
        {
            return;
        }

        using var aws = AwsSession.For(definitions.Settings, EndpointUrl);
        IReadOnlyList<string> lines = [];
        RunSynchronously(async () => lines = await new ServiceOperations(aws, DeploymentLog, TimeProvider.System)
            .StatusAsync(definitions.Service.Cluster!, definitions.Service.ServiceName!, CancellationToken).ConfigureAwait(false));
        foreach (var line in lines)
        {
            DeploymentLog.Info(line);
        }
    }
}
