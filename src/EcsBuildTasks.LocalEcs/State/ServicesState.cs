using System.Text.Json.Nodes;

namespace EcsBuildTasks.LocalEcs.State;

internal sealed class EcrRepository
{
    public string Name { get; set; } = string.Empty;

    public string Arn { get; set; } = string.Empty;

    public DateTimeOffset CreatedAt { get; set; }

    public string ImageTagMutability { get; set; } = "MUTABLE";

    public bool ScanOnPush { get; set; }

    public string EncryptionType { get; set; } = "AES256";

    public string? KmsKey { get; set; }

    public JsonArray Tags { get; set; } = [];

    public string? LifecyclePolicyText { get; set; }

    /// <summary>Images by manifest digest (the manifest bytes live in the blob store).</summary>
    public Dictionary<string, EcrImage> Images { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Blobs (layers, configs) pushed to or mounted into this repository; registries scope blobs by repository.</summary>
    public HashSet<string> Blobs { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Tag → manifest digest.</summary>
    public Dictionary<string, string> Tags2Digest { get; set; } = new(StringComparer.Ordinal);
}

internal sealed class EcrImage
{
    public string Digest { get; set; } = string.Empty;

    public string MediaType { get; set; } = string.Empty;

    public string? ArtifactMediaType { get; set; }

    public long SizeInBytes { get; set; }

    public DateTimeOffset PushedAt { get; set; }

    public DateTimeOffset? LastPulledAt { get; set; }

    /// <summary>Blobs and child manifests the manifest references (kept so they are not garbage).</summary>
    public List<string> References { get; set; } = [];
}

internal sealed class CloudMapState
{
    public Dictionary<string, CloudMapNamespace> Namespaces { get; set; } = new(StringComparer.Ordinal);

    public Dictionary<string, CloudMapService> Services { get; set; } = new(StringComparer.Ordinal);

    public Dictionary<string, CloudMapOperation> Operations { get; set; } = new(StringComparer.Ordinal);
}

internal sealed class CloudMapNamespace
{
    public string Id { get; set; } = string.Empty;

    public string Arn { get; set; } = string.Empty;

    public string Name { get; set; } = string.Empty;

    public string Type { get; set; } = "DNS_PRIVATE";

    public string? Description { get; set; }

    public string? VpcId { get; set; }

    public string? HostedZoneId { get; set; }

    public DateTimeOffset CreateDate { get; set; }

    public string? CreatorRequestId { get; set; }

    public JsonArray Tags { get; set; } = [];
}

internal sealed class CloudMapService
{
    public string Id { get; set; } = string.Empty;

    public string Arn { get; set; } = string.Empty;

    public string Name { get; set; } = string.Empty;

    public string NamespaceId { get; set; } = string.Empty;

    public string? Description { get; set; }

    public string? Type { get; set; }

    public JsonObject? DnsConfig { get; set; }

    public JsonObject? HealthCheckConfig { get; set; }

    public JsonObject? HealthCheckCustomConfig { get; set; }

    public DateTimeOffset CreateDate { get; set; }

    public string? CreatorRequestId { get; set; }

    public JsonArray Tags { get; set; } = [];

    public Dictionary<string, CloudMapInstance> Instances { get; set; } = new(StringComparer.Ordinal);
}

internal sealed class CloudMapInstance
{
    public string Id { get; set; } = string.Empty;

    public string? CreatorRequestId { get; set; }

    public Dictionary<string, string> Attributes { get; set; } = new(StringComparer.Ordinal);

    public string HealthStatus { get; set; } = "HEALTHY";
}

internal sealed class CloudMapOperation
{
    public string Id { get; set; } = string.Empty;

    public string Type { get; set; } = string.Empty;

    public string Status { get; set; } = "SUCCESS";

    public DateTimeOffset CreateDate { get; set; }

    public DateTimeOffset UpdateDate { get; set; }

    public Dictionary<string, string> Targets { get; set; } = new(StringComparer.Ordinal);
}

internal sealed class AutoScalingState
{
    public List<ScalableTargetRecord> ScalableTargets { get; set; } = [];

    public List<ScalingPolicyRecord> Policies { get; set; } = [];

    public List<ScheduledActionRecord> ScheduledActions { get; set; } = [];

    public List<ScalingActivityRecord> Activities { get; set; } = [];
}

internal sealed class ScalableTargetRecord
{
    public string ServiceNamespace { get; set; } = string.Empty;

    public string ResourceId { get; set; } = string.Empty;

    public string ScalableDimension { get; set; } = string.Empty;

    public int MinCapacity { get; set; }

    public int MaxCapacity { get; set; }

    public string RoleArn { get; set; } = string.Empty;

    public string Arn { get; set; } = string.Empty;

    public DateTimeOffset CreationTime { get; set; }

    public bool DynamicScalingInSuspended { get; set; }

    public bool DynamicScalingOutSuspended { get; set; }

    public bool ScheduledScalingSuspended { get; set; }

    public JsonObject? Tags { get; set; }
}

internal sealed class ScalingPolicyRecord
{
    public string Arn { get; set; } = string.Empty;

    public string Name { get; set; } = string.Empty;

    public string ServiceNamespace { get; set; } = string.Empty;

    public string ResourceId { get; set; } = string.Empty;

    public string ScalableDimension { get; set; } = string.Empty;

    public string PolicyType { get; set; } = "StepScaling";

    public JsonObject? StepScalingPolicyConfiguration { get; set; }

    public JsonObject? TargetTrackingScalingPolicyConfiguration { get; set; }

    public JsonObject? PredictiveScalingPolicyConfiguration { get; set; }

    public List<string> AlarmNames { get; set; } = [];

    public DateTimeOffset CreationTime { get; set; }
}

internal sealed class ScheduledActionRecord
{
    public string Name { get; set; } = string.Empty;

    public string Arn { get; set; } = string.Empty;

    public string ServiceNamespace { get; set; } = string.Empty;

    public string ResourceId { get; set; } = string.Empty;

    public string? ScalableDimension { get; set; }

    public string Schedule { get; set; } = string.Empty;

    public string? Timezone { get; set; }

    public DateTimeOffset? StartTime { get; set; }

    public DateTimeOffset? EndTime { get; set; }

    public JsonObject? ScalableTargetAction { get; set; }

    public DateTimeOffset CreationTime { get; set; }
}

internal sealed class ScalingActivityRecord
{
    public string ActivityId { get; set; } = string.Empty;

    public string ServiceNamespace { get; set; } = string.Empty;

    public string ResourceId { get; set; } = string.Empty;

    public string ScalableDimension { get; set; } = string.Empty;

    public string Description { get; set; } = string.Empty;

    public string Cause { get; set; } = string.Empty;

    public DateTimeOffset StartTime { get; set; }

    public DateTimeOffset? EndTime { get; set; }

    public string StatusCode { get; set; } = "Successful";

    public string? StatusMessage { get; set; }
}

internal sealed class MetricAlarm
{
    public string Name { get; set; } = string.Empty;

    public string Arn { get; set; } = string.Empty;

    /// <summary>The PutMetricAlarm request's members (echoed by DescribeAlarms).</summary>
    public JsonObject Definition { get; set; } = [];

    public string StateValue { get; set; } = "INSUFFICIENT_DATA";

    public string StateReason { get; set; } = "Unchecked: Initial alarm creation";

    public string? StateReasonData { get; set; }

    public DateTimeOffset StateUpdatedTimestamp { get; set; }

    public DateTimeOffset StateTransitionedTimestamp { get; set; }

    public DateTimeOffset ConfigurationUpdatedTimestamp { get; set; }
}

internal sealed class LogGroup
{
    public string Name { get; set; } = string.Empty;

    public string Arn { get; set; } = string.Empty;

    public DateTimeOffset CreationTime { get; set; }

    public int? RetentionInDays { get; set; }

    public string LogGroupClass { get; set; } = "STANDARD";

    public Dictionary<string, string> Tags { get; set; } = new(StringComparer.Ordinal);

    public Dictionary<string, LogStream> Streams { get; set; } = new(StringComparer.Ordinal);
}

internal sealed class LogStream
{
    public string Name { get; set; } = string.Empty;

    public DateTimeOffset CreationTime { get; set; }

    public List<LogEventRecord> Events { get; set; } = [];

    public long? FirstEventTimestamp { get; set; }

    public long? LastEventTimestamp { get; set; }

    public long? LastIngestionTime { get; set; }
}

internal sealed class LogEventRecord
{
    public long Timestamp { get; set; }

    public long IngestionTime { get; set; }

    public string Message { get; set; } = string.Empty;
}
