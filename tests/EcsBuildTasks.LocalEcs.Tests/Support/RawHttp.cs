using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace EcsBuildTasks.LocalEcs.Tests.Support;

/// <summary>
/// HTTP/1.1 by hand, for requests HttpClient will not send: a Content-Length far larger than what follows, a body
/// streamed on and on until the server refuses it.
/// </summary>
internal static class RawHttp
{
    /// <summary>Sends the head (and <paramref name="body"/>, if any) and returns the status code and body of the answer.</summary>
    public static async Task<(int Status, string Text)> SendAsync(int port, string head, byte[]? body = null)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("localhost", port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ReplaceLineEndings("\r\n").TrimEnd() + "\r\n\r\n"));
        if (body is not null)
        {
            await stream.WriteAsync(body);
        }

        return await ReadResponseAsync(stream);
    }

    /// <summary>
    /// Sends the head with <c>Transfer-Encoding: chunked</c>, then 64 KiB chunks until <paramref name="maximum"/> bytes
    /// or until the server stops reading; returns the answer and how much was sent.
    /// </summary>
    public static async Task<(int Status, string Text, long Sent)> StreamAsync(int port, string head, long maximum)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("localhost", port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ReplaceLineEndings("\r\n").TrimEnd() + "\r\nTransfer-Encoding: chunked\r\n\r\n"));
        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, (byte)'[');
        var header = Encoding.ASCII.GetBytes(chunk.Length.ToString("x", CultureInfo.InvariantCulture) + "\r\n");
        long sent = 0;
        try
        {
            while (sent < maximum && !client.Client.Poll(0, SelectMode.SelectRead))
            {
                await stream.WriteAsync(header);
                await stream.WriteAsync(chunk);
                await stream.WriteAsync("\r\n"u8.ToArray());
                sent += chunk.Length;
            }

            if (sent >= maximum)
            {
                await stream.WriteAsync("0\r\n\r\n"u8.ToArray());
            }
        }
        catch (IOException)
        {
            // The server closed the connection after refusing the body: its answer is already on the way.
        }

        var (status, text) = await ReadResponseAsync(stream);
        return (status, text, sent);
    }

    private static async Task<(int Status, string Text)> ReadResponseAsync(NetworkStream stream)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await stream.ReadAsync(buffer, timeout.Token);
                if (read == 0)
                {
                    break;
                }

                received.Write(buffer, 0, read);
                var text = Encoding.UTF8.GetString(received.ToArray());
                var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                if (end > 0)
                {
                    var length = text[..end].Split("\r\n").FirstOrDefault(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
                    if (length is not null && received.Length >= end + 4 + int.Parse(length[15..].Trim(), CultureInfo.InvariantCulture))
                    {
                        break;
                    }
                }
            }
        }
        catch (IOException) when (received.Length > 0)
        {
            // Reset after the answer was sent.
        }

        var all = Encoding.UTF8.GetString(received.ToArray());
        Assert.IsTrue(all.StartsWith("HTTP/1.1 ", StringComparison.Ordinal), "no HTTP answer: " + all);
        return (int.Parse(all[9..12], CultureInfo.InvariantCulture), all);
    }
}
