using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using EcsBuildTasks.Aws.ECR.Model;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Features.Images;

/// <summary>
/// The SDK stamps every image it builds with the build time, so two builds of the same code never have the same digest.
/// To deploy only what changed, the build fingerprints what goes into the image instead: every file of the publish
/// folder (path and content), the base image reference, the container settings and the SDK version. When the revision
/// the family runs was built from the same fingerprint, its image is deployed again instead of pushing a copy.
/// </summary>
internal static class ImageFingerprint
{
    public static string Compute(string publishDirectory, IEnumerable<string> imageInputs)
    {
        ArgumentNullException.ThrowIfNull(imageInputs);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var input in imageInputs.Where(i => !string.IsNullOrWhiteSpace(i)).Order(StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes("input " + input.Trim() + "\n"));
        }

        var root = Path.GetFullPath(publishDirectory);
        if (Directory.Exists(root))
        {
            var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
                .Select(f => (Full: f, Relative: Path.GetRelativePath(root, f).Replace('\\', '/')))
                .OrderBy(f => f.Relative, StringComparer.Ordinal);
            foreach (var (full, relative) in files)
            {
                if (relative is DeploymentResultFileName)
                {
                    continue;
                }

                using var stream = File.OpenRead(full);
                hash.AppendData(Encoding.UTF8.GetBytes($"file {relative} {stream.Length.ToString(CultureInfo.InvariantCulture)} "));
                hash.AppendData(SHA256.HashData(stream));
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The result file lives in the publish folder but is written after the image is built.</summary>
    public const string DeploymentResultFileName = "ecs-deployment.json";
}

/// <summary>An image already in the repository that has exactly the content this build would push.</summary>
internal sealed record ReusableImage(string Image, string TaskDefinitionRevision, IReadOnlyList<PortSetting> Ports);

/// <summary>Finds the image of the family's latest revision when it was built from the same fingerprint, and re-tags it.</summary>
internal sealed class ImageReuse(AwsSession aws, IDeploymentLog log)
{
    public const string FingerprintTag = "ecsbuildtasks:image-fingerprint";

    /// <summary>
    /// On a service whose task definitions ECS registers (an Express service's primary container), the digest of the
    /// image the service was last deployed with from <see cref="FingerprintTag"/>'s fingerprint: the image is reused only
    /// while the service still runs exactly that image (not after a rollback to another one).
    /// </summary>
    public const string DigestTag = "ecsbuildtasks:image-digest";

    /// <param name="service">The cluster and service to look at when the family's latest revision does not carry the
    /// fingerprint: a service tagged with <see cref="FingerprintTag"/> and <see cref="DigestTag"/> (Express).</param>
    public async Task<ReusableImage?> FindAsync(string family, string? containerName, string fingerprint, PreparedRegistry registry, IReadOnlyList<string> tags, (string Cluster, string Name)? service, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(tags);
        DescribeTaskDefinitionResponse? latest;
        try
        {
            latest = await AwsCalls.RunAsync("ECS DescribeTaskDefinition", () => aws.Ecs.DescribeTaskDefinitionAsync(new DescribeTaskDefinitionRequest { TaskDefinition = family, Include = ["TAGS"] }, cancellationToken)).ConfigureAwait(false);
        }
        catch (DeploymentException ex) when (ex.InnerException is ClientException)
        {
            latest = null;
        }

        var prefix = $"{registry.Registry}/{registry.RepositoryName}@";
        (TaskDefinition Definition, ContainerDefinition Main)? source = null;
        if (latest?.TaskDefinition is { } definition && latest.Tags?.Find(t => t.Key == FingerprintTag)?.Value == fingerprint
            && MainContainer(definition, containerName) is { } main)
        {
            source = (definition, main);
        }
        else if (service is { } where)
        {
            source = await FromServiceAsync(where.Cluster, where.Name, containerName, fingerprint, prefix, cancellationToken).ConfigureAwait(false);
        }

        if (source is not ({ } found, { Image: { } image } container) || !image.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        return await ReuseAsync(registry, image, prefix, found, container, tags, cancellationToken).ConfigureAwait(false);
    }

    private static ContainerDefinition? MainContainer(TaskDefinition definition, string? containerName)
    {
        var containers = definition.ContainerDefinitions ?? [];
        return containers.Find(c => c.Name == containerName) ?? containers.Find(c => c.Name == "Main") ?? (containers.Count == 1 ? containers[0] : null);
    }

    /// <summary>The task definition a service tagged with this fingerprint runs, when its image is still the tagged digest.</summary>
    private async Task<(TaskDefinition, ContainerDefinition)?> FromServiceAsync(string cluster, string name, string? containerName, string fingerprint, string prefix, CancellationToken cancellationToken)
    {
        DescribeServicesResponse described;
        try
        {
            described = await AwsCalls.RunAsync("ECS DescribeServices", () => aws.Ecs.DescribeServicesAsync(new DescribeServicesRequest { Cluster = cluster, Services = [name], Include = ["TAGS"] }, cancellationToken)).ConfigureAwait(false);
        }
        catch (DeploymentException ex) when (ex.InnerException is ClientException or ClusterNotFoundException)
        {
            return null;
        }

        var service = described.Services?.FirstOrDefault(s => s.ServiceName == name && s.Status == "ACTIVE");
        var digest = service?.Tags?.Find(t => t.Key == DigestTag)?.Value;
        if (service?.TaskDefinition is not { } running || digest is null || service.Tags?.Find(t => t.Key == FingerprintTag)?.Value != fingerprint)
        {
            return null;
        }

        var definition = (await AwsCalls.RunAsync("ECS DescribeTaskDefinition", () => aws.Ecs.DescribeTaskDefinitionAsync(new DescribeTaskDefinitionRequest { TaskDefinition = running }, cancellationToken)).ConfigureAwait(false)).TaskDefinition;
        return definition is not null && MainContainer(definition, containerName) is { } main && main.Image == prefix + digest ? (definition, main) : null;
    }

    private async Task<ReusableImage?> ReuseAsync(PreparedRegistry registry, string image, string prefix, TaskDefinition definition, ContainerDefinition main, IReadOnlyList<string> tags, CancellationToken cancellationToken)
    {
        var digest = image[prefix.Length..];
        try
        {
            var found = await AwsCalls.RunAsync("ECR DescribeImages", () => aws.Ecr.DescribeImagesAsync(new DescribeImagesRequest { RepositoryName = registry.RepositoryName, ImageIds = [new ImageIdentifier { ImageDigest = digest }] }, cancellationToken)).ConfigureAwait(false);
            var detail = found.ImageDetails?.FirstOrDefault();
            if (detail is null)
            {
                return null;
            }

            await RetagAsync(registry.RepositoryName, digest, tags.Except(detail.ImageTags ?? [], StringComparer.Ordinal).ToList(), cancellationToken).ConfigureAwait(false);
        }
        catch (DeploymentException ex) when (ex.InnerException is ImageNotFoundException)
        {
            return null;
        }

        var ports = (main.PortMappings ?? []).Where(p => p.ContainerPort is not null).Select(p => new PortSetting(p.ContainerPort!.Value, p.Protocol?.Value ?? "tcp")).ToList();
        log.Info($"EcsBuildTasks: the image is unchanged since {definition.Family}:{definition.Revision} (same published files, base image and container settings): deploying {image} again instead of pushing a copy");
        return new ReusableImage(image, $"{definition.Family}:{definition.Revision}", ports);
    }

    /// <summary>Adds this build's tags to the reused image (ECR's documented re-tag: PutImage with the same manifest).</summary>
    private async Task RetagAsync(string repository, string digest, List<string> tags, CancellationToken cancellationToken)
    {
        if (tags.Count == 0)
        {
            return;
        }

        var images = await AwsCalls.RunAsync("ECR BatchGetImage", () => aws.Ecr.BatchGetImageAsync(new BatchGetImageRequest
        {
            RepositoryName = repository,
            ImageIds = [new ImageIdentifier { ImageDigest = digest }],
            AcceptedMediaTypes = ["application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.v2+json", "application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json"],
        }, cancellationToken)).ConfigureAwait(false);
        if (images.Images?.FirstOrDefault() is not { ImageManifest: { } manifest } found)
        {
            return;
        }

        foreach (var tag in tags)
        {
            try
            {
                await AwsCalls.RunAsync("ECR PutImage", () => aws.Ecr.PutImageAsync(new PutImageRequest { RepositoryName = repository, ImageManifest = manifest, ImageManifestMediaType = found.ImageManifestMediaType, ImageTag = tag, ImageDigest = digest }, cancellationToken)).ConfigureAwait(false);
            }
            catch (DeploymentException ex) when (ex.InnerException is ImageAlreadyExistsException or ImageTagAlreadyExistsException)
            {
                // Already tagged, or the tag is immutable and points elsewhere: the digest pin is what the deployment uses.
            }
        }

        log.Info($"EcsBuildTasks: tagged the image {string.Join(", ", tags)}");
    }
}
