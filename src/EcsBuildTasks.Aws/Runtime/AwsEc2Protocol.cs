using System.Net;
using System.Xml;
using System.Xml.Linq;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Transform;
using EcsBuildTasks.Aws.Serialization;

namespace EcsBuildTasks.Aws.Runtime;

/// <summary>
/// An EC2 operation: a Query request (the generated serializer applies EC2's naming and list rules) and an EC2
/// response, whose root element <c>&lt;{Op}Response&gt;</c> is the output itself, with a <c>requestId</c> child.
/// </summary>
internal sealed class Ec2Operation<TRequest, TResponse> : AwsOperation<TRequest, TResponse>
    where TRequest : AmazonWebServiceRequest
    where TResponse : AmazonWebServiceResponse, new()
{
    [System.Diagnostics.CodeAnalysis.SetsRequiredMembers]
    public Ec2Operation(
        AwsServiceDescriptor service,
        string name,
        Action<TRequest, QueryWriter> write,
        Func<XElement?, TResponse> read,
        Func<AwsServiceError, AmazonServiceException> errors)
    {
        Options = new InvokeOptions
        {
            RequestMarshaller = new AwsQueryRequestMarshaller<TRequest>(service, name, write),
            ResponseUnmarshaller = new AwsEc2ResponseUnmarshaller<TResponse>(service, name, read, errors),
        };
    }
}

/// <summary>
/// EC2 responses: <c>&lt;{Op}Response&gt;&lt;requestId/&gt;…members…&lt;/{Op}Response&gt;</c>; errors:
/// <c>&lt;Response&gt;&lt;Errors&gt;&lt;Error&gt;&lt;Code/&gt;&lt;Message/&gt;&lt;/Error&gt;&lt;/Errors&gt;&lt;RequestID/&gt;&lt;/Response&gt;</c>.
/// </summary>
internal sealed class AwsEc2ResponseUnmarshaller<TResponse>(AwsServiceDescriptor service, string operation, Func<XElement?, TResponse> read, Func<AwsServiceError, AmazonServiceException> errors)
    : AwsXmlResponseUnmarshaller<TResponse>(service, operation, read, errors)
    where TResponse : AmazonWebServiceResponse, new()
{
    protected override XElement? Output(XElement root) => root;

    protected override string? RequestId(XElement root) => Child(root, "requestId")?.Value;

    public override AmazonServiceException UnmarshallException(XmlUnmarshallerContext input, Exception innerException, HttpStatusCode statusCode)
    {
        ArgumentNullException.ThrowIfNull(input);
        string? code = null;
        string? message = null;
        var requestId = HeaderRequestId(input);
        try
        {
            var root = Load(input.Stream).Root;
            var error = root is null ? null : Child(Child(root, "Errors"), "Error") ?? Child(root, "Error");
            code = Child(error, "Code")?.Value;
            message = Child(error, "Message")?.Value;
            var bodyRequestId = root is null ? null : (Child(root, "RequestID") ?? Child(root, "RequestId"))?.Value;
            requestId = string.IsNullOrEmpty(bodyRequestId) ? requestId : bodyRequestId;
        }
        catch (XmlException)
        {
            // Not an EC2 error document (a proxy's page, a truncated body): the status code says what happened. The body
            // itself is not echoed.
        }

        message = string.IsNullOrEmpty(message)
            ? $"{Service.ServiceId} {Operation} failed with HTTP {(int)statusCode}{(code is null ? " and no error document" : " (" + code + ")")}."
            : message;
        return Errors(new AwsServiceError(string.IsNullOrEmpty(code) ? null : code, message, ErrorType.Unknown, requestId, statusCode, innerException));
    }
}
