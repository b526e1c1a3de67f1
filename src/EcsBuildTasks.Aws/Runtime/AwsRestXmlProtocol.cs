using System.Net;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Transform;

namespace EcsBuildTasks.Aws.Runtime;

/// <summary>A rest-xml operation (Route 53): method and URI template, members in labels, query, headers and an XML body.</summary>
internal sealed class RestXmlOperation<TRequest, TResponse> : AwsOperation<TRequest, TResponse>
    where TRequest : AmazonWebServiceRequest
    where TResponse : AmazonWebServiceResponse, new()
{
    [System.Diagnostics.CodeAnalysis.SetsRequiredMembers]
    public RestXmlOperation(
        AwsServiceDescriptor service,
        string name,
        string method,
        string requestUri,
        Action<TRequest, RestXmlRequestWriter> write,
        Func<RestXmlResponse, TResponse> read,
        Func<AwsServiceError, AmazonServiceException> errors,
        Action<AmazonServiceException, XElement> readErrorMembers)
    {
        Options = new InvokeOptions
        {
            RequestMarshaller = new AwsRestXmlRequestMarshaller<TRequest>(service, name, method, requestUri, write),
            ResponseUnmarshaller = new AwsRestXmlResponseUnmarshaller<TResponse>(service, name, read, errors, readErrorMembers),
        };
    }
}

/// <summary>
/// What the generated serializers write a rest-xml request into (botocore's rules): URI labels (percent-encoded by the
/// SDK when it builds the URI; <c>{Label+}</c> keeps its slashes), query parameters, headers and the XML body, whose
/// root element is the input's <c>locationName</c> in the service's namespace.
/// </summary>
internal sealed class RestXmlRequestWriter
{
    private static readonly XmlWriterSettings WriterSettings = new()
    {
        Encoding = new UTF8Encoding(false),
        OmitXmlDeclaration = true,
        NewLineHandling = NewLineHandling.Entitize,
    };

    private readonly IRequest request;
    private readonly string operation;

    public RestXmlRequestWriter(IRequest request, string operation)
    {
        this.request = request;
        this.operation = operation;
    }

    /// <summary>Sets a URI label; the SDK encodes it (an empty label would change the path, so it is refused).</summary>
    public void SetLabel(string label, string member, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new AmazonClientException($"{operation}: {member} is required (it is part of the request URI).");
        }

        request.AddPathResource("{" + label + "}", value);
    }

    public void AddQuery(string name, string value)
    {
        request.Parameters[name] = value;
        request.UseQueryString = true;
    }

    /// <summary>A list member repeats its parameter (<c>?id=a&amp;id=b</c>).</summary>
    public void AddQuery(string name, List<string> values)
    {
        request.ParameterCollection.Add(name, values);
        request.UseQueryString = true;
    }

    public void SetHeader(string name, string value) => request.Headers[name] = value;

    public void WriteBody(string rootName, string? xmlNamespace, Action<XmlWriter> writeMembers)
    {
        ArgumentNullException.ThrowIfNull(writeMembers);
        using var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, WriterSettings))
        {
            writer.WriteStartElement(rootName, xmlNamespace);
            writeMembers(writer);
            writer.WriteEndElement();
        }

        request.Content = buffer.ToArray();
        request.Headers["Content-Type"] = "application/xml";
    }
}

/// <summary>Builds the HTTP request: method, resource path with its labels, fixed query parts of the URI template, members.</summary>
internal sealed class AwsRestXmlRequestMarshaller<TRequest> : IMarshaller<IRequest, AmazonWebServiceRequest>
    where TRequest : AmazonWebServiceRequest
{
    private readonly AwsServiceDescriptor service;
    private readonly string operation;
    private readonly string method;
    private readonly string path;
    private readonly string? fixedQuery;
    private readonly Action<TRequest, RestXmlRequestWriter> write;

    public AwsRestXmlRequestMarshaller(AwsServiceDescriptor service, string operation, string method, string requestUri, Action<TRequest, RestXmlRequestWriter> write)
    {
        this.service = service;
        this.operation = operation;
        this.method = method;
        this.write = write;
        var question = requestUri.IndexOf('?', StringComparison.Ordinal);
        path = question < 0 ? requestUri : requestUri[..question];
        fixedQuery = question < 0 ? null : requestUri[(question + 1)..];
    }

    public IRequest Marshall(AmazonWebServiceRequest input)
    {
        var request = new DefaultRequest(input, service.RequestServiceName)
        {
            HttpMethod = method,
            ResourcePath = path,
        };
        request.Headers[Amazon.Util.HeaderKeys.XAmzApiVersion] = service.ApiVersion;
        if (fixedQuery is not null)
        {
            foreach (var part in fixedQuery.Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = part.IndexOf('=', StringComparison.Ordinal);
                if (equals < 0)
                {
                    request.AddSubResource(part);
                }
                else
                {
                    request.Parameters[part[..equals]] = part[(equals + 1)..];
                    request.UseQueryString = true;
                }
            }
        }

        write((TRequest)input, new RestXmlRequestWriter(request, operation));
        return request;
    }
}

/// <summary>A rest-xml response as the generated readers see it: the body's root element, the status and the headers.</summary>
internal sealed class RestXmlResponse
{
    private readonly IWebResponseData? data;

    public RestXmlResponse(XElement? body, IWebResponseData? data)
    {
        Body = body;
        this.data = data;
    }

    /// <summary>The root element (<c>&lt;GetHostedZoneResponse&gt;</c>), or null for an empty body.</summary>
    public XElement? Body { get; }

