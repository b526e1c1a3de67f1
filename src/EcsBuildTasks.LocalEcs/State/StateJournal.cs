using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EcsBuildTasks.LocalEcs.State;

/// <summary>
/// The changes between two serializations of the state, as journal records: each record lists the parts of the JSON
/// document that differ (set a value at a path, delete an object member, shorten an array). Documents are compared part by
/// part: containers larger than <see cref="SplitBytes"/> are compared member by member (item by item), smaller ones and
/// scalars as a whole, so registering the thousandth task definition writes one task definition, not a thousand. Works on
/// the serialized form, so every part of <see cref="AccountState"/> is covered, including parts added later.
/// </summary>
internal static class StateJournal
{
    /// <summary>Containers up to this size are written whole when they change.</summary>
    public const int SplitBytes = 4096;

    /// <summary>Indexes a serialized document: where each part starts and ends, down to the split size.</summary>
    public static JsonPart Index(byte[] document)
    {
        // One pass. Children are kept as plain ranges on a shared stack and become objects only when their container
        // turns out larger than the split size: most of a state (small records) costs no allocation here.
        var reader = new Utf8JsonReader(document, new JsonReaderOptions { MaxDepth = 256 });
        var stack = new List<Child>(256);
        reader.Read();
        var root = ReadPart(ref reader, document, stack);
        return root.Part ?? new JsonPart(root.Start, root.Length, null, null);
    }

    /// <summary>Writes the operations that turn <paramref name="before"/> into <paramref name="after"/>; returns how many.</summary>
    public static int Diff(byte[] before, JsonPart? beforeIndex, byte[] after, JsonPart afterIndex, Utf8JsonWriter operations)
    {
        var count = 0;
        var path = new List<object>();
        Diff(before, beforeIndex, after, afterIndex, path, operations, ref count);
        return count;
    }

    /// <summary>Applies one record's operations (as written by <see cref="Diff"/>) to a document.</summary>
    public static JsonNode? Apply(JsonNode? root, JsonArray operations)
    {
        foreach (var operation in operations)
        {
            var op = operation!.AsArray();
            var kind = op[0]!.GetValue<string>();
            var path = op[1]!.AsArray();
            if (path.Count == 0)
            {
                if (kind != "s")
                {
                    throw new JsonException("A journal operation on the whole document must set it.");
                }

                root = op[2]?.DeepClone();
                continue;
            }

            var parent = root;
            for (var i = 0; i < path.Count - 1; i++)
            {
                parent = Child(parent, path[i]!) ?? throw new JsonException($"Journal path {path.ToJsonString()} does not exist in the state.");
            }

            var last = path[^1]!;
            switch (kind, parent)
            {
                case ("s", JsonObject obj):
                    obj[last.GetValue<string>()] = op[2]?.DeepClone();
                    break;
                case ("s", JsonArray array):
                    var index = last.GetValue<int>();
                    if (index < array.Count)
                    {
                        array[index] = op[2]?.DeepClone();
                    }
                    else if (index == array.Count)
                    {
                        array.Add(op[2]?.DeepClone());
                    }
                    else
                    {
                        throw new JsonException($"Journal path {path.ToJsonString()} skips array items.");
                    }

                    break;
                case ("d", JsonObject obj):
                    obj.Remove(last.GetValue<string>());
                    break;
                case ("t", _):
                    var target = Child(parent, last) as JsonArray ?? throw new JsonException($"Journal path {path.ToJsonString()} is not an array.");
                    var length = op[2]!.GetValue<int>();
                    while (target.Count > length)
                    {
                        target.RemoveAt(target.Count - 1);
                    }

                    break;
                default:
                    throw new JsonException($"Journal operation '{kind}' does not apply at {path.ToJsonString()}.");
            }
        }

        return root;
    }

    private static JsonNode? Child(JsonNode? parent, JsonNode key) => parent switch
    {
        JsonObject obj => obj[key.GetValue<string>()],
        JsonArray array when key.GetValue<int>() is var i && i >= 0 && i < array.Count => array[i],
        _ => null,
    };

    /// <summary>
    /// Reads one value; returns its range, and its part when it is a container larger than the split size. Its
    /// children are pushed on <paramref name="stack"/> while it is read and popped before it returns.
    /// </summary>
    private static Child ReadPart(ref Utf8JsonReader reader, byte[] document, List<Child> stack)
    {
        var start = (int)reader.TokenStartIndex;
        var isObject = reader.TokenType == JsonTokenType.StartObject;
        if (!isObject && reader.TokenType != JsonTokenType.StartArray)
        {
            return new Child(start, (int)reader.BytesConsumed - start, -1, 0, null);
        }

        var first = stack.Count;
        while (reader.Read() && reader.TokenType is not (JsonTokenType.EndObject or JsonTokenType.EndArray))
        {
            var nameStart = -1;
            var nameLength = 0;
            if (isObject)
            {
                nameStart = (int)reader.TokenStartIndex;
                nameLength = (int)reader.BytesConsumed - nameStart;
                reader.Read();
            }

            var child = ReadPart(ref reader, document, stack);
            stack.Add(child with { NameStart = nameStart, NameLength = nameLength });
        }

        var length = (int)reader.BytesConsumed - start;
        JsonPart? part = null;
        if (length > SplitBytes)
        {
            if (isObject)
            {
                var members = new Dictionary<string, JsonPart>(stack.Count - first, StringComparer.Ordinal);
                for (var i = first; i < stack.Count; i++)
                {
                    var child = stack[i];
                    members[Name(document, child.NameStart, child.NameLength)] = child.Part ?? new JsonPart(child.Start, child.Length, null, null);
                }

                part = new JsonPart(start, length, members, null);
            }
            else
            {
                var items = new List<JsonPart>(stack.Count - first);
                for (var i = first; i < stack.Count; i++)
                {
                    items.Add(stack[i].Part ?? new JsonPart(stack[i].Start, stack[i].Length, null, null));
                }

                part = new JsonPart(start, length, null, items);
            }
        }

        stack.RemoveRange(first, stack.Count - first);
        return new Child(start, length, -1, 0, part);
    }

