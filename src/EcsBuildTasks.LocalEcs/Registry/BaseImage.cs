using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Registry;

/// <summary>
/// The built-in base image <c>localhost:&lt;port&gt;/localecs/base:latest</c>: an OCI index over linux/amd64 and
/// linux/arm64 images, each one tiny gzip layer plus a config with the environment the .NET SDK reads from
/// Microsoft's ASP.NET images (<c>ASPNETCORE_HTTP_PORTS=8080</c> → exposed port, <c>APP_UID=1654</c> → user). Not
/// runnable, but enough to build and push .NET app images offline. Built deterministically, so its digests are stable.
/// </summary>
internal static class BaseImage
{
    public const string Repository = "localecs/base";
    public const string Tag = "latest";
    public const string IndexMediaType = "application/vnd.oci.image.index.v1+json";
    public const string ManifestMediaType = "application/vnd.oci.image.manifest.v1+json";
    public const string ConfigMediaType = "application/vnd.oci.image.config.v1+json";
    public const string LayerMediaType = "application/vnd.oci.image.layer.v1.tar+gzip";

    private static readonly DateTimeOffset Created = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Pushes the image into <paramref name="blobs"/> and records it in <paramref name="state"/> (under its lock).</summary>
    public static string Install(AccountState state, BlobStore blobs, DateTimeOffset now)
    {
        if (!state.Repositories.TryGetValue(Repository, out var repository))
        {
            repository = new EcrRepository
            {
                Name = Repository,
                Arn = $"arn:aws:ecr:{Account.DefaultRegion}:{Account.Id}:repository/{Repository}",
                CreatedAt = now,
            };
            state.Repositories[Repository] = repository;
        }

        var manifests = new JsonArray();
        foreach (var architecture in new[] { "amd64", "arm64" })
        {
            var (layer, diffId) = Layer(architecture);
            var layerDigest = blobs.Put(layer);
            var config = Encoding.UTF8.GetBytes(new JsonObject
            {
                ["architecture"] = architecture,
                ["os"] = "linux",
                ["created"] = "2026-01-01T00:00:00Z",
                ["config"] = new JsonObject
                {
                    ["Env"] = new JsonArray("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "ASPNETCORE_HTTP_PORTS=8080", "APP_UID=1654"),
                    ["WorkingDir"] = "/",
                },
                ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray(diffId) },
                ["history"] = new JsonArray(new JsonObject { ["created"] = "2026-01-01T00:00:00Z", ["created_by"] = "LocalEcs built-in base image" }),
            }.ToJsonString());
            var configDigest = blobs.Put(config);
            var manifest = Encoding.UTF8.GetBytes(new JsonObject
            {
                ["schemaVersion"] = 2,
                ["mediaType"] = ManifestMediaType,
                ["config"] = new JsonObject { ["mediaType"] = ConfigMediaType, ["digest"] = configDigest, ["size"] = config.Length },
                ["layers"] = new JsonArray(new JsonObject { ["mediaType"] = LayerMediaType, ["digest"] = layerDigest, ["size"] = layer.Length }),
            }.ToJsonString());
            var manifestDigest = blobs.Put(manifest);
            repository.Blobs.Add(layerDigest);
            repository.Blobs.Add(configDigest);
            repository.Images[manifestDigest] = new EcrImage
            {
                Digest = manifestDigest,
                MediaType = ManifestMediaType,
                ArtifactMediaType = ConfigMediaType,
                SizeInBytes = layer.Length,
                PushedAt = now,
                References = [configDigest, layerDigest],
            };
            manifests.Add(new JsonObject
            {
                ["mediaType"] = ManifestMediaType,
                ["digest"] = manifestDigest,
                ["size"] = manifest.Length,
                ["platform"] = new JsonObject { ["architecture"] = architecture, ["os"] = "linux" },
            });
        }

        var index = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = IndexMediaType,
            ["manifests"] = manifests,
        }.ToJsonString());
        var indexDigest = blobs.Put(index);
        repository.Images[indexDigest] = new EcrImage
        {
            Digest = indexDigest,
            MediaType = IndexMediaType,
            SizeInBytes = index.Length,
            PushedAt = now,
            References = manifests.Select(m => m!["digest"]!.GetValue<string>()).ToList(),
        };
        repository.Tags2Digest[Tag] = indexDigest;
        return indexDigest;
    }

    /// <summary>A gzip layer holding one file that names the image; returns it and the digest of the uncompressed tar.</summary>
    private static (byte[] Layer, string DiffId) Layer(string architecture)
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Ustar, leaveOpen: true))
        {
            var content = Encoding.UTF8.GetBytes($"LocalEcs base image (linux/{architecture}); not runnable, for building images offline.\n");
            var entry = new UstarTarEntry(TarEntryType.RegularFile, "etc/localecs-base-release")
            {
                DataStream = new MemoryStream(content),
                ModificationTime = Created,
                Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            };
            writer.WriteEntry(entry);
        }

        var uncompressed = tar.ToArray();
        using var gzip = new MemoryStream();
        using (var compressor = new GZipStream(gzip, CompressionLevel.Optimal, leaveOpen: true))
        {
            compressor.Write(uncompressed);
        }

        return (gzip.ToArray(), BlobStore.DigestOf(uncompressed));
    }
}
