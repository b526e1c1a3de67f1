using Microsoft.AspNetCore.Http;

namespace EcsBuildTasks.LocalEcs.Dashboard;

/// <summary>
/// What the dashboard's answers add to the front door (<see cref="Hosting.RequestGuard"/>, which decides who may see the
/// page and its data): headers that keep other pages from framing it, sniffing it or loading anything else into it.
/// </summary>
internal static class DashboardGuard
{
    /// <summary>Scripts and styles from LocalEcs only, no inline code, no framing (clickjacking of the fault buttons), no form posts.</summary>
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

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
