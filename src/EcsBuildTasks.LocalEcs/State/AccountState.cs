using System.Text.Json.Serialization;

namespace EcsBuildTasks.LocalEcs.State;

/// <summary>
/// Everything LocalEcs knows, for its single account (<see cref="Account.Id"/>). One lock (<see cref="Sync"/>) guards
/// the whole tree: request handlers and the simulation tick take it, so the simulation sees consistent state without
/// finer-grained locking. Serialized as a whole to the state file.
/// </summary>
internal sealed class AccountState
{
    [JsonIgnore]
    public object Sync { get; } = new();

    /// <summary>Simulated time when the state was last saved; a restarted server resumes its clock from here.</summary>
    public DateTimeOffset SimulatedNow { get; set; }

    public Dictionary<string, RegionState> Regions { get; set; } = new(StringComparer.Ordinal);

    /// <summary>ECR repositories. One OCI registry serves them all, so they are account-wide (their ARNs keep the region they were created in).</summary>
    public Dictionary<string, EcrRepository> Repositories { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Container instance counts set through the control API, by cluster ARN; absent means the default.</summary>
    public Dictionary<string, int> ContainerInstanceCounts { get; set; } = new(StringComparer.Ordinal);

    /// <summary>ECS account settings (PutAccountSetting/PutAccountSettingDefault), by name.</summary>
    public Dictionary<string, string> EcsAccountSettings { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Results for Lambda lifecycle hooks by function ARN, set through the control API and applied to every invocation.</summary>
    public Dictionary<string, string> LambdaHookResults { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Route 53 hosted zones, record sets and changes: a global service, so account-wide.</summary>
    public Route53State Route53 { get; set; } = new();

    /// <summary>IAM roles; global, like IAM itself.</summary>
    public IamState Iam { get; set; } = new();

    public RegionState Region(string name)
    {
        if (!Regions.TryGetValue(name, out var region))
        {
            region = new RegionState { Name = name };
            Ec2Defaults.Populate(region);
            Regions[name] = region;
        }

        return region;
    }
}

/// <summary>The resources of one region.</summary>
internal sealed class RegionState
{
    public string Name { get; set; } = "us-east-1";

    public Ec2State Ec2 { get; set; } = new();

    public Dictionary<string, EcsCluster> Clusters { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Task definitions by <c>family:revision</c>.</summary>
    public Dictionary<string, TaskDefinitionRecord> TaskDefinitions { get; set; } = new(StringComparer.Ordinal);

    public Dictionary<string, int> TaskDefinitionFamilyRevisions { get; set; } = new(StringComparer.Ordinal);

    public Elbv2State Elbv2 { get; set; } = new();

    public CloudMapState CloudMap { get; set; } = new();

    public AutoScalingState AutoScaling { get; set; } = new();

    public Dictionary<string, MetricAlarm> Alarms { get; set; } = new(StringComparer.Ordinal);

    public Dictionary<string, LogGroup> LogGroups { get; set; } = new(StringComparer.Ordinal);

    /// <summary>ECS capacity providers (Managed Instances and Auto Scaling group ones) by name.</summary>
    public Dictionary<string, CapacityProviderRecord> CapacityProviders { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Daemon task definitions by <c>family:revision</c>.</summary>
    public Dictionary<string, DaemonTaskDefinitionRecord> DaemonTaskDefinitions { get; set; } = new(StringComparer.Ordinal);

    public Dictionary<string, int> DaemonTaskDefinitionFamilyRevisions { get; set; } = new(StringComparer.Ordinal);

    public SecretsManagerState SecretsManager { get; set; } = new();

    public SsmState Ssm { get; set; } = new();

    /// <summary>
    /// Extra simulated seconds before the URL of an Express service created from now on answers (its certificate and DNS
    /// name after the load balancer): <c>PUT /_localecs/express/url-delay</c>, 0 unless set.
    /// </summary>
    public double ExpressUrlDelaySeconds { get; set; }

    /// <summary>
    /// Services (<c>cluster/service</c>) whose deployments do not complete until released: their tasks start and run
    /// healthy, but the deployment stays IN_PROGRESS (<c>PUT|DELETE /_localecs/deployments/hold</c>).
    /// </summary>
    public List<string> HeldDeployments { get; set; } = [];
}

/// <summary>The fixed identity LocalEcs answers as.</summary>
internal static class Account
{
    public const string Id = "123456789012";

    public const string UserName = "localecs";

    public const string UserArn = "arn:aws:iam::123456789012:user/localecs";

    public const string DefaultRegion = "us-east-1";
}
