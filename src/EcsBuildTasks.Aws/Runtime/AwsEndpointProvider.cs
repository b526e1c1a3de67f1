using Amazon.Runtime;
using Amazon.Runtime.Endpoints;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Endpoints.StandardLibrary;
using Amazon.Util;

namespace EcsBuildTasks.Aws.Runtime;

/// <summary>
/// The standard AWS endpoint rules every service we use follows: a custom endpoint wins verbatim; otherwise
/// <c>https://{prefix}[-fips].{region}.{partition DNS suffix}</c>, with the dual-stack suffix when asked.
/// </summary>
internal sealed class AwsEndpointProvider : IEndpointProvider
{
    private readonly AwsServiceDescriptor descriptor;

    public AwsEndpointProvider(AwsServiceDescriptor descriptor)
    {
        this.descriptor = descriptor;
    }

    public Endpoint ResolveEndpoint(EndpointParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var useFips = parameters["UseFIPS"] is true;
        var useDualStack = parameters["UseDualStack"] is true;
        if (parameters["Endpoint"] is string custom && custom.Length > 0)
        {
            if (useFips)
            {
                throw new AmazonClientException("Invalid Configuration: FIPS and custom endpoint are not supported");
            }

            if (useDualStack)
            {
                throw new AmazonClientException("Invalid Configuration: Dualstack and custom endpoint are not supported");
            }

            return new Endpoint(custom);
        }

        if (parameters["Region"] is not string region || region.Length == 0)
        {
            throw new AmazonClientException("No region is configured: set a region (or AWS_REGION, or a profile region) or an endpoint URL.");
        }

        var partition = Fn.Partition(region) ?? throw new AmazonClientException($"Region '{region}' is not in a known AWS partition.");
        if (useFips && !partition.supportsFIPS)
        {
            throw new AmazonClientException("FIPS is enabled but this partition does not support FIPS");
        }

        if (useDualStack && !partition.supportsDualStack)
        {
            throw new AmazonClientException("DualStack is enabled but this partition does not support DualStack");
        }

        if (descriptor.PartitionGlobal)
        {
            return PartitionGlobalEndpoint(partition, useFips, useDualStack);
        }

        // ECR's API host is api.ecr.{region}.amazonaws.com, but its dual-stack host is ecr.{region}.api.aws (botocore ruleset).
        var prefix = useDualStack && descriptor.EndpointPrefix == "api.ecr" ? "ecr" : descriptor.EndpointPrefix;
        var suffix = useDualStack ? partition.dualStackDnsSuffix : partition.dnsSuffix;
        return new Endpoint($"https://{prefix}{(useFips ? "-fips" : string.Empty)}.{region}.{suffix}");
    }

    /// <summary>
    /// A partition-global service's host (botocore's Route 53 ruleset): <c>route53.amazonaws.com</c>,
    /// <c>route53-fips.amazonaws.com</c>, <c>route53.global.api.aws</c> in the commercial partition, the partition's
    /// own names elsewhere; always signed for the partition's global region, whatever region the client is in.
    /// </summary>
    private Endpoint PartitionGlobalEndpoint(Partition partition, bool useFips, bool useDualStack)
    {
        var prefix = descriptor.EndpointPrefix;
        var fips = useFips ? "-fips" : string.Empty;
        var host = (partition.name, useFips, useDualStack) switch
        {
            ("aws", _, false) => $"{prefix}{fips}.amazonaws.com",
            ("aws", _, true) => $"{prefix}{fips}.global.api.aws",
            ("aws-cn", false, false) => $"{prefix}.amazonaws.com.cn",
            ("aws-cn", false, true) => $"{prefix}.global.api.amazonwebservices.com.cn",
            ("aws-us-gov", _, false) => $"{prefix}.us-gov.amazonaws.com",
            ("aws-us-gov", _, true) => $"{prefix}.us-gov.api.aws",
            ("aws-eusc", false, true) => $"{prefix}.global.api.amazonwebservices.eu",
            (_, _, false) => $"{prefix}{fips}.{partition.dnsSuffix}",
            (_, _, true) => $"{prefix}{fips}.{partition.dualStackDnsSuffix}",
        };
        var signingRegion = partition.implicitGlobalRegion;
        var authSchemes = $$"""{"authSchemes":[{"name":"sigv4","signingName":"{{descriptor.SigningName}}","signingRegion":"{{signingRegion}}"}]}""";
        return new Endpoint("https://" + host, authSchemes, null);
    }

    /// <summary>The region a partition-global service signs for (us-east-1, cn-northwest-1, us-gov-west-1, …).</summary>
    public static string GlobalSigningRegion(string region) =>
        Fn.Partition(region)?.implicitGlobalRegion ?? throw new AmazonClientException($"Region '{region}' is not in a known AWS partition.");
}

/// <summary>Maps a client's config onto endpoint parameters (the generated SDK's resolver, for the standard ruleset).</summary>
internal sealed class AwsEndpointResolver : BaseEndpointResolver
{
    protected override EndpointParameters MapEndpointsParameters(IRequestContext requestContext)
    {
        ArgumentNullException.ThrowIfNull(requestContext);
        var config = requestContext.ClientConfig;
        var parameters = new EndpointParameters
        {
            ["Region"] = requestContext.Request.AlternateEndpoint?.SystemName ?? config.RegionEndpoint?.SystemName,
            ["UseFIPS"] = config.UseFIPSEndpoint,
            ["UseDualStack"] = config.UseDualstackEndpoint,
            ["Endpoint"] = config.ServiceURL,
        };

        // ServiceURL clears RegionEndpoint; the signing region then comes from AuthenticationRegion, else from the URL.
        if (config.RegionEndpoint is null && !string.IsNullOrEmpty(config.ServiceURL))
        {
            parameters["Region"] = !string.IsNullOrEmpty(config.AuthenticationRegion)
                ? config.AuthenticationRegion
                : AWSSDKUtils.DetermineRegion(config.ServiceURL);
        }

        return parameters;
    }
}
