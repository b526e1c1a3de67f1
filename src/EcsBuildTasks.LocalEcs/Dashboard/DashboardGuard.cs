using System.Net;
using Microsoft.AspNetCore.Http;

namespace EcsBuildTasks.LocalEcs.Dashboard;

/// <summary>
/// Who may see the dashboard: only browsers that reached LocalEcs by a loopback name (a DNS-rebinding page arrives with
/// its own host name and is refused), and for its data only same-origin script that sends the control header (a page
/// of another origin cannot send a custom header without a CORS preflight, which LocalEcs never grants). The page
/// itself changes nothing: every change goes through the control API, which has its own checks.
/// </summary>
internal static class DashboardGuard
{
    /// <summary>
    /// The header the control API requires (any non-empty value): a web page of another origin cannot send it without a
    /// CORS preflight, which LocalEcs never approves. The page reads its name and value from meta tags.
    /// </summary>
    public const string ControlHeaderName = "LocalEcs-Control";

    public const string ControlHeaderValue = "1";

    /// <summary>Scripts and styles from LocalEcs only, no inline code, no framing (clickjacking of the fault buttons), no form posts.</summary>
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    /// <summary>True when the Host header names the loopback interface: localhost, *.localhost, 127.0.0.0/8 or ::1.</summary>
    public static bool IsLoopbackHost(HostString host)
    {
        if (!host.HasValue)
        {
            return false;
        }

        var name = host.Host.TrimEnd('.');
        if (name.Equals("localhost", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var literal = name.StartsWith('[') && name.EndsWith(']') ? name[1..^1] : name;
        return IPAddress.TryParse(literal, out var address) && IPAddress.IsLoopback(address)
            && (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 || literal.Count(c => c == '.') == 3);
    }

    /// <summary>
    /// True when a data request comes from the dashboard's own script: it carries the control header, and neither
    /// <c>Sec-Fetch-Site</c> nor <c>Origin</c> says another site made it.
    /// </summary>
    public static bool IsOwnScript(HttpRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Headers[ControlHeaderName].ToString()))
        {
            return false;
        }

        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && site is not ("same-origin" or "none"))
        {
            return false;
        }

        var origin = request.Headers.Origin.ToString();
        return origin.Length == 0 || string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Headers for every dashboard answer: no framing, no sniffing, no referrer to other sites, the content policy.</summary>
    public static void AddSecurityHeaders(HttpResponse response)
    {
        response.Headers["Content-Security-Policy"] = ContentSecurityPolicy;
        response.Headers["X-Frame-Options"] = "DENY";
        response.Headers["X-Content-Type-Options"] = "nosniff";
        // Not no-referrer: under it the Fetch standard has the page's own POSTs to the control API say "Origin: null",
        // which cannot be told from a sandboxed page's; same-origin keeps the real origin there and sends nothing elsewhere.
        response.Headers["Referrer-Policy"] = "same-origin";
        response.Headers["Cross-Origin-Resource-Policy"] = "same-origin";
    }
}
