using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EcsBuildTasks.LocalEcs.Hosting;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.Services.CloudWatch;
using EcsBuildTasks.LocalEcs.Services.Ecs;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Services.AutoScaling;

/// <summary>
/// Application Auto Scaling (JSON 1.1) for ECS services: scalable targets (with SuspendedState), scaling policies
/// (target tracking creates its CloudWatch alarms), scheduled actions and scaling activities. Policies do not act on
/// metrics; the control API can change a service's desired count as a policy would.
/// </summary>
internal sealed partial class AutoScalingApi : IAwsApi
{
    private static readonly HashSet<string> ServedOperations =
    [
        "RegisterScalableTarget", "DescribeScalableTargets", "DeregisterScalableTarget", "PutScalingPolicy", "DescribeScalingPolicies",
        "DeleteScalingPolicy", "PutScheduledAction", "DescribeScheduledActions", "DeleteScheduledAction", "DescribeScalingActivities",
        "TagResource", "UntagResource", "ListTagsForResource",
    ];

    public string SigningName => "application-autoscaling";

    public IReadOnlyCollection<string> Operations => ServedOperations;

    public JsonNode? Invoke(AwsRequest request)
    {
        var scaling = request.RegionState.AutoScaling;
        var input = request.Input;
        switch (request.Operation)
        {
            case "RegisterScalableTarget":
                return RegisterScalableTarget(request, scaling);
            case "DescribeScalableTargets":
            {
                var ids = input.Strings("ResourceIds").ToHashSet(StringComparer.Ordinal);
                var dimension = input.Str("ScalableDimension");
                var targets = scaling.ScalableTargets.Where(t => t.ServiceNamespace == Namespace(input) && (ids.Count == 0 || ids.Contains(t.ResourceId)) && (dimension is null || t.ScalableDimension == dimension));
                return new JsonObject { ["ScalableTargets"] = targets.Select(t => (JsonNode?)RenderTarget(t)).ToJsonArray() };
            }

            case "DeregisterScalableTarget":
            {
                var target = FindTarget(scaling, input);
                scaling.ScalableTargets.Remove(target);
                foreach (var policy in scaling.Policies.Where(p => p.ResourceId == target.ResourceId && p.ScalableDimension == target.ScalableDimension).ToList())
                {
                    RemovePolicy(request.RegionState, policy);
                }

                scaling.ScheduledActions.RemoveAll(a => a.ResourceId == target.ResourceId);
                return new JsonObject();
            }

            case "PutScalingPolicy":
                return PutScalingPolicy(request, scaling);
            case "DescribeScalingPolicies":
            {
                var names = input.Strings("PolicyNames").ToHashSet(StringComparer.Ordinal);
                var resource = input.Str("ResourceId");
                var policies = scaling.Policies.Where(p => p.ServiceNamespace == Namespace(input) && (names.Count == 0 || names.Contains(p.Name)) && (resource is null || p.ResourceId == resource));
                return new JsonObject { ["ScalingPolicies"] = policies.Select(p => (JsonNode?)RenderPolicy(request.RegionState, p)).ToJsonArray() };
            }

            case "DeleteScalingPolicy":
            {
                var name = input.Str("PolicyName") ?? throw Validation("PolicyName");
                var resource = input.Str("ResourceId");
                var policy = scaling.Policies.FirstOrDefault(p => p.Name == name && p.ResourceId == resource && p.ScalableDimension == input.Str("ScalableDimension"))
                    ?? throw new AwsServiceException("ObjectNotFoundException", $"No scaling policy found for service namespace: {Namespace(input)}, resource ID: {resource}, scalable dimension: {input.Str("ScalableDimension")}, policy name: {name}");
                RemovePolicy(request.RegionState, policy);
                return new JsonObject();
            }

            case "PutScheduledAction":
                return PutScheduledAction(request, scaling);
            case "DescribeScheduledActions":
            {
                var names = input.Strings("ScheduledActionNames").ToHashSet(StringComparer.Ordinal);
                var resource = input.Str("ResourceId");
                var actions = scaling.ScheduledActions.Where(a => a.ServiceNamespace == Namespace(input) && (names.Count == 0 || names.Contains(a.Name)) && (resource is null || a.ResourceId == resource));
                return new JsonObject { ["ScheduledActions"] = actions.Select(a => (JsonNode?)RenderScheduledAction(a)).ToJsonArray() };
            }

            case "DeleteScheduledAction":
            {
                var name = input.Str("ScheduledActionName") ?? throw Validation("ScheduledActionName");
                var removed = scaling.ScheduledActions.RemoveAll(a => a.Name == name && a.ResourceId == input.Str("ResourceId"));
                if (removed == 0)
                {
                    throw new AwsServiceException("ObjectNotFoundException", $"No scheduled action found for service namespace: {Namespace(input)}, resource ID: {input.Str("ResourceId")}, scheduled action name: {name}");
                }

                return new JsonObject();
            }

            case "DescribeScalingActivities":
            {
                var resource = input.Str("ResourceId");
                var activities = scaling.Activities.Where(a => a.ServiceNamespace == Namespace(input) && (resource is null || a.ResourceId == resource))
                    .OrderByDescending(a => a.StartTime)
                    .Select(a => (JsonNode?)new JsonObject
                    {
                        ["ActivityId"] = a.ActivityId,
                        ["ServiceNamespace"] = a.ServiceNamespace,
                        ["ResourceId"] = a.ResourceId,
                        ["ScalableDimension"] = a.ScalableDimension,
                        ["Description"] = a.Description,
                        ["Cause"] = a.Cause,
                        ["StartTime"] = AwsValues.Timestamp(a.StartTime),
                        ["StatusCode"] = a.StatusCode,
                    }.Put("EndTime", a.EndTime).Put("StatusMessage", a.StatusMessage));
                return new JsonObject { ["ScalingActivities"] = activities.ToJsonArray() };
            }

            case "TagResource":
            {
                var target = TargetByArn(scaling, input.Str("ResourceARN"));
                target.Tags ??= [];
                foreach (var (key, value) in input.Obj("Tags") ?? [])
                {
                    target.Tags[key] = value?.DeepClone();
                }

                return new JsonObject();
            }

            case "UntagResource":
            {
                var target = TargetByArn(scaling, input.Str("ResourceARN"));
                foreach (var key in input.Strings("TagKeys"))
                {
                    target.Tags?.Remove(key);
                }

                return new JsonObject();
            }

            default:
                return new JsonObject { ["Tags"] = TargetByArn(scaling, input.Str("ResourceARN")).Tags?.DeepClone() ?? new JsonObject() };
        }
    }

