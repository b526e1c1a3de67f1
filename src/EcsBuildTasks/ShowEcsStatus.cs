using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Infrastructure;

namespace EcsBuildTasks;

/// <summary><c>dotnet msbuild -t:EcsStatus</c>: where the project's deployment stands, as its deployment strategy sees it.</summary>
public sealed class ShowEcsStatus : EcsTask
{
    public string? EndpointUrl { get; set; }

    private protected override string? ResolvedEndpointUrl => EndpointUrl;

    private protected override void ExecuteCore(Project project, DiagnosticCollection diagnostics)
    {
        if (DefinitionsOfDeployedService(project, diagnostics) is not { } definitions)
        {
            return;
        }

        using var aws = AwsSession.For(definitions.Settings, EndpointUrl);
        IReadOnlyList<string> lines = [];
        RunSynchronously(async () => lines = await new Deployer(aws, DeploymentLog, TimeProvider.System) { ResolvedEndpoint = EndpointUrl }
            .StatusAsync(definitions, CancellationToken).ConfigureAwait(false));
        foreach (var line in lines)
        {
            DeploymentLog.Info(line);
        }
    }
}
