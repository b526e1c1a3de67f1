using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Definitions;

/// <summary>The generated, validated definitions and the settings they came from.</summary>
public sealed record GeneratedDefinitions(
    EcsSettings Settings,
    LaunchTarget Target,
    RegisterTaskDefinitionRequest TaskDefinition,
    CreateServiceRequest Service)
{
    public ContainerDefinition MainContainer => TaskDefinitionBuilder.MainContainer(Settings, TaskDefinition);
}

/// <summary>Reads the settings and templates, builds both definitions and validates them.</summary>
public static class DefinitionGenerator
{
    /// <summary>The definitions, or null when the configuration has errors (all of them are in <paramref name="diagnostics"/>).</summary>
    public static GeneratedDefinitions? Generate(SettingsInput input, DiagnosticCollection diagnostics)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var settings = SettingsReader.Read(input, diagnostics);
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
        PlatformDefinitions.Apply(settings, task, service);
        DefinitionValidator.Validate(settings, task, service, target, diagnostics);
        PlatformValidator.Validate(settings, task, service, diagnostics);
        return diagnostics.HasErrors ? null : new GeneratedDefinitions(settings, target, task, service);
    }
}
