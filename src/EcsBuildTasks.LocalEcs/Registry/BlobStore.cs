using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace EcsBuildTasks.LocalEcs.Registry;

/// <summary>
/// Content-addressed storage for registry blobs and manifests (<c>sha256:…</c>), in memory and, with a state file, in
/// <c>&lt;state-file&gt;.blobs/sha256/</c> so images survive restarts. Which repository holds which blob is state, not here.
/// </summary>
internal sealed class BlobStore
{
    private const int MemoryCacheLimit = 4 * 1024 * 1024;
    private readonly ConcurrentDictionary<string, byte[]> memory = new(StringComparer.Ordinal);
    private readonly string? directory;

    public BlobStore(string? directory)
    {
        this.directory = directory;
        if (directory is not null)
        {
            Directory.CreateDirectory(Path.Combine(directory, "sha256"));
        }
    }

    public static string DigestOf(ReadOnlySpan<byte> data) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(data));

    private static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");

    public static bool IsDigest(string value) =>
        value.StartsWith("sha256:", StringComparison.Ordinal) && value.Length == 71 && !value.AsSpan(7).ContainsAnyExcept(LowerHex);

    public bool Exists(string digest) => memory.ContainsKey(digest) || (PathOf(digest) is { } p && File.Exists(p));

    public byte[]? Get(string digest)
    {
        if (memory.TryGetValue(digest, out var data))
        {
            return data;
        }

        var path = PathOf(digest);
        return path is not null && File.Exists(path) ? File.ReadAllBytes(path) : null;
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

    /// <summary>Stores <paramref name="data"/> and returns its digest.</summary>
    public string Put(byte[] data)
    {
        var digest = DigestOf(data);
        if (Exists(digest))
        {
            return digest;
        }

        var path = PathOf(digest);
        if (path is not null)
        {
            var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            File.WriteAllBytes(temporary, data);
            File.Move(temporary, path, overwrite: true);
        }

        if (path is null || data.Length <= MemoryCacheLimit)
        {
            memory[digest] = data;
        }

        return digest;
    }

    public void Clear()
    {
        memory.Clear();
        if (directory is not null)
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(directory, "sha256")))
            {
                File.Delete(file);
            }
        }
    }

    private string? PathOf(string digest) =>
        directory is null || !IsDigest(digest) ? null : Path.Combine(directory, "sha256", digest[7..]);
}
