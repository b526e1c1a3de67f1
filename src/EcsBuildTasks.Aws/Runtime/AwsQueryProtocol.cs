using System.Net;
using System.Xml;
using System.Xml.Linq;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Transform;
using Amazon.Util;
using EcsBuildTasks.Aws.Serialization;

namespace EcsBuildTasks.Aws.Runtime;

/// <summary>AWS Query request: POST / with <c>Action</c>, <c>Version</c> and the members as form parameters.</summary>
internal sealed class AwsQueryRequestMarshaller<TRequest> : IMarshaller<IRequest, AmazonWebServiceRequest>
    where TRequest : AmazonWebServiceRequest
{
    private readonly AwsServiceDescriptor service;
    private readonly string action;
    private readonly Action<TRequest, QueryWriter> write;

    public AwsQueryRequestMarshaller(AwsServiceDescriptor service, string action, Action<TRequest, QueryWriter> write)
    {
        this.service = service;
        this.action = action;
        this.write = write;
    }

    public IRequest Marshall(AmazonWebServiceRequest input)
    {
        var request = new DefaultRequest(input, service.RequestServiceName)
        {
            HttpMethod = "POST",
            ResourcePath = "/",
        };
        request.Parameters["Action"] = action;
        request.Parameters["Version"] = service.ApiVersion;
        write((TRequest)input, new QueryWriter(request.Parameters));

        // As the official Query marshallers do: the form body is written once here, and signed and resent on retries.
        request.ContentStream = AWSSDKUtils.WriteParametersToPooledStream(request);
        return request;
    }
}

/// <summary>AWS Query response: <c>&lt;{Op}Response&gt;&lt;{Op}Result&gt;…&lt;/{Op}Result&gt;&lt;ResponseMetadata/&gt;</c>.</summary>
internal sealed class AwsQueryResponseUnmarshaller<TResponse>(AwsServiceDescriptor service, string operation, Func<XElement?, TResponse> read, Func<AwsServiceError, AmazonServiceException> errors)
    : AwsXmlResponseUnmarshaller<TResponse>(service, operation, read, errors)
    where TResponse : AmazonWebServiceResponse, new()
{
    protected override XElement? Output(XElement root) => Child(root, Operation + "Result");

    protected override string? RequestId(XElement root) => Child(Child(root, "ResponseMetadata"), "RequestId")?.Value;

    public override AmazonServiceException UnmarshallException(XmlUnmarshallerContext input, Exception innerException, HttpStatusCode statusCode)
    {
        var error = XmlErrorResponseUnmarshaller.GetInstance().Unmarshall(input);
        return Errors(new AwsServiceError(error.Code, error.Message, error.Type, error.RequestId, statusCode, innerException));
    }
}
