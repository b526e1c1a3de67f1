using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace EcsBuildTasks.LocalEcs.State;

/// <summary>
/// Keeps the state file durable. Every acknowledged change is first appended to a journal beside it
/// (<c>&lt;file&gt;.journal</c>) and flushed to disk before the answer leaves (<see cref="Record"/>, then
/// <see cref="FlushAsync"/>; concurrent requests share one flush). Shortly after changes, and at shutdown, the whole state
/// is written as a new snapshot (temporary file, flush, rename) and the journal keeps only what came after it. Loading
/// reads the snapshot and replays the journal; a file that cannot be read stops LocalEcs with
/// <see cref="LocalEcsStateException"/> instead of starting empty. Without a state file it does nothing.
/// </summary>
internal sealed partial class StateStore : IDisposable
{
    private const string SequenceMember = "JournalSequence";
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(500);
    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    private readonly string? path;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly Lock dirtyGate = new();
    private long dirtySince = -1;

    // The chain of records: guarded by the account lock (records are made in the order the changes happened).
    private byte[]? lastDocument;
    private JsonPart? lastIndex;
    private long sequence;

    // Records not yet in a snapshot, in sequence order; written ones are on disk in the journal.
    private readonly Lock recordsGate = new();
    private readonly List<(long Sequence, byte[] Bytes)> records = [];
    private readonly SemaphoreSlim writer = new(1, 1);
    private long written;
    private FileStream? journal;

    public StateStore(string? path, TimeProvider time, ILogger logger)
    {
        this.path = path is null ? null : Path.GetFullPath(path);
        this.time = time;
        this.logger = logger;
    }

    public string? FilePath => path;

    public string? JournalPath => path is null ? null : path + ".journal";

    /// <summary>The folder beside the state file that holds registry blobs.</summary>
    public string? BlobDirectory => path is null ? null : path + ".blobs";

    /// <summary>
    /// Moves the state file and its journal aside (<c>&lt;file&gt;.bak-&lt;time&gt;</c>) so that LocalEcs starts empty;
    /// returns the backups made. Registry blobs stay: they are content-addressed and only used when state refers to them.
    /// </summary>
    public IReadOnlyList<string> MoveAside()
    {
        var backups = new List<string>();
        if (path is null)
        {
            return backups;
        }

        var stamp = time.GetUtcNow().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        foreach (var file in new[] { path, JournalPath! })
        {
            if (File.Exists(file))
            {
                var backup = $"{file}.bak-{stamp}";
                File.Move(file, backup, overwrite: true);
                backups.Add(backup);
            }
        }

        return backups;
    }

    /// <summary>Reads the snapshot and replays the journal; throws <see cref="LocalEcsStateException"/> when either cannot be read.</summary>
    public AccountState Load()
    {
        if (path is null)
        {
            return new AccountState();
        }

        JsonNode? root = null;
        long snapshotSequence = 0;
        if (File.Exists(path))
        {
            var snapshot = ParseSnapshot(File.ReadAllBytes(path));
            if (snapshot[SequenceMember] is JsonValue stored && stored.TryGetValue<long>(out var s))
            {
                snapshotSequence = s;
            }

            snapshot.Remove(SequenceMember);
            root = snapshot;
        }

        sequence = snapshotSequence;
        var journalPath = JournalPath!;
        if (File.Exists(journalPath))
        {
            var replayed = 0;
            var journalRecords = StateJournal.ReadRecords(File.ReadAllBytes(journalPath), journalPath, out var torn);
            foreach (var (recordSequence, _, operations) in journalRecords)
            {
                if (recordSequence <= snapshotSequence)
                {
                    continue; // already in the snapshot (a crash came between writing it and shortening the journal)
                }

                if (recordSequence != sequence + 1)
                {
                    throw new LocalEcsStateException(journalPath, $"the journal jumps from change {sequence} to change {recordSequence}");
                }

                try
                {
                    root = StateJournal.Apply(root, operations);
                }
                catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
                {
                    throw new LocalEcsStateException(journalPath, $"change {recordSequence} of the journal does not apply to the state ({e.Message})");
                }

                sequence = recordSequence;
                replayed++;
            }

            if (torn)
            {
                LogTornJournal(logger, journalPath);
            }

            if (replayed > 0)
            {
                LogReplayed(logger, replayed, journalPath);
            }
        }

        if (root is null)
        {
            return new AccountState();
        }

        AccountState? state;
        try
        {
            state = root.Deserialize(StateJsonContext.Default.AccountState);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NotSupportedException or FormatException)
        {
            throw new LocalEcsStateException(path, "it does not hold LocalEcs's state (" + e.Message + ")");
        }

        LogLoaded(logger, path);
        return state ?? throw new LocalEcsStateException(path, "it holds no state");
    }

    /// <summary>Notes that state changed (the simulation's progress); the next <see cref="SaveIfDue"/> after the debounce interval writes it.</summary>
    public void MarkDirty()
    {
        if (path is null)
        {
            return;
        }

        lock (dirtyGate)
        {
            if (dirtySince < 0)
            {
                dirtySince = time.GetTimestamp();
            }
        }
    }

    /// <summary>
    /// Records what changed since the previous record as the next journal record (not yet on disk: see
    /// <see cref="FlushAsync"/>) and returns the sequence number the caller must wait for before acknowledging.
    /// </summary>
    public long Record(AccountState state, DateTimeOffset simulatedNow)
    {
        if (path is null)
        {
            return 0;
        }

        lock (state.Sync)
        {
            var recorded = RecordLocked(state, simulatedNow);
            MarkDirty();
            return recorded;
        }
    }

