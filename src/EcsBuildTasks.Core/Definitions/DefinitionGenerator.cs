using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Definitions;

/// <summary>
/// Builds the task and service definitions from the settings (read already) and the templates, lets the strategy and
/// the features shape them, and validates the result. Nothing here reads MSBuild input or calls AWS.
/// </summary>
internal static class DefinitionGenerator
{
    /// <summary>The definitions, or null when the configuration has errors (all of them are in <paramref name="diagnostics"/>).</summary>
    public static GeneratedDefinitions? Generate(EcsSettings settings, IStrategyDefinitions strategy, IReadOnlyList<IDefinitionContributor> features, DiagnosticCollection diagnostics)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(strategy);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var taskTemplate = TemplateLoader.LoadTaskDefinition(settings.TaskDefinitionTemplate, diagnostics);
        var serviceTemplate = TemplateLoader.LoadServiceDefinition(settings.ServiceDefinitionTemplate, diagnostics);
        if (diagnostics.HasErrors)
        {
            // Values that could not be read would only produce follow-up errors.
            return null;
        }

        var target = LaunchTarget.Resolve(settings, serviceTemplate);
        var task = TaskDefinitionBuilder.Build(settings, taskTemplate, target);
        var service = ServiceDefinitionBuilder.Build(settings, serviceTemplate, target, task);
        var definitions = new GeneratedDefinitions(settings, target, task, service) { Strategy = strategy, Features = features };
        foreach (var contributor in definitions.Contributors)
        {
            contributor.Shape(definitions);
        }

        TaskDefinitionValidator.Validate(definitions, diagnostics);
        ServiceDefinitionValidator.Validate(definitions, diagnostics);
        foreach (var contributor in definitions.Contributors)
        {
            contributor.Validate(definitions, diagnostics);
        }

        return diagnostics.HasErrors ? null : definitions;
    }
}