    private static JsonObject RegisterScalableTarget(AwsRequest request, AutoScalingState scaling)
    {
        var input = request.Input;
        var (ns, resource, dimension) = Identify(request);
        var target = scaling.ScalableTargets.FirstOrDefault(t => t.ServiceNamespace == ns && t.ResourceId == resource && t.ScalableDimension == dimension);
        var minimum = input.Int("MinCapacity");
        var maximum = input.Int("MaxCapacity");
        if (target is null && (minimum is null || maximum is null))
        {
            throw new AwsServiceException("ValidationException", "MinCapacity and MaxCapacity are required when registering a new scalable target.");
        }

        minimum ??= target!.MinCapacity;
        maximum ??= target!.MaxCapacity;
        if (minimum < 0 || maximum < minimum)
        {
            throw new AwsServiceException("ValidationException", $"Minimum capacity cannot be greater than maximum capacity (min {minimum}, max {maximum}).");
        }

        if (target is null)
        {
            target = new ScalableTargetRecord
            {
                ServiceNamespace = ns,
                ResourceId = resource,
                ScalableDimension = dimension,
                Arn = $"arn:aws:application-autoscaling:{request.Region}:{Account.Id}:scalable-target/{Ids.Alphanumeric(36).ToLowerInvariant()}",
                CreationTime = request.Now,
                RoleArn = input.Str("RoleARN") ?? $"arn:aws:iam::{Account.Id}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService",
            };
            scaling.ScalableTargets.Add(target);
        }

        target.MinCapacity = minimum.Value;
        target.MaxCapacity = maximum.Value;
        target.RoleArn = input.Str("RoleARN") ?? target.RoleArn;
        if (input.Obj("SuspendedState") is { } suspended)
        {
            target.DynamicScalingInSuspended = suspended.Bool("DynamicScalingInSuspended") ?? target.DynamicScalingInSuspended;
            target.DynamicScalingOutSuspended = suspended.Bool("DynamicScalingOutSuspended") ?? target.DynamicScalingOutSuspended;
            target.ScheduledScalingSuspended = suspended.Bool("ScheduledScalingSuspended") ?? target.ScheduledScalingSuspended;
        }

        if (input.Obj("Tags") is { } tags)
        {
            target.Tags = (JsonObject)tags.DeepClone();
        }

        return new JsonObject { ["ScalableTargetARN"] = target.Arn };
    }

