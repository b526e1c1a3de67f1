using System.Net;
using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Control;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.Registry;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;

namespace EcsBuildTasks.LocalEcs.Hosting;

/// <summary>
/// Routes every request on the single port as AWS would: <c>/_localecs/</c> to the control API, <c>/v2/</c> to the OCI
/// registry, <c>X-Amz-Target</c> to a JSON service, <c>/service/…/operation/…</c> to RPC v2 CBOR (CloudWatch), and
/// form-encoded <c>Action</c> requests to a Query service chosen by the SigV4 credential scope (Action names collide
/// between ELBv2, STS, CloudWatch and EC2), and rest-xml requests (Route 53, <c>/2013-04-01/…</c>) by method and URI.
/// </summary>
internal sealed partial class RequestRouter
{
    private static readonly Dictionary<string, string> JsonTargetPrefixes = new(StringComparer.Ordinal)
    {
        ["AmazonEC2ContainerServiceV20141113"] = "ecs",
        ["AmazonEC2ContainerRegistry_V20150921"] = "ecr",
        ["Route53AutoNaming_v20170314"] = "servicediscovery",
        ["AnyScaleFrontendService"] = "application-autoscaling",
        ["Logs_20140328"] = "logs",
        ["GraniteServiceVersion20100801"] = "monitoring",
        ["secretsmanager"] = "secretsmanager",
        ["AmazonSSM"] = "ssm",
    };

    /// <summary>Query API versions, to route unsigned-scope requests (the scope normally decides).</summary>
    private static readonly Dictionary<string, string> QueryVersions = new(StringComparer.Ordinal)
    {
        ["2015-12-01"] = "elasticloadbalancing",
        ["2011-06-15"] = "sts",
        ["2010-08-01"] = "monitoring",
        ["2016-11-15"] = "ec2",
        ["2010-05-08"] = "iam",
    };

    private readonly LocalEcsRuntime runtime;
    private readonly RegistryEndpoints registry;
    private readonly ControlEndpoints control;
    private readonly Dictionary<string, IAwsApi> apis;
    private readonly ILogger logger;

    public RequestRouter(LocalEcsRuntime runtime, RegistryEndpoints registry, ControlEndpoints control, ILogger<RequestRouter> logger)
    {
        this.runtime = runtime;
        this.registry = registry;
        this.control = control;
        this.logger = logger;
        apis = runtime.Apis.ToDictionary(a => a.SigningName, StringComparer.Ordinal);
    }

    public async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (path.StartsWith("/_localecs/", StringComparison.Ordinal) || path == "/_localecs")
        {
            await control.HandleAsync(context);
            return;
        }

        if (path == "/v2" || path.StartsWith("/v2/", StringComparison.Ordinal))
        {
            await registry.HandleAsync(context);
            return;
        }

