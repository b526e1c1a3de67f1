using System.Globalization;
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
        var name = request.Query["name"].ToString();
        if (name.Length == 0)
        {
            return (400, new JsonObject { ["error"] = "Give ?name=api.example.com (and optionally type=CNAME, zone=<hosted zone id>, roll=0..1, samples=N, seed=N)." });
        }

        double? roll = null;
        if (request.Query["roll"].ToString() is { Length: > 0 } rollText)
        {
            if (!double.TryParse(rollText, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value is < 0 or >= 1)
            {
                return (400, new JsonObject { ["error"] = "roll is a number in [0, 1): it picks the answer as a query's random draw would." });
            }

            roll = value;
        }

        var samples = 0;
        if (request.Query["samples"].ToString() is { Length: > 0 } samplesText
            && (!int.TryParse(samplesText, NumberStyles.Integer, CultureInfo.InvariantCulture, out samples) || samples is < 0 or > 1_000_000))
        {
            return (400, new JsonObject { ["error"] = "samples is a number of simulated queries, 0 to 1000000." });
        }

        var seed = int.TryParse(request.Query["seed"].ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : 0;
        var type = request.Query["type"].ToString() is { Length: > 0 } t ? t.ToUpperInvariant() : null;
        var zone = request.Query["zone"].ToString() is { Length: > 0 } z ? z : null;
        lock (runtime.State.Sync)
        {
            var now = runtime.Clock.Now;
            var answer = Route53Resolver.Resolve(runtime.State, name, type, zone, roll, samples, seed, now);
            return answer is null
                ? (404, new JsonObject { ["error"] = $"No hosted zone in LocalEcs holds {name}{(zone is null ? string.Empty : " (zone " + zone + ")")}." })
                : (200, answer.Put("now", AwsValues.ToIso8601(now)));
        }
    }
}
