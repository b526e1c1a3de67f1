using EcsBuildTasks.Aws.ECR.Model;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Features.Images;

/// <summary>An existing image the project deploys (<c>EcsImage</c>) instead of one the build pushes.</summary>
internal sealed class ExternalImages(AwsSession aws, IDeploymentLog log)
{
    /// <summary>
    /// For an <c>EcsImage</c> in this account's registry, checks it exists and pins it by digest, so every task of the
    /// deployment runs the same bits even if the tag moves. Other registries' images are used as given.
    /// </summary>
    public async Task<string> ResolveAsync(string image, string account, string region, CancellationToken cancellationToken)
    {
        var reference = ImageReference.Parse(image);
        var accountRegistry = $"{account}.dkr.ecr.{region}.amazonaws.com";
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
