using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.SecurityToken;
using EcsBuildTasks.Aws.ApplicationAutoScaling;
using EcsBuildTasks.Aws.CloudWatch;
using EcsBuildTasks.Aws.CloudWatchLogs;
using EcsBuildTasks.Aws.ECR;
using EcsBuildTasks.Aws.EC2;
using EcsBuildTasks.Aws.ECS;
using EcsBuildTasks.Aws.ElasticLoadBalancingV2;
using EcsBuildTasks.Aws.IdentityManagement;
using EcsBuildTasks.Aws.Route53;
using EcsBuildTasks.Aws.Runtime;
using EcsBuildTasks.Aws.SecretsManager;
using EcsBuildTasks.Aws.ServiceDiscovery;
using EcsBuildTasks.Aws.SimpleSystemsManagement;

namespace EcsBuildTasks.Aws;

/// <summary>
/// Creates every AWS client the engine uses from one <see cref="AwsConnectionSettings"/>: the same region, the same
/// credentials (resolved once, on first use, and shared), the same retry and timeout policy, and the same endpoint
/// override for all services. Clients are cheap to create and safe to use concurrently; dispose them when done.
/// </summary>
public sealed class AwsClientFactory
{
    private const string DefaultSessionName = "EcsBuildTasks";

    private readonly AwsConnectionSettings settings;
    private readonly Lazy<RegionEndpoint> region;
    private readonly DeferredCredentials credentials;

