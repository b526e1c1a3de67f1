using System.Xml;
using System.Xml.Linq;
using Amazon.Runtime;
using Amazon.Runtime.Internal.Transform;

namespace EcsBuildTasks.Aws.Runtime;

/// <summary>
/// What the XML protocols (Query, EC2) share in reading a response: a safe reader (no DTD, no resolver), the
/// request ID from the header when the body has none, and a malformed body turned into the SDK's unmarshalling error.
/// Each protocol says where its output and request ID sit in the document, and how its errors look.
/// </summary>
internal abstract class AwsXmlResponseUnmarshaller<TResponse> : XmlResponseUnmarshaller
    where TResponse : AmazonWebServiceResponse, new()
{
    private readonly Func<XElement?, TResponse> read;

    protected AwsXmlResponseUnmarshaller(AwsServiceDescriptor service, string operation, Func<XElement?, TResponse> read, Func<AwsServiceError, AmazonServiceException> errors)
    {
        Service = service;
        Operation = operation;
        this.read = read;
        Errors = errors;
    }

    protected AwsServiceDescriptor Service { get; }

    protected string Operation { get; }

    protected Func<AwsServiceError, AmazonServiceException> Errors { get; }

    public sealed override AmazonWebServiceResponse Unmarshall(XmlUnmarshallerContext input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var headerRequestId = HeaderRequestId(input);
        try
        {
            var root = Load(input.Stream).Root ?? throw new XmlException("The response has no root element.");
            var response = read(Output(root));
            var requestId = RequestId(root);
            response.ResponseMetadata = new ResponseMetadata { RequestId = string.IsNullOrEmpty(requestId) ? headerRequestId : requestId };
            return response;
        }
        catch (Exception exception) when (AwsXml.IsMalformed(exception))
        {
            throw AwsXml.Malformed(Service, Operation, headerRequestId, input, exception);
        }
    }

    /// <summary>The element the generated reader reads the output members from.</summary>
    protected abstract XElement? Output(XElement root);

    /// <summary>The request ID the body carries, if any.</summary>
    protected abstract string? RequestId(XElement root);

    protected static string? HeaderRequestId(XmlUnmarshallerContext input)
    {
        var id = input?.ResponseData?.GetHeaderValue("x-amzn-RequestId");
        return string.IsNullOrEmpty(id) ? null : id;
    }

    protected static XDocument Load(Stream stream)
    {
        using var reader = XmlReader.Create(stream, AwsXml.ReaderSettings);
        return XDocument.Load(reader);
    }

    protected static XElement? Child(XElement? parent, string localName) =>
        parent?.Elements().FirstOrDefault(e => e.Name.LocalName == localName);
}

/// <summary>What every XML protocol (Query, EC2, rest-xml) reads responses with.</summary>
internal static class AwsXml
{
    /// <summary>A safe reader: no DTD, no resolver.</summary>
    public static readonly XmlReaderSettings ReaderSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
    };

    /// <summary>Whether reading a response failed because its body does not fit the model.</summary>
    public static bool IsMalformed(Exception exception) => exception is XmlException or FormatException or OverflowException;

    /// <summary>The SDK's unmarshalling error for a body that does not fit the model (the body is never echoed).</summary>
    public static AmazonUnmarshallingException Malformed(AwsServiceDescriptor service, string operation, string? requestId, XmlUnmarshallerContext input, Exception exception) =>
        new(requestId, lastKnownLocation: null, responseBody: null, $"The {service.ServiceId} {operation} response is not valid XML for its model: {exception.Message}", exception)
        {
            StatusCode = input.ResponseData?.StatusCode ?? 0,
        };
}
