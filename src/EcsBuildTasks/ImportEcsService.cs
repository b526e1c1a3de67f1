using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Features.Import;
using EcsBuildTasks.Core.Infrastructure;
using Microsoft.Build.Framework;

namespace EcsBuildTasks;

/// <summary>
/// <c>dotnet msbuild -t:EcsImport</c>: writes the <c>Ecs*</c> properties, items and templates that reproduce an existing
/// service into <see cref="ImportTo"/>. Sends read requests only.
/// </summary>
public sealed class ImportEcsService : EcsTask
{
    public string? EndpointUrl { get; set; }

    private protected override string? ResolvedEndpointUrl => EndpointUrl;

    /// <summary>The file to write, relative to the project (<c>EcsImportTo</c>).</summary>
    [Required]
    public string ImportTo { get; set; } = string.Empty;

    [Output]
    public string? ImportedFile { get; private set; }

    private protected override void ExecuteCore(Project project, DiagnosticCollection diagnostics)
    {
        using var aws = AwsSession.ReadOnlyFor(project.Settings, EndpointUrl);
        ImportResult? result = null;
        RunSynchronously(async () => result = await new ServiceImporter(aws, DeploymentLog).ImportAsync(project.Settings, ProjectDirectory, ImportTo, CancellationToken).ConfigureAwait(false));
        ImportedFile = result!.PropertiesFile;
        var projectFile = ProjectFile ?? BuildEngine?.ProjectFileOfTaskNode;
        if (!ImportedFile.EndsWith(".pubxml", StringComparison.OrdinalIgnoreCase) && projectFile is not null && File.Exists(projectFile)
            && !File.ReadAllText(projectFile).Contains(Path.GetFileName(ImportedFile), StringComparison.OrdinalIgnoreCase))
        {
            DeploymentLog.Info($"EcsBuildTasks: add <Import Project=\"{Path.GetRelativePath(Path.GetDirectoryName(projectFile)!, ImportedFile)}\" /> to {Path.GetFileName(projectFile)} so that its builds use the imported settings");
        }
    }
}
