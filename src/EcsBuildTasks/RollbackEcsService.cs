using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Deployment;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks;

/// <summary><c>dotnet msbuild -t:EcsRollback</c>: returns the service to its previous revision and waits.</summary>
public sealed class RollbackEcsService : EcsTask
{
    public string? EndpointUrl { get; set; }

    protected override void ExecuteCore(SettingsInput input, DiagnosticCollection diagnostics)
    {
        if (DefinitionsOfDeployedService(input, diagnostics) is not { } definitions)
        {
            return;
        }

        var settings = definitions.Settings;
        using var aws = AwsSession.For(settings, EndpointUrl);
        // Fail-fast is for new revisions: a rollback goes to the revision that served before, so it runs to its end.
        var options = WaitOptions.For(settings, EndpointUrl) with { FailFastFailedTasks = null };
        DeploymentReport report = null!;
        RunSynchronously(async () => report = await new ServiceOperations(aws, DeploymentLog, TimeProvider.System)
            .RollbackAsync(definitions.Service.Cluster!, definitions.Service.ServiceName!, options, CancellationToken).ConfigureAwait(false));
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
