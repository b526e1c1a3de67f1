using EcsBuildTasks.Aws.ECS.Model;

namespace EcsBuildTasks.Aws.ECS;

/// <summary>Conversions between what ECS returns and what it accepts.</summary>
public static class TaskDefinitionExtensions
{
    /// <summary>
    /// The request that registers a new revision equal to <paramref name="taskDefinition"/>: every registrable member
    /// is carried over (a deep copy), the read-only ones (ARN, revision, status, compatibilities, registeredAt, ...) are
    /// left out, as the service would reject or ignore them. Tags are not part of a task definition; pass them here.
    /// </summary>
    /// <remarks>
    /// The copy goes through the wire format: the request's members share names and shapes with the task definition's
    /// (checked against the model by a test), so a member added to both by a model update is carried without code changes.
    /// </remarks>
    public static RegisterTaskDefinitionRequest ToRegisterTaskDefinitionRequest(this TaskDefinition taskDefinition, List<Tag>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(taskDefinition);
        var request = EcsJson.Deserialize<RegisterTaskDefinitionRequest>(EcsJson.Serialize(taskDefinition));
        request.Tags = tags;
        return request;
    }
}
