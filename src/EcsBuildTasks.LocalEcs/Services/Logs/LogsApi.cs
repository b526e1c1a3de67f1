using System.Globalization;
using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Hosting;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Services.Logs;

/// <summary>CloudWatch Logs (JSON 1.1): groups, retention, streams and events; simulated containers write here too.</summary>
internal sealed class LogsApi : IAwsApi
{
    private static readonly HashSet<string> ServedOperations =
    [
        "CreateLogGroup",
        "DeleteLogGroup",
        "DescribeLogGroups",
        "PutRetentionPolicy",
        "DeleteRetentionPolicy",
        "CreateLogStream",
        "DeleteLogStream",
        "DescribeLogStreams",
        "PutLogEvents",
        "GetLogEvents",
        "FilterLogEvents",
        "TagResource",
        "UntagResource",
        "ListTagsForResource",
    ];

    private static readonly HashSet<int> RetentionValues = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

    public string SigningName => "logs";

    public IReadOnlyCollection<string> Operations => ServedOperations;

    public JsonNode? Invoke(AwsRequest request)
    {
        var groups = request.RegionState.LogGroups;
        var input = request.Input;
        switch (request.Operation)
        {
            case "CreateLogGroup":
            {
                var name = RequireGroupName(input);
                if (groups.ContainsKey(name))
                {
                    throw new AwsServiceException("ResourceAlreadyExistsException", "The specified log group already exists");
                }

                var group = CreateGroup(request.RegionState, name, request.Now);
                foreach (var (key, value) in input.Obj("tags") ?? [])
                {
                    group.Tags[key] = value?.GetValue<string>() ?? string.Empty;
                }

                return null;
            }

            case "DeleteLogGroup":
                if (!groups.Remove(RequireGroupName(input)))
                {
                    throw GroupNotFound();
                }

                return null;
            case "DescribeLogGroups":
                return DescribeLogGroups(request, groups);
            case "PutRetentionPolicy":
            {
                var group = FindGroup(groups, RequireGroupName(input));
                var days = input.Int("retentionInDays") ?? 0;
                if (!RetentionValues.Contains(days))
                {
                    throw new AwsServiceException("InvalidParameterException", $"1 validation error detected: Value '{days}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [{string.Join(", ", RetentionValues.Order())}]");
                }

                group.RetentionInDays = days;
                return null;
            }

            case "DeleteRetentionPolicy":
                FindGroup(groups, RequireGroupName(input)).RetentionInDays = null;
                return null;
            case "CreateLogStream":
            {
                var group = FindGroup(groups, RequireGroupName(input));
                var streamName = input.Str("logStreamName") ?? throw new AwsServiceException("InvalidParameterException", "logStreamName is required");
                if (group.Streams.ContainsKey(streamName))
                {
                    throw new AwsServiceException("ResourceAlreadyExistsException", "The specified log stream already exists");
                }

                group.Streams[streamName] = new LogStream { Name = streamName, CreationTime = request.Now };
                return null;
            }

            case "DeleteLogStream":
            {
                var group = FindGroup(groups, RequireGroupName(input));
                if (!group.Streams.Remove(input.Str("logStreamName") ?? string.Empty))
                {
                    throw StreamNotFound();
                }

                return null;
            }

            case "DescribeLogStreams":
                return DescribeLogStreams(request, groups);
            case "PutLogEvents":
            {
                var group = FindGroup(groups, RequireGroupName(input));
                var stream = group.Streams.GetValueOrDefault(input.Str("logStreamName") ?? string.Empty) ?? throw StreamNotFound();
                var events = input.Objects("logEvents").Select(e => (e["timestamp"]?.GetValue<long>() ?? 0, e.Str("message") ?? string.Empty)).ToList();
                Append(stream, events, request.Now);
                return new JsonObject { ["nextSequenceToken"] = stream.Events.Count.ToString("D56", CultureInfo.InvariantCulture) };
            }

            case "GetLogEvents":
                return GetLogEvents(request, groups);
            case "FilterLogEvents":
                return FilterLogEvents(request, groups);
            case "TagResource":
            {
                var group = FindGroupByArn(groups, input.Str("resourceArn"));
                foreach (var (key, value) in input.Obj("tags") ?? [])
                {
                    group.Tags[key] = value?.GetValue<string>() ?? string.Empty;
                }

                return null;
            }

            case "UntagResource":
            {
                var group = FindGroupByArn(groups, input.Str("resourceArn"));
                foreach (var key in input.Strings("tagKeys"))
                {
                    group.Tags.Remove(key);
                }

                return null;
            }

            default:
            {
                var group = FindGroupByArn(groups, input.Str("resourceArn"));
                var tags = new JsonObject();
                foreach (var (key, value) in group.Tags)
                {
                    tags[key] = value;
                }

                return new JsonObject { ["tags"] = tags };
            }
        }
    }

