using System.Runtime.InteropServices;

namespace EcsBuildTasks.LocalEcs.State;

/// <summary>
/// Flushes a folder's entries to disk, so that a rename done just before survives a crash (POSIX: fsync on the folder).
/// .NET has no API for it; Windows makes renames durable through its file system journal, so it is a no-op there.
/// </summary>
internal static partial class DirectorySync
{
    private const int ReadOnly = 0;

    public static void Flush(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var descriptor = Open(directory, ReadOnly);
        if (descriptor < 0)
        {
            return; // best effort: the file itself was flushed; only the rename's durability is at stake
        }

        try
        {
            _ = Fsync(descriptor);
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int descriptor);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);
}