        await HandleAwsAsync(context, path);
    }

    private async Task HandleAwsAsync(HttpContext context, string path)
    {
        var requestId = Guid.NewGuid().ToString();
        context.Response.Headers["x-amzn-RequestId"] = requestId;
        var body = await ReadBodyAsync(context.Request);
        var target = context.Request.Headers["X-Amz-Target"].ToString();
        var scope = SigV4Scope.FromHeader(context.Request.Headers.Authorization.ToString())
            ?? SigV4Scope.FromCredential(context.Request.Query["X-Amz-Credential"].ToString());

        Protocol protocol;
        string service;
        string operation;
        JsonObject input;
        RestXmlMatch? rest = null;
        try
        {
            if (!string.IsNullOrEmpty(target))
            {
                protocol = Protocol.Json;
                var dot = target.LastIndexOf('.');
                if (dot < 0 || !JsonTargetPrefixes.TryGetValue(target[..dot], out service!))
                {
                    throw new AwsServiceException("UnknownOperationException", $"Unknown target {target}.");
                }

                operation = target[(dot + 1)..];
                input = JsonProtocol.ParseBody(body);
            }
            else if (path.StartsWith("/service/", StringComparison.Ordinal))
            {
                protocol = Protocol.Cbor;
                var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length != 4 || parts[2] != "operation" || !JsonTargetPrefixes.TryGetValue(parts[1], out service!))
                {
                    throw new AwsServiceException("UnknownOperationException", $"Unknown operation path {path}.");
                }

                operation = parts[3];
                input = CborProtocol.ParseBody(body);
            }
            else if (RestXml(context, path) is { } match)
            {
                // Route 53 is global: one state whatever region the caller signed for (the CLI signs with --region).
                protocol = Protocol.RestXml;
                rest = match;
                service = match.Api.SigningName;
                operation = match.Route.Operation;
                var query = QueryHelpers.ParseQuery(context.Request.QueryString.Value).Select(p => new KeyValuePair<string, string>(p.Key, p.Value.ToString()));
                input = RestXmlProtocol.ParseRequest(match, query, body);
            }
            else
            {
                var parameters = QueryHelpers.ParseQuery(context.Request.QueryString.Value)
                    .Concat(IsForm(context.Request) ? QueryHelpers.ParseQuery(System.Text.Encoding.UTF8.GetString(body)) : [])
                    .Select(p => new KeyValuePair<string, string>(p.Key, p.Value.ToString()))
                    .ToList();
                input = QueryProtocol.ParseParameters(parameters);
                operation = input.Str("Action") ?? string.Empty;
                var version = input.Str("Version");
                service = scope?.Service ?? (version is not null && QueryVersions.TryGetValue(version, out var byVersion) ? byVersion : string.Empty);
                protocol = service == "ec2" ? Protocol.Ec2 : Protocol.Query;
                if (operation.Length == 0)
                {
                    await WriteNotFoundAsync(context);
                    return;
                }

                input.Remove("Action");
                input.Remove("Version");
            }
        }
        catch (AwsServiceException e)
        {
            var owner = rest?.Api ?? RestXmlProtocol.Owner(runtime.Apis, path);
            await WriteErrorAsync(context, owner is null ? Protocol.Json : Protocol.RestXml, owner, e, requestId);
            return;
        }

        apis.TryGetValue(service, out var api);
        if (scope is null)
        {
            await WriteErrorAsync(context, protocol, api, new AwsServiceException("MissingAuthenticationTokenException", "Missing Authentication Token", HttpStatusCode.Forbidden), requestId);
            return;
        }

        if (api is null || !api.Handles(operation))
        {
            var error = protocol is Protocol.Query or Protocol.Ec2
                ? new AwsServiceException("InvalidAction", $"The action {operation} is not valid for this web service.")
                : new AwsServiceException("UnknownOperationException", $"LocalEcs does not implement {service} {operation}.");
            await WriteErrorAsync(context, protocol, api, error, requestId);
            return;
        }

        var fault = runtime.Faults.Decide(service, operation);
        if (fault.Latency > TimeSpan.Zero)
        {
            await Task.Delay(fault.Latency, runtime.RealTime, context.RequestAborted);
        }

        if (fault.Drop)
        {
            context.Abort();
            return;
        }

        if (fault.Error is not null)
        {
            await WriteErrorAsync(context, protocol, api, fault.Error, requestId);
            return;
        }

        JsonNode? result;
        try
        {
            lock (runtime.State.Sync)
            {
                var request = new AwsRequest
                {
                    Service = service,
                    Operation = operation,
                    Region = scope.Region,
                    RequestId = requestId,
                    Input = input,
                    Now = runtime.Clock.Now,
                    Account = runtime.State,
                    AccessKeyId = scope.AccessKeyId,
                    Principal = runtime.Authorizer.PrincipalOf(scope.AccessKeyId),
                };
                runtime.Authorizer.Authorize(request);
                result = api.Invoke(request);
                runtime.Engine.Observe(request.Now);
            }

            if (!IsReadOnly(operation))
            {
                runtime.Store.MarkDirty();
            }
        }
        catch (AwsServiceException e)
        {
            await WriteErrorAsync(context, protocol, api, e, requestId);
            return;
        }
