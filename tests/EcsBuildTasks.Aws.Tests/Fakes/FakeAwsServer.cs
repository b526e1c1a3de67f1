using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace EcsBuildTasks.Aws.Tests.Fakes;

/// <summary>A request as it arrived on the wire.</summary>
internal sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body, DateTimeOffset ReceivedAt)
{
    public string BodyText => Encoding.UTF8.GetString(Body);

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>What the fake server does with a request.</summary>
internal enum FaultKind
{
    /// <summary>Answer normally.</summary>
    Respond,

    /// <summary>Close the connection without answering (a reset load balancer, a killed proxy).</summary>
    DropConnection,

    /// <summary>Announce the full Content-Length but send only half the body, then close.</summary>
    TruncateBody,

    /// <summary>Never answer; the connection stays open until the client gives up or the server is disposed.</summary>
    Hang,
}

internal sealed record FakeResponse(int Status, string Body, FaultKind Fault = FaultKind.Respond)
{
    public Dictionary<string, string> Headers { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    public static FakeResponse Json(string body, int status = 200) => new(status, body) { Headers = { ["Content-Type"] = "application/x-amz-json-1.1" } };

    public static FakeResponse JsonError(int status, string code, string message) =>
        Json($$"""{"__type":"{{code}}","message":"{{message}}"}""", status);

    public FakeResponse WithHeader(string name, string value)
    {
        var copy = this with { Headers = new(Headers, StringComparer.OrdinalIgnoreCase) };
        copy.Headers[name] = value;
        return copy;
    }

    public static FakeResponse Xml(string body, int status = 200) => new(status, body) { Headers = { ["Content-Type"] = "text/xml" } };
}

/// <summary>
/// A scripted HTTP/1.1 server on a loopback port. Faults are injected at the socket, so the SDK's own HttpClient,
/// timeouts, connection handling and retry policy run unchanged (no custom HttpClientFactory, whose use would
/// bypass the SDK's Timeout; see the reference notes on AWSSDK.Core).
/// </summary>
internal sealed class FakeAwsServer : IAsyncDisposable
{
    private readonly TcpListener listener;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task acceptLoop;
    private readonly Func<RecordedRequest, int, FakeResponse> handler;
    private readonly ConcurrentQueue<RecordedRequest> requests = new();
    private readonly ConcurrentBag<TcpClient> connections = [];
    private readonly ConcurrentDictionary<int, TaskCompletionSource> waiters = new();
    private int count;

    /// <param name="handler">Called with each request and its zero-based index among all requests received.</param>
    public FakeAwsServer(Func<RecordedRequest, int, FakeResponse> handler)
    {
        this.handler = handler;
        listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        acceptLoop = AcceptAsync();
    }

    public string Endpoint => $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";

    public IReadOnlyList<RecordedRequest> Requests => [.. requests];

    /// <summary>Completes when the server has received <paramref name="n"/> requests.</summary>
    public Task WaitForRequestsAsync(int n, CancellationToken cancellationToken)
    {
        var waiter = waiters.GetOrAdd(n, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (Volatile.Read(ref count) >= n)
        {
            waiter.TrySetResult();
        }

        return waiter.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        foreach (var connection in connections)
        {
            connection.Dispose();
        }

        try
        {
            await acceptLoop;
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            var client = await listener.AcceptTcpClientAsync(stopping.Token);
            connections.Add(client);
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        try
        {
            using (client)
            {
                var stream = client.GetStream();
                var reader = new RequestReader(stream);
                while (!stopping.IsCancellationRequested)
                {
                    var request = await reader.ReadAsync(stopping.Token);
                    if (request is null)
                    {
                        return;
                    }

                    requests.Enqueue(request);
                    var index = Interlocked.Increment(ref count) - 1;
                    foreach (var (n, waiter) in waiters)
                    {
                        if (n <= index + 1)
                        {
                            waiter.TrySetResult();
                        }
                    }

                    var response = handler(request, index);
                    switch (response.Fault)
                    {
                        case FaultKind.DropConnection:
                            client.Client.LingerState = new LingerOption(true, 0);
                            return;
                        case FaultKind.Hang:
                            await Task.Delay(Timeout.Infinite, stopping.Token);
                            return;
                        case FaultKind.TruncateBody:
                            await WriteAsync(stream, response, truncate: true);
                            return;
                        default:
                            await WriteAsync(stream, response, truncate: false);
                            break;
                    }
                }
            }
        }
        catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away, or the server is stopping.
        }
    }

    private static async Task WriteAsync(NetworkStream stream, FakeResponse response, bool truncate)
    {
        var body = Encoding.UTF8.GetBytes(response.Body);
        var head = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {response.Status} {ReasonPhrase(response.Status)}\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\n")
            .Append(CultureInfo.InvariantCulture, $"Date: {DateTime.UtcNow:R}\r\n");
        if (!response.Headers.ContainsKey("x-amzn-RequestId"))
        {
            head.Append("x-amzn-RequestId: fake-").Append(Guid.NewGuid().ToString("N")).Append("\r\n");
        }

        foreach (var (name, value) in response.Headers)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        head.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
        await stream.WriteAsync(truncate ? body.AsMemory(0, body.Length / 2) : body);
        await stream.FlushAsync();
    }

    private static string ReasonPhrase(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    };

    /// <summary>Reads HTTP/1.1 requests (Content-Length bodies, which is all the SDK sends) from a connection.</summary>
    private sealed class RequestReader(NetworkStream stream)
    {
        private readonly byte[] buffer = new byte[64 * 1024];
        private int start;
        private int end;

        public async Task<RecordedRequest?> ReadAsync(CancellationToken cancellationToken)
        {
            int headerEnd;
            while ((headerEnd = IndexOfHeaderEnd()) < 0)
            {
                if (!await FillAsync(cancellationToken))
                {
                    return null;
                }
            }

            var headerText = Encoding.ASCII.GetString(buffer, start, headerEnd - start);
            start = headerEnd + 4;
            var lines = headerText.Split("\r\n");
            var requestLine = lines[0].Split(' ');
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var line in lines.Skip(1))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }

            var length = headers.TryGetValue("Content-Length", out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : 0;
            while (end - start < length)
            {
                if (!await FillAsync(cancellationToken))
                {
                    return null;
                }
            }

            var body = buffer.AsSpan(start, length).ToArray();
            start += length;
            return new RecordedRequest(requestLine[0], requestLine[1], headers, body, DateTimeOffset.UtcNow);
        }

        private int IndexOfHeaderEnd() => buffer.AsSpan(start, end - start).IndexOf("\r\n\r\n"u8) is var i and >= 0 ? start + i : -1;

        private async Task<bool> FillAsync(CancellationToken cancellationToken)
        {
            if (start > 0)
            {
                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }

            var read = await stream.ReadAsync(buffer.AsMemory(end), cancellationToken);
            end += read;
            return read > 0;
        }
    }
}
