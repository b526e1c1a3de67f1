using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EcsBuildTasks.LocalEcs.Services.Ecs;

namespace EcsBuildTasks.LocalEcs.Control;

/// <summary>
/// Faults armed for a service's next revision: the next deployment's tasks behave as if their container had
/// <c>LOCALECS_SIMULATE</c> set (a crash, failing health checks, a failed pull…), without touching the task definition.
/// Rehearses a rollback: arm a crash, deploy, watch ECS roll back to the revision that worked.
/// </summary>
internal sealed partial class ControlEndpoints
{
    private Task<(int, JsonNode)> ArmNextRevisionAsync(JsonObject body) =>
        ChangeNextRevisionAsync(new ControlInput(body, "cluster", "service", "simulate", "region"), arm: true);

    private Task<(int, JsonNode)> DisarmNextRevisionAsync(JsonObject body) =>
        ChangeNextRevisionAsync(new ControlInput(body, "cluster", "service", "region"), arm: false);

    /// <summary>
    /// Arms (or disarms) the behaviour, read strictly like every control input; the change is journaled and on disk
    /// before the answer, like every other control change (a restart keeps what was armed).
    /// </summary>
    private async Task<(int, JsonNode)> ChangeNextRevisionAsync(ControlInput input, bool arm)
    {
        var clusterName = input.String("cluster");
        var name = input.String("service", required: true, maxLength: 255);
        var simulate = arm ? input.String("simulate", required: true, maxLength: 200) : null;
        if (arm && (simulate is null || !IsSimulateValue(simulate)))
        {
            input.Fail($"'simulate' takes crash, unhealthy, pull-error, slow-start:<seconds> or exit:<0-255>, up to five comma-separated{(simulate is null ? string.Empty : $", not '{simulate}'")}");
        }

        var regionName = Region(input);
        if (!input.IsValid)
        {
            return Invalid(input);
        }

        lock (runtime.State.Sync)
        {
            var region = runtime.State.Region(regionName);
            var cluster = EcsApi.FindCluster(region, clusterName);
            if (!cluster.Services.TryGetValue(name!, out var service) || service.Status == "INACTIVE")
            {
                return (404, new JsonObject { ["error"] = $"No service {name} in cluster {cluster.Name}." });
            }

            service.NextRevisionSimulate = simulate;
        }

        await runtime.PersistAsync();
        return (200, new JsonObject { ["cluster"] = clusterName ?? "default", ["service"] = name, ["simulate"] = simulate });
    }

    private static bool IsSimulateValue(string value)
    {
        var items = value.Split(',', StringSplitOptions.TrimEntries);
        return items.Length is > 0 and <= 5 && items.All(item => SimulateItem().Match(item) is { Success: true } match
            && (!match.Groups["exit"].Success || int.Parse(match.Groups["exit"].Value, System.Globalization.CultureInfo.InvariantCulture) <= 255));
    }

    [GeneratedRegex("^(crash|unhealthy|pull-error|slow-start:[0-9]{1,5}|exit:(?<exit>[0-9]{1,3}))$", RegexOptions.CultureInvariant)]
    private static partial Regex SimulateItem();
}