#pragma warning disable CA1031 // A bug in one handler must answer as AWS does (500), not kill the connection.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogHandlerFailure(logger, e, service, operation);
            await WriteErrorAsync(context, protocol, api, new AwsServiceException("InternalFailure", "LocalEcs failed: " + e.Message, HttpStatusCode.InternalServerError), requestId);
            return;
        }

        await WriteResultAsync(context, protocol, api, operation, result, requestId, rest);
    }

    /// <summary>A rest-xml operation for this method and path; a path of a rest-xml service that no route takes
    /// answers as that service does (a method the resource does not allow, an unknown resource).</summary>
    private RestXmlMatch? RestXml(HttpContext context, string path)
    {
        if (RestXmlProtocol.Match(runtime.Apis, context.Request.Method, path) is { } match)
        {
            return match;
        }

        return RestXmlProtocol.Owner(runtime.Apis, path) is not null
            ? throw new AwsServiceException("InvalidInput", $"No operation of this API takes {context.Request.Method} {path}.", HttpStatusCode.NotFound)
            : null;
    }

    private static bool IsReadOnly(string operation) =>
        operation.StartsWith("Describe", StringComparison.Ordinal) || operation.StartsWith("List", StringComparison.Ordinal)
        || operation.StartsWith("Get", StringComparison.Ordinal) || operation.StartsWith("BatchGet", StringComparison.Ordinal)
        || operation.StartsWith("Filter", StringComparison.Ordinal) || operation.StartsWith("Discover", StringComparison.Ordinal);

    private static bool IsForm(HttpRequest request) =>
        request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true;

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    private static Task WriteNotFoundAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        context.Response.ContentType = "text/plain";
        return context.Response.WriteAsync("LocalEcs: no AWS API, registry or control endpoint at " + context.Request.Path);
    }

    private static async Task WriteResultAsync(HttpContext context, Protocol protocol, IAwsApi api, string operation, JsonNode? result, string requestId, RestXmlMatch? rest = null)
    {
        byte[] bytes;
        switch (protocol)
        {
            case Protocol.RestXml:
                context.Response.StatusCode = rest!.Route.SuccessStatus;
                context.Response.ContentType = "text/xml";
                foreach (var (name, value) in RestXmlProtocol.Headers(rest, result as JsonObject))
                {
                    context.Response.Headers[name] = value;
                }

                bytes = RestXmlProtocol.Response(rest, result as JsonObject);
                break;
            case Protocol.Json:
                context.Response.ContentType = api.SigningName == "monitoring" ? "application/x-amz-json-1.0" : "application/x-amz-json-1.1";
                bytes = JsonProtocol.Serialize(result);
                break;
            case Protocol.Cbor:
                context.Response.ContentType = CborProtocol.ContentType;
                context.Response.Headers["smithy-protocol"] = "rpc-v2-cbor";
                bytes = CborProtocol.Serialize(result);
                break;
            case Protocol.Ec2:
                context.Response.ContentType = "text/xml;charset=UTF-8";
                bytes = QueryProtocol.Ec2Response(operation, api.XmlNamespace!, result as JsonObject ?? [], requestId);
                break;
            default:
                context.Response.ContentType = "text/xml";
                bytes = QueryProtocol.Response(operation, api.XmlNamespace!, result as JsonObject, requestId);
                break;
        }

        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes);
    }

    private static async Task WriteErrorAsync(HttpContext context, Protocol protocol, IAwsApi? api, AwsServiceException error, string requestId)
    {
        context.Response.StatusCode = (int)error.Status;
        byte[] bytes;
        switch (protocol)
        {
            case Protocol.Cbor:
                context.Response.ContentType = CborProtocol.ContentType;
                context.Response.Headers["smithy-protocol"] = "rpc-v2-cbor";
                bytes = CborProtocol.SerializeError(error);
                break;
            case Protocol.Ec2:
                context.Response.ContentType = "text/xml;charset=UTF-8";
                bytes = QueryProtocol.Ec2Error(error, requestId);
                break;
            case Protocol.Query:
                context.Response.ContentType = "text/xml";
                bytes = QueryProtocol.Error(error, api?.XmlNamespace ?? "https://localecs/", requestId);
                break;
            case Protocol.RestXml:
                context.Response.ContentType = "text/xml";
                bytes = RestXmlProtocol.Error(error, api?.XmlNamespace ?? "https://localecs/", requestId);
                break;
            default:
                context.Response.ContentType = api?.SigningName == "monitoring" ? "application/x-amz-json-1.0" : "application/x-amz-json-1.1";
                bytes = JsonProtocol.SerializeError(error);
                break;
        }

        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Service} {Operation} failed")]
    private static partial void LogHandlerFailure(ILogger logger, Exception exception, string service, string operation);

    private enum Protocol
    {
        Json,
        Cbor,
        Query,
        Ec2,
        RestXml,
    }
}