    /// <summary>Returns when every record up to <paramref name="upTo"/> is on disk (group commit: one flush serves every waiting request).</summary>
    public async Task FlushAsync(long upTo)
    {
        if (path is null || upTo <= Volatile.Read(ref written))
        {
            return;
        }

        await writer.WaitAsync();
        try
        {
            if (upTo <= written)
            {
                return;
            }

            List<(long Sequence, byte[] Bytes)> batch;
            lock (recordsGate)
            {
                batch = records.Where(r => r.Sequence > written).ToList();
            }

            journal ??= OpenJournal();
            foreach (var (_, bytes) in batch)
            {
                journal.Write(bytes);
            }

            journal.Flush(flushToDisk: true);
            if (batch.Count > 0)
            {
                Volatile.Write(ref written, batch[^1].Sequence);
            }
        }
        finally
        {
            writer.Release();
        }
    }

    public void SaveIfDue(AccountState state, DateTimeOffset simulatedNow)
    {
        lock (dirtyGate)
        {
            if (dirtySince < 0 || time.GetElapsedTime(dirtySince) < Debounce)
            {
                return;
            }

            dirtySince = -1;
        }

        Save(state, simulatedNow);
    }

    /// <summary>Writes the whole state as the new snapshot and shortens the journal to what came after it.</summary>
    public void Save(AccountState state, DateTimeOffset simulatedNow)
    {
        if (path is null)
        {
            return;
        }

        long snapshotSequence;
        byte[] document;
        lock (state.Sync)
        {
            // The snapshot is a point of the record chain, so a record made after it applies to it exactly.
            snapshotSequence = RecordLocked(state, simulatedNow);
            document = lastDocument!;
        }

        writer.Wait();
        try
        {
            var prefix = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{{\"{SequenceMember}\":{snapshotSequence}"));
            var separator = document.Length > 2 ? ","u8.ToArray() : [];
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            WriteDurably(path, prefix, separator, document.AsSpan(1).ToArray());

            List<(long Sequence, byte[] Bytes)> keep;
            lock (recordsGate)
            {
                records.RemoveAll(r => r.Sequence <= snapshotSequence);
                keep = records.Where(r => r.Sequence <= written).ToList();
            }

            journal?.Dispose();
            journal = null;
            if (keep.Count > 0 || File.Exists(JournalPath))
            {
                WriteDurably(JournalPath!, [.. keep.Select(r => r.Bytes)]);
            }

            if (snapshotSequence > written)
            {
                Volatile.Write(ref written, snapshotSequence);
            }
        }
        finally
        {
            writer.Release();
        }
    }

    public void Dispose()
    {
        journal?.Dispose();
        writer.Dispose();
    }

    private long RecordLocked(AccountState state, DateTimeOffset simulatedNow)
    {
        if (simulatedNow > state.SimulatedNow)
        {
            state.SimulatedNow = simulatedNow;
        }

        var document = JsonSerializer.SerializeToUtf8Bytes(state, StateJsonContext.Default.AccountState);
        var index = StateJournal.Index(document);
        var previous = lastDocument;
        var previousIndex = lastIndex;
        var changes = 0;
        var record = StateJournal.Record(sequence + 1, simulatedNow, writer => changes = StateJournal.Diff(previous ?? [], previousIndex, document, index, writer));
        lastDocument = document;
        lastIndex = index;
        if (changes == 0)
        {
            return sequence; // nothing new: wait only for what is already recorded
        }

        sequence++;
        lock (recordsGate)
        {
            records.Add((sequence, record));
        }

        return sequence;
    }

    private FileStream OpenJournal() =>
        new(JournalPath!, new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.Read, BufferSize = 0 });

    /// <summary>Writes a file under a temporary name, flushes it to disk, renames it into place and flushes the folder.</summary>
    private static void WriteDurably(string file, params byte[][] parts)
    {
        var temporary = file + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 64 * 1024))
        {
            foreach (var part in parts)
            {
                stream.Write(part);
            }

            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, file, overwrite: true);
        DirectorySync.Flush(Path.GetDirectoryName(file)!);
    }

    private JsonObject ParseSnapshot(byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            throw new LocalEcsStateException(path!, "the file is empty");
        }

        if (bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            throw new LocalEcsStateException(path!, "the file is UTF-16 text (LocalEcs writes UTF-8 JSON)");
        }

        var text = bytes.AsSpan().StartsWith(Utf8Bom) ? bytes.AsSpan(Utf8Bom.Length) : bytes.AsSpan();
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            throw new LocalEcsStateException(path!, "it is not valid JSON, perhaps cut short (" + e.Message + ")");
        }

        if (root is not JsonObject obj)
        {
            throw new LocalEcsStateException(path!, $"it holds a JSON {(root is null ? "null" : root.GetValueKind().ToString().ToLowerInvariant())}, not LocalEcs's state (an object)");
        }

        if (!obj.ContainsKey(nameof(AccountState.Regions)) || !obj.ContainsKey(nameof(AccountState.SimulatedNow)))
        {
            throw new LocalEcsStateException(path!, $"it is a JSON object without {nameof(AccountState.Regions)} and {nameof(AccountState.SimulatedNow)}, so not LocalEcs's state");
        }

        return obj;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded state from {Path}")]
    private static partial void LogLoaded(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Replayed {Count} changes from {Path}")]
    private static partial void LogReplayed(ILogger logger, int count, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The last change in {Path} was cut short by a crash before it was acknowledged; it is ignored")]
    private static partial void LogTornJournal(ILogger logger, string path);
}
