using System.Net;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Transform;
using Amazon.Runtime.Internal.Util;
using Amazon.Util;
using EcsBuildTasks.Aws.Serialization;

namespace EcsBuildTasks.Aws.Runtime;

/// <summary>AWS JSON 1.1 request: POST / with <c>X-Amz-Target: {prefix}.{Operation}</c> and the request as JSON.</summary>
internal sealed class AwsJsonRequestMarshaller<TRequest> : IMarshaller<IRequest, AmazonWebServiceRequest>
    where TRequest : AmazonWebServiceRequest
{
    private readonly AwsServiceDescriptor service;
    private readonly string target;
    private readonly AwsJsonSerializer serializer;

    public AwsJsonRequestMarshaller(AwsServiceDescriptor service, string target, AwsJsonSerializer serializer)
    {
        this.service = service;
        this.target = target;
        this.serializer = serializer;
    }

    public IRequest Marshall(AmazonWebServiceRequest input)
    {
        var request = new DefaultRequest(input, service.RequestServiceName)
        {
            HttpMethod = "POST",
            ResourcePath = "/",
        };
        request.Headers["X-Amz-Target"] = target;
        request.Headers["Content-Type"] = "application/x-amz-json-1.1";
        request.Headers[HeaderKeys.XAmzApiVersion] = service.ApiVersion;
        request.Content = serializer.SerializeToUtf8Bytes((TRequest)input);
        return request;
    }
}

/// <summary>AWS JSON 1.1 response: the body through the service's source-generated contract; errors to typed exceptions.</summary>
internal sealed class AwsJsonResponseUnmarshaller<TResponse> : JsonResponseUnmarshaller
    where TResponse : AmazonWebServiceResponse, new()
{
    private readonly AwsServiceDescriptor service;
    private readonly string operation;
    private readonly AwsJsonSerializer serializer;
    private readonly Func<AwsServiceError, AmazonServiceException> errors;

    public AwsJsonResponseUnmarshaller(AwsServiceDescriptor service, string operation, AwsJsonSerializer serializer, Func<AwsServiceError, AmazonServiceException> errors)
    {
        this.service = service;
        this.operation = operation;
        this.serializer = serializer;
        this.errors = errors;
    }

    /// <summary>Replaces the base wrapping so the message says what failed and where, without echoing the body
    /// (which can hold secrets such as ECR tokens).</summary>
    public override AmazonWebServiceResponse Unmarshall(UnmarshallerContext input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var requestId = input.ResponseData?.GetHeaderValue("x-amzn-RequestId");
        try
        {
            var response = Unmarshall((JsonUnmarshallerContext)input);
            response.ResponseMetadata = new ResponseMetadata { RequestId = requestId };
            return response;
        }
        catch (JsonException exception)
        {
            throw new AmazonUnmarshallingException(
                requestId,
                exception.Path,
                responseBody: null,
                $"The {service.ServiceId} {operation} response is not valid JSON for its model: {exception.Message}",
                exception)
            {
                StatusCode = input.ResponseData?.StatusCode ?? 0,
            };
        }
    }

    public override AmazonWebServiceResponse Unmarshall(JsonUnmarshallerContext input)
    {
        ArgumentNullException.ThrowIfNull(input);

        // Operations without output answer "{}"; some endpoints answer an empty body.
        return input.IsEmptyResponse ? new TResponse() : serializer.Deserialize<TResponse>(input.Stream);
    }

    public override AmazonServiceException UnmarshallException(JsonUnmarshallerContext input, Exception innerException, HttpStatusCode statusCode)
    {
        ArgumentNullException.ThrowIfNull(input);
        var reader = new StreamingUtf8JsonReader(input.Stream);
        var error = JsonErrorResponseUnmarshaller.GetInstance().Unmarshall(input, ref reader);
        return errors(new AwsServiceError(error.Code, error.Message, error.Type, error.RequestId, statusCode, innerException));
    }
}
