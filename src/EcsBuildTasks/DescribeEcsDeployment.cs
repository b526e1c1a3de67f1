using System.Globalization;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Engine;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace EcsBuildTasks;

/// <summary>
/// Describes the project to the other projects of a publish, before anything deploys: whether it deploys, which service
/// in which cluster, its result file and the projects it deploys after. Reports nothing: a project whose settings are
/// wrong says so in its own build; its description then lacks what could not be read.
/// </summary>
public sealed class DescribeEcsDeployment : EcsTask
{
    /// <summary>EcsDeploy=true and no EcsSkip.</summary>
    public bool Deploys { get; set; }

    public string? ResultFile { get; set; }

    /// <summary>The project files its <c>EcsDeployAfter</c> items name (full paths).</summary>
    public ITaskItem[] DeployAfter { get; set; } = [];

    /// <summary>The project files its <c>ProjectReference</c> items name (full paths): a referenced project never combines the results.</summary>
    public ITaskItem[] References { get; set; } = [];

    [Output]
    public ITaskItem? Description { get; private set; }

    private protected override bool ReportsDiagnostics => false;

    private protected override void ExecuteCore(Project project, DiagnosticCollection diagnostics)
    {
        var settings = project.Settings;
        var definitions = diagnostics.HasErrors ? null : DefinitionsOfDeployedService(project, diagnostics);
        var item = new TaskItem(ProjectFile ?? BuildEngine.ProjectFileOfTaskNode);
        item.SetMetadata("Deploys", Deploys ? "true" : "false");
        item.SetMetadata("DryRun", settings.DryRun ? "true" : "false");
        item.SetMetadata("Service", definitions?.Service.ServiceName ?? settings.ServiceName ?? string.Empty);
        item.SetMetadata("Cluster", definitions?.Service.Cluster ?? settings.Cluster ?? string.Empty);
        item.SetMetadata("Region", settings.Region ?? string.Empty);
        item.SetMetadata("EndpointUrl", settings.EndpointUrl ?? string.Empty);
        item.SetMetadata("Environment", settings.Release.Environment ?? string.Empty);
        item.SetMetadata("ResultFile", ResultFile ?? string.Empty);
        item.SetMetadata("DeployAfter", string.Join("|", DeployAfter.Select(d => d.ItemSpec)));
        item.SetMetadata("References", string.Join("|", References.Select(r => r.ItemSpec)));
        item.SetMetadata("DescribedAt", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        Description = item;
    }
}
