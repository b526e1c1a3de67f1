using System.Collections;
using Microsoft.Build.Framework;

namespace EcsBuildTasks.Tests;

/// <summary>Records what a task logs, as MSBuild would show it; keeps what tasks register for the build (<see cref="RegisteredObjects"/>, shared by the engines of one build).</summary>
internal sealed class FakeBuildEngine(Dictionary<object, object>? registered = null) : IBuildEngine4
{
    /// <summary>What tasks registered with <see cref="RegisterTaskObject"/>: pass one dictionary to the engines of the tasks of one build.</summary>
    public Dictionary<object, object> RegisteredObjects { get; } = registered ?? [];

    public bool IsRunningMultipleNodes => false;

    public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs, string toolsVersion) => throw new NotSupportedException();

    public bool BuildProjectFilesInParallel(string[] projectFileNames, string[] targetNames, IDictionary[] globalProperties, IDictionary[] targetOutputsPerProject, string[] toolsVersion, bool useResultsCache, bool unloadProjectsOnCompletion) => throw new NotSupportedException();

    public BuildEngineResult BuildProjectFilesInParallel(string[] projectFileNames, string[] targetNames, IDictionary[] globalProperties, IList<string>[] removeGlobalProperties, string[] toolsVersion, bool returnTargetOutputs) => throw new NotSupportedException();

    public void Yield()
    {
    }

    public void Reacquire()
    {
    }

    public void RegisterTaskObject(object key, object obj, RegisteredTaskObjectLifetime lifetime, bool allowEarlyCollection) => RegisteredObjects[key] = obj;

    public object? GetRegisteredTaskObject(object key, RegisteredTaskObjectLifetime lifetime) => RegisteredObjects.GetValueOrDefault(key);

    public object? UnregisterTaskObject(object key, RegisteredTaskObjectLifetime lifetime) => RegisteredObjects.Remove(key, out var value) ? value : null;

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
