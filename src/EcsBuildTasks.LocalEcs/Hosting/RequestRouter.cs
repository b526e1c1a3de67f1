using System.Net;
using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Control;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.Registry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EcsBuildTasks.LocalEcs.Hosting;

/// <summary>
/// Routes every request on the single port as AWS would: a browser's <c>GET /</c> and <c>/_localecs/dashboard/</c> to the
/// dashboard, <c>/_localecs/</c> to the control API, <c>/v2/</c> to the OCI
/// registry, <c>X-Amz-Target</c> to a JSON service, <c>/service/…/operation/…</c> to RPC v2 CBOR (CloudWatch), and
/// form-encoded <c>Action</c> requests to a Query service chosen by the SigV4 credential scope (Action names collide
/// between ELBv2, STS, CloudWatch and EC2), and rest-xml requests (Route 53, <c>/2013-04-01/…</c>) by method and URI. The same steps protect every service, in this order: the front door
/// (<see cref="RequestGuard"/>); the body read within its protocol's limit and parsed within the nesting limit
/// (<see cref="RequestLimits"/>), both before authentication; the signature's scope (Authorization header only, a valid
/// region); faults; the input checks (<see cref="InputValidator"/>); IAM authorization; the handler under the account lock; the page
/// (<see cref="Pagination"/>); the change journaled and flushed before the answer (<see cref="State.StateStore"/>).
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
    private readonly Dashboard.DashboardEndpoints dashboard;
    private readonly Dictionary<string, IAwsApi> apis;
    private readonly ILogger logger;

    public RequestRouter(LocalEcsRuntime runtime, RegistryEndpoints registry, ControlEndpoints control, ILogger<RequestRouter> logger)
    {
        this.runtime = runtime;
        this.registry = registry;
        this.control = control;
        dashboard = new Dashboard.DashboardEndpoints(runtime);
        this.logger = logger;
        apis = runtime.Apis.ToDictionary(a => a.SigningName, StringComparer.Ordinal);
    }

    public async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        // The dashboard's page, script and styles are no control endpoint (a browser navigating to them sends no header);
        // its data under api/ is, as it tells what the control API tells. The front door guards both like everything else.
        var isDashboard = Dashboard.DashboardEndpoints.Handles(context.Request);
        var isControl = (path.StartsWith("/_localecs/", StringComparison.Ordinal) || path == "/_localecs")
            && (!isDashboard || Dashboard.DashboardEndpoints.IsData(path));
        if (RequestGuard.Refusal(context.Request, isControl) is { } refusal)
        {
            await RequestGuard.RefuseAsync(context, refusal);
            return;
        }

        try
        {
            if (isDashboard)
            {
                await dashboard.HandleAsync(context);
                return;
            }

            if (isControl)
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
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            // Kestrel's own limits (a body past the limit set for this request, a malformed chunk): answer, don't crash.
            context.Response.Clear();
            context.Response.StatusCode = e.StatusCode;
            context.Response.Headers.Connection = "close";
            await context.Response.WriteAsync("LocalEcs: " + e.Message + "\n");
        }
    }

    private async Task HandleAwsAsync(HttpContext context, string path)
    {
        var requestId = Guid.NewGuid().ToString();
        context.Response.Headers["x-amzn-RequestId"] = requestId;
        var httpRequest = context.Request;
        var target = httpRequest.Headers["X-Amz-Target"].ToString();

        // The protocol decides how much is read and how it is parsed; all of it happens before authentication, so
        // unsigned requests meet the same limits. Rest-xml (Route 53) is recognised by its URI, before the body is read.
        RestXmlMatch? rest = null;
        IRestXmlApi? restOwner = null;
        Protocol protocol;
        if (target.Length > 0)
        {
            protocol = Protocol.Json;
        }
        else if (path.StartsWith("/service/", StringComparison.Ordinal))
        {
            protocol = Protocol.Cbor;
        }
        else if ((restOwner = RestXmlProtocol.Owner(runtime.Apis, path)) is not null)
        {
            protocol = Protocol.RestXml;
            rest = RestXmlProtocol.Match(runtime.Apis, httpRequest.Method, path);
        }
        else
        {
            protocol = Protocol.Query;
        }

        byte[] body;
        try
        {
            body = await RequestLimits.ReadBodyAsync(httpRequest, protocol is Protocol.Query or Protocol.RestXml ? RequestLimits.QueryBodyBytes : RequestLimits.JsonBodyBytes, context.RequestAborted);
        }
        catch (RequestTooLargeException e)
        {
            context.Response.Headers.Connection = "close";
            await WriteErrorAsync(context, protocol, restOwner, new AwsServiceException("RequestEntityTooLarge", e.Message, HttpStatusCode.RequestEntityTooLarge), requestId);
            return;
        }

        var scope = SigV4Scope.FromHeader(httpRequest.Headers.Authorization.ToString());
        string service;
        string operation;
        JsonObject input;
        try
        {
            if (protocol == Protocol.Query && body.Length > 0 && !IsForm(httpRequest) && (XmlRequestReader.IsXml(httpRequest.ContentType) || LooksLikeXml(body)))
            {
                // An XML body sent to a Query endpoint: no DTD, nesting within the limit, whatever reads it later.
                XmlRequestReader.Check(body);
            }

            switch (protocol)
            {
                case Protocol.Json:
                {
                    var dot = target.LastIndexOf('.');
                    if (dot < 0 || !JsonTargetPrefixes.TryGetValue(target[..dot], out service!))
                    {
                        throw new AwsServiceException("UnknownOperationException", $"Unknown target {ServiceErrors.Shorten(target)}.");
                    }

                    operation = target[(dot + 1)..];
                    input = JsonProtocol.ParseBody(body);
                    break;
                }

                case Protocol.Cbor:
                {
                    var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
                    if (parts.Length != 4 || parts[2] != "operation" || !JsonTargetPrefixes.TryGetValue(parts[1], out service!))
                    {
                        throw new AwsServiceException("UnknownOperationException", $"Unknown operation path {ServiceErrors.Shorten(path)}.");
                    }

                    operation = parts[3];
                    input = CborProtocol.ParseBody(body);
                    break;
                }

                case Protocol.RestXml:
                {
                    // A path of a rest-xml service that no route takes answers as that service does.
                    var match = rest ?? throw new AwsServiceException("InvalidInput", $"No operation of this API takes {httpRequest.Method} {ServiceErrors.Shorten(path)}.", HttpStatusCode.NotFound);

                    // Route 53 is global: one state whatever region the caller signed for (the CLI signs with --region).
                    service = match.Api.SigningName;
                    operation = match.Route.Operation;
                    var query = httpRequest.QueryString.Value is { Length: > 1 } q ? System.Text.Encoding.UTF8.GetBytes(q[1..]) : [];
                    input = RestXmlProtocol.ParseRequest(match, QueryProtocol.ParseForm(query), body);
                    break;
                }

                default:
                {
                    var query = httpRequest.QueryString.Value is { Length: > 1 } q ? System.Text.Encoding.UTF8.GetBytes(q[1..]) : [];
                    var parameters = QueryProtocol.ParseForm(query);
                    if (IsForm(httpRequest))
                    {
                        parameters.AddRange(QueryProtocol.ParseForm(body));
                    }

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
                    break;
                }
            }
        }
        catch (AwsServiceException e)
        {
            await WriteErrorAsync(context, protocol, restOwner, e, requestId);
            return;
        }

        apis.TryGetValue(service, out var api);
        var json = protocol is Protocol.Json or Protocol.Cbor;
        if (scope is null)
        {
            // A page can put credentials in a URL (an image, a form's action), never in the Authorization header.
            var inUrl = httpRequest.Query.ContainsKey("X-Amz-Credential") || httpRequest.Query.ContainsKey("X-Amz-Signature");
            var message = inUrl
                ? "LocalEcs does not take credentials in the URL (presigned requests): a web page could send those. Sign the request in the Authorization header, as the AWS SDKs and CLI do."
                : "Missing Authentication Token";
            var code = json || protocol == Protocol.RestXml ? "MissingAuthenticationTokenException" : "MissingAuthenticationToken";
            await WriteErrorAsync(context, protocol, api, new AwsServiceException(code, message, HttpStatusCode.Forbidden), requestId);
            return;
        }

        if (!RegionNames.IsValid(scope.Region))
        {
            await WriteErrorAsync(context, protocol, api, ServiceErrors.InvalidRegion(json, scope.Region), requestId);
            return;
        }

        if (api is null || !api.Handles(operation))
        {
            var error = protocol is Protocol.Query or Protocol.Ec2
                ? new AwsServiceException("InvalidAction", $"The action {ServiceErrors.Shorten(operation)} is not valid for this web service.")
                : new AwsServiceException("UnknownOperationException", $"LocalEcs does not implement {ServiceErrors.Shorten(service)} {ServiceErrors.Shorten(operation)}.");
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
        long? commit = null;
        try
        {
            InputValidator.Validate(service, operation, input, json);
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
                Pagination.Apply(service, operation, input, result, json);
                runtime.Engine.Observe(request.Now);
                if (!IsReadOnly(operation))
                {
                    // Recorded while the lock still orders it after every change it saw.
                    commit = runtime.Store.Record(runtime.State, request.Now);
                }
            }
        }
        catch (AwsServiceException e)
        {
            await WriteErrorAsync(context, protocol, api, e, requestId);
            return;
        }
        catch (Exception e) when (InputValidator.IsInputValueError(e))
        {
            // A value the handler could not use (a number out of range, a wrong type): the caller's mistake, not LocalEcs's.
            await WriteErrorAsync(context, protocol, api, ServiceErrors.Validation(service, json, "Invalid value in the request: " + e.Message), requestId);
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

        if (commit is { } sequence && !await CommitAsync(context, protocol, api, sequence, requestId))
        {
            return;
        }

        await WriteResultAsync(context, protocol, api, operation, result, requestId, rest);
    }

    /// <summary>Waits until the change is on disk before the answer acknowledges it; answers 500 when it cannot be written.</summary>
    private async Task<bool> CommitAsync(HttpContext context, Protocol protocol, IAwsApi api, long sequence, string requestId)
    {
        try
        {
            await runtime.Store.FlushAsync(sequence);
            return true;
        }
        catch (IOException e)
        {
            LogCommitFailure(logger, e);
            await WriteErrorAsync(context, protocol, api, new AwsServiceException("InternalFailure", "LocalEcs could not write its state file: " + e.Message, HttpStatusCode.InternalServerError), requestId);
            return false;
        }
    }

    private static bool LooksLikeXml(byte[] body)
    {
        var span = body.AsSpan().TrimStart(" \t\r\n"u8);
        return span.StartsWith("<"u8) || span.StartsWith("\uFEFF"u8) || span.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) || span.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]);
    }

    private static bool IsReadOnly(string operation) =>
        operation.StartsWith("Describe", StringComparison.Ordinal) || operation.StartsWith("List", StringComparison.Ordinal)
        || operation.StartsWith("Get", StringComparison.Ordinal) || operation.StartsWith("BatchGet", StringComparison.Ordinal)
        || operation.StartsWith("Filter", StringComparison.Ordinal) || operation.StartsWith("Discover", StringComparison.Ordinal);

    private static bool IsForm(HttpRequest request) =>
        request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true;

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

    [LoggerMessage(Level = LogLevel.Error, Message = "The state file could not be written; the change was not acknowledged")]
    private static partial void LogCommitFailure(ILogger logger, Exception exception);

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
