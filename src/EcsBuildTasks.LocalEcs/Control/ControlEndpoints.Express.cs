using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.Services.Ecs;
using EcsBuildTasks.LocalEcs.Simulation;
using EcsBuildTasks.LocalEcs.State;
using Microsoft.AspNetCore.Http;

namespace EcsBuildTasks.LocalEcs.Control;

/// <summary>
/// Control endpoints for capacity provider instances (instances joining and leaving) and for following an Express
/// service's URL through its load balancer to the tasks that would answer it.
/// </summary>
internal sealed partial class ControlEndpoints
{
    /// <summary>Sets how many container instances a capacity provider keeps (its instances launch, boot and register, or leave).</summary>
    private async Task<(int, JsonNode)> SetCapacityProviderInstancesAsync(JsonObject body)
    {
        var input = new ControlInput(body, "capacityProvider", "count", "region");
        var name = input.String("capacityProvider", required: true);
        var count = input.Integer("count", 0, MaxInstances, required: true);
        var regionName = Region(input);
        if (!input.IsValid)
        {
            return Invalid(input);
        }

        lock (runtime.State.Sync)
        {
            var region = runtime.State.Region(regionName);
            if (!region.CapacityProviders.TryGetValue(EcsArns.NameOf(name!), out var provider) || provider.Status != "ACTIVE")
            {
                return (404, new JsonObject { ["error"] = $"No capacity provider {name} in {region.Name}." });
            }

            provider.InstanceCount = (int)count!.Value;
            CapacityProviderInstances.Step(new SimulationContext(runtime, region, runtime.Clock.Now));
        }

        runtime.Engine.RunDue();
        await runtime.PersistAsync();
        return (200, new JsonObject { ["capacityProvider"] = EcsArns.NameOf(name!), ["count"] = count });
    }

    /// <summary>
    /// Terminates one container instance, as when its EC2 instance goes away: its tasks stop. Its capacity provider (or
    /// the cluster's instance count) replaces it, unless <c>replace</c> is false.
    /// </summary>
    private async Task<(int, JsonNode)> TerminateContainerInstanceAsync(JsonObject body)
    {
        var input = new ControlInput(body, "cluster", "containerInstance", "replace", "region");
        var clusterName = input.String("cluster");
        var reference = input.String("containerInstance", required: true);
        var replace = input.Boolean("replace") ?? true;
        var regionName = Region(input);
        if (!input.IsValid)
        {
            return Invalid(input);
        }

        string arn;
        lock (runtime.State.Sync)
        {
            var region = runtime.State.Region(regionName);
            var cluster = EcsApi.FindCluster(region, clusterName);
            var instance = cluster.ContainerInstances.FirstOrDefault(i => i.Arn == reference || i.Id == EcsArns.NameOf(reference!) || i.Ec2InstanceId == reference);
            if (instance is null)
            {
                return (404, new JsonObject { ["error"] = $"No container instance {reference} in cluster {cluster.Name}." });
            }

            arn = instance.Arn;
            if (!replace)
            {
                if (instance.CapacityProviderName is { } provider && region.CapacityProviders.TryGetValue(provider, out var record))
                {
                    record.InstanceCount = Math.Max(0, record.InstanceCount - 1);
                }
                else if (instance.CapacityProviderName is null)
                {
                    runtime.State.ContainerInstanceCounts[cluster.Arn] = Math.Max(0, runtime.ContainerInstanceCount(cluster.Arn) - 1);
                }
            }

            CapacityProviderInstances.Terminate(new SimulationContext(runtime, region, runtime.Clock.Now), cluster, instance, "Container instance was terminated.");
        }

        runtime.Engine.RunDue();
        await runtime.PersistAsync();
        return (200, new JsonObject { ["containerInstanceArn"] = arn, ["terminated"] = true });
    }

    /// <summary>
    /// How much longer than its load balancer the URL of an Express service created from now on takes (certificate
    /// validation and DNS), so that a build's wait for the URL can be rehearsed; 0 restores the default.
    /// </summary>
    private async Task<(int, JsonNode)> SetExpressUrlDelayAsync(JsonObject body)
    {
        var input = new ControlInput(body, "seconds", "region");
        var seconds = input.Real("seconds", 0, MaxAdvanceSeconds, required: true);
        var regionName = Region(input);
        if (!input.IsValid)
        {
            return Invalid(input);
        }

        lock (runtime.State.Sync)
        {
            runtime.State.Region(regionName).ExpressUrlDelaySeconds = seconds!.Value;
        }

        await runtime.PersistAsync();
        return (200, new JsonObject { ["seconds"] = seconds, ["region"] = regionName });
    }

