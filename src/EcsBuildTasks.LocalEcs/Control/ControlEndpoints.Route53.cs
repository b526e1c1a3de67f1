using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.Services.Route53;
using Microsoft.AspNetCore.Http;

namespace EcsBuildTasks.LocalEcs.Control;

/// <summary>The Route 53 resolver view: which target a name reaches now, from the weights DNS serves.</summary>
internal sealed partial class ControlEndpoints
{
    private (int, JsonNode) ResolveRoute53(HttpRequest request)
    {
        var input = ControlInput.FromQuery(request.Query, "name", "type", "zone", "roll", "samples", "seed");
        var name = input.String("name", required: true, maxLength: 1024);
        var type = input.String("type", maxLength: 16)?.ToUpperInvariant();
        if (type is not null && !Route53Api.RecordTypes.Contains(type, StringComparer.Ordinal))
        {
            input.Fail($"'type' must be one of {string.Join(", ", Route53Api.RecordTypes)}, not '{type}'");
        }

        var zone = input.String("zone", maxLength: 64);
        var roll = input.Real("roll", 0, 1);
        if (roll is 1)
        {
            input.Fail("'roll' must be below 1: it picks the answer as a query's random draw in [0, 1) would");
        }

        var samples = (int)(input.Integer("samples", 0, 1_000_000) ?? 0);
        var seed = (int)(input.Integer("seed", int.MinValue, int.MaxValue) ?? 0);
        if (!input.IsValid)
        {
            return (400, new JsonObject { ["error"] = input.Error + " Give ?name=api.example.com (and optionally type=CNAME, zone=<hosted zone id>, roll=0..1, samples=N, seed=N)." });
        }

        lock (runtime.State.Sync)
        {
            var now = runtime.Clock.Now;
            var answer = Route53Resolver.Resolve(runtime.State, name!, type, zone, roll, samples, seed, now);
            return answer is null
                ? (404, new JsonObject { ["error"] = $"No hosted zone in LocalEcs holds {name}{(zone is null ? string.Empty : " (zone " + zone + ")")}." })
                : (200, answer.Put("now", AwsValues.ToIso8601(now)));
        }
    }

    /// <summary>Ten days: past any deployment's wait for INSYNC.</summary>
    private const double MaxPropagationSeconds = 10 * 24 * 3600;

    private JsonObject Route53PropagationState() => runtime.Route53Propagation.Current is { } current
        ? new JsonObject { ["seconds"] = current.Delay.TotalSeconds, ["remainingChanges"] = current.Remaining }
        : new JsonObject { ["seconds"] = null, ["default"] = runtime.Clock.Instant ? 0 : Route53Api.Propagation.TotalSeconds };

    /// <summary>Sets how long the next <c>count</c> changes (every change without it) stay PENDING, in simulated seconds.</summary>
    private (int, JsonNode) SetRoute53Propagation(JsonObject body)
    {
        var input = new ControlInput(body, "seconds", "count");
        var seconds = input.Real("seconds", 0, MaxPropagationSeconds, required: true);
        var count = input.Integer("count", 1, MaxFaultCount);
        if (!input.IsValid)
        {
            return Invalid(input);
        }

        runtime.Route53Propagation.Set(TimeSpan.FromSeconds(seconds!.Value), (int?)count);
        return (200, Route53PropagationState());
    }

    private (int, JsonNode) ClearRoute53Propagation()
    {
        runtime.Route53Propagation.Clear();
        return (200, Route53PropagationState());
    }
}
