using System.Xml.Linq;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using EcsBuildTasks.Aws.Serialization;

namespace EcsBuildTasks.Aws.Runtime;

/// <summary>An operation's marshaller and unmarshaller, built once and shared by every call (they hold no per-call state).</summary>
internal abstract class AwsOperation<TRequest, TResponse>
    where TRequest : AmazonWebServiceRequest
    where TResponse : AmazonWebServiceResponse, new()
{
    public required InvokeOptions Options { get; init; }
}

/// <summary>An AWS JSON 1.1 operation.</summary>
internal sealed class JsonOperation<TRequest, TResponse> : AwsOperation<TRequest, TResponse>
    where TRequest : AmazonWebServiceRequest
    where TResponse : AmazonWebServiceResponse, new()
{
    [System.Diagnostics.CodeAnalysis.SetsRequiredMembers]
    public JsonOperation(AwsServiceDescriptor service, string name, string target, AwsJsonSerializer serializer, Func<AwsServiceError, AmazonServiceException> errors)
    {
        Options = new InvokeOptions
        {
            RequestMarshaller = new AwsJsonRequestMarshaller<TRequest>(service, target, serializer),
            ResponseUnmarshaller = new AwsJsonResponseUnmarshaller<TResponse>(service, name, serializer, errors),
        };
    }
}

/// <summary>An AWS Query operation (form-encoded request, XML response).</summary>
internal sealed class QueryOperation<TRequest, TResponse> : AwsOperation<TRequest, TResponse>
    where TRequest : AmazonWebServiceRequest
    where TResponse : AmazonWebServiceResponse, new()
{
    [System.Diagnostics.CodeAnalysis.SetsRequiredMembers]
    public QueryOperation(
        AwsServiceDescriptor service,
        string name,
        Action<TRequest, QueryWriter> write,
        Func<XElement?, TResponse> read,
        Func<AwsServiceError, AmazonServiceException> errors)
    {
        Options = new InvokeOptions
        {
            RequestMarshaller = new AwsQueryRequestMarshaller<TRequest>(service, name, write),
            ResponseUnmarshaller = new AwsQueryResponseUnmarshaller<TResponse>(service, name, read, errors),
        };
    }
}
