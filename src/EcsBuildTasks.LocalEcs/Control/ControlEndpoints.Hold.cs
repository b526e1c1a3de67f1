using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Simulation;

namespace EcsBuildTasks.LocalEcs.Control;

/// <summary>
/// Holding a service's deployments in flight: while held, a rolling deployment of the service starts its tasks and runs
/// them healthy but does not complete (its service deployment stays IN_PROGRESS, its rollout state IN_PROGRESS) until
/// released. Rehearses what takes real time on AWS (a slow rollout, a long deregistration delay) at any time scale, so
/// that a test can act while a deployment is certainly in flight: start a second build, cancel, roll back.
/// </summary>
internal sealed partial class ControlEndpoints
{
    private const int MaxHeldServices = 1000;

    /// <summary>The held services and, for each, the deployment in flight it holds (null when none is).</summary>
    private JsonObject HeldDeployments()
    {
        lock (runtime.State.Sync)
        {
            var holds = new JsonArray();
            foreach (var region in runtime.State.Regions.Values)
            {
                foreach (var key in region.HeldDeployments)
                {
                    var names = key.Split('/', 2);
                    var (clusterName, serviceName) = (names[0], names[1]);
                    var service = region.Clusters.GetValueOrDefault(clusterName)?.Services.GetValueOrDefault(serviceName);
                    var current = service is null ? null : Deployments.Current(service);
                    holds.Add(new JsonObject
                    {
                        ["region"] = region.Name,
                        ["cluster"] = clusterName,
                        ["service"] = serviceName,
                        ["serviceDeployment"] = current is null ? null : new JsonObject
                        {
                            ["serviceDeploymentArn"] = current.Arn,
                            ["status"] = current.Status,
                            ["taskDefinition"] = service!.Revisions.FirstOrDefault(r => r.Arn == current.TargetRevisionArn)?.TaskDefinitionArn,
                        },
                    });
                }
            }

            return new JsonObject { ["holds"] = holds };
        }
    }

    /// <summary>Holds (or releases) the deployments of a service, which need not exist yet (its first deployment is held too).</summary>
    private async Task<(int, JsonNode)> ChangeHoldAsync(JsonObject body, bool hold)
    {
        var input = new ControlInput(body, "cluster", "service", "region");
        var clusterName = input.String("cluster", maxLength: 255) ?? "default";
        var serviceName = input.String("service", required: true, maxLength: 255);
        if (clusterName.Contains('/', StringComparison.Ordinal) || serviceName?.Contains('/', StringComparison.Ordinal) == true)
        {
            input.Fail("'cluster' and 'service' are names, not ARNs");
        }

        var regionName = Region(input);
        if (!input.IsValid)
        {
            return Invalid(input);
        }

        var key = Deployments.HoldKey(clusterName, serviceName!);
        lock (runtime.State.Sync)
        {
            var held = runtime.State.Region(regionName).HeldDeployments;
            if (hold && !held.Contains(key))
            {
                if (held.Count >= MaxHeldServices)
                {
                    return (400, new JsonObject { ["error"] = $"At most {MaxHeldServices} services can be held at once; release some first." });
                }

                held.Add(key);
            }
            else if (!hold)
            {
                held.Remove(key);
            }
        }

        // Released: the next step completes what waited.
        runtime.Engine.RunDue();
        await runtime.PersistAsync();
        return (200, new JsonObject { ["cluster"] = clusterName, ["service"] = serviceName, ["region"] = regionName, ["held"] = hold });
    }
}
