using System.Text.Json.Nodes;

namespace EcsBuildTasks.LocalEcs.State;

/// <summary>
/// What makes an ECS service an Express service (CreateExpressGatewayService): its configurations and the
/// infrastructure ECS provisioned for it with the infrastructure role. Kept on the <see cref="EcsService"/> it manages.
/// </summary>
internal sealed class ExpressGatewayRecord
{
    public string InfrastructureRoleArn { get; set; } = string.Empty;

    /// <summary>ACTIVE, DRAINING (DeleteExpressGatewayService, tasks stopping) or INACTIVE (everything removed).</summary>
    public string StatusCode { get; set; } = "ACTIVE";

    public string? StatusReason { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The HTTPS host name the service answers on (<c>xx-&lt;32 hex&gt;.ecs.&lt;region&gt;.on.aws</c>).</summary>
    public string Endpoint { get; set; } = string.Empty;

    /// <summary>PUBLIC (internet-facing load balancer in public subnets) or PRIVATE.</summary>
    public string AccessType { get; set; } = "PUBLIC";

    /// <summary>Until when the load balancer, certificate and DNS name are still being provisioned (no ingress path yet).</summary>
    public DateTimeOffset ReadyAt { get; set; }

    public List<ExpressConfigurationRecord> Configurations { get; set; } = [];

    public ExpressResources Resources { get; set; } = new();
}

/// <summary>One configuration of an Express service; each one that changes the tasks runs as its own service revision.</summary>
internal sealed class ExpressConfigurationRecord
{
    public string ServiceRevisionArn { get; set; } = string.Empty;

    public string? ExecutionRoleArn { get; set; }

    public string? TaskRoleArn { get; set; }

    public string TaskDefinitionArn { get; set; } = string.Empty;

    /// <summary>Whether the task definition was given (taskDefinitionArn) rather than generated from the primary container.</summary>
    public bool CustomerTaskDefinition { get; set; }

    public string Cpu { get; set; } = string.Empty;

    public string Memory { get; set; } = string.Empty;

    public JsonObject NetworkConfiguration { get; set; } = [];

    public string HealthCheckPath { get; set; } = "/ping";

    public JsonObject? PrimaryContainer { get; set; }

    public JsonObject ScalingTarget { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>The resources provisioned for an Express service; the load balancer, its listener and security group are shared.</summary>
internal sealed class ExpressResources
{
    public string LoadBalancerArn { get; set; } = string.Empty;

    public string ListenerArn { get; set; } = string.Empty;

    public string LoadBalancerSecurityGroupId { get; set; } = string.Empty;

    public string CertificateArn { get; set; } = string.Empty;

    public string RuleArn { get; set; } = string.Empty;

    /// <summary>The two target groups the canary deployment shifts traffic between.</summary>
    public List<string> TargetGroupArns { get; set; } = [];

    /// <summary>The tasks' security group when ECS created it (none given in the network configuration).</summary>
    public string? TaskSecurityGroupId { get; set; }

    public string ScalableTargetResourceId { get; set; } = string.Empty;

    public string ScalingPolicyName { get; set; } = string.Empty;

    public string RollbackAlarmName { get; set; } = string.Empty;

    public string LogGroupName { get; set; } = string.Empty;
}
