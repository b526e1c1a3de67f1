using System.Globalization;
using System.Net;
using System.Text;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Features.Verification;

/// <summary>One HTTP GET of a verification URL: what came back, how fast, and whether it counts as a success.</summary>
internal sealed record UrlProbeResult(Uri Url, int? Status, TimeSpan Latency, string Body, string? Error, bool Succeeded)
{
    public const int BodyLimit = 200;

    /// <summary>"GET http://… → 500 in 12 ms: Internal error…", the evidence line of one attempt.</summary>
    public string Describe()
    {
        var ms = ((int)Latency.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        var outcome = Status is { } status ? $"{status} {ReasonPhrase(status)}".TrimEnd() : $"no answer ({Error})";
        var body = Body.Length > 0 ? $": {Body}" : string.Empty;
        return $"GET {Url} → {outcome} in {ms} ms{body}";
    }

    private static string ReasonPhrase(int status) =>
        Enum.IsDefined(typeof(HttpStatusCode), status) ? ((HttpStatusCode)status).ToString() : string.Empty;
}

/// <summary>
/// Probes a verification URL with a GET. Never throws for what the service answers (or fails to): timeouts, refused
/// connections and DNS failures are failed attempts with their reason as evidence.
/// </summary>
internal sealed class UrlProbe(HttpClient http, TimeProvider time)
{
    /// <summary>No single request may hang a gate: it gets at most this long, and never longer than the gate has left.</summary>
    public static readonly TimeSpan MaxRequestTime = TimeSpan.FromSeconds(10);

    private const int MaxBodyBytes = 4096;

    public async Task<UrlProbeResult> ProbeAsync(Uri url, StatusRange expected, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(expected);
        var started = time.GetTimestamp();
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.UserAgent.ParseAdd("EcsBuildTasks-verification/1.0");
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            var body = await ReadBodyAsync(response, linked.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            return new UrlProbeResult(url, status, time.GetElapsedTime(started), body, null, expected.Matches(status));
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new UrlProbeResult(url, null, time.GetElapsedTime(started), string.Empty, string.Create(CultureInfo.InvariantCulture, $"timed out after {timeout.TotalSeconds:0.#} s"), false);
        }
        catch (HttpRequestException ex)
        {
            return new UrlProbeResult(url, null, time.GetElapsedTime(started), string.Empty, ex.InnerException?.Message ?? ex.Message, false);
        }
    }

    /// <summary>The start of the body, whitespace collapsed and cut to <see cref="UrlProbeResult.BodyLimit"/> characters.</summary>
    private static async Task<string> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[MaxBodyBytes];
            var read = 0;
            int count;
            while (read < buffer.Length && (count = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false)) > 0)
            {
                read += count;
            }

            return Shorten(Encoding.UTF8.GetString(buffer, 0, read));
        }
    }

    public static string Shorten(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var collapsed = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return collapsed.Length <= UrlProbeResult.BodyLimit ? collapsed : collapsed[..UrlProbeResult.BodyLimit] + "…";
    }
}
