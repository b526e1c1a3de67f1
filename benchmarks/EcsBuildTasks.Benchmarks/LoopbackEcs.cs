using System.Net;
using System.Net.Sockets;
using System.Text;

namespace EcsBuildTasks.Benchmarks;

/// <summary>
/// A minimal keep-alive HTTP/1.1 endpoint on loopback that answers every request with an empty ListClusters result,
/// so the client benchmark measures the client, not a peer.
/// </summary>
internal sealed class LoopbackEcs : IDisposable
{
    private const string Body = """{"clusterArns":[]}""";

    private static readonly byte[] Response = Encoding.ASCII.GetBytes(
        $"HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\nx-amzn-RequestId: bench\r\nContent-Length: {Body.Length}\r\n\r\n{Body}");

    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stopping = new();

    public LoopbackEcs()
    {
        listener.Start();
        _ = AcceptAsync();
    }

    public string Endpoint => $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";

    public void Dispose()
    {
        stopping.Cancel();
        listener.Stop();
        stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(stopping.Token).ConfigureAwait(false);
                _ = ServeAsync(client);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            var buffer = new byte[64 * 1024];
            var filled = 0;
            try
            {
                while (!stopping.IsCancellationRequested)
                {
                    var read = await stream.ReadAsync(buffer.AsMemory(filled), stopping.Token).ConfigureAwait(false);
                    if (read == 0)
                    {
                        return;
                    }

                    filled += read;

                    // Requests are small and sequential: answer once headers and the declared body have arrived.
                    while (TryTakeRequest(buffer, ref filled))
                    {
                        await stream.WriteAsync(Response, stopping.Token).ConfigureAwait(false);
                    }
                }
            }
            catch (Exception exception) when (exception is IOException or OperationCanceledException or SocketException)
            {
            }
        }
    }

    private static bool TryTakeRequest(byte[] buffer, ref int filled)
    {
        var headerEnd = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8);
        if (headerEnd < 0)
        {
            return false;
        }

        var headers = Encoding.ASCII.GetString(buffer, 0, headerEnd);
        var length = 0;
        foreach (var line in headers.Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                length = int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        var total = headerEnd + 4 + length;
        if (filled < total)
        {
            return false;
        }

        Buffer.BlockCopy(buffer, total, buffer, 0, filled - total);
        filled -= total;
        return true;
    }
}
