using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.Services.Ecs;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Control;

/// <summary>
/// Faults armed for a service's next revision: the next deployment's tasks behave as if their container had
/// <c>LOCALECS_SIMULATE</c> set (a crash, failing health checks, a failed pull…), without touching the task definition.
/// Rehearses a rollback: arm a crash, deploy, watch ECS roll back to the revision that worked.
/// </summary>
internal sealed partial class ControlEndpoints
{
    private (int, JsonNode) ArmNextRevision(JsonObject body)
    {
        var simulate = body.Str("simulate");
        if (simulate is null || !IsSimulateValue(simulate))
        {
            return (400, new JsonObject
            {
                ["error"] = "Give {\"cluster\": \"name\", \"service\": \"name\", \"simulate\": \"crash\", \"region\": \"us-east-1\"}; simulate takes "
                    + "crash, unhealthy, pull-error, slow-start:<seconds> or exit:<0-255>, comma-separated.",
            });
        }

        return WithService(body, service =>
        {
            service.NextRevisionSimulate = simulate;
            return NextRevisionAnswer(body, service);
        });
    }

    private (int, JsonNode) DisarmNextRevision(JsonObject body) => WithService(body, service =>
    {
        service.NextRevisionSimulate = null;
        return NextRevisionAnswer(body, service);
    });

    private (int, JsonNode) WithService(JsonObject body, Func<EcsService, JsonObject> change)
    {
        var name = body.Str("service");
        if (name is null)
        {
            return (400, new JsonObject { ["error"] = "Give {\"cluster\": \"name\", \"service\": \"name\", \"region\": \"us-east-1\"}." });
        }

        JsonObject answer;
        lock (runtime.State.Sync)
        {
            var region = runtime.State.Region(body.Str("region") ?? Account.DefaultRegion);
            var cluster = EcsApi.FindCluster(region, body.Str("cluster"));
            if (!cluster.Services.TryGetValue(name, out var service) || service.Status == "INACTIVE")
            {
                return (404, new JsonObject { ["error"] = $"No service {name} in cluster {cluster.Name}." });
            }

            answer = change(service);
        }

        runtime.Store.MarkDirty();
        return (200, answer);
    }

    private static JsonObject NextRevisionAnswer(JsonObject body, EcsService service) => new()
    {
        ["cluster"] = body.Str("cluster") ?? "default",
        ["service"] = service.Name,
        ["simulate"] = service.NextRevisionSimulate,
    };

    private static bool IsSimulateValue(string value)
    {
        var items = value.Split(',', StringSplitOptions.TrimEntries);
        return items.Length is > 0 and <= 5 && items.All(item => SimulateItem().Match(item) is { Success: true } match
            && (!match.Groups["exit"].Success || int.Parse(match.Groups["exit"].Value, System.Globalization.CultureInfo.InvariantCulture) <= 255));
    }

    [GeneratedRegex("^(crash|unhealthy|pull-error|slow-start:[0-9]{1,5}|exit:(?<exit>[0-9]{1,3}))$", RegexOptions.CultureInvariant)]
    private static partial Regex SimulateItem();
}
