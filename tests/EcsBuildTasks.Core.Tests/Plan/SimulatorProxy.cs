using System.Net;
using System.Net.Sockets;

namespace EcsBuildTasks.Core.Tests.Plan;

/// <summary>
/// Forwards every request to LocalEcs but answers IAM SimulatePrincipalPolicy itself (LocalEcs does not serve IAM's
/// policy simulator) with the decision given, in IAM's Query XML.
/// </summary>
internal sealed class SimulatorProxy : IAsyncDisposable
{
    private readonly HttpListener listener = new();
    private readonly HttpClient forward = new();
    private readonly Uri target;
    private readonly string decision;
    private readonly Task loop;

    public SimulatorProxy(string localEcsEndpoint, string decision)
    {
        target = new Uri(localEcsEndpoint.TrimEnd('/') + "/");
        this.decision = decision;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Endpoint = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/";
        }

        listener.Prefixes.Add(Endpoint);
        listener.Start();
        loop = Task.Run(ServeAsync);
    }

    public string Endpoint { get; }

    public int Simulations { get; private set; }

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var bytes = body.ToArray();
            var text = System.Text.Encoding.UTF8.GetString(bytes);
            if (text.Contains("Action=SimulatePrincipalPolicy", StringComparison.Ordinal))
            {
                Simulations++;
                var action = Uri.UnescapeDataString(text.Split('&').First(p => p.StartsWith("ActionNames.member.1=", StringComparison.Ordinal)).Split('=')[1]);
                var resource = Uri.UnescapeDataString(text.Split('&').First(p => p.StartsWith("ResourceArns.member.1=", StringComparison.Ordinal)).Split('=')[1]);
                var xml = $"""
                    <SimulatePrincipalPolicyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><SimulatePrincipalPolicyResult><IsTruncated>false</IsTruncated><EvaluationResults><member><EvalActionName>{action}</EvalActionName><EvalResourceName>{resource}</EvalResourceName><EvalDecision>{decision}</EvalDecision></member></EvaluationResults></SimulatePrincipalPolicyResult><ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata></SimulatePrincipalPolicyResponse>
                    """;
                await Answer(context, 200, "text/xml", System.Text.Encoding.UTF8.GetBytes(xml));
                continue;
            }

            using var request = new HttpRequestMessage(new HttpMethod(context.Request.HttpMethod), new Uri(target, context.Request.RawUrl!.TrimStart('/'))) { Content = new ByteArrayContent(bytes) };
            foreach (var name in context.Request.Headers.AllKeys.OfType<string>())
            {
                var value = context.Request.Headers[name]!;
                if (name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase))
                {
                    request.Content.Headers.TryAddWithoutValidation(name, value);
                }
                else if (name is not "Host" and not "Connection" and not "Expect")
                {
                    request.Headers.TryAddWithoutValidation(name, value);
                }
            }

            using var response = await forward.SendAsync(request);
            await Answer(context, (int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), await response.Content.ReadAsByteArrayAsync());
        }
    }

    private static async Task Answer(HttpListenerContext context, int status, string? contentType, byte[] body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        context.Response.ContentLength64 = body.Length;
        await context.Response.OutputStream.WriteAsync(body);
        context.Response.Close();
    }

    public async ValueTask DisposeAsync()
    {
        listener.Stop();
        listener.Close();
        await loop;
        forward.Dispose();
    }
}