    public int StatusCode => data is null ? 200 : (int)data.StatusCode;

    public string? Header(string name) => data is not null && data.IsHeaderPresent(name) ? data.GetHeaderValue(name) : null;

    /// <summary>The members of the document's root element read by <paramref name="read"/>; an empty response for an empty body.</summary>
    public T ReadBody<T>(Func<XElement, T> read)
        where T : new()
    {
        ArgumentNullException.ThrowIfNull(read);
        return Body is null ? new T() : read(Body);
    }
}

/// <summary>
/// Reads rest-xml responses, and errors in each form they take: <c>&lt;ErrorResponse&gt;&lt;Error&gt;</c> (Route 53,
/// CloudFront), a bare <c>&lt;Error&gt;</c> (S3), or a root named after the error with the model's members
/// (Route 53's <c>&lt;InvalidChangeBatch&gt;&lt;Messages&gt;</c>). Bodies are never echoed into messages.
/// </summary>
internal sealed class AwsRestXmlResponseUnmarshaller<TResponse> : XmlResponseUnmarshaller
    where TResponse : AmazonWebServiceResponse, new()
{
    private readonly AwsServiceDescriptor service;
    private readonly string operation;
    private readonly Func<RestXmlResponse, TResponse> read;
    private readonly Func<AwsServiceError, AmazonServiceException> errors;
    private readonly Action<AmazonServiceException, XElement> readErrorMembers;

    public AwsRestXmlResponseUnmarshaller(
        AwsServiceDescriptor service,
        string operation,
        Func<RestXmlResponse, TResponse> read,
        Func<AwsServiceError, AmazonServiceException> errors,
        Action<AmazonServiceException, XElement> readErrorMembers)
    {
        this.service = service;
        this.operation = operation;
        this.read = read;
        this.errors = errors;
        this.readErrorMembers = readErrorMembers;
    }

    public override AmazonWebServiceResponse Unmarshall(XmlUnmarshallerContext input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var requestId = HeaderRequestId(input.ResponseData);
        try
        {
            var response = read(new RestXmlResponse(Parse(input.Stream), input.ResponseData));
            response.ResponseMetadata = new ResponseMetadata { RequestId = requestId };
            return response;
        }
        catch (Exception exception) when (AwsXml.IsMalformed(exception))
        {
            throw AwsXml.Malformed(service, operation, requestId, input, exception);
        }
    }

    public override AmazonServiceException UnmarshallException(XmlUnmarshallerContext input, Exception innerException, HttpStatusCode statusCode)
    {
        ArgumentNullException.ThrowIfNull(input);
        XElement? root;
        try
        {
            root = Parse(input.Stream);
        }
        catch (XmlException)
        {
            root = null;
        }

        var headerRequestId = HeaderRequestId(input.ResponseData);
        if (root is null)
        {
            // An empty or non-XML body (a proxy's page, a 5xx without details): the status is all there is.
            return errors(new AwsServiceError(
                null,
                $"{service.ServiceId} answered HTTP {(int)statusCode} ({statusCode}) without an XML error body.",
                (int)statusCode >= 500 ? ErrorType.Receiver : ErrorType.Sender,
                headerRequestId,
                statusCode,
                innerException));
        }

        var error = root.Name.LocalName switch
        {
            "ErrorResponse" => Element(root, "Error") ?? root,
            _ => root,
        };
        var code = root.Name.LocalName is "ErrorResponse" or "Error" ? Element(error, "Code")?.Value : root.Name.LocalName;
        var message = Element(error, "Message")?.Value ?? JoinedMessages(error) ?? code ?? statusCode.ToString();
        var type = Element(error, "Type")?.Value switch
        {
            "Sender" => ErrorType.Sender,
            "Receiver" => ErrorType.Receiver,
            _ => ErrorType.Unknown,
        };
        var requestId = Element(root, "RequestId")?.Value ?? Element(error, "RequestId")?.Value ?? headerRequestId;
        var exception = errors(new AwsServiceError(code, message, type, requestId, statusCode, innerException));
        readErrorMembers(exception, error);
        return exception;
    }

    /// <summary>The messages of an error that lists them (<c>&lt;Messages&gt;&lt;Message&gt;</c>), as Route 53 writes a
    /// list in its <c>&lt;Message&gt;</c>: <c>[first, second]</c>.</summary>
    private static string? JoinedMessages(XElement error)
    {
        var list = error.Elements().FirstOrDefault(e => string.Equals(e.Name.LocalName, "Messages", StringComparison.OrdinalIgnoreCase));
        var messages = list?.Elements().Select(e => e.Value).ToList();
        return messages is { Count: > 0 } ? "[" + string.Join(", ", messages) + "]" : null;
    }

    private static XElement? Element(XElement parent, string name) => parent.Elements().FirstOrDefault(e => e.Name.LocalName == name);

    private static string? HeaderRequestId(IWebResponseData? data)
    {
        foreach (var header in new[] { "x-amzn-RequestId", "x-amz-request-id" })
        {
            if (data is not null && data.IsHeaderPresent(header))
            {
                return data.GetHeaderValue(header);
            }
        }

        return null;
    }

    private static XElement? Parse(Stream stream)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        if (buffer.Length == 0)
        {
            return null;
        }

        buffer.Position = 0;
        using var reader = XmlReader.Create(buffer, AwsXml.ReaderSettings);
        return XDocument.Load(reader).Root;
    }
}
