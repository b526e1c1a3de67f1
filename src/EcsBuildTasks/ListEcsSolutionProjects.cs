using System.Xml;
using System.Xml.Linq;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using MSBuildTask = Microsoft.Build.Utilities.Task;

namespace EcsBuildTasks;

/// <summary>
/// The projects a solution build builds, read from the <c>CurrentSolutionConfigurationContents</c> the solution passes
/// to each of its projects, each with the configuration and platform the solution builds it in (as
/// <c>AdditionalProperties</c>): a project asked for another's result with exactly those global properties shares
/// that project's build instead of starting a second one.
/// </summary>
public sealed class ListEcsSolutionProjects : MSBuildTask
{
    [Required]
    public string SolutionConfigurationContents { get; set; } = string.Empty;

    [Output]
    public ITaskItem[] Projects { get; private set; } = [];

    public override bool Execute()
    {
        try
        {
            var projects = new List<ITaskItem>();
            foreach (var element in XDocument.Parse(SolutionConfigurationContents).Root?.Elements("ProjectConfiguration") ?? [])
            {
                var path = (string?)element.Attribute("AbsolutePath");
                if (path is null || !string.Equals((string?)element.Attribute("BuildProjectInSolution"), "True", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                // "Release|AnyCPU": the solution configuration's choice for this project.
                var parts = element.Value.Split('|');
                var properties = parts.Length == 2 ? $"Configuration={parts[0]};Platform={parts[1]}" : string.Empty;
                var item = new TaskItem(Path.GetFullPath(path));
                item.SetMetadata("AdditionalProperties", properties);
                projects.Add(item);
            }

            Projects = [.. projects];
        }
        catch (XmlException ex)
        {
            Log.LogMessage(MessageImportance.Low, $"EcsBuildTasks: could not read the solution's configuration ({ex.Message}); ordering and the combined result cover this project only");
        }

        return true;
    }
}