    public AwsClientFactory(AwsConnectionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.EndpointUrl is { } url
            && (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps)))
        {
            throw new ArgumentException($"EndpointUrl '{url}' is not an absolute http:// or https:// URL.", nameof(settings));
        }

        this.settings = settings;
        region = new Lazy<RegionEndpoint>(ResolveRegion, LazyThreadSafetyMode.ExecutionAndPublication);
        credentials = new DeferredCredentials(ResolveCredentials);
    }

    public AwsConnectionSettings Settings => settings;

    /// <summary>The region every client signs for and (without an endpoint override) calls.</summary>
    /// <exception cref="AmazonClientException">No region is configured anywhere.</exception>
    public RegionEndpoint ResolvedRegion => region.Value;

    /// <summary>The shared credentials. Nothing is read or fetched until a client first signs a request.</summary>
    public AWSCredentials Credentials => credentials;

    public IAmazonECS CreateEcs() => new AmazonECSClient(Credentials, Configure(new AmazonECSConfig()));

    public IAmazonECR CreateEcr() => new AmazonECRClient(Credentials, Configure(new AmazonECRConfig()));

    public IAmazonElasticLoadBalancingV2 CreateElasticLoadBalancingV2() =>
        new AmazonElasticLoadBalancingV2Client(Credentials, Configure(new AmazonElasticLoadBalancingV2Config()));

    public IAmazonServiceDiscovery CreateServiceDiscovery() => new AmazonServiceDiscoveryClient(Credentials, Configure(new AmazonServiceDiscoveryConfig()));

    public IAmazonApplicationAutoScaling CreateApplicationAutoScaling() =>
        new AmazonApplicationAutoScalingClient(Credentials, Configure(new AmazonApplicationAutoScalingConfig()));

    public IAmazonCloudWatch CreateCloudWatch() => new AmazonCloudWatchClient(Credentials, Configure(new AmazonCloudWatchConfig()));

    public IAmazonCloudWatchLogs CreateCloudWatchLogs() => new AmazonCloudWatchLogsClient(Credentials, Configure(new AmazonCloudWatchLogsConfig()));

    public IAmazonSecurityTokenService CreateSts() => new AmazonSecurityTokenServiceClient(Credentials, Configure(new AmazonSecurityTokenServiceConfig()));

    public IAmazonEC2 CreateEc2() => new AmazonEC2Client(Credentials, Configure(new AmazonEC2Config()));

    /// <summary>IAM, a global service: without an endpoint URL it calls the partition's IAM endpoint
    /// (<c>iam.amazonaws.com</c>) signed for the partition's global region (us-east-1), whatever the resolved region.</summary>
    public IAmazonIdentityManagementService CreateIam() =>
        new AmazonIdentityManagementServiceClient(Credentials, Configure(new AmazonIdentityManagementServiceConfig()));

    public IAmazonSecretsManager CreateSecretsManager() => new AmazonSecretsManagerClient(Credentials, Configure(new AmazonSecretsManagerConfig()));

    /// <summary>SSM (Parameter Store). Its responses can hold parameter values: the SDK never logs them.</summary>
    public IAmazonSimpleSystemsManagement CreateSsm() =>
        new AmazonSimpleSystemsManagementClient(Credentials, Configure(new AmazonSimpleSystemsManagementConfig()));

    /// <summary>Route 53, a global service like IAM: without an endpoint URL it calls the partition's Route 53 endpoint
    /// (<c>route53.amazonaws.com</c>) signed for the partition's global region (us-east-1), whatever the resolved region.</summary>
    public IAmazonRoute53 CreateRoute53() => new AmazonRoute53Client(Credentials, Configure(new AmazonRoute53Config()));

    /// <summary>Applies the settings to any SDK config, ours or an official package's.</summary>
    internal T Configure<T>(T config)
        where T : ClientConfig
    {
        if (settings.EndpointUrl is { } endpoint)
        {
            config.ServiceURL = endpoint;
        }
        else
        {
            config.RegionEndpoint = ResolvedRegion;
        }

        // Whenever the endpoint comes from a URL (EndpointUrl, AWS_ENDPOINT_URL_<SERVICE>, a profile's endpoint_url),
        // the SDK derives the signing region from the URL, falling back to its process-wide region cache (us-east-1 for
        // localhost). Pinning it keeps every request signed for the region these settings resolved. A global service's
        // own endpoint states its signing region (IAM, Route 53: us-east-1), which the pin would override: there it applies to
        // URL endpoints only.
        if (config is not AwsClientConfig { ServiceDescriptor.GlobalEndpoint: true } || !string.IsNullOrEmpty(config.ServiceURL))
        {
            config.AuthenticationRegion = ResolvedRegion.SystemName;
        }

        if (settings.MaxErrorRetry is { } retries)
        {
            config.MaxErrorRetry = retries;
        }

        if (settings.RetryMode is { } mode)
        {
            config.RetryMode = mode;
        }

        if (settings.Timeout is { } timeout)
        {
            config.Timeout = timeout;
        }

        return config;
    }

    private RegionEndpoint ResolveRegion()
    {
        if (!string.IsNullOrWhiteSpace(settings.Region))
        {
            return RegionEndpoint.GetBySystemName(settings.Region.Trim());
        }

        // The CLI's order: environment, then the profile, then instance metadata. FallbackRegionFactory is not used:
        // it caches the first answer for the whole process and would ignore a profile named in these settings.
        var fromEnvironment = TryRegion(() => new EnvironmentVariableAWSRegion());
        if (fromEnvironment is not null)
        {
            return fromEnvironment;
        }

        var profileName = settings.Profile ?? Amazon.Runtime.Credentials.DefaultAWSCredentialsIdentityResolver.GetProfileName();
        var fromProfile = TryRegion(() => new ProfileAWSRegion(new CredentialProfileStoreChain(), profileName));
        if (fromProfile is not null)
        {
            return fromProfile;
        }

        if (!string.Equals(Environment.GetEnvironmentVariable("AWS_EC2_METADATA_DISABLED"), "true", StringComparison.OrdinalIgnoreCase))
        {
            var fromInstance = TryRegion(() => new InstanceProfileAWSRegion());
            if (fromInstance is not null)
            {
                return fromInstance;
            }
        }

        throw new AmazonClientException(
            $"No AWS region is configured: set the region setting, AWS_REGION, or a region in profile '{profileName}'.");
    }

    private static RegionEndpoint? TryRegion(Func<AWSRegion> source)
    {
        try
        {
            return source().Region;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
        catch (AmazonClientException)
        {
            return null;
        }
    }

    private AWSCredentials ResolveCredentials()
    {
        var source = settings.Credentials ?? ResolveSourceCredentials();
        if (string.IsNullOrWhiteSpace(settings.AssumeRoleArn))
        {
            return source;
        }

        // Our own STS call (not AssumeRoleAWSCredentials) so that it honours EndpointUrl, retries and timeouts.
        var sts = new AmazonSecurityTokenServiceClient(source, Configure(new AmazonSecurityTokenServiceConfig()));
        return new AssumeRoleCredentials(sts, settings.AssumeRoleArn.Trim(), settings.AssumeRoleSessionName ?? DefaultSessionName, settings.AssumeRoleExternalId);
    }

    private AWSCredentials ResolveSourceCredentials()
    {
        if (!string.IsNullOrWhiteSpace(settings.Profile))
        {
            var chain = new CredentialProfileStoreChain();
            if (!chain.TryGetAWSCredentials(settings.Profile, out var fromProfile))
            {
                throw new AmazonClientException(
                    $"AWS profile '{settings.Profile}' was not found or has no usable credentials in the shared config or credentials file.");
            }

            return fromProfile;
        }

        // Environment, web identity (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN), AWS_PROFILE/default profile
        // (incl. SSO), container credentials, instance metadata: exactly the official chain. A resolver of our own
        // rather than the SDK's process-wide instance, whose cache would outlive this factory's settings.
        return new Amazon.Runtime.Credentials.DefaultAWSCredentialsIdentityResolver().ResolveIdentity(
            Configure(new AmazonSecurityTokenServiceConfig()));
    }
}
