using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using EcsBuildTasks.Testing;

namespace EcsBuildTasks.EndToEndTests;

/// <summary>
/// The three ECR API calls a deployment makes before the push (DescribeRepositories, CreateRepository,
/// GetAuthorizationToken), answering for a real registry (Debian's docker-registry with htpasswd): the token is that
/// registry's Basic password and the proxy endpoint its address. moto has ECR but no registry behind it; this joins the
/// two so the push path runs against a real registry. Everything else goes to moto.
/// </summary>
internal sealed class FakeEcrApi : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly string registry;
    private readonly string password;
    private readonly HashSet<string> repositories = new(StringComparer.Ordinal);
    private readonly List<string> calls = [];

    public FakeEcrApi(string registry, string password)
    {
        this.registry = registry;
        this.password = password;
        Port = ProcessRunner.FreeTcpPort();
        listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public string Endpoint => $"http://127.0.0.1:{Port}";

    public IReadOnlyList<string> Calls { get { lock (calls) { return [.. calls]; } } }

    public void Dispose() => listener.Close();

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or SocketException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = JsonNode.Parse(await reader.ReadToEndAsync().ConfigureAwait(false)) as JsonObject ?? [];
            var operation = context.Request.Headers["X-Amz-Target"]?.Split('.').Last() ?? string.Empty;
            lock (calls)
            {
                calls.Add(operation);
            }

            var (status, response) = Answer(operation, body);
            var bytes = Encoding.UTF8.GetBytes(response.ToJsonString());
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/x-amz-json-1.1";
            context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
            await context.Response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
            context.Response.Close();
        }
    }

    private (int Status, JsonObject Body) Answer(string operation, JsonObject request)
    {
        switch (operation)
        {
            case "DescribeRepositories":
                var name = (string?)request["repositoryNames"]?[0] ?? string.Empty;
                lock (repositories)
                {
                    return repositories.Contains(name)
                        ? (200, new JsonObject { ["repositories"] = new JsonArray(Repository(name)) })
                        : (400, new JsonObject { ["__type"] = "RepositoryNotFoundException", ["message"] = $"The repository with name '{name}' does not exist in the registry with id '123456789012'" });
                }

            case "CreateRepository":
                var created = (string)request["repositoryName"]!;
                lock (repositories)
                {
                    repositories.Add(created);
                }

                return (200, new JsonObject { ["repository"] = Repository(created) });
            case "GetAuthorizationToken":
                var token = Convert.ToBase64String(Encoding.UTF8.GetBytes("AWS:" + password));
                return (200, new JsonObject
                {
                    ["authorizationData"] = new JsonArray(new JsonObject
                    {
                        ["authorizationToken"] = token,
                        ["expiresAt"] = DateTimeOffset.UtcNow.AddHours(12).ToUnixTimeSeconds(),
                        ["proxyEndpoint"] = "http://" + registry,
                    }),
                });
            default:
                return (400, new JsonObject { ["__type"] = "UnknownOperationException", ["message"] = operation });
        }
    }

    private JsonObject Repository(string name) => new()
    {
        ["repositoryArn"] = $"arn:aws:ecr:us-east-1:123456789012:repository/{name}",
        ["registryId"] = "123456789012",
        ["repositoryName"] = name,
        ["repositoryUri"] = $"{registry}/{name}",
        ["createdAt"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["imageTagMutability"] = "MUTABLE",
    };
}
