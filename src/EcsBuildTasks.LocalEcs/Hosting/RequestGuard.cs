using System.Net;
using Microsoft.AspNetCore.Http;

namespace EcsBuildTasks.LocalEcs.Hosting;

/// <summary>
/// The front door, checked before anything else (routing, body, authentication) for every request, so that every
/// service LocalEcs serves gets it without work. LocalEcs listens on loopback only, but a web page in the user's browser
/// runs on the same machine: it can make the browser send requests to <c>localhost</c> (a form POST, a <c>text/plain</c>
/// fetch, an image URL) and, through DNS rebinding, even read the answers. So:
/// <list type="bullet">
/// <item>the <c>Host</c> must be a loopback name (<c>localhost</c>, <c>*.localhost</c>, <c>127.x.x.x</c>, <c>[::1]</c>):
/// a rebinding page's requests carry its own domain;</item>
/// <item>requests a browser marks as coming from another page (an <c>Origin</c> other than LocalEcs's own
/// <c>scheme://host:port</c>, or <c>Sec-Fetch-Site</c> other than <c>none</c>/<c>same-origin</c>) are refused: the only
/// page LocalEcs serves is its dashboard, whose script is same-origin, and no AWS SDK, CLI or container tool sends those
/// headers. CORS preflights are refused the same way, so a page never gets permission for more;</item>
/// <item>the control API needs the <see cref="ControlHeader"/> header, which a page can only send after a CORS preflight
/// that LocalEcs never approves.</item>
/// </list>
/// AWS requests must also carry their credentials in the Authorization header (see <see cref="RequestRouter"/>), which a
/// page cannot set either.
/// </summary>
internal static class RequestGuard
{
    /// <summary>The header every control API request needs (any non-empty value, e.g. <c>LocalEcs-Control: 1</c>).</summary>
    public const string ControlHeader = "LocalEcs-Control";

    /// <summary>The value LocalEcs's own dashboard and tests send in <see cref="ControlHeader"/> (any non-empty value is accepted).</summary>
    public const string ControlHeaderValue = "1";

    /// <summary>Why the request is refused, or null to let it through.</summary>
    public static string? Refusal(HttpRequest request, bool control)
    {
        var host = request.Host.Host;
        if (host.Length > 0 && !IsLoopbackName(host))
        {
            return $"LocalEcs answers only requests addressed to this machine by a loopback name (localhost, 127.0.0.1, [::1]); this one was addressed to '{request.Host}'. "
                + "That refusal protects it from web pages that rebind their own domain name to 127.0.0.1.";
        }

        if (request.Headers.Origin.Count > 0 && !IsSameOrigin(request))
        {
            return $"LocalEcs refuses requests from web pages (this one came from origin '{request.Headers.Origin}'): a page must not reach the AWS APIs, the registry or the control API on this machine.";
        }

        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && site is not ("none" or "same-origin"))
        {
            return $"LocalEcs refuses requests a browser sends on behalf of a web page (Sec-Fetch-Site: {site}).";
        }

        if (control && string.IsNullOrWhiteSpace(request.Headers[ControlHeader].ToString()))
        {
            return $"Control requests need the header '{ControlHeader}: 1' (curl -H '{ControlHeader}: 1' …). A web page cannot send it without a CORS preflight, which LocalEcs never approves.";
        }

        return null;
    }

    /// <summary>Writes the refusal: 403, plain text, no CORS headers.</summary>
    public static Task RefuseAsync(HttpContext context, string reason)
    {
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync("LocalEcs: " + reason + "\n");
    }

    /// <summary>
    /// The browser says the request comes from a page of LocalEcs itself (the dashboard): its <c>Origin</c> is exactly this
    /// request's scheme, host and port. A page elsewhere, even on another local port, has another origin.
    /// </summary>
    private static bool IsSameOrigin(HttpRequest request) =>
        request.Headers.Origin.Count == 1 && request.Host.HasValue
        && string.Equals(request.Headers.Origin.ToString(), $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// <c>localhost</c>, <c>*.localhost</c>, and loopback addresses written out in full (<c>127.x.x.x</c>, <c>[::1]</c>): no
    /// shorthand such as <c>127.1</c> or <c>2130706433</c>, which browsers rewrite before sending and nothing else needs.
    /// </summary>
    internal static bool IsLoopbackName(string host)
    {
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            // Browsers resolve localhost and every *.localhost name to loopback themselves (RFC 6761): no DNS to rebind.
            return true;
        }

        var address = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        return IPAddress.TryParse(address, out var ip) && IPAddress.IsLoopback(ip)
            && (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 || address.Count(c => c == '.') == 3);
    }
}
