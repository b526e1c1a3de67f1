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
internal sealed class AwsQueryResponseUnmarshaller<TResponse> : XmlResponseUnmarshaller
    where TResponse : AmazonWebServiceResponse, new()
{
    private static readonly XmlReaderSettings ReaderSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
    };

    private readonly AwsServiceDescriptor service;
    private readonly string operation;
    private readonly Func<XElement?, TResponse> read;
    private readonly Func<AwsServiceError, AmazonServiceException> errors;

    public AwsQueryResponseUnmarshaller(AwsServiceDescriptor service, string operation, Func<XElement?, TResponse> read, Func<AwsServiceError, AmazonServiceException> errors)
    {
        this.service = service;
        this.operation = operation;
        this.read = read;
        this.errors = errors;
    }

    public override AmazonWebServiceResponse Unmarshall(XmlUnmarshallerContext input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var headerRequestId = input.ResponseData?.GetHeaderValue("x-amzn-RequestId");
        try
        {
            XDocument document;
            using (var reader = XmlReader.Create(input.Stream, ReaderSettings))
            {
                document = XDocument.Load(reader);
            }

            var root = document.Root ?? throw new XmlException("The response has no root element.");
            var result = root.Elements().FirstOrDefault(e => e.Name.LocalName == operation + "Result");
            var response = read(result);
            var requestId = root.Elements().FirstOrDefault(e => e.Name.LocalName == "ResponseMetadata")?
                .Elements().FirstOrDefault(e => e.Name.LocalName == "RequestId")?.Value;
            response.ResponseMetadata = new ResponseMetadata { RequestId = string.IsNullOrEmpty(requestId) ? headerRequestId : requestId };
            return response;
        }
        catch (Exception exception) when (exception is XmlException or FormatException or OverflowException)
        {
            throw new AmazonUnmarshallingException(
                headerRequestId,
                lastKnownLocation: null,
                responseBody: null,
                $"The {service.ServiceId} {operation} response is not valid XML for its model: {exception.Message}",
                exception)
            {
                StatusCode = input.ResponseData?.StatusCode ?? 0,
            };
        }
    }

    public override AmazonServiceException UnmarshallException(XmlUnmarshallerContext input, Exception innerException, HttpStatusCode statusCode)
    {
        var error = XmlErrorResponseUnmarshaller.GetInstance().Unmarshall(input);
        return errors(new AwsServiceError(error.Code, error.Message, error.Type, error.RequestId, statusCode, innerException));
    }
}
