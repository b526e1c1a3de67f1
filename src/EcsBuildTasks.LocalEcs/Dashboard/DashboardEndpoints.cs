using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Hosting;
using Microsoft.AspNetCore.Http;

namespace EcsBuildTasks.LocalEcs.Dashboard;

/// <summary>
/// The dashboard: a page at <c>/</c> (and <c>/_localecs/dashboard/</c>) with its script and styles, embedded in this
/// assembly, and the JSON it polls under <c>/_localecs/dashboard/api/</c>. Read-only: it answers GET and HEAD only; the
/// page's buttons call the control API. The router's front door (<see cref="RequestGuard"/>) guards it like every other
/// path: loopback host names only, no request from another origin, and for the data the control header.
/// </summary>
internal sealed class DashboardEndpoints(LocalEcsRuntime runtime)
{
    public const string Prefix = "/_localecs/dashboard";

    private static readonly Dictionary<string, Asset> Assets = LoadAssets();

    /// <summary>
    /// Whether a request is the dashboard's: anything under <see cref="Prefix"/>, and a browser's plain <c>GET /</c>
    /// (no query, no signature, no <c>X-Amz-Target</c>: an AWS request to <c>/</c> always has one of them).
    /// </summary>
    public static bool Handles(HttpRequest request)
    {
        var path = request.Path.Value ?? "/";
        if (path == Prefix || path.StartsWith(Prefix + "/", StringComparison.Ordinal))
        {
            return true;
        }

        return path == "/" && (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            && !request.QueryString.HasValue
            && !request.Headers.ContainsKey("Authorization")
            && !request.Headers.ContainsKey("X-Amz-Target");
    }

    /// <summary>Whether a dashboard path is its data (a control endpoint: it needs the control header), not a page file.</summary>
    public static bool IsData(string path) => path.StartsWith(Prefix + "/api/", StringComparison.Ordinal);

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        DashboardGuard.AddSecurityHeaders(response);
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            response.Headers.Allow = "GET, HEAD";
            await WriteTextAsync(context, StatusCodes.Status405MethodNotAllowed, "The dashboard is read-only; changes go through the control API under /_localecs/.");
            return;
        }

        var path = request.Path.Value!;
        var name = path == "/" ? "index.html" : path[Prefix.Length..].TrimStart('/');
        if (name.Length == 0)
        {
            name = "index.html";
        }

        if (name.StartsWith("api/", StringComparison.Ordinal))
        {
            await HandleApiAsync(context, name["api/".Length..]);
            return;
        }

        if (!Assets.TryGetValue(name, out var asset))
        {
            await WriteTextAsync(context, StatusCodes.Status404NotFound, "No dashboard file " + name);
            return;
        }

        response.Headers.CacheControl = "no-cache";
        response.Headers.ETag = asset.ETag;
        if (request.Headers.IfNoneMatch.ToString() == asset.ETag)
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        response.ContentType = asset.ContentType;
        response.ContentLength = asset.Bytes.Length;
        if (!HttpMethods.IsHead(request.Method))
        {
            await response.Body.WriteAsync(asset.Bytes);
        }
    }

    private async Task HandleApiAsync(HttpContext context, string endpoint)
    {
        var request = context.Request;
        JsonNode? result = endpoint switch
        {
            "overview" => DashboardData.Overview(runtime, NonEmpty(request.Query["region"])),
            "service" when NonEmpty(request.Query["arn"]) is { } arn => DashboardData.Service(runtime, arn, NonEmpty(request.Query["deployment"])),
            _ => null,
        };
        if (result is null)
        {
            await WriteTextAsync(context, StatusCodes.Status404NotFound, $"No dashboard data at api/{endpoint} for this query.");
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(result.ToJsonString());
        context.Response.Headers.CacheControl = "no-store";
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes);
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static async Task WriteTextAsync(HttpContext context, int status, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes);
    }

    /// <summary>The embedded page, script and styles; the page learns the control header's name and value from meta tags.</summary>
    private static Dictionary<string, Asset> LoadAssets()
    {
        var assembly = typeof(DashboardEndpoints).Assembly;
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("dashboard/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var bytes = buffer.ToArray();
            var name = resource["dashboard/".Length..];
            if (name == "index.html")
            {
                bytes = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(bytes)
                    .Replace("{{controlHeaderName}}", RequestGuard.ControlHeader, StringComparison.Ordinal)
                    .Replace("{{controlHeaderValue}}", RequestGuard.ControlHeaderValue, StringComparison.Ordinal));
            }

            var contentType = Path.GetExtension(name) switch
            {
                ".html" => "text/html; charset=utf-8",
                ".js" => "text/javascript; charset=utf-8",
                ".css" => "text/css; charset=utf-8",
                ".svg" => "image/svg+xml",
                _ => "application/octet-stream",
            };
            assets[name] = new Asset(bytes, contentType, "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes))[..16] + "\"");
        }

        return assets;
    }

    private sealed record Asset(byte[] Bytes, string ContentType, string ETag);
}