    public static LogGroup CreateGroup(RegionState region, string name, DateTimeOffset now)
    {
        var group = new LogGroup
        {
            Name = name,
            Arn = $"arn:aws:logs:{region.Name}:{Account.Id}:log-group:{name}",
            CreationTime = now,
        };
        region.LogGroups[name] = group;
        return group;
    }

    /// <summary>Appends events (timestamp in epoch milliseconds, message), keeping the stream's time bounds current.</summary>
    public static void Append(LogStream stream, IEnumerable<(long Timestamp, string Message)> events, DateTimeOffset now)
    {
        var ingestion = now.ToUnixTimeMilliseconds();
        foreach (var (timestamp, message) in events)
        {
            stream.Events.Add(new LogEventRecord { Timestamp = timestamp, Message = message, IngestionTime = ingestion });
            stream.FirstEventTimestamp = Math.Min(stream.FirstEventTimestamp ?? timestamp, timestamp);
            stream.LastEventTimestamp = Math.Max(stream.LastEventTimestamp ?? timestamp, timestamp);
        }

        stream.LastIngestionTime = ingestion;
    }

    private static JsonObject DescribeLogGroups(AwsRequest request, Dictionary<string, LogGroup> groups)
    {
        var prefix = request.Input.Str("logGroupNamePrefix");
        var pattern = request.Input.Str("logGroupNamePattern");
        var selected = groups.Values
            .Where(g => (prefix is null || g.Name.StartsWith(prefix, StringComparison.Ordinal)) && (pattern is null || g.Name.Contains(pattern, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(g => g.Name, StringComparer.Ordinal)
            .Select(g => (JsonNode?)new JsonObject
            {
                ["logGroupName"] = g.Name,
                ["creationTime"] = g.CreationTime.ToUnixTimeMilliseconds(),
                ["metricFilterCount"] = 0,
                ["arn"] = g.Arn + ":*",
                ["storedBytes"] = g.Streams.Values.Sum(s => s.Events.Sum(e => (long)e.Message.Length)),
                ["logGroupClass"] = g.LogGroupClass,
                ["logGroupArn"] = g.Arn,
            }.Put("retentionInDays", g.RetentionInDays));
        return Page(selected.ToList(), "logGroups");
    }

    private static JsonObject DescribeLogStreams(AwsRequest request, Dictionary<string, LogGroup> groups)
    {
        var group = FindGroup(groups, RequireGroupName(request.Input));
        var prefix = request.Input.Str("logStreamNamePrefix");
        var byTime = request.Input.Str("orderBy") == "LastEventTime";
        var descending = request.Input.Bool("descending") == true;
        var streams = group.Streams.Values.Where(s => prefix is null || s.Name.StartsWith(prefix, StringComparison.Ordinal));
        streams = byTime ? streams.OrderBy(s => s.LastEventTimestamp ?? 0) : streams.OrderBy(s => s.Name, StringComparer.Ordinal);
        if (descending)
        {
            streams = streams.Reverse();
        }

        var items = streams.Select(s => (JsonNode?)new JsonObject
        {
            ["logStreamName"] = s.Name,
            ["creationTime"] = s.CreationTime.ToUnixTimeMilliseconds(),
            ["arn"] = $"{group.Arn}:log-stream:{s.Name}",
            ["storedBytes"] = 0,
        }.Put("firstEventTimestamp", s.FirstEventTimestamp).Put("lastEventTimestamp", s.LastEventTimestamp).Put("lastIngestionTime", s.LastIngestionTime)).ToList();
        return Page(items, "logStreams");
    }

    private static JsonObject GetLogEvents(AwsRequest request, Dictionary<string, LogGroup> groups)
    {
        var input = request.Input;
        var group = FindGroup(groups, RequireGroupName(input));
        var stream = group.Streams.GetValueOrDefault(input.Str("logStreamName") ?? string.Empty) ?? throw StreamNotFound();
        var start = input["startTime"]?.GetValue<long>();
        var end = input["endTime"]?.GetValue<long>();
        var limit = input.Int("limit") ?? 10000;
        var events = stream.Events.Where(e => (start is null || e.Timestamp >= start) && (end is null || e.Timestamp < end)).ToList();
        var token = input.Str("nextToken");
        int from;
        int to;
        if (token is not null && token.Length > 2 && int.TryParse(token[2..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var position))
        {
            if (token[0] == 'b')
            {
                to = Math.Clamp(position, 0, events.Count);
                from = Math.Max(0, to - limit);
            }
            else
            {
                from = Math.Clamp(position, 0, events.Count);
                to = Math.Min(events.Count, from + limit);
            }
        }
        else if (input.Bool("startFromHead") == true)
        {
            from = 0;
            to = Math.Min(events.Count, limit);
        }
        else
        {
            to = events.Count;
            from = Math.Max(0, to - limit);
        }

        return new JsonObject
        {
            ["events"] = events.Skip(from).Take(to - from).Select(e => (JsonNode?)new JsonObject
            {
                ["timestamp"] = e.Timestamp,
                ["message"] = e.Message,
                ["ingestionTime"] = e.IngestionTime,
            }).ToJsonArray(),
            ["nextForwardToken"] = "f/" + to.ToString("D56", CultureInfo.InvariantCulture),
            ["nextBackwardToken"] = "b/" + from.ToString("D56", CultureInfo.InvariantCulture),
        };
    }

    private static JsonObject FilterLogEvents(AwsRequest request, Dictionary<string, LogGroup> groups)
    {
        var input = request.Input;
        var group = input.Str("logGroupName") is { } name ? FindGroup(groups, name) : FindGroupByArn(groups, input.Str("logGroupIdentifier"));
        var names = input.Strings("logStreamNames").ToHashSet(StringComparer.Ordinal);
        var prefix = input.Str("logStreamNamePrefix");
        var start = input["startTime"]?.GetValue<long>();
        var end = input["endTime"]?.GetValue<long>();
        var terms = Terms(input.Str("filterPattern"));
        var matches = group.Streams.Values
            .Where(st => (names.Count == 0 || names.Contains(st.Name)) && (prefix is null || st.Name.StartsWith(prefix, StringComparison.Ordinal)))
            .SelectMany(st => st.Events.Select((e, i) => (Stream: st, Event: e, Index: i)))
            .Where(x => (start is null || x.Event.Timestamp >= start) && (end is null || x.Event.Timestamp <= end)
                && terms.All(t => x.Event.Message.Contains(t, StringComparison.Ordinal)))
            .OrderBy(x => x.Event.Timestamp).ThenBy(x => x.Stream.Name, StringComparer.Ordinal).ThenBy(x => x.Index)
            .ToList();
        var page = matches.Select(x => (JsonNode?)new JsonObject
        {
            ["logStreamName"] = x.Stream.Name,
            ["timestamp"] = x.Event.Timestamp,
            ["message"] = x.Event.Message,
            ["ingestionTime"] = x.Event.IngestionTime,
            ["eventId"] = string.Create(CultureInfo.InvariantCulture, $"{x.Event.Timestamp:D20}{Math.Abs(x.Stream.Name.GetHashCode(StringComparison.Ordinal)):D10}{x.Index:D10}"),
        }).ToJsonArray();
        return new JsonObject { ["events"] = page, ["searchedLogStreams"] = new JsonArray() }; // the router pages (Hosting/Pagination)
    }

    /// <summary>Filter patterns as plain terms: every (optionally quoted) term must appear in the message.</summary>
    private static List<string> Terms(string? pattern)
    {
        var terms = new List<string>();
        if (string.IsNullOrWhiteSpace(pattern))
        {
            return terms;
        }

        var i = 0;
        while (i < pattern.Length)
        {
            if (char.IsWhiteSpace(pattern[i]))
            {
                i++;
            }
            else if (pattern[i] == '"')
            {
                var close = pattern.IndexOf('"', i + 1);
                close = close < 0 ? pattern.Length : close;
                terms.Add(pattern[(i + 1)..close]);
                i = close + 1;
            }
            else
            {
                var next = pattern.IndexOf(' ', i);
                next = next < 0 ? pattern.Length : next;
                terms.Add(pattern[i..next]);
                i = next;
            }
        }

        return terms;
    }

    /// <summary>Every item: the router cuts the page and checks the limit and nextToken (Hosting/Pagination).</summary>
    private static JsonObject Page(List<JsonNode?> items, string member) => new() { [member] = items.ToJsonArray() };

    private static string RequireGroupName(JsonObject input) =>
        input.Str("logGroupName") ?? input.Str("logGroupIdentifier") ?? throw new AwsServiceException("InvalidParameterException", "1 validation error detected: Value null at 'logGroupName' failed to satisfy constraint: Member must not be null");

    private static LogGroup FindGroup(Dictionary<string, LogGroup> groups, string name) =>
        groups.GetValueOrDefault(name) ?? groups.Values.FirstOrDefault(g => g.Arn == name || g.Arn + ":*" == name) ?? throw GroupNotFound();

    private static LogGroup FindGroupByArn(Dictionary<string, LogGroup> groups, string? arn) =>
        groups.Values.FirstOrDefault(g => arn is not null && (g.Arn == arn || g.Arn + ":*" == arn || g.Name == arn)) ?? throw GroupNotFound();

    private static AwsServiceException GroupNotFound() => new("ResourceNotFoundException", "The specified log group does not exist.");

    private static AwsServiceException StreamNotFound() => new("ResourceNotFoundException", "The specified log stream does not exist.");
}
