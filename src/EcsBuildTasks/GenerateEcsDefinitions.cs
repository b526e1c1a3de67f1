using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Engine;
using Microsoft.Build.Framework;

namespace EcsBuildTasks;

/// <summary>
/// Generates and validates the ECS task definition and service definition from the project's properties, items and
/// templates, and writes them (with the plan summary) to <see cref="OutputDirectory"/>.
/// </summary>
public sealed class GenerateEcsDefinitions : EcsTask
{
    /// <summary>Where task-definition.json, service-definition.json and plan.txt are written.</summary>
    [Required]
    public string OutputDirectory { get; set; } = string.Empty;

    [Output]
    public string? TaskDefinitionFile { get; private set; }

    [Output]
    public string? ServiceDefinitionFile { get; private set; }

    [Output]
    public string? PlanFile { get; private set; }

    private protected override void ExecuteCore(Project project, DiagnosticCollection diagnostics)
    {
        if (Generate(project, diagnostics) is not { } definitions)
        {
            return;
        }

        var files = DefinitionWriter.Write(definitions, OutputDirectory);
        TaskDefinitionFile = files.TaskDefinitionFile;
        ServiceDefinitionFile = files.ServiceDefinitionFile;
        PlanFile = files.PlanFile;
    }
}
