using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace EcsBuildTasks.LocalEcs.State;

/// <summary>
/// Keeps the state file: loads it at start, and rewrites it atomically (temporary file + rename) shortly after changes
/// (debounced) and at shutdown. Without a state file it does nothing and state lives in memory only.
/// </summary>
internal sealed partial class StateStore
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(500);
    private readonly string? path;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly Lock gate = new();
    private long dirtySince = -1;

    public StateStore(string? path, TimeProvider time, ILogger logger)
    {
        this.path = path is null ? null : Path.GetFullPath(path);
        this.time = time;
        this.logger = logger;
    }

    public string? FilePath => path;

    /// <summary>The folder beside the state file that holds registry blobs.</summary>
    public string? BlobDirectory => path is null ? null : path + ".blobs";

    public AccountState Load()
    {
        if (path is null || !File.Exists(path))
        {
            return new AccountState();
        }

        using var stream = File.OpenRead(path);
        var state = JsonSerializer.Deserialize(stream, StateJsonContext.Default.AccountState) ?? new AccountState();
        LogLoaded(logger, path);
        return state;
    }

    /// <summary>Notes that state changed; the next <see cref="SaveIfDue"/> after the debounce interval writes it.</summary>
    public void MarkDirty()
    {
        if (path is null)
        {
            return;
        }

        lock (gate)
        {
            if (dirtySince < 0)
            {
                dirtySince = time.GetTimestamp();
            }
        }
    }

    public void SaveIfDue(AccountState state, DateTimeOffset simulatedNow)
    {
        lock (gate)
        {
            if (dirtySince < 0 || time.GetElapsedTime(dirtySince) < Debounce)
            {
                return;
            }

            dirtySince = -1;
        }

        Save(state, simulatedNow);
    }

    public void Save(AccountState state, DateTimeOffset simulatedNow)
    {
        if (path is null)
        {
            return;
        }

        byte[] bytes;
        lock (state.Sync)
        {
            state.SimulatedNow = simulatedNow;
            bytes = JsonSerializer.SerializeToUtf8Bytes(state, StateJsonContext.Default.AccountState);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, path, overwrite: true);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded state from {Path}")]
    private static partial void LogLoaded(ILogger logger, string path);
}