    /// <summary>A property name token (quotes included, maybe escaped) as the name it stands for.</summary>
    private static string Name(byte[] document, int start, int length)
    {
        var reader = new Utf8JsonReader(document.AsSpan(start, length));
        reader.Read();
        return reader.GetString()!;
    }

    private static void Diff(byte[] before, JsonPart? old, byte[] after, JsonPart now, List<object> path, Utf8JsonWriter operations, ref int count)
    {
        if (old is not null && before.AsSpan(old.Start, old.Length).SequenceEqual(after.AsSpan(now.Start, now.Length)))
        {
            return;
        }

        if (old?.Members is { } oldMembers && now.Members is { } newMembers)
        {
            foreach (var (name, part) in newMembers)
            {
                path.Add(name);
                Diff(before, oldMembers.GetValueOrDefault(name), after, part, path, operations, ref count);
                path.RemoveAt(path.Count - 1);
            }

            foreach (var name in oldMembers.Keys.Where(k => !newMembers.ContainsKey(k)))
            {
                path.Add(name);
                WriteOperation(operations, "d", path, null, ref count);
                path.RemoveAt(path.Count - 1);
            }

            return;
        }

        if (old?.Items is { } oldItems && now.Items is { } newItems)
        {
            for (var i = 0; i < newItems.Count; i++)
            {
                path.Add(i);
                Diff(before, i < oldItems.Count ? oldItems[i] : null, after, newItems[i], path, operations, ref count);
                path.RemoveAt(path.Count - 1);
            }

            if (oldItems.Count > newItems.Count)
            {
                WriteOperation(operations, "t", path, writer => writer.WriteNumberValue(newItems.Count), ref count);
            }

            return;
        }

        var slice = after.AsMemory(now.Start, now.Length);
        WriteOperation(operations, "s", path, writer => writer.WriteRawValue(slice.Span, skipInputValidation: true), ref count);
    }

    private static void WriteOperation(Utf8JsonWriter writer, string kind, List<object> path, Action<Utf8JsonWriter>? value, ref int count)
    {
        writer.WriteStartArray();
        writer.WriteStringValue(kind);
        writer.WriteStartArray();
        foreach (var segment in path)
        {
            if (segment is int index)
            {
                writer.WriteNumberValue(index);
            }
            else
            {
                writer.WriteStringValue((string)segment);
            }
        }

        writer.WriteEndArray();
        value?.Invoke(writer);
        writer.WriteEndArray();
        count++;
    }

    /// <summary>Renders one journal record: a line of JSON ending in a newline.</summary>
    public static byte[] Record(long sequence, DateTimeOffset simulatedNow, Action<Utf8JsonWriter> writeOperations)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("seq", sequence);
            writer.WriteString("now", simulatedNow.ToString("O", CultureInfo.InvariantCulture));
            writer.WritePropertyName("ops");
            writer.WriteStartArray();
            writeOperations(writer);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        buffer.Write("\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads the records of a journal file's bytes; a last line that is incomplete or unreadable was never acknowledged.</summary>
    public static List<(long Sequence, DateTimeOffset Now, JsonArray Operations)> ReadRecords(byte[] journal, string file, out bool tornTail)
    {
        var records = new List<(long, DateTimeOffset, JsonArray)>();
        tornTail = false;
        var lines = journal.AsSpan();
        var lineNumber = 0;
        while (!lines.IsEmpty)
        {
            lineNumber++;
            var end = lines.IndexOf((byte)'\n');
            var line = end < 0 ? lines : lines[..end];
            var rest = end < 0 ? [] : lines[(end + 1)..];
            var isLast = rest.TrimStart("\n\0 "u8).IsEmpty;
            try
            {
                if (end < 0)
                {
                    throw new JsonException("no end of line");
                }

                var record = JsonNode.Parse(line) as JsonObject ?? throw new JsonException("not an object");
                var sequence = record["seq"]?.GetValue<long>() ?? throw new JsonException("no seq");
                var now = DateTimeOffset.Parse(record["now"]?.GetValue<string>() ?? throw new JsonException("no now"), CultureInfo.InvariantCulture);
                records.Add((sequence, now, record["ops"] as JsonArray ?? throw new JsonException("no ops")));
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
            {
                if (!isLast)
                {
                    throw new LocalEcsStateException(file, $"line {lineNumber} of the journal is damaged ({e.Message}) and later lines follow it");
                }

                // Torn by a crash while being written: its request was never answered, so nothing acknowledged is lost.
                tornTail = true;
                break;
            }

            lines = rest;
        }

        return records;
    }
}

/// <summary>A value seen while indexing: its range, where its property name is (in an object), and its part when split.</summary>
internal readonly record struct Child(int Start, int Length, int NameStart, int NameLength, JsonPart? Part);

/// <summary>One part of a serialized document: its byte range, and its members or items when it is split further.</summary>
internal sealed record JsonPart(int Start, int Length, Dictionary<string, JsonPart>? Members, List<JsonPart>? Items);
