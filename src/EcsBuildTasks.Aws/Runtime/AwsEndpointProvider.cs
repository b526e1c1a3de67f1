using Amazon.Runtime;
using Amazon.Runtime.Endpoints;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Endpoints.StandardLibrary;
using Amazon.Util;

namespace EcsBuildTasks.Aws.Runtime;

/// <summary>
/// The standard AWS endpoint rules every service we use follows: a custom endpoint wins verbatim; a global service has one
/// host per partition (<see cref="AwsGlobalEndpoints"/>); otherwise <c>https://{prefix}[-fips].{region}.{partition DNS
/// suffix}</c>, with the dual-stack suffix when asked.
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
        if (descriptor.GlobalEndpoint)
        {
            return AwsGlobalEndpoints.Resolve(descriptor, partition, useFips, useDualStack);
        }

        if (useFips && !partition.supportsFIPS)
        {
            throw new AmazonClientException("FIPS is enabled but this partition does not support FIPS");
        }

        if (useDualStack && !partition.supportsDualStack)
        {
            throw new AmazonClientException("DualStack is enabled but this partition does not support DualStack");
        }

        // ECR's API host is api.ecr.{region}.amazonaws.com, but its dual-stack host is ecr.{region}.api.aws (botocore ruleset).
        var prefix = useDualStack && descriptor.EndpointPrefix == "api.ecr" ? "ecr" : descriptor.EndpointPrefix;
        var suffix = useDualStack ? partition.dualStackDnsSuffix : partition.dnsSuffix;
        return new Endpoint($"https://{prefix}{(useFips ? "-fips" : string.Empty)}.{region}.{suffix}");
    }
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
