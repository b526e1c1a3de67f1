using EcsBuildTasks.Aws.ECR.Model;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Deployment;

/// <summary>What the steps before the image push found and prepared.</summary>
public sealed record PreparedDeployment(PreflightResult Preflight, PreparedRegistry? Registry, string? ResolvedImage);

/// <summary>
/// Runs before <c>PublishContainer</c>: the read-only preflight, then (only when every check passed) the ECR repository
/// and the push credentials, or, with <c>EcsImage</c>, the existing image's digest.
/// </summary>
public sealed class DeploymentPreparation(AwsSession aws, IDeploymentLog log)
{
    public async Task<PreparedDeployment> PrepareAsync(GeneratedDefinitions definitions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var settings = definitions.Settings;
        var repositoryName = settings.ImageIsExternal ? null : RepositoryName(settings);
        if (settings.Target == DeploymentTarget.Local)
        {
            await EnsureLocalClusterAsync(definitions.Service.Cluster!, cancellationToken).ConfigureAwait(false);
        }

        var preflight = await new Preflight(aws, log).RunAsync(definitions, repositoryName, cancellationToken).ConfigureAwait(false);
        if (settings.ImageIsExternal)
        {
            var image = await ResolveExternalImageAsync(settings.Image!, preflight, cancellationToken).ConfigureAwait(false);
            return new PreparedDeployment(preflight, null, image);
        }

        var registry = await new RegistryPreparation(aws, log).PrepareAsync(preflight, settings, cancellationToken).ConfigureAwait(false);
        return new PreparedDeployment(preflight, registry, null);
    }

    /// <summary>
    /// LocalEcs is a rehearsal account that starts empty: create the cluster there (never in AWS, where a missing cluster
    /// is a mistake the preflight reports).
    /// </summary>
    private async Task EnsureLocalClusterAsync(string cluster, CancellationToken cancellationToken)
    {
        var found = await AwsCalls.RunAsync("ECS DescribeClusters", () => aws.Ecs.DescribeClustersAsync(new Aws.ECS.Model.DescribeClustersRequest { Clusters = [cluster] }, cancellationToken)).ConfigureAwait(false);
        if (found.Clusters?.Exists(c => c.Status == "ACTIVE") != true)
        {
            await AwsCalls.RunAsync("ECS CreateCluster", () => aws.Ecs.CreateClusterAsync(new Aws.ECS.Model.CreateClusterRequest { ClusterName = cluster }, cancellationToken)).ConfigureAwait(false);
            log.Info($"EcsBuildTasks: created cluster {cluster} in LocalEcs");
        }
    }

    /// <summary>The repository the SDK pushes to: <c>ContainerRepository</c>, normalised as the SDK does (lower case).</summary>
    public static string? RepositoryName(EcsSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.ContainerRepository?.ToLowerInvariant().Replace(' ', '-');
    }

    /// <summary>
    /// For an <c>EcsImage</c> in this account's registry, checks it exists and pins it by digest, so every task of the
    /// deployment runs the same bits even if the tag moves. Other registries' images are used as given.
    /// </summary>
    private async Task<string> ResolveExternalImageAsync(string image, PreflightResult preflight, CancellationToken cancellationToken)
    {
        var reference = ImageReference.Parse(image);
        var accountRegistry = $"{preflight.Account}.dkr.ecr.{preflight.Region}.amazonaws.com";
        var isAccountRegistry = string.Equals(reference.Registry, accountRegistry, StringComparison.OrdinalIgnoreCase)
            || (aws.Factory.Settings.EndpointUrl is { } endpoint && Uri.TryCreate(endpoint, UriKind.Absolute, out var uri)
                && string.Equals(reference.Registry, $"{uri.Host}:{uri.Port}", StringComparison.OrdinalIgnoreCase));
        if (!isAccountRegistry)
        {
            log.Info($"EcsBuildTasks: deploying the existing image {image} ({EcsProperties.Image})");
            return image;
        }

        var id = reference.Digest is { } digest ? new ImageIdentifier { ImageDigest = digest } : new ImageIdentifier { ImageTag = reference.Tag ?? "latest" };
        try
        {
            var response = await AwsCalls.RunAsync("ECR DescribeImages", () => aws.Ecr.DescribeImagesAsync(new DescribeImagesRequest { RepositoryName = reference.Repository, ImageIds = [id] }, cancellationToken)).ConfigureAwait(false);
            var found = response.ImageDetails?.FirstOrDefault() ?? throw new DeploymentException(DiagnosticCodes.ImageNotFound, EcsProperties.Image, $"{EcsProperties.Image}={image}: ECR has no such image.");
            var pinned = $"{reference.Registry}/{reference.Repository}@{found.ImageDigest}";
            log.Info($"EcsBuildTasks: deploying the existing image {image} as {pinned} ({EcsProperties.Image})");
            return pinned;
        }
        catch (DeploymentException ex) when (ex.InnerException is ImageNotFoundException or RepositoryNotFoundException)
        {
            throw new DeploymentException(DiagnosticCodes.ImageNotFound, EcsProperties.Image, $"{EcsProperties.Image}={image}: ECR has no such image ({ex.InnerException.Message}).", ex);
        }
    }
}

/// <summary>A container image reference split into registry, repository, tag and digest.</summary>
public sealed record ImageReference(string? Registry, string Repository, string? Tag, string? Digest)
{
    public static ImageReference Parse(string image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var rest = image;
        string? digest = null;
        var at = rest.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            digest = rest[(at + 1)..];
            rest = rest[..at];
        }

        string? tag = null;
        var colon = rest.LastIndexOf(':');
        if (colon > rest.LastIndexOf('/'))
        {
            tag = rest[(colon + 1)..];
            rest = rest[..colon];
        }

        string? registry = null;
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0 && (rest[..slash].Contains('.', StringComparison.Ordinal) || rest[..slash].Contains(':', StringComparison.Ordinal) || rest[..slash] == "localhost"))
        {
            registry = rest[..slash];
            rest = rest[(slash + 1)..];
        }

        return new ImageReference(registry, rest, tag, digest);
    }
}
