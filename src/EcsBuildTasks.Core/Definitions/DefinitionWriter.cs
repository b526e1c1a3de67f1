using System.Text;
using EcsBuildTasks.Aws.ECS;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Definitions;

/// <summary>The files <see cref="DefinitionWriter"/> wrote.</summary>
internal sealed record DefinitionFiles(string TaskDefinitionFile, string ServiceDefinitionFile, string PlanFile);

/// <summary>
/// Writes <c>task-definition.json</c> and <c>service-definition.json</c> (exactly what <c>aws ecs register-task-definition</c>
/// and <c>aws ecs create-service</c> take as <c>--cli-input-json</c>) and <c>plan.txt</c>, the human summary.
/// </summary>
internal static class DefinitionWriter
{
    public const string TaskDefinitionFileName = "task-definition.json";
    public const string ServiceDefinitionFileName = "service-definition.json";
    public const string PlanFileName = "plan.txt";

    public static DefinitionFiles Write(GeneratedDefinitions definitions, string directory)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        Directory.CreateDirectory(directory);
        var files = new DefinitionFiles(
            Path.Combine(directory, TaskDefinitionFileName),
            Path.Combine(directory, ServiceDefinitionFileName),
            Path.Combine(directory, PlanFileName));
        WriteIfChanged(files.TaskDefinitionFile, EcsJson.Serialize(definitions.TaskDefinition, indented: true) + "\n");
        WriteIfChanged(files.ServiceDefinitionFile, EcsJson.Serialize(definitions.Service, indented: true) + "\n");
        WriteIfChanged(files.PlanFile, string.Join("\n", PlanSummary.Lines(definitions, files)) + "\n");
        return files;
    }

    /// <summary>
    /// Reads back the definitions <see cref="Write"/> wrote for these settings (the plan's), for a step that checks them
    /// rather than generating them again. They were validated when they were written.
    /// </summary>
    public static GeneratedDefinitions Read(DefinitionFiles files, EcsSettings settings, IStrategyDefinitions strategy, IReadOnlyList<IDefinitionContributor> features)
    {
        ArgumentNullException.ThrowIfNull(files);
        try
        {
            var task = EcsJson.Deserialize<RegisterTaskDefinitionRequest>(File.ReadAllText(files.TaskDefinitionFile));
            var service = EcsJson.Deserialize<CreateServiceRequest>(File.ReadAllText(files.ServiceDefinitionFile));
            var target = new LaunchTarget(service.LaunchType?.Value, service.CapacityProviderStrategy ?? []);
            return new GeneratedDefinitions(settings, target, task, service) { Strategy = strategy, Features = features };
        }
        catch (Exception ex) when (ex is IOException or System.Text.Json.JsonException)
        {
            throw new DeploymentException(DiagnosticCodes.Internal, files.TaskDefinitionFile, $"The generated definitions ({files.TaskDefinitionFile}, {files.ServiceDefinitionFile}) could not be read ({ex.Message}); publish again.", ex);
        }
    }

    /// <summary>Leaves the file (and its timestamp) alone when the content is the same, so later incremental steps stay quiet.</summary>
    private static void WriteIfChanged(string path, string content)
    {
        if (File.Exists(path) && string.Equals(File.ReadAllText(path), content, StringComparison.Ordinal))
        {
            // Touch it so MSBuild's Inputs/Outputs check sees the outputs as newer than the inputs that triggered this run.
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
            return;
        }

        File.WriteAllText(path, content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }
}