    private static JsonObject PutScalingPolicy(AwsRequest request, AutoScalingState scaling)
    {
        var input = request.Input;
        var name = input.Str("PolicyName") ?? throw Validation("PolicyName");
        var (ns, resource, dimension) = Identify(request);
        _ = FindTarget(scaling, input); // A policy needs its scalable target (ObjectNotFoundException otherwise).
        var type = input.Str("PolicyType") ?? "StepScaling";
        if (type is not ("StepScaling" or "TargetTrackingScaling" or "PredictiveScaling"))
        {
            throw new AwsServiceException("ValidationException", $"Unsupported policy type: {type}");
        }

        var tracking = input.CloneObj("TargetTrackingScalingPolicyConfiguration");
        var step = input.CloneObj("StepScalingPolicyConfiguration");
        if (type == "TargetTrackingScaling")
        {
            if (tracking?.Double("TargetValue") is null)
            {
                throw new AwsServiceException("ValidationException", "TargetTrackingScalingPolicyConfiguration with a TargetValue is required for TargetTrackingScaling policies.");
            }

            if (tracking.Obj("PredefinedMetricSpecification") is null && tracking.Obj("CustomizedMetricSpecification") is null)
            {
                throw new AwsServiceException("ValidationException", "Either PredefinedMetricSpecification or CustomizedMetricSpecification must be specified.");
            }
        }
        else if (type == "StepScaling" && step is null)
        {
            throw new AwsServiceException("ValidationException", "StepScalingPolicyConfiguration is required for StepScaling policies.");
        }

        var policy = scaling.Policies.FirstOrDefault(p => p.Name == name && p.ResourceId == resource && p.ScalableDimension == dimension);
        if (policy is null)
        {
            policy = new ScalingPolicyRecord
            {
                Name = name,
                Arn = $"arn:aws:autoscaling:{request.Region}:{Account.Id}:scalingPolicy:{Guid.NewGuid()}:resource/{ns}/{resource}:policyName/{name}",
                ServiceNamespace = ns,
                ResourceId = resource,
                ScalableDimension = dimension,
                CreationTime = request.Now,
            };
            scaling.Policies.Add(policy);
        }

        policy.PolicyType = type;
        policy.TargetTrackingScalingPolicyConfiguration = tracking;
        policy.StepScalingPolicyConfiguration = step;
        policy.PredictiveScalingPolicyConfiguration = input.CloneObj("PredictiveScalingPolicyConfiguration");
        if (type == "TargetTrackingScaling" && policy.AlarmNames.Count == 0)
        {
            var metric = tracking!.Obj("PredefinedMetricSpecification")?.Str("PredefinedMetricType") switch
            {
                "ECSServiceAverageMemoryUtilization" => "MemoryUtilization",
                "ALBRequestCountPerTarget" => "RequestCountPerTarget",
                _ => "CPUUtilization",
            };
            var parts = resource.Split('/');
            foreach (var (suffix, comparison, periods) in new[] { ("AlarmHigh", "GreaterThanThreshold", 3), ("AlarmLow", "LessThanThreshold", 15) })
            {
                var alarmName = $"TargetTracking-{resource}-{suffix}-{Guid.NewGuid()}";
                CloudWatchApi.PutMetricAlarm(request.RegionState, new JsonObject
                {
                    ["AlarmName"] = alarmName,
                    ["AlarmDescription"] = $"DO NOT EDIT OR DELETE. For TargetTrackingScaling policy {policy.Arn}.",
                    ["ActionsEnabled"] = true,
                    ["AlarmActions"] = new JsonArray(policy.Arn),
                    ["MetricName"] = metric,
                    ["Namespace"] = "AWS/ECS",
                    ["Statistic"] = "Average",
                    ["Dimensions"] = new JsonArray(
                        new JsonObject { ["Name"] = "ClusterName", ["Value"] = parts.Length > 1 ? parts[1] : string.Empty },
                        new JsonObject { ["Name"] = "ServiceName", ["Value"] = parts.Length > 2 ? parts[2] : string.Empty }),
                    ["Period"] = 60,
                    ["EvaluationPeriods"] = periods,
                    ["DatapointsToAlarm"] = periods,
                    ["Threshold"] = tracking!.Double("TargetValue") * (suffix == "AlarmHigh" ? 1 : 0.9),
                    ["ComparisonOperator"] = comparison,
                    ["Unit"] = "Percent",
                }, request.Now);
                policy.AlarmNames.Add(alarmName);
            }
        }

        return new JsonObject
        {
            ["PolicyARN"] = policy.Arn,
            ["Alarms"] = Alarms(request.RegionState, policy),
        };
    }

