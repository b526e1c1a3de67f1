using Amazon.Runtime;
using Amazon.Runtime.Internal;

namespace EcsBuildTasks.Aws.Runtime;

/// <summary>
/// Base of the generated clients: AWSSDK.Core's <see cref="AmazonServiceClient"/> pipeline (credentials, SigV4,
/// standard/adaptive retries with the shared retry quota, clock-skew correction, timeouts, logging, metrics) with the
/// two handlers v4 expects from a generated client: an endpoint resolver and an auth-scheme resolver.
/// </summary>
public abstract class AwsServiceClient : AmazonServiceClient
{
    private IServiceMetadata? metadata;

    private protected AwsServiceClient(AWSCredentials? credentials, AwsClientConfig config)
        : base(credentials, config)
    {
    }

    /// <summary>Gives CSM, telemetry and global endpoint providers the service id. The base constructor may read this,
    /// so it is computed from the config (already set by then) rather than from fields of this class.</summary>
    protected override IServiceMetadata ServiceMetadata =>
        metadata ??= new AwsServiceMetadata(((AwsClientConfig)Config).ServiceDescriptor.ServiceId);

    /// <summary>
    /// When the SDK's response logging is on (<c>LogResponse</c>, or <c>AWSConfigs.LoggingConfig</c> set by the host),
    /// AWSSDK.Core logs successful response bodies. Services whose responses carry secrets opt out entirely.
    /// Read from the base constructor, hence from the config rather than fields.
    /// </summary>
    protected override bool SupportResponseLogging => !((AwsClientConfig)Config).ServiceDescriptor.SecretResponses;

    /// <summary>For tests: whether the SDK may log this client's response bodies.</summary>
    internal bool ResponseBodiesMayBeLogged => SupportResponseLogging;

    /// <summary>Called from the base constructor: uses no instance state.</summary>
    protected override void CustomizeRuntimePipeline(RuntimePipeline pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        pipeline.RemoveHandler<EndpointResolver>();
        pipeline.AddHandlerAfter<Marshaller>(new AwsEndpointResolver());
        pipeline.AddHandlerAfter<Marshaller>(new SigV4AuthHandler());
    }

    private protected Task<TResponse> InvokeOperationAsync<TRequest, TResponse>(
        TRequest request,
        AwsOperation<TRequest, TResponse> operation,
        CancellationToken cancellationToken)
        where TRequest : AmazonWebServiceRequest
        where TResponse : AmazonWebServiceResponse, new()
    {
        ArgumentNullException.ThrowIfNull(request);
        var config = (AwsClientConfig)Config;
        if (config.CallPolicy is not { } policy)
        {
            return InvokeAsync<TResponse>(request, operation.Options, cancellationToken);
        }

        var name = typeof(TRequest).Name;
        name = name.EndsWith("Request", StringComparison.Ordinal) ? name[..^"Request".Length] : name;
        var call = new AwsCall(config.ServiceDescriptor.ServiceId, name, () =>
        {
            var marshalled = operation.Options.RequestMarshaller.Marshall(request);
            try
            {
                return AwsCall.Marshalled(marshalled);
            }
            finally
            {
                // The Query marshaller writes the form into a pooled stream: give it back.
                marshalled.ContentStream?.Dispose();
            }
        });
        return policy.InvokeAsync(call, () => InvokeAsync<TResponse>(request, operation.Options, cancellationToken), cancellationToken);
    }

    private sealed class AwsServiceMetadata(string serviceId) : IServiceMetadata
    {
        public string ServiceId => serviceId;

        public IDictionary<string, string> OperationNameMapping { get; } = new Dictionary<string, string>(0);
    }
}
