using System.Reflection;
using Amazon.Runtime;
using Amazon.Runtime.Endpoints;
using Amazon.Runtime.Internal;
using Amazon.Util.Internal;

namespace EcsBuildTasks.Aws.Runtime;

/// <summary>
/// Base of the generated per-service configs. Everything a <see cref="ClientConfig"/> offers works as in the
/// official SDK: region, ServiceURL (set AuthenticationRegion with it: ServiceURL clears the region), retry mode and
/// attempts, timeouts, proxies, <c>AWS_ENDPOINT_URL_*</c> and profile endpoint settings, defaults mode.
/// </summary>
public abstract class AwsClientConfig : ClientConfig
{
    private static readonly string AssemblyVersion =
        typeof(AwsClientConfig).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    private readonly string userAgent;

    private protected AwsClientConfig(AwsServiceDescriptor descriptor)
        : base(new DefaultConfigurationProvider(DefaultConfigurations.All))
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ServiceDescriptor = descriptor;
        ServiceId = descriptor.ServiceId;
        AuthenticationServiceName = descriptor.SigningName;
        EndpointProvider = new AwsEndpointProvider(descriptor);
        userAgent = InternalSDKUtils.BuildUserAgentString(descriptor.UserAgentName, AssemblyVersion);
    }

    public override string RegionEndpointServiceName => ServiceDescriptor.EndpointPrefix;

    public override string ServiceVersion => ServiceDescriptor.ApiVersion;

    public override string UserAgent => userAgent;

    internal AwsServiceDescriptor ServiceDescriptor { get; }

    /// <summary>What every call of a client with this config goes through (the engine's patience with transient faults); null: sent as is.</summary>
    public AwsCallPolicy? CallPolicy { get; set; }

    /// <summary>The endpoint an operation would use, resolved exactly as the pipeline does (used by tooling and tests).</summary>
    public override Endpoint DetermineServiceOperationEndpoint(ServiceOperationEndpointParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var context = new Amazon.Runtime.Internal.ExecutionContext(
            new RequestContext(false)
            {
                ClientConfig = this,
                OriginalRequest = parameters.Request,
                Request = new DefaultRequest(parameters.Request, ServiceDescriptor.RequestServiceName) { AlternateEndpoint = parameters.AlternateEndpoint },
            },
            null);
        return new AwsEndpointResolver().GetEndpoint(context);
    }
}
