using System.Diagnostics;
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
using EcsBuildTasks.Aws.IdentityManagement;
using EcsBuildTasks.Aws.Route53;
using EcsBuildTasks.Aws.SecretsManager;
using EcsBuildTasks.Aws.ServiceDiscovery;
using EcsBuildTasks.Aws.SimpleSystemsManagement;
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
    private readonly List<string> operations = [];
    private readonly List<AwsRequestTiming> timings = [];
    private readonly Dictionary<AmazonWebServiceRequest, long> sent = new(ReferenceEqualityComparer.Instance);
    private readonly long started = Stopwatch.GetTimestamp();
    private int requests;
    private int answeredEarly;
    private AwsReadCache? readCache;
    private bool answersFromReadCache;

    public AwsSession(AwsClientFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Factory = factory;
    }

    public AwsClientFactory Factory { get; }

    /// <summary>How every client of this session rides out throttling, server errors and lost connections (inactive until the engine follows a deployment).</summary>
    public TransientFaultPolicy TransientFaults { get; } = new();

    public IAmazonECS Ecs => (IAmazonECS)Get(typeof(IAmazonECS), () => Factory.CreateEcs());

    public IAmazonECR Ecr => (IAmazonECR)Get(typeof(IAmazonECR), () => Factory.CreateEcr());

    public IAmazonCloudWatchLogs Logs => (IAmazonCloudWatchLogs)Get(typeof(IAmazonCloudWatchLogs), () => Factory.CreateCloudWatchLogs());

    public IAmazonElasticLoadBalancingV2 ElasticLoadBalancing => (IAmazonElasticLoadBalancingV2)Get(typeof(IAmazonElasticLoadBalancingV2), () => Factory.CreateElasticLoadBalancingV2());

    public IAmazonCloudWatch CloudWatch => (IAmazonCloudWatch)Get(typeof(IAmazonCloudWatch), () => Factory.CreateCloudWatch());

    public IAmazonSecurityTokenService Sts => (IAmazonSecurityTokenService)Get(typeof(IAmazonSecurityTokenService), () => Factory.CreateSts());

    public IAmazonEC2 Ec2 => (IAmazonEC2)Get(typeof(IAmazonEC2), () => Factory.CreateEc2());

    public IAmazonServiceDiscovery ServiceDiscovery => (IAmazonServiceDiscovery)Get(typeof(IAmazonServiceDiscovery), () => Factory.CreateServiceDiscovery());

    public IAmazonApplicationAutoScaling ApplicationAutoScaling => (IAmazonApplicationAutoScaling)Get(typeof(IAmazonApplicationAutoScaling), () => Factory.CreateApplicationAutoScaling());

    public IAmazonIdentityManagementService Iam => (IAmazonIdentityManagementService)Get(typeof(IAmazonIdentityManagementService), () => Factory.CreateIam());

    public IAmazonSecretsManager SecretsManager => (IAmazonSecretsManager)Get(typeof(IAmazonSecretsManager), () => Factory.CreateSecretsManager());

    public IAmazonSimpleSystemsManagement Ssm => (IAmazonSimpleSystemsManagement)Get(typeof(IAmazonSimpleSystemsManagement), () => Factory.CreateSsm());

    public IAmazonRoute53 Route53 => (IAmazonRoute53)Get(typeof(IAmazonRoute53), () => Factory.CreateRoute53());

    /// <summary>HTTP requests sent so far by every client of this session, retries included.</summary>
    public int RequestCount => Volatile.Read(ref requests);

    /// <summary>The operations sent so far (e.g. <c>DescribeServices</c>), retries included, in order.</summary>
    public IReadOnlyList<string> Operations
    {
        get
        {
            lock (operations)
            {
                return [.. operations];
            }
        }
    }

    /// <summary>
    /// The requests answered so far, in the order they were answered: when each was sent (since the session began) and
    /// how long it took to answer, retries included. The build's detailed log lists them (where a build step's time goes).
    /// </summary>
    public IReadOnlyList<AwsRequestTiming> Timings
    {
        get
        {
            lock (operations)
            {
                return [.. timings];
            }
        }
    }

    /// <summary>
    /// When true, every request that is not a read (<c>Describe*</c>, <c>List*</c>, <c>Get*</c>, <c>BatchGet*</c>, IAM's <c>Simulate*</c>) is
    /// refused before it is sent: a live plan runs on such a session, so nothing it does can change AWS.
    /// </summary>
    public bool ReadOnly { get; init; }

    /// <summary>Reads answered from the early start's answers (<see cref="AnswerReadsFrom"/>), counted in <see cref="RequestCount"/> too: they were sent, earlier.</summary>
    public int AnsweredEarly => Volatile.Read(ref answeredEarly);

    /// <summary>Keeps the answers of this session's reads in <paramref name="cache"/> (the early start). Call before the first request.</summary>
    public void StoreReadsIn(AwsReadCache cache) => UseReadCache(cache, answer: false);

    /// <summary>Answers this session's reads from <paramref name="cache"/> when it holds the same read (the preparation). Call before the first request.</summary>
    public void AnswerReadsFrom(AwsReadCache cache) => UseReadCache(cache, answer: true);

    /// <summary>True for the operations a read-only session sends.</summary>
    public static bool IsRead(string operation) =>
        operation.StartsWith("Describe", StringComparison.Ordinal) || operation.StartsWith("List", StringComparison.Ordinal)
        || operation.StartsWith("Get", StringComparison.Ordinal) || operation.StartsWith("BatchGet", StringComparison.Ordinal)
        || operation.StartsWith("Simulate", StringComparison.Ordinal);

    /// <summary>A session with the connection the project's properties describe (<paramref name="resolvedEndpoint"/>: LocalEcs's, once started).</summary>
    public static AwsSession For(EcsSettings settings, string? resolvedEndpoint = null) =>
        new(new AwsClientFactory(ConnectionSettings(settings, resolvedEndpoint)));

    /// <summary>A <see cref="ReadOnly"/> session with the connection the project's properties describe (the live plan's).</summary>
    public static AwsSession ReadOnlyFor(EcsSettings settings, string? resolvedEndpoint = null) =>
        new(new AwsClientFactory(ConnectionSettings(settings, resolvedEndpoint))) { ReadOnly = true };

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

    private void UseReadCache(AwsReadCache cache, bool answer)
    {
        ArgumentNullException.ThrowIfNull(cache);
        lock (byType)
        {
            if (clients.Count > 0)
            {
                throw new InvalidOperationException("The read cache is chosen before the session's first client is created.");
            }

            readCache = cache;
            answersFromReadCache = answer;
        }
    }

    private void RecordAnsweredEarly(string operation)
    {
        Interlocked.Increment(ref requests);
        Interlocked.Increment(ref answeredEarly);
        lock (operations)
        {
            operations.Add(operation);
        }
    }

    private void Record(RequestEventArgs request)
    {
        Interlocked.Increment(ref requests);
        var name = (request as WebServiceRequestEventArgs)?.Request?.GetType().Name ?? "Unknown";
        name = name.EndsWith("Request", StringComparison.Ordinal) ? name[..^"Request".Length] : name;
        lock (operations)
        {
            operations.Add(name);
            if (request is WebServiceRequestEventArgs { Request: { } original })
            {
                // A retry sends the same request again: its time counts from the first attempt.
                sent.TryAdd(original, Stopwatch.GetTimestamp());
            }
        }

        if (ReadOnly && !IsRead(name))
        {
            throw new InvalidOperationException($"A read-only session (the live plan) refused to send {name}: it would change AWS.");
        }
    }

    private void RecordAnswer(ResponseEventArgs response)
    {
        if (response is not WebServiceResponseEventArgs { Request: { } original })
        {
            return;
        }

        var now = Stopwatch.GetTimestamp();
        lock (operations)
        {
            if (sent.Remove(original, out var at))
            {
                var name = original.GetType().Name;
                name = name.EndsWith("Request", StringComparison.Ordinal) ? name[..^"Request".Length] : name;
                timings.Add(new AwsRequestTiming(name, Stopwatch.GetElapsedTime(started, at), Stopwatch.GetElapsedTime(at, now)));
            }
        }
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
                serviceClient.BeforeRequestEvent += (_, e) => Record(e);
                serviceClient.AfterResponseEvent += (_, e) => RecordAnswer(e);
                if (serviceClient.Config is EcsBuildTasks.Aws.Runtime.AwsClientConfig config)
                {
                    config.CallPolicy = readCache is null ? TransientFaults : new AwsReadCachePolicy(TransientFaults, Factory.Settings, readCache, answersFromReadCache, RecordAnsweredEarly);
                }
            }

            clients.Add(client);
            byType[type] = client;
            return client;
        }
    }
}

/// <summary>One answered AWS request of a session: its operation, when it was sent (since the session began), how long it took.</summary>
internal sealed record AwsRequestTiming(string Operation, TimeSpan SentAt, TimeSpan Duration);

/// <summary>What <c>EcsTarget=local</c> means when nothing else is set.</summary>
internal static class LocalEcsDefaults
{
    public const string EndpointUrl = "http://localhost:4599";
    public const string Region = "us-east-1";

    /// <summary>The account LocalEcs answers as (its roles' ARNs are in it).</summary>
    public const string Account = "123456789012";
    public const string AccessKey = "localecs";

    // Not a secret: LocalEcs accepts any signature.
    public const string SecretKey = "localecs-does-not-check-signatures";
}
