using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Hosting;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.Simulation;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Services.Ecs;

internal sealed partial class EcsApi
{
    private static JsonObject ListServiceDeployments(AwsRequest request)
    {
        var input = request.Input;
        var cluster = FindCluster(request.RegionState, input.Str("cluster"));
        var service = FindService(cluster, input.Str("service") ?? throw EcsErrors.Required("service"));
        var statuses = input.Strings("status").ToHashSet(StringComparer.Ordinal);
        var createdAt = input.Obj("createdAt");
        var after = createdAt?["after"] is JsonValue a ? ParseTime(a) : null;
        var before = createdAt?["before"] is JsonValue b ? ParseTime(b) : null;
        var records = service.ServiceDeployments
            .Where(d => (statuses.Count == 0 || statuses.Contains(d.Status)) && (after is null || d.CreatedAt >= after) && (before is null || d.CreatedAt <= before))
            .Reverse()
            .ToList();
        var page = records.Select(d => (JsonNode?)new JsonObject
        {
            ["serviceDeploymentArn"] = d.Arn,
            ["serviceArn"] = d.ServiceArn,
            ["clusterArn"] = d.ClusterArn,
            ["createdAt"] = AwsValues.Timestamp(d.CreatedAt),
            ["targetServiceRevisionArn"] = d.TargetRevisionArn,
            ["status"] = d.Status,
        }.Put("startedAt", d.StartedAt).Put("finishedAt", d.FinishedAt).Put("statusReason", d.StatusReason)).ToJsonArray();
        return new JsonObject { ["serviceDeployments"] = page }; // the router pages (Hosting/Pagination)
    }

    private static DateTimeOffset? ParseTime(JsonValue value) =>
        AwsValues.TryGetTimestamp(value, out var t) ? t
        : value.GetValueKind() == System.Text.Json.JsonValueKind.Number ? DateTimeOffset.FromUnixTimeMilliseconds((long)(value.GetValue<double>() * 1000))
        : null;

    private static JsonObject DescribeServiceDeployments(AwsRequest request, SimulationContext context)
    {
        var deployments = new JsonArray();
        var failures = new JsonArray();
        foreach (var arn in request.Input.Strings("serviceDeploymentArns"))
        {
            if (FindServiceDeployment(context.Region, arn) is var (cluster, service, record))
            {
                deployments.Add(RenderServiceDeployment(cluster, service, record));
            }
            else
            {
                failures.Add(Failure(arn, "MISSING"));
            }
        }

        return new JsonObject { ["serviceDeployments"] = deployments, ["failures"] = failures };
    }

    private static JsonObject StopServiceDeployment(AwsRequest request, SimulationContext context)
    {
        var arn = request.Input.Str("serviceDeploymentArn") ?? throw EcsErrors.Required("serviceDeploymentArn");
        var (cluster, service, record) = FindServiceDeployment(context.Region, arn) ?? throw EcsErrors.ServiceDeploymentNotFound(arn);
        var stopType = request.Input.Str("stopType") ?? "ROLLBACK";
        if (stopType != "ROLLBACK")
        {
            throw EcsErrors.Invalid($"The stopType {stopType} is not supported. The valid value is ROLLBACK.");
        }

        if (record.Status is not ("PENDING" or "IN_PROGRESS"))
        {
            throw new AwsServiceException("ConflictException", $"The service deployment {arn} is {record.Status} and can no longer be stopped.");
        }

        record.StopRequested = true;
        if (record.Status == "PENDING")
        {
            record.Status = "IN_PROGRESS";
            record.StartedAt = context.Now;
        }

        Deployments.Fail(context, cluster, service, record, FailureKind.StopRequested, string.Empty);
        return new JsonObject { ["serviceDeploymentArn"] = record.Arn };
    }

    private static JsonObject ContinueServiceDeployment(AwsRequest request, SimulationContext context)
    {
        var arn = request.Input.Str("serviceDeploymentArn") ?? throw EcsErrors.Required("serviceDeploymentArn");
        var hookId = request.Input.Str("hookId") ?? throw EcsErrors.Required("hookId");
        var (_, _, record) = FindServiceDeployment(context.Region, arn) ?? throw EcsErrors.ServiceDeploymentNotFound(arn);
        var hook = record.Hooks.FirstOrDefault(h => h.HookId == hookId)
            ?? throw EcsErrors.Invalid($"The lifecycle hook {hookId} does not exist for service deployment {arn}.");
        if (hook.TargetType != "PAUSE" || hook.Status != "AWAITING_ACTION")
        {
            throw EcsErrors.Invalid($"The lifecycle hook {hookId} is {hook.Status}; only a PAUSE hook awaiting action can be continued.");
        }

        var action = request.Input.Str("action") ?? "CONTINUE";
        if (action is not ("CONTINUE" or "ROLLBACK"))
        {
            throw EcsErrors.Invalid($"1 validation error detected: Value '{action}' at 'action' failed to satisfy constraint: Member must satisfy enum value set: [ROLLBACK, CONTINUE]");
        }

        hook.Status = action == "CONTINUE" ? "SUCCEEDED" : "FAILED";
        record.UpdatedAt = context.Now;
        return new JsonObject { ["serviceDeploymentArn"] = record.Arn };
    }

    private static JsonObject DescribeServiceRevisions(AwsRequest request, SimulationContext context)
    {
        var revisions = new JsonArray();
        var failures = new JsonArray();
        var arns = request.Input.Strings("serviceRevisionArns").ToList();
        if (arns.Count is 0 or > 20)
        {
            throw EcsErrors.Invalid("serviceRevisionArns must contain between 1 and 20 items.");
        }

        foreach (var arn in arns)
        {
            var revision = context.Region.Clusters.Values.SelectMany(c => c.Services.Values).SelectMany(s => s.Revisions).FirstOrDefault(r => r.Arn == arn);
            if (revision is null)
            {
                failures.Add(Failure(arn, "MISSING"));
            }
            else
            {
                revisions.Add(RenderRevision(revision));
            }
        }

        return new JsonObject { ["serviceRevisions"] = revisions, ["failures"] = failures };
    }

    internal static (EcsCluster Cluster, EcsService Service, ServiceDeploymentRecord Record)? FindServiceDeployment(RegionState region, string arn)
    {
        var clusterName = EcsArns.ClusterOf(arn);
        if (clusterName is null || !region.Clusters.TryGetValue(clusterName, out var cluster))
        {
            return null;
        }

        foreach (var service in cluster.Services.Values)
        {
            var record = service.ServiceDeployments.FirstOrDefault(d => d.Arn == arn);
            if (record is not null)
            {
                return (cluster, service, record);
            }
        }

        return null;
    }
}
