using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Features.OneOffTasks;

/// <summary>
/// Pre-deploy tasks and <c>-t:EcsRunTask</c> in the definitions: the container each runs in must exist and be essential
/// (its exit must end the task); the plan lists the pre-deploy tasks.
/// </summary>
internal sealed class OneOffTaskDefinitions : IDefinitionContributor
{
    public static OneOffTaskDefinitions Instance { get; } = new();

    public void Shape(GeneratedDefinitions definitions)
    {
    }

    public void Validate(GeneratedDefinitions definitions, DiagnosticCollection diagnostics)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var settings = definitions.Settings;
        foreach (var oneOff in settings.PreDeployTasks.Append(settings.RunTask))
        {
            ValidateOneOffTask(settings, oneOff, definitions.TaskDefinition, diagnostics);
        }
    }

    public IEnumerable<string> PlanLines(GeneratedDefinitions definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        foreach (var task in definitions.Settings.PreDeployTasks)
        {
            yield return $"  Pre-deploy  {task.Name}: container {task.Container ?? definitions.MainContainer.Name}{(task.Command.Count > 0 ? ", command " + string.Join(' ', task.Command) : string.Empty)}; a non-zero exit code stops the deployment";
        }
    }

    private static void ValidateOneOffTask(EcsSettings settings, OneOffTaskSetting oneOff, RegisterTaskDefinitionRequest task, DiagnosticCollection diagnostics)
    {
        var name = oneOff.Container ?? TaskDefinitionBuilder.MainContainerName(settings, task);
        var container = task.ContainerDefinitions?.Find(c => c.Name == name);
        var subject = oneOff.Name == "EcsRunTask" ? EcsProperties.RunTaskContainer : oneOff.Subject;
        if (container is null)
        {
            diagnostics.Error(DiagnosticCodes.OneOffTaskInvalid, subject,
                $"{subject} runs in container '{name}', which the task definition does not have; containers: {string.Join(", ", (task.ContainerDefinitions ?? []).Select(c => c.Name))}.");
        }
        else if (container.Essential == false)
        {
            diagnostics.Error(DiagnosticCodes.OneOffTaskInvalid, subject,
                $"{subject} runs in container '{name}', which is not essential: its exit would not stop the task, so the build could not tell when it finished. Use an essential container.");
        }
    }
}
