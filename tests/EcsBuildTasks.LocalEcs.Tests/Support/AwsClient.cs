using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace EcsBuildTasks.LocalEcs.Tests.Support;

/// <summary>
/// A minimal AWS client for tests: JSON 1.1/1.0 calls by X-Amz-Target and Query calls by Action, with a SigV4-shaped
/// Authorization header (LocalEcs reads the region and service from its credential scope; it checks no signature).
/// Independent of LocalEcs and of our own AWS clients, so it checks the wire format.
/// </summary>
internal sealed partial class AwsClient : IDisposable
{
    private static readonly Dictionary<string, (string Prefix, string Signing, string ContentType)> JsonServices = new(StringComparer.Ordinal)
    {
        ["ecs"] = ("AmazonEC2ContainerServiceV20141113", "ecs", "application/x-amz-json-1.1"),
        ["ecr"] = ("AmazonEC2ContainerRegistry_V20150921", "ecr", "application/x-amz-json-1.1"),
        ["servicediscovery"] = ("Route53AutoNaming_v20170314", "servicediscovery", "application/x-amz-json-1.1"),
        ["application-autoscaling"] = ("AnyScaleFrontendService", "application-autoscaling", "application/x-amz-json-1.1"),
        ["logs"] = ("Logs_20140328", "logs", "application/x-amz-json-1.1"),
        ["cloudwatch"] = ("GraniteServiceVersion20100801", "monitoring", "application/x-amz-json-1.0"),
        ["secretsmanager"] = ("secretsmanager", "secretsmanager", "application/x-amz-json-1.1"),
        ["ssm"] = ("AmazonSSM", "ssm", "application/x-amz-json-1.1"),
    };

    private readonly HttpClient http;

    public AwsClient(Uri baseUrl, string region = "us-east-1", string accessKeyId = "AKIDLOCALECSTEST")
    {
        http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };
        Region = region;
        AccessKeyId = accessKeyId;
    }

    public string Region { get; }

    /// <summary>The access key id the requests are signed with (LocalEcs can enforce a policy per access key).</summary>
    public string AccessKeyId { get; }

    /// <summary>When set, every successful response is recorded for model conformance checks.</summary>
    public ResponseRecorder? Recorder { get; set; }

    public Uri BaseUrl => http.BaseAddress!;

    public static string Authorization(string region, string service, string accessKeyId = "AKIDLOCALECSTEST") =>
        $"AWS4-HMAC-SHA256 Credential={accessKeyId}/20260101/{region}/{service}/aws4_request, SignedHeaders=host;x-amz-date, Signature={new string('0', 64)}";

    public Task<JsonObject> EcsAsync(string operation, JsonObject? body = null) => JsonAsync("ecs", operation, body);

    /// <summary>Calls a JSON service; throws <see cref="AwsErrorException"/> for an error response.</summary>
    public async Task<JsonObject> JsonAsync(string service, string operation, JsonObject? body = null)
    {
        var (prefix, signing, contentType) = JsonServices[service];
        using var request = new HttpRequestMessage(HttpMethod.Post, "/");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", $"{prefix}.{operation}");
        request.Headers.TryAddWithoutValidation("Authorization", Authorization(Region, signing, AccessKeyId));
        request.Content = new StringContent((body ?? []).ToJsonString(), Encoding.UTF8);
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            var error = JsonNode.Parse(text)!.AsObject();
            throw new AwsErrorException(error["__type"]!.GetValue<string>(), error["message"]?.GetValue<string>() ?? string.Empty, response.StatusCode, text);
        }

        Assert.IsTrue(response.Headers.Contains("x-amzn-RequestId"), "every response carries x-amzn-RequestId");
        var result = JsonNode.Parse(text)!.AsObject();
        Recorder?.Add(service, operation, result);
        return result;
    }

    /// <summary>Calls a Query service; returns the response document, or throws <see cref="AwsErrorException"/>.</summary>
    public async Task<XElement> QueryAsync(string signingName, string action, string version, params (string Name, string Value)[] parameters)
    {
        var form = new List<KeyValuePair<string, string>> { new("Action", action), new("Version", version) };
        form.AddRange(parameters.Select(p => new KeyValuePair<string, string>(p.Name, p.Value)));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new FormUrlEncodedContent(form) };
        request.Headers.TryAddWithoutValidation("Authorization", Authorization(Region, signingName, AccessKeyId));
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var document = XDocument.Parse(text).Root!;
        if (!response.IsSuccessStatusCode)
        {
            var error = document.Descendants().First(e => e.Name.LocalName == "Error");
            string Child(string name) => error.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value ?? string.Empty;
            throw new AwsErrorException(Child("Code"), Child("Message"), response.StatusCode, text);
        }

        Recorder?.Add(signingName, action, document);
        return document;
    }

    public async Task<(HttpStatusCode Status, string Body)> ControlAsync(HttpMethod method, string path, JsonObject? body = null)
    {
        using var request = new HttpRequestMessage(method, "/_localecs/" + path);
        request.Headers.Add(LocalEcsServer.ControlHeader, "1");
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public HttpClient Http => http;

    public void Dispose() => http.Dispose();
}

internal sealed class AwsErrorException(string code, string message, HttpStatusCode status, string body) : Exception($"{code}: {message}")
{
    public string Code { get; } = code;

    public string AwsMessage { get; } = message;

    public HttpStatusCode Status { get; } = status;

    public string Body { get; } = body;
}

/// <summary>Query XML helpers: find elements by local name regardless of the service namespace.</summary>
internal static class Xml
{
    public static IEnumerable<XElement> All(this XElement element, string name) => element.Descendants().Where(e => e.Name.LocalName == name);

    public static string? Value(this XElement element, string name) => element.All(name).FirstOrDefault()?.Value;
}
