using System.Text.RegularExpressions;
using EcsBuildTasks.LocalEcs.Hosting;
using EcsBuildTasks.LocalEcs.Registry;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Simulation;

/// <summary>
/// Decides whether a container image can be pulled. Images in LocalEcs's registry (<c>localhost:&lt;port&gt;/…</c>, or an
/// ECR host name of this account) must exist there; images from other registries cannot be checked offline and are
/// assumed pullable (use <c>LOCALECS_SIMULATE=pull-error</c> to rehearse a failing pull).
/// </summary>
internal static partial class ImageResolver
{
    public static ImageResolution Resolve(LocalEcsRuntime runtime, string image)
    {
        var slash = image.IndexOf('/', StringComparison.Ordinal);
        var host = slash > 0 ? image[..slash] : string.Empty;
        var isLocal = host == runtime.RegistryHost || host == $"127.0.0.1:{runtime.Port}" || EcrHost().IsMatch(host);
        if (!isLocal)
        {
            return new ImageResolution(Checked: false, Exists: true, RepositoryExists: true, Digest: null);
        }

        var path = image[(slash + 1)..];
        string repositoryName;
        string? tag = null;
        string? digest = null;
        var at = path.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            repositoryName = path[..at];
            digest = path[(at + 1)..];
        }
        else
        {
            var colon = path.LastIndexOf(':');
            repositoryName = colon > path.LastIndexOf('/') && colon >= 0 ? path[..colon] : path;
            tag = colon > path.LastIndexOf('/') && colon >= 0 ? path[(colon + 1)..] : "latest";
        }

        if (!runtime.State.Repositories.TryGetValue(repositoryName, out var repository))
        {
            return new ImageResolution(Checked: true, Exists: false, RepositoryExists: false, Digest: null);
        }

        digest ??= tag is not null ? repository.Tags2Digest.GetValueOrDefault(tag) : null;
        var exists = digest is not null && BlobStore.IsDigest(digest) && repository.Images.ContainsKey(digest);
        return new ImageResolution(Checked: true, Exists: exists, RepositoryExists: true, Digest: exists ? digest : null);
    }

    /// <summary>Marks the image as pulled (ECR's lastRecordedPullTime).</summary>
    public static void RecordPull(AccountState state, string image, string? digest, DateTimeOffset now)
    {
        if (digest is null)
        {
            return;
        }

        foreach (var repository in state.Repositories.Values)
        {
            if (repository.Images.TryGetValue(digest, out var record) && image.Contains(repository.Name, StringComparison.Ordinal))
            {
                record.LastPulledAt = now;
            }
        }
    }

    [GeneratedRegex(@"^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(:\d+)?$")]
    private static partial Regex EcrHost();
}

internal sealed record ImageResolution(bool Checked, bool Exists, bool RepositoryExists, string? Digest);
