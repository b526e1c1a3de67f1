using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EcsBuildTasks.Core.Local;

/// <summary>How a call to LocalEcs's control API went.</summary>
internal enum ControlOutcome
{
    /// <summary>It answered (with the lease table, for lease calls).</summary>
    Answered,

    /// <summary>Nothing listens at the endpoint.</summary>
    NotListening,

    /// <summary>It listens but has no lease API (an older LocalEcs, or another server).</summary>
    NoLeases,

    /// <summary>It is stopping because no build used it any more: start another once the port is free.</summary>
    Stopping,

    /// <summary>It refused the call (<see cref="ControlAnswer.Error"/> says why).</summary>
    Refused,
}

internal sealed record LeaseHolder(string Id, int ProcessId, string Holder);

/// <summary>LocalEcs's lease table as <c>/_localecs/leases</c> returns it.</summary>
internal sealed record LeaseTable(LeaseHolder? StartedBy, bool ExitsWhenUnused, string? StateFile, IReadOnlyList<LeaseHolder> Leases);

internal sealed record ControlAnswer(ControlOutcome Outcome, LeaseTable? Table = null, string? Error = null);

/// <summary>The few control API calls a build makes: health, and taking and releasing its lease.</summary>
internal sealed class LocalEcsControlClient(string endpointUrl)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public Task<ControlAnswer> HealthAsync(CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, "/_localecs/health", null, cancellationToken);

    public Task<ControlAnswer> AcquireAsync(string leaseId, int processId, string holder, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "/_localecs/leases", new JsonObject { ["id"] = leaseId, ["processId"] = processId, ["holder"] = holder }, cancellationToken);

    public Task<ControlAnswer> LeasesAsync(CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, "/_localecs/leases", null, cancellationToken);

    public Task<ControlAnswer> ReleaseAsync(string leaseId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Delete, "/_localecs/leases/" + Uri.EscapeDataString(leaseId), null, cancellationToken);

    private async Task<ControlAnswer> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(new Uri(endpointUrl), path));
        request.Headers.Add(LocalEcsLauncher.ClientHeader, "EcsBuildTasks");
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        try
        {
            using var response = await Http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var json = TryParse(text);
            return response.StatusCode switch
            {
                // A lease call that answers without a lease table is not a LocalEcs that has leases.
                HttpStatusCode.OK when path.Contains("/leases", StringComparison.Ordinal) => json is null ? new ControlAnswer(ControlOutcome.NoLeases) : new ControlAnswer(ControlOutcome.Answered, ReadTable(json)),
                HttpStatusCode.OK => new ControlAnswer(ControlOutcome.Answered),
                HttpStatusCode.NotFound => new ControlAnswer(ControlOutcome.NoLeases),
                HttpStatusCode.ServiceUnavailable => new ControlAnswer(ControlOutcome.Stopping),
                _ => new ControlAnswer(ControlOutcome.Refused, Error: json?["error"]?.GetValue<string>() ?? $"HTTP {(int)response.StatusCode} {text}"),
            };
        }
        catch (HttpRequestException)
        {
            return new ControlAnswer(ControlOutcome.NotListening);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ControlAnswer(ControlOutcome.NotListening);
        }
        catch (SocketException)
        {
            return new ControlAnswer(ControlOutcome.NotListening);
        }
    }

    private static JsonObject? TryParse(string text)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static LeaseTable ReadTable(JsonObject json) => new(
        ReadHolder(json["startedBy"] as JsonObject),
        json["exitsWhenUnused"]?.GetValue<bool>() ?? false,
        json["stateFile"]?.GetValue<string>(),
        [.. (json["leases"] as JsonArray ?? []).OfType<JsonObject>().Select(ReadHolder).OfType<LeaseHolder>()]);

    private static LeaseHolder? ReadHolder(JsonObject? lease) => lease is null ? null : new LeaseHolder(
        lease["id"]?.GetValue<string>() ?? "",
        lease["processId"]?.GetValue<int>() ?? 0,
        lease["holder"]?.GetValue<string>() ?? "a build");
}
