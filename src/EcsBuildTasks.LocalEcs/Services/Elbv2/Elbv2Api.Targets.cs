using System.Globalization;
using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Hosting;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.Simulation;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Services.Elbv2;

/// <summary>Elastic Load Balancing v2: target registration and health.</summary>
internal sealed partial class Elbv2Api
{
    private static JsonObject RegisterTargets(AwsRequest request, RegionState region)
    {
        var group = TargetGroup(region.Elbv2, request.Input.Str("TargetGroupArn"));
        foreach (var target in request.Input.Objects("Targets"))
        {
            var id = target.Str("Id") ?? throw Validation("Id");
            if (group.TargetType == "ip" && !System.Net.IPAddress.TryParse(id, out _))
            {
                throw new AwsServiceException("ValidationError", $"The IP address '{id}' is not a valid IPv4 address");
            }

            if (group.TargetType == "instance" && !id.StartsWith("i-", StringComparison.Ordinal))
            {
                throw new AwsServiceException("InvalidTarget", $"The following targets are not valid instances: '{id}'");
            }

            var port = target.Int("Port") ?? group.Port ?? 0;
            LoadBalancing.Register(group, id, port, target.Str("AvailabilityZone"), request.Now, null, appFails: false, taskArn: null);
        }

        return [];
    }

    private static JsonObject DeregisterTargets(AwsRequest request, Elbv2State elb)
    {
        var group = TargetGroup(elb, request.Input.Str("TargetGroupArn"));
        foreach (var target in request.Input.Objects("Targets"))
        {
            var id = target.Str("Id") ?? throw Validation("Id");
            if (group.Targets.All(t => t.Id != id))
            {
                throw new AwsServiceException("InvalidTarget", $"The following targets are not registered in target group '{group.Arn}': '{id}'");
            }

            LoadBalancing.Deregister(group, id, target.Int("Port"), request.Now);
        }

        return [];
    }

    private static JsonObject DescribeTargetHealth(RegionState region, JsonObject input)
    {
        var group = TargetGroup(region.Elbv2, input.Str("TargetGroupArn"));
        var requested = input.Objects("Targets").ToList();
        var inUse = LoadBalancing.InUse(region, group);
        IEnumerable<TargetRecord> targets = group.Targets;
        if (requested.Count > 0)
        {
            targets = requested.Select(r => group.Targets.FirstOrDefault(t => t.Id == r.Str("Id") && (r.Int("Port") is null || t.Port == r.Int("Port")))
                ?? new TargetRecord { Id = r.Str("Id") ?? string.Empty, Port = r.Int("Port") ?? group.Port ?? 0, State = "unavailable", Reason = "Target.NotRegistered", Description = "Target is not registered to the target group" });
        }

        var descriptions = targets.Select(t =>
        {
            var (state, reason, description) = !inUse && t.State is "initial" or "healthy" or "unhealthy"
                ? ("unused", "Target.NotInUse", "Target group is not configured to receive traffic from the load balancer")
                : (t.State, t.Reason, t.Description);
            var health = new JsonObject { ["State"] = state }.Put("Reason", reason).Put("Description", description);
            var target = new JsonObject { ["Id"] = t.Id, ["Port"] = t.Port }.Put("AvailabilityZone", t.AvailabilityZone);
            return (JsonNode?)new JsonObject
            {
                ["Target"] = target,
                ["HealthCheckPort"] = group.HealthCheckPort == "traffic-port" ? t.Port.ToString(CultureInfo.InvariantCulture) : group.HealthCheckPort,
                ["TargetHealth"] = health,
            };
        });
        return new JsonObject { ["TargetHealthDescriptions"] = descriptions.ToJsonArray() };
    }
}
