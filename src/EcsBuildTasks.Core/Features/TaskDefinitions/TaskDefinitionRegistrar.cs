using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using EcsBuildTasks.Aws.ECS;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Features.Images;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Features.TaskDefinitions;

/// <summary>The task definition revision the service will run.</summary>
internal sealed record RegisteredTaskDefinition(string Arn, int Revision, string ContentHash, bool Registered);

/// <summary>
/// Registers a new task definition revision only when something that matters changed. The family's latest ACTIVE
/// revision carries the content hash of the definition it was registered from (a tag); an equal hash means the
/// definition is unchanged and that revision is reused, so an unchanged build burns no revision.
/// </summary>
internal sealed class TaskDefinitionRegistrar(AwsSession aws, IDeploymentLog log)
{
    public const string ContentHashTag = "ecsbuildtasks:content-hash";
    public const string GitCommitTag = "ecsbuildtasks:git-commit";

    /// <summary>Tags this tool adds; they describe a revision and never make it differ.</summary>
    private static readonly string[] OwnTags = [ContentHashTag, GitCommitTag, ImageReuse.FingerprintTag];

    public async Task<RegisteredTaskDefinition> RegisterAsync(RegisterTaskDefinitionRequest desired, string? gitCommit, string? imageFingerprint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(desired);
        var hash = ContentHash(desired);
        var latest = await LatestActiveAsync(desired.Family!, cancellationToken).ConfigureAwait(false);
        if (latest is { } current && current.Tags.TryGetValue(ContentHashTag, out var currentHash) && currentHash == hash)
        {
            log.Info($"EcsBuildTasks: task definition {desired.Family}:{current.Definition.Revision} is unchanged (content hash {hash[..12]}); not registering a new revision");
            return new RegisteredTaskDefinition(current.Definition.TaskDefinitionArn!, current.Definition.Revision ?? 0, hash, Registered: false);
        }

        desired.Tags = [.. (desired.Tags ?? []).Where(t => Array.IndexOf(OwnTags, t.Key) < 0)];
        desired.Tags.Add(new Tag { Key = ContentHashTag, Value = hash });
        if (gitCommit is not null)
        {
            desired.Tags.Add(new Tag { Key = GitCommitTag, Value = gitCommit });
        }

        if (imageFingerprint is not null)
        {
            desired.Tags.Add(new Tag { Key = ImageReuse.FingerprintTag, Value = imageFingerprint });
        }

        RegisterTaskDefinitionResponse response;
        try
        {
            response = await AwsCalls.RunAsync("ECS RegisterTaskDefinition", () => aws.Ecs.RegisterTaskDefinitionAsync(desired, cancellationToken)).ConfigureAwait(false);
        }
        catch (DeploymentException ex) when (ex.InnerException is Amazon.Runtime.AmazonServiceException service && !AwsCalls.IsAccessDenied(service))
        {
            throw new DeploymentException(DiagnosticCodes.TaskDefinitionRejected, EcsProperties.TaskFamily,
                $"ECS rejected the task definition {desired.Family}: {service.ErrorCode}: {service.Message} (the definition is in task-definition.json next to this build's plan).", ex);
        }

        var registered = response.TaskDefinition ?? throw new DeploymentException(DiagnosticCodes.AwsRequestFailed, "ECS RegisterTaskDefinition", "ECS RegisterTaskDefinition returned no task definition.");
        log.Info($"EcsBuildTasks: registered task definition {registered.Family}:{registered.Revision}{(latest is null ? " (first revision of the family)" : string.Empty)}");
        return new RegisteredTaskDefinition(registered.TaskDefinitionArn!, registered.Revision ?? 0, hash, Registered: true);
    }

    /// <summary>True for the tags this tool adds to a revision (they describe it and never make it differ).</summary>
    public static bool IsOwnTag(string? key) => key is not null && Array.IndexOf(OwnTags, key) >= 0;

    /// <summary>
    /// SHA-256 over the canonical JSON of the definition (object members sorted, nulls left out, our own tags excluded):
    /// equal for equal definitions whatever the member order of templates.
    /// </summary>
    public static string ContentHash(RegisterTaskDefinitionRequest definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var node = JsonNode.Parse(EcsJson.Serialize(definition))!.AsObject();
        if (node["tags"] is JsonArray tags)
        {
            foreach (var tag in tags.Where(t => Array.IndexOf(OwnTags, (string?)t?["key"]) >= 0).ToList())
            {
                tags.Remove(tag);
            }
        }

        var canonical = CanonicalJson.Write(node);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    private async Task<(TaskDefinition Definition, Dictionary<string, string> Tags)?> LatestActiveAsync(string family, CancellationToken cancellationToken)
    {
        try
        {
            var response = await AwsCalls.RunAsync("ECS DescribeTaskDefinition", () => aws.Ecs.DescribeTaskDefinitionAsync(new DescribeTaskDefinitionRequest { TaskDefinition = family, Include = ["TAGS"] }, cancellationToken)).ConfigureAwait(false);
            var tags = (response.Tags ?? []).Where(t => t.Key is not null).ToDictionary(t => t.Key!, t => t.Value ?? string.Empty, StringComparer.Ordinal);
            return response.TaskDefinition is { } definition ? (definition, tags) : null;
        }
        catch (DeploymentException ex) when (ex.InnerException is ClientException)
        {
            // "Unable to describe task definition.": the family has no ACTIVE revision yet.
            return null;
        }
    }
}