    /// <summary>
    /// Follows an Express URL as a client would: the host name to the HTTPS listener rule of the shared load balancer,
    /// the rule's weighted forward to the target groups, and their healthy targets to the tasks (and task definitions)
    /// that answer. 404 for a host no Express service answers on, 503 while the load balancer is provisioning.
    /// </summary>
    private (int, JsonNode) ResolveExpressUrl(HttpRequest request)
    {
        var input = ControlInput.FromQuery(request.Query, "url");
        var url = input.String("url", required: true);
        var uri = url is not null && Uri.TryCreate(url.Contains("://", StringComparison.Ordinal) ? url : "https://" + url, UriKind.Absolute, out var parsed) ? parsed : null;
        if (url is not null && uri is null)
        {
            input.Fail($"'url' must be a URL such as https://xx-....ecs.us-east-1.on.aws/path, not '{url}'");
        }

        if (!input.IsValid || uri is null)
        {
            return Invalid(input);
        }

        lock (runtime.State.Sync)
        {
            var now = runtime.Clock.Now;
            foreach (var region in runtime.State.Regions.Values)
            {
                foreach (var cluster in region.Clusters.Values)
                {
                    var service = cluster.Services.Values.FirstOrDefault(s => s.Express is { } e && string.Equals(e.Endpoint, uri.Host, StringComparison.OrdinalIgnoreCase) && e.StatusCode != "INACTIVE");
                    if (service is not null)
                    {
                        return Resolve(region, cluster, service, uri, now);
                    }
                }
            }
        }

        return (404, new JsonObject { ["error"] = $"No Express service answers on {uri.Host}." });
    }

    private static (int, JsonNode) Resolve(RegionState region, EcsCluster cluster, EcsService service, Uri uri, DateTimeOffset now)
    {
        var express = service.Express!;
        if (now < express.ReadyAt)
        {
            return (503, new JsonObject { ["error"] = $"The load balancer of {uri.Host} is still being provisioned." });
        }

        var elb = region.Elbv2;
        var resources = express.Resources;
        var rule = elb.Rules.GetValueOrDefault(resources.RuleArn);
        var forward = rule?.Actions.OfType<JsonObject>().FirstOrDefault(a => a.Str("Type") == "forward");
        var weighted = forward?.Obj("ForwardConfig")?.Objects("TargetGroups").Select(g => (Arn: g.Str("TargetGroupArn")!, Weight: g.Int("Weight") ?? 0)).ToList()
            ?? (forward?.Str("TargetGroupArn") is { } single ? [(single, 1)] : []);
        var total = weighted.Sum(g => g.Weight);
        var groups = new JsonArray();
        var serving = new JsonArray();
        foreach (var (arn, weight) in weighted)
        {
            var targets = new JsonArray();
            foreach (var target in elb.TargetGroups.GetValueOrDefault(arn)?.Targets ?? [])
            {
                var task = target.TaskArn is null ? null : cluster.Tasks.Values.FirstOrDefault(t => t.Arn == target.TaskArn);
                var entry = new JsonObject
                {
                    ["id"] = target.Id,
                    ["port"] = target.Port,
                    ["state"] = target.State,
                }.Put("taskArn", target.TaskArn).Put("taskDefinitionArn", task?.TaskDefinitionArn);
                targets.Add(entry);
                if (target.State == "healthy" && weight > 0)
                {
                    serving.Add(entry.DeepClone());
                }
            }

            groups.Add(new JsonObject
            {
                ["targetGroupArn"] = arn,
                ["weight"] = weight,
                ["trafficPercent"] = total > 0 ? Math.Round(100.0 * weight / total, 1) : 0,
                ["targets"] = targets,
            });
        }

        var answer = new JsonObject
        {
            ["url"] = uri.ToString(),
            ["host"] = uri.Host,
            ["path"] = uri.AbsolutePath,
            ["region"] = region.Name,
            ["cluster"] = cluster.Name,
            ["serviceName"] = service.Name,
            ["serviceArn"] = service.Arn,
            ["status"] = express.StatusCode,
            ["accessType"] = express.AccessType,
            ["loadBalancerArn"] = resources.LoadBalancerArn,
            ["loadBalancerDnsName"] = elb.LoadBalancers.GetValueOrDefault(resources.LoadBalancerArn)?.DnsName,
            ["listenerArn"] = resources.ListenerArn,
            ["ruleArn"] = resources.RuleArn,
            ["targetGroups"] = groups,
            ["servingTargets"] = serving,
        };
        return (200, answer);
    }
}