    private static JsonObject PutScheduledAction(AwsRequest request, AutoScalingState scaling)
    {
        var input = request.Input;
        var name = input.Str("ScheduledActionName") ?? throw Validation("ScheduledActionName");
        var (ns, resource, dimension) = Identify(request);
        var schedule = input.Str("Schedule");
        var action = scaling.ScheduledActions.FirstOrDefault(a => a.Name == name && a.ResourceId == resource);
        if (action is null && schedule is null)
        {
            throw Validation("Schedule");
        }

        if (schedule is not null && !SchedulePattern().IsMatch(schedule))
        {
            throw new AwsServiceException("ValidationException", $"Schedule '{schedule}' is not valid: use at(yyyy-mm-ddThh:mm:ss), rate(value unit) or cron(fields).");
        }

        if (action is null)
        {
            action = new ScheduledActionRecord
            {
                Name = name,
                Arn = $"arn:aws:autoscaling:{request.Region}:{Account.Id}:scheduledAction:{Guid.NewGuid()}:resource/{ns}/{resource}:scheduledActionName/{name}",
                ServiceNamespace = ns,
                ResourceId = resource,
                CreationTime = request.Now,
            };
            scaling.ScheduledActions.Add(action);
        }

        action.ScalableDimension = dimension;
        action.Schedule = schedule ?? action.Schedule;
        action.Timezone = input.Str("Timezone") ?? action.Timezone ?? "UTC";
        action.StartTime = input["StartTime"] is JsonValue start ? Time(start) : action.StartTime;
        action.EndTime = input["EndTime"] is JsonValue end ? Time(end) : action.EndTime;
        action.ScalableTargetAction = input.CloneObj("ScalableTargetAction") ?? action.ScalableTargetAction;
        return new JsonObject();
    }

