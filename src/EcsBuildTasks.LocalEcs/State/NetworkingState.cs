using System.Text.Json.Nodes;

namespace EcsBuildTasks.LocalEcs.State;

internal sealed class Ec2State
{
    public List<VpcRecord> Vpcs { get; set; } = [];

    public List<SubnetRecord> Subnets { get; set; } = [];

    public List<SecurityGroupRecord> SecurityGroups { get; set; } = [];
}

internal sealed class VpcRecord
{
    public string VpcId { get; set; } = string.Empty;

    public string CidrBlock { get; set; } = string.Empty;

    public bool IsDefault { get; set; }

    public string DhcpOptionsId { get; set; } = string.Empty;
}

internal sealed class SubnetRecord
{
    public string SubnetId { get; set; } = string.Empty;

    public string VpcId { get; set; } = string.Empty;

    public string CidrBlock { get; set; } = string.Empty;

    public string AvailabilityZone { get; set; } = string.Empty;

    public string AvailabilityZoneId { get; set; } = string.Empty;

    public bool DefaultForAz { get; set; }

    public bool MapPublicIpOnLaunch { get; set; }

    /// <summary>Next host address handed to an ENI (offset within the CIDR; AWS reserves the first four).</summary>
    public int NextHost { get; set; } = 4;
}

internal sealed class SecurityGroupRecord
{
    public string GroupId { get; set; } = string.Empty;

    public string GroupName { get; set; } = string.Empty;

    public string Description { get; set; } = string.Empty;

    public string VpcId { get; set; } = string.Empty;
}

internal sealed class Elbv2State
{
    public Dictionary<string, LoadBalancerRecord> LoadBalancers { get; set; } = new(StringComparer.Ordinal);

    public Dictionary<string, TargetGroupRecord> TargetGroups { get; set; } = new(StringComparer.Ordinal);

    public Dictionary<string, ListenerRecord> Listeners { get; set; } = new(StringComparer.Ordinal);

    public Dictionary<string, RuleRecord> Rules { get; set; } = new(StringComparer.Ordinal);
}

internal sealed class LoadBalancerRecord
{
    public string Arn { get; set; } = string.Empty;

    public string Name { get; set; } = string.Empty;

    public string Type { get; set; } = "application";

    public string Scheme { get; set; } = "internet-facing";

    public string VpcId { get; set; } = string.Empty;

    public string DnsName { get; set; } = string.Empty;

    public string IpAddressType { get; set; } = "ipv4";

    public List<string> SubnetIds { get; set; } = [];

    public List<string> SecurityGroups { get; set; } = [];

    public DateTimeOffset CreatedTime { get; set; }

    public string State { get; set; } = "provisioning";

    public JsonArray Tags { get; set; } = [];

    public Dictionary<string, string> Attributes { get; set; } = new(StringComparer.Ordinal);
}

internal sealed class TargetGroupRecord
{
    public string Arn { get; set; } = string.Empty;

    public string Name { get; set; } = string.Empty;

    public string? Protocol { get; set; }

    public int? Port { get; set; }

    public string? VpcId { get; set; }

    public string TargetType { get; set; } = "instance";

    public string? ProtocolVersion { get; set; }

    public string IpAddressType { get; set; } = "ipv4";

    public bool HealthCheckEnabled { get; set; } = true;

    public string? HealthCheckProtocol { get; set; }

    public string HealthCheckPort { get; set; } = "traffic-port";

    public string? HealthCheckPath { get; set; }

    public int HealthCheckIntervalSeconds { get; set; } = 30;

    public int HealthCheckTimeoutSeconds { get; set; } = 5;

    public int HealthyThresholdCount { get; set; } = 5;

    public int UnhealthyThresholdCount { get; set; } = 2;

    public JsonObject? Matcher { get; set; }

    public Dictionary<string, string> Attributes { get; set; } = new(StringComparer.Ordinal);

    public JsonArray Tags { get; set; } = [];

    public List<TargetRecord> Targets { get; set; } = [];

    public int DeregistrationDelaySeconds =>
        Attributes.TryGetValue("deregistration_delay.timeout_seconds", out var v) && int.TryParse(v, System.Globalization.CultureInfo.InvariantCulture, out var s) ? s : 300;
}

internal sealed class TargetRecord
{
    public string Id { get; set; } = string.Empty;

    public int Port { get; set; }

    public string? AvailabilityZone { get; set; }

    public string State { get; set; } = "initial";

    public string? Reason { get; set; } = "Elb.RegistrationInProgress";

    public string? Description { get; set; } = "Target registration is in progress";

    public DateTimeOffset RegisteredAt { get; set; }

    public DateTimeOffset? DrainingUntil { get; set; }

    /// <summary>When the app behind the target starts answering health checks (null: a target registered through the API, healthy as soon as the checks pass).</summary>
    public DateTimeOffset? AppReadyAt { get; set; }

    /// <summary>The app never answers health checks successfully (<c>LOCALECS_SIMULATE=unhealthy</c>).</summary>
    public bool AppFailsHealthChecks { get; set; }

    /// <summary>The task behind the target, for tasks that ECS registered.</summary>
    public string? TaskArn { get; set; }
}

internal sealed class ListenerRecord
{
    public string Arn { get; set; } = string.Empty;

    public string LoadBalancerArn { get; set; } = string.Empty;

    public int? Port { get; set; }

    public string? Protocol { get; set; }

    public JsonArray DefaultActions { get; set; } = [];

    public JsonArray? Certificates { get; set; }

    public string? SslPolicy { get; set; }

    public JsonArray? AlpnPolicy { get; set; }

    public JsonArray Tags { get; set; } = [];

    /// <summary>The ARN of the listener's default rule (DescribeRules lists it with <c>IsDefault</c>).</summary>
    public string DefaultRuleArn { get; set; } = string.Empty;
}

internal sealed class RuleRecord
{
    public string Arn { get; set; } = string.Empty;

    public string ListenerArn { get; set; } = string.Empty;

    public string Priority { get; set; } = string.Empty;

    public JsonArray Conditions { get; set; } = [];

    public JsonArray Actions { get; set; } = [];

    public JsonArray Tags { get; set; } = [];
}
