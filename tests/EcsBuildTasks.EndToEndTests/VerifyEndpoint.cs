using System.Net;
using System.Net.Sockets;
using System.Text;

namespace EcsBuildTasks.EndToEndTests;

/// <summary>
/// A local HTTP endpoint standing in for green behind the test listener: the build's verification gates probe it, and
/// the test decides what it answers.
/// </summary>
internal sealed class VerifyEndpoint : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly CancellationTokenSource stop = new();
    private readonly Task serving;
    private int requests;

    public VerifyEndpoint(HttpStatusCode status, string body)
    {
        Status = status;
        Body = body;
        var port = FreePort();
        Url = new Uri($"http://localhost:{port}/health");
        listener.Prefixes.Add($"http://localhost:{port}/");
        listener.Start();
        serving = Task.Run(ServeAsync);
    }

    public Uri Url { get; }

    public HttpStatusCode Status { get; set; }

    public string Body { get; set; }

    public int Requests => Volatile.Read(ref requests);

    public void Dispose()
    {
        stop.Cancel();
        listener.Close();
        try
        {
            serving.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        stop.Dispose();
    }

    private async Task ServeAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            Interlocked.Increment(ref requests);
            var bytes = Encoding.UTF8.GetBytes(Body);
            context.Response.StatusCode = (int)Status;
            context.Response.ContentType = "text/plain; charset=utf-8";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
