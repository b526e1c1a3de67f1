using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Features.Results;
using EcsBuildTasks.Core.Infrastructure;

namespace EcsBuildTasks;

/// <summary><c>dotnet msbuild -t:EcsRollback</c>: returns what the project deployed last to where it was before, through its deployment strategy, and waits.</summary>
public sealed class RollbackEcsService : EcsTask
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
        DeploymentReport report = null!;
        RunSynchronously(async () => report = await new Deployer(aws, DeploymentLog, TimeProvider.System) { ResolvedEndpoint = EndpointUrl }
            .RollbackAsync(definitions, CancellationToken).ConfigureAwait(false));
        foreach (var line in report.Result.SummaryLines())
        {
            DeploymentLog.Info(line);
        }

        if (report.Failure is { } failure)
        {
            diagnostics.Add(failure);
        }
    }
}
