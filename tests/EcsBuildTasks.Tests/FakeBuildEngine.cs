using System.Collections;
using Microsoft.Build.Framework;

namespace EcsBuildTasks.Tests;

/// <summary>Records what a task logs, as MSBuild would show it.</summary>
internal sealed class FakeBuildEngine : IBuildEngine
{
    public List<BuildErrorEventArgs> Errors { get; } = [];

    public List<BuildWarningEventArgs> Warnings { get; } = [];

    public List<BuildMessageEventArgs> Messages { get; } = [];

    public bool ContinueOnError => false;

    public int LineNumberOfTaskNode => 0;

    public int ColumnNumberOfTaskNode => 0;

    public string ProjectFileOfTaskNode => "/repo/nuget/build/EcsBuildTasks.targets";

    public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs) => throw new NotSupportedException();

    public void LogCustomEvent(CustomBuildEventArgs e)
    {
    }

    public void LogErrorEvent(BuildErrorEventArgs e) => Errors.Add(e);

    public void LogMessageEvent(BuildMessageEventArgs e) => Messages.Add(e);

    public void LogWarningEvent(BuildWarningEventArgs e) => Warnings.Add(e);
}

internal sealed class TaskItem(string itemSpec, params (string Name, string Value)[] metadata) : ITaskItem
{
    private readonly Dictionary<string, string> metadata = metadata.ToDictionary(m => m.Name, m => m.Value, StringComparer.OrdinalIgnoreCase);

    public string ItemSpec { get; set; } = itemSpec;

    public ICollection MetadataNames => metadata.Keys.ToList();

    public int MetadataCount => metadata.Count;

    public IDictionary CloneCustomMetadata() => new Dictionary<string, string>(metadata);

    public void CopyMetadataTo(ITaskItem destinationItem)
    {
        foreach (var (name, value) in metadata)
        {
            destinationItem.SetMetadata(name, value);
        }
    }

    public string GetMetadata(string metadataName) => metadata.TryGetValue(metadataName, out var value) ? value : string.Empty;

    public void RemoveMetadata(string metadataName) => metadata.Remove(metadataName);

    public void SetMetadata(string metadataName, string metadataValue) => metadata[metadataName] = metadataValue;
}
