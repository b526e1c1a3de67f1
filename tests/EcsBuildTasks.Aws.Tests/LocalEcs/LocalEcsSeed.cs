using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs;

namespace EcsBuildTasks.Aws.Tests.LocalEcs;

/// <summary>
/// Puts what our clients only read (secrets, parameters) into LocalEcs with plain JSON 1.1 requests, so the tests need
/// no operation the engine does not call. LocalEcs reads the region and service from the SigV4 credential scope.
/// </summary>
internal static class LocalEcsSeed
{
    private static readonly HttpClient Http = new();

    public static async Task<JsonObject> JsonAsync(LocalEcsServer server, string region, string signingName, string target, JsonObject body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, server.BaseUrl)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        request.Headers.TryAddWithoutValidation("Authorization", $"AWS4-HMAC-SHA256 Credential=AKIDLOCALECSSEED0001/20260101/{region}/{signingName}/aws4_request, SignedHeaders=host, Signature=0");
        using var response = await Http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.IsTrue(response.IsSuccessStatusCode, $"{target}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }
}
