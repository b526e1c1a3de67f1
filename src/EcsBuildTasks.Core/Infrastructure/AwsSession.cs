using Amazon.Runtime;
using Amazon.SecurityToken;
using EcsBuildTasks.Aws;
using EcsBuildTasks.Aws.ApplicationAutoScaling;
using EcsBuildTasks.Aws.CloudWatch;
using EcsBuildTasks.Aws.CloudWatchLogs;
using EcsBuildTasks.Aws.EC2;
using EcsBuildTasks.Aws.ECR;
using EcsBuildTasks.Aws.ECS;
using EcsBuildTasks.Aws.ElasticLoadBalancingV2;
using EcsBuildTasks.Aws.Route53;
using EcsBuildTasks.Aws.ServiceDiscovery;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Infrastructure;

/// <summary>
/// The AWS clients of one build step, created on first use from one <see cref="AwsClientFactory"/> (same region,
/// credentials, retry policy and endpoint). Counts the HTTP requests they send, retries included, for the result file
/// and the benchmarks.
/// </summary>
internal sealed class AwsSession : IDisposable
{
    private readonly List<IDisposable> clients = [];
    private readonly Dictionary<Type, object> byType = [];
    private int requests;

    public AwsSession(AwsClientFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Factory = factory;
    }

    public AwsClientFactory Factory { get; }

    public IAmazonECS Ecs => (IAmazonECS)Get(typeof(IAmazonECS), () => Factory.CreateEcs());

    public IAmazonECR Ecr => (IAmazonECR)Get(typeof(IAmazonECR), () => Factory.CreateEcr());

    public IAmazonCloudWatchLogs Logs => (IAmazonCloudWatchLogs)Get(typeof(IAmazonCloudWatchLogs), () => Factory.CreateCloudWatchLogs());

    public IAmazonElasticLoadBalancingV2 ElasticLoadBalancing => (IAmazonElasticLoadBalancingV2)Get(typeof(IAmazonElasticLoadBalancingV2), () => Factory.CreateElasticLoadBalancingV2());

    public IAmazonCloudWatch CloudWatch => (IAmazonCloudWatch)Get(typeof(IAmazonCloudWatch), () => Factory.CreateCloudWatch());

    public IAmazonSecurityTokenService Sts => (IAmazonSecurityTokenService)Get(typeof(IAmazonSecurityTokenService), () => Factory.CreateSts());

    public IAmazonEC2 Ec2 => (IAmazonEC2)Get(typeof(IAmazonEC2), () => Factory.CreateEc2());

    public IAmazonServiceDiscovery ServiceDiscovery => (IAmazonServiceDiscovery)Get(typeof(IAmazonServiceDiscovery), () => Factory.CreateServiceDiscovery());

    public IAmazonApplicationAutoScaling ApplicationAutoScaling => (IAmazonApplicationAutoScaling)Get(typeof(IAmazonApplicationAutoScaling), () => Factory.CreateApplicationAutoScaling());

    public IAmazonRoute53 Route53 => (IAmazonRoute53)Get(typeof(IAmazonRoute53), () => Factory.CreateRoute53());

    /// <summary>HTTP requests sent so far by every client of this session, retries included.</summary>
    public int RequestCount => Volatile.Read(ref requests);

    /// <summary>A session with the connection the project's properties describe (<paramref name="resolvedEndpoint"/>: LocalEcs's, once started).</summary>
    public static AwsSession For(EcsSettings settings, string? resolvedEndpoint = null) =>
        new(new AwsClientFactory(ConnectionSettings(settings, resolvedEndpoint)));

    /// <summary>The connection settings a project's properties describe.</summary>
    public static AwsConnectionSettings ConnectionSettings(EcsSettings settings, string? resolvedEndpoint = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var local = settings.Target == DeploymentTarget.Local;
        return new AwsConnectionSettings
        {
            Region = settings.Region ?? (local ? LocalEcsDefaults.Region : null),
            Profile = local ? null : settings.Profile,
            EndpointUrl = resolvedEndpoint ?? settings.EndpointUrl ?? (local ? LocalEcsDefaults.EndpointUrl : null),
            AssumeRoleArn = local ? null : settings.AssumeRoleArn,

            // LocalEcs accepts any signature; it needs no AWS account, so no credentials have to exist.
            Credentials = local ? new BasicAWSCredentials(LocalEcsDefaults.AccessKey, LocalEcsDefaults.SecretKey) : null,
        };
    }

    public void Dispose()
    {
        lock (byType)
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }

            clients.Clear();
            byType.Clear();
        }
    }

    // (The AWS client interfaces have static abstract members, so they cannot be generic arguments: keyed by Type.)
    private object Get(Type type, Func<IDisposable> create)
    {
        lock (byType)
        {
            if (byType.TryGetValue(type, out var existing))
            {
                return existing;
            }

            var client = create();
            if (client is AmazonServiceClient serviceClient)
            {
                serviceClient.BeforeRequestEvent += (_, _) => Interlocked.Increment(ref requests);
            }

            clients.Add(client);
            byType[type] = client;
            return client;
        }
    }
}

/// <summary>What <c>EcsTarget=local</c> means when nothing else is set.</summary>
internal static class LocalEcsDefaults
{
    public const string EndpointUrl = "http://localhost:4599";
    public const string Region = "us-east-1";
    public const string AccessKey = "localecs";

    // Not a secret: LocalEcs accepts any signature.
    public const string SecretKey = "localecs-does-not-check-signatures";
}