    private static DateTimeOffset? Time(JsonValue value) =>
        AwsValues.TryGetTimestamp(value, out var t) ? t
        : value.GetValueKind() == System.Text.Json.JsonValueKind.Number ? DateTimeOffset.FromUnixTimeMilliseconds((long)(value.GetValue<double>() * 1000))
        : DateTimeOffset.TryParse(value.ToString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : null;

    /// <summary>Validates the (namespace, resource id, dimension) triple; ECS resources must name an existing service.</summary>
    private static (string Namespace, string ResourceId, string Dimension) Identify(AwsRequest request)
    {
        var input = request.Input;
        var ns = input.Str("ServiceNamespace") ?? throw Validation("ServiceNamespace");
        var resource = input.Str("ResourceId") ?? throw Validation("ResourceId");
        var dimension = input.Str("ScalableDimension") ?? throw Validation("ScalableDimension");
        if (ns != "ecs")
        {
            throw new AwsServiceException("ValidationException", $"LocalEcs supports the ecs service namespace only (got {ns}).");
        }

        if (dimension != "ecs:service:DesiredCount")
        {
            throw new AwsServiceException("ValidationException", $"Unsupported scalable dimension '{dimension}' for service namespace ecs.");
        }

        var parts = resource.Split('/');
        if (parts.Length != 3 || parts[0] != "service")
        {
            throw new AwsServiceException("ValidationException", $"Unsupported resource ID '{resource}': ECS resource IDs look like service/<cluster>/<service>.");
        }

        var exists = request.RegionState.Clusters.TryGetValue(parts[1], out var cluster) && cluster.Status == "ACTIVE"
            && cluster.Services.TryGetValue(parts[2], out var service) && service.Status == "ACTIVE";
        if (!exists && request.Operation == "RegisterScalableTarget")
        {
            throw new AwsServiceException("ValidationException", $"ECS service doesn't exist: {resource}");
        }

        return (ns, resource, dimension);
    }

    private static ScalableTargetRecord FindTarget(AutoScalingState scaling, JsonObject input)
    {
        var ns = Namespace(input);
        var resource = input.Str("ResourceId");
        var dimension = input.Str("ScalableDimension");
        return scaling.ScalableTargets.FirstOrDefault(t => t.ServiceNamespace == ns && t.ResourceId == resource && t.ScalableDimension == dimension)
            ?? throw new AwsServiceException("ObjectNotFoundException", $"No scalable target registered for service namespace: {ns}, resource ID: {resource}, scalable dimension: {dimension}");
    }

    private static ScalableTargetRecord TargetByArn(AutoScalingState scaling, string? arn) =>
        scaling.ScalableTargets.FirstOrDefault(t => t.Arn == arn) ?? throw new AwsServiceException("ResourceNotFoundException", $"No scalable target found for {arn}");

    private static void RemovePolicy(RegionState region, ScalingPolicyRecord policy)
    {
        region.AutoScaling.Policies.Remove(policy);
        foreach (var alarm in policy.AlarmNames)
        {
            region.Alarms.Remove(alarm);
        }
    }

    private static string Namespace(JsonObject input) => input.Str("ServiceNamespace") ?? throw Validation("ServiceNamespace");

    internal static JsonObject RenderTarget(ScalableTargetRecord target) => new JsonObject
    {
        ["ServiceNamespace"] = target.ServiceNamespace,
        ["ResourceId"] = target.ResourceId,
        ["ScalableDimension"] = target.ScalableDimension,
        ["MinCapacity"] = target.MinCapacity,
        ["MaxCapacity"] = target.MaxCapacity,
        ["RoleARN"] = target.RoleArn,
        ["CreationTime"] = AwsValues.Timestamp(target.CreationTime),
        ["SuspendedState"] = new JsonObject
        {
            ["DynamicScalingInSuspended"] = target.DynamicScalingInSuspended,
            ["DynamicScalingOutSuspended"] = target.DynamicScalingOutSuspended,
            ["ScheduledScalingSuspended"] = target.ScheduledScalingSuspended,
        },
        ["ScalableTargetARN"] = target.Arn,
    };

    private static JsonObject RenderPolicy(RegionState region, ScalingPolicyRecord policy) => new JsonObject
    {
        ["PolicyARN"] = policy.Arn,
        ["PolicyName"] = policy.Name,
        ["ServiceNamespace"] = policy.ServiceNamespace,
        ["ResourceId"] = policy.ResourceId,
        ["ScalableDimension"] = policy.ScalableDimension,
        ["PolicyType"] = policy.PolicyType,
        ["Alarms"] = Alarms(region, policy),
        ["CreationTime"] = AwsValues.Timestamp(policy.CreationTime),
    }
    .Put("StepScalingPolicyConfiguration", policy.StepScalingPolicyConfiguration?.DeepClone())
    .Put("TargetTrackingScalingPolicyConfiguration", policy.TargetTrackingScalingPolicyConfiguration?.DeepClone())
    .Put("PredictiveScalingPolicyConfiguration", policy.PredictiveScalingPolicyConfiguration?.DeepClone());

    private static JsonArray Alarms(RegionState region, ScalingPolicyRecord policy) =>
        policy.AlarmNames.Select(n => (JsonNode?)new JsonObject
        {
            ["AlarmName"] = n,
            ["AlarmARN"] = region.Alarms.GetValueOrDefault(n)?.Arn ?? $"arn:aws:cloudwatch:{region.Name}:{Account.Id}:alarm:{n}",
        }).ToJsonArray();

    private static JsonObject RenderScheduledAction(ScheduledActionRecord action) => new JsonObject
    {
        ["ScheduledActionName"] = action.Name,
        ["ScheduledActionARN"] = action.Arn,
        ["ServiceNamespace"] = action.ServiceNamespace,
        ["Schedule"] = action.Schedule,
        ["ResourceId"] = action.ResourceId,
        ["CreationTime"] = AwsValues.Timestamp(action.CreationTime),
    }
    .Put("Timezone", action.Timezone).Put("ScalableDimension", action.ScalableDimension).Put("StartTime", action.StartTime)
    .Put("EndTime", action.EndTime).Put("ScalableTargetAction", action.ScalableTargetAction?.DeepClone());

    /// <summary>
    /// Changes an ECS service's desired count as a scaling policy would: only with a scalable target, clamped to its
    /// capacity, and not while the direction is suspended. Records a scaling activity either way.
    /// </summary>
    internal static (bool Applied, int DesiredCount, string Message) ScaleAsAutoScaling(RegionState region, string clusterName, string serviceName, int requested, DateTimeOffset now)
    {
        var cluster = EcsApi.FindCluster(region, clusterName);
        var service = EcsApi.FindService(cluster, serviceName);
        var resource = $"service/{cluster.Name}/{service.Name}";
        var target = region.AutoScaling.ScalableTargets.FirstOrDefault(t => t.ServiceNamespace == "ecs" && t.ResourceId == resource)
            ?? throw new AwsServiceException("ObjectNotFoundException", $"No scalable target registered for service namespace: ecs, resource ID: {resource}, scalable dimension: ecs:service:DesiredCount");
        var wanted = Math.Clamp(requested, target.MinCapacity, target.MaxCapacity);
        var suspended = (wanted > service.DesiredCount && target.DynamicScalingOutSuspended) || (wanted < service.DesiredCount && target.DynamicScalingInSuspended);
        var activity = new ScalingActivityRecord
        {
            ActivityId = Guid.NewGuid().ToString(),
            ServiceNamespace = "ecs",
            ResourceId = resource,
            ScalableDimension = "ecs:service:DesiredCount",
            Description = $"Setting desired count to {wanted}.",
            Cause = $"LocalEcs control API requested desired count {requested}",
            StartTime = now,
        };
        if (suspended)
        {
            activity.StatusCode = "Failed";
            activity.StatusMessage = "Dynamic scaling is suspended for this direction (SuspendedState).";
        }
        else
        {
            service.DesiredCount = wanted;
            service.SteadyStateReported = false;
            activity.EndTime = now;
            activity.StatusMessage = $"Successfully set desired count to {wanted}. Change successfully fulfilled by ecs.";
        }

        region.AutoScaling.Activities.Add(activity);
        return (!suspended, service.DesiredCount, activity.StatusMessage ?? string.Empty);
    }

    private static AwsServiceException Validation(string member) =>
        new("ValidationException", $"1 validation error detected: Value null at '{char.ToLowerInvariant(member[0])}{member[1..]}' failed to satisfy constraint: Member must not be null");

    [GeneratedRegex(@"^(at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\)|rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(.+\))$")]
    private static partial Regex SchedulePattern();
}
