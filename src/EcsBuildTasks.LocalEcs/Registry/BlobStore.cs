using System.Collections.Concurrent;
using System.Security.Cryptography;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Registry;

/// <summary>
/// Content-addressed storage for registry blobs and manifests (<c>sha256:…</c>), always on disk: in
/// <c>&lt;state-file&gt;.blobs/sha256/</c> so images survive restarts, or without a state file in a temporary folder
/// deleted at shutdown. Layers are streamed to disk as they arrive (<see cref="BeginUpload"/>) and read back as streams,
/// so a pushed gigabyte never sits in memory; small blobs (manifests, configs) are also cached in memory. Which
/// repository holds which blob is state, not here.
/// </summary>
internal sealed class BlobStore : IDisposable
{
    private const int MemoryCacheLimit = 4 * 1024 * 1024;
    private static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");
    private readonly ConcurrentDictionary<string, byte[]> memory = new(StringComparer.Ordinal);
    private readonly string directory;
    private readonly bool temporary;

    public BlobStore(string? directory)
    {
        temporary = directory is null;
        this.directory = directory ?? Path.Combine(Path.GetTempPath(), "localecs-blobs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(this.directory, "sha256"));
        Directory.CreateDirectory(UploadDirectory);
        foreach (var abandoned in Directory.EnumerateFiles(UploadDirectory))
        {
            // Uploads in progress when LocalEcs stopped cannot be resumed (their sessions were in memory).
            File.Delete(abandoned);
        }
    }

    /// <summary>Where uploads in progress are written.</summary>
    public string UploadDirectory => Path.Combine(directory, "uploads");

    public static string DigestOf(ReadOnlySpan<byte> data) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(data));

    public static bool IsDigest(string value) =>
        value.StartsWith("sha256:", StringComparison.Ordinal) && value.Length == 71 && !value.AsSpan(7).ContainsAnyExcept(LowerHex);

    public bool Exists(string digest) => memory.ContainsKey(digest) || (PathOf(digest) is { } p && File.Exists(p));

    /// <summary>A small blob's bytes (a manifest, a config); null when absent. Use <see cref="OpenRead"/> for layers.</summary>
    public byte[]? Get(string digest)
    {
        if (memory.TryGetValue(digest, out var data))
        {
            return data;
        }

        var path = PathOf(digest);
        return path is not null && File.Exists(path) ? File.ReadAllBytes(path) : null;
    }

    /// <summary>A blob's content as a stream (from disk for large blobs); null when absent.</summary>
    public Stream? OpenRead(string digest)
    {
        if (memory.TryGetValue(digest, out var data))
        {
            return new MemoryStream(data, writable: false);
        }

        var path = PathOf(digest);
        return path is not null && File.Exists(path)
            ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024, useAsync: true)
            : null;
    }

    public long? Size(string digest)
    {
        if (memory.TryGetValue(digest, out var data))
        {
            return data.Length;
        }

        var path = PathOf(digest);
        return path is not null && File.Exists(path) ? new FileInfo(path).Length : null;
    }

    /// <summary>Stores <paramref name="data"/> durably and returns its digest.</summary>
    public string Put(byte[] data)
    {
        var digest = DigestOf(data);
        if (!Exists(digest))
        {
            var upload = BeginUpload();
            File.WriteAllBytes(upload, data);
            Commit(upload, digest);
        }

        if (data.Length <= MemoryCacheLimit)
        {
            memory[digest] = data;
        }

        return digest;
    }

    /// <summary>A new file to stream an upload into; <see cref="Commit"/> or <see cref="Discard"/> it.</summary>
    public string BeginUpload() => Path.Combine(UploadDirectory, Guid.NewGuid().ToString("N"));

    /// <summary>Moves a complete upload whose content has <paramref name="digest"/> into place, flushed to disk first.</summary>
    public void Commit(string upload, string digest)
    {
        var path = PathOf(digest) ?? throw new ArgumentException($"Not a sha256 digest: {digest}", nameof(digest));
        if (!temporary)
        {
            // The manifest that refers to this blob is acknowledged (and journaled) later: the blob must already be on disk.
            using var stream = new FileStream(upload, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            stream.Flush(flushToDisk: true);
        }

        if (File.Exists(path))
        {
            File.Delete(upload);
            return;
        }

        File.Move(upload, path, overwrite: true);
        if (!temporary)
        {
            DirectorySync.Flush(Path.GetDirectoryName(path)!);
        }
    }

    public static void Discard(string upload)
    {
        try
        {
            File.Delete(upload);
        }
        catch (IOException)
        {
            // Best effort: uploads left behind are deleted at the next start.
        }
    }

    public void Clear()
    {
        memory.Clear();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(directory, "sha256")))
        {
            File.Delete(file);
        }
    }

    public void Dispose()
    {
        if (temporary)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // A reader still has a file open; the system's temporary folder cleaning takes it later.
            }
        }
    }

    private string? PathOf(string digest) => IsDigest(digest) ? Path.Combine(directory, "sha256", digest[7..]) : null;
}
