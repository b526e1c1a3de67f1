using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Hosting;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.Services.AutoScaling;
using EcsBuildTasks.LocalEcs.Services.Ecs;
using EcsBuildTasks.LocalEcs.Services.SecretsManager;
using EcsBuildTasks.LocalEcs.State;
using Microsoft.AspNetCore.Http;

namespace EcsBuildTasks.LocalEcs.Control;

/// <summary>
/// The control API under <c>/_localecs/</c> (documented in README.md): health, state dump and reset, the simulated
/// clock, fault injection, Lambda hook results, container instance counts and auto-scaling-style desired counts; in the
/// other parts, capacity provider instances, Express URLs, the Route 53 resolver, build leases and IAM enforcement.
/// Bodies and answers are JSON; errors are <c>{"error": "..."}</c> with a 4xx status. Every input is read strictly
/// (<see cref="ControlInput"/>: its members only, each of its type and range, 400 with every reason), and every change
/// to the state is journaled and on disk before the answer (<see cref="LocalEcsRuntime.PersistAsync"/>).
/// </summary>
internal sealed partial class ControlEndpoints(LocalEcsRuntime runtime, LeaseEndpoints leases)
{
    private readonly IamControlEndpoints iam = new(runtime.Authorizer);

    // Answers go to terminals and test logs, never into HTML: no need to escape quotes and apostrophes.
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly string[] HookResults = ["SUCCEEDED", "FAILED"];

    /// <summary>Ten years: further than any test needs, and far from DateTimeOffset's end.</summary>
    private const double MaxAdvanceSeconds = 10 * 366 * 24 * 3600;

    /// <summary>Five minutes: past every AWS SDK's request timeout, so timeouts can be rehearsed; never an endless hang.</summary>
    private const long MaxLatencyMs = 300_000;

    private const long MaxFaultCount = 1_000_000;

    /// <summary>ECS's limit of tasks per service.</summary>
    private const long MaxDesiredCount = 5000;

    /// <summary>LocalEcs's limit of simulated container instances per cluster or capacity provider.</summary>
    private const long MaxInstances = 100;

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value!["/_localecs".Length..].Trim('/');
        JsonObject body;
        try
        {
            body = await ReadBodyAsync(request, context.RequestAborted);
        }
        catch (Hosting.RequestTooLargeException e)
        {
            context.Response.Headers.Connection = "close";
            await WriteAsync(context, StatusCodes.Status413PayloadTooLarge, new JsonObject { ["error"] = e.Message });
            return;
        }
        catch (JsonException e)
        {
            await WriteAsync(context, StatusCodes.Status400BadRequest, new JsonObject { ["error"] = "The body must be a JSON object (UTF-8): " + e.Message });
            return;
        }

        try
        {
            var (status, result) = (request.Method, path) switch
            {
                ("GET", "" or "health") => (200, Health()),
                ("GET", "state") => (200, Dump()),
                ("POST", "reset") => await ResetAsync(body),
                ("GET", "clock") => (200, Clock()),
                ("POST", "clock/advance") => await AdvanceClockAsync(body, request),
                ("GET", "faults") => (200, Faults()),
                ("POST", "faults") => AddFault(body),
                ("DELETE", "faults") => ClearFaults(),
                ("POST", "faults/next-revision") => await ArmNextRevisionAsync(body),
                ("DELETE", "faults/next-revision") => await DisarmNextRevisionAsync(body),
                ("GET", "hooks") => (200, Hooks()),
                ("POST", "hooks") => await SetHookResultAsync(body),
                ("PUT", "lambda-hook-results") => await SetLambdaResultAsync(body),
                ("DELETE", "lambda-hook-results") => await ClearLambdaResultsAsync(),
                ("PUT", "container-instances") => await SetContainerInstancesAsync(body),
                ("DELETE", "container-instances") => await TerminateContainerInstanceAsync(body),
                ("PUT", "capacity-providers/instances") => await SetCapacityProviderInstancesAsync(body),
                ("GET", "express/resolve") => ResolveExpressUrl(request),
                ("PUT", "express/url-delay") => await SetExpressUrlDelayAsync(body),
                ("POST", "autoscaling/desired-count") => await SetDesiredCountAsync(body),
                ("GET", "deployments/hold") => (200, HeldDeployments()),
                ("PUT", "deployments/hold") => await ChangeHoldAsync(body, hold: true),
                ("DELETE", "deployments/hold") => await ChangeHoldAsync(body, hold: false),
                ("GET", "route53/resolve") => ResolveRoute53(request),
                ("GET", "route53/propagation") => (200, Route53PropagationState()),
                ("PUT", "route53/propagation") => SetRoute53Propagation(body),
                ("DELETE", "route53/propagation") => ClearRoute53Propagation(),
                (_, _) when LeaseEndpoints.Handles(path) => leases.Handle(request.Method, path, body),
                (_, _) when iam.Handle(request.Method, path, body, request.Query) is { } handled => handled,
                _ => (404, new JsonObject { ["error"] = $"No control endpoint {request.Method} /_localecs/{path}. GET /_localecs/ lists them." }),
            };
            await WriteAsync(context, status, result);
        }
        catch (AwsServiceException e)
        {
            await WriteAsync(context, StatusCodes.Status400BadRequest, new JsonObject { ["error"] = e.Message, ["code"] = e.Code });
        }
    }

    private static (int, JsonNode) Invalid(ControlInput input) => (400, new JsonObject { ["error"] = input.Error });

    private JsonObject Health() => new()
    {
        ["status"] = "ok",
        ["account"] = Account.Id,
        ["registry"] = runtime.RegistryHost,
        ["endpoints"] = WithIam(new JsonArray(
            "GET /_localecs/health", "GET /_localecs/state", "POST /_localecs/reset", "GET /_localecs/clock",
            "POST /_localecs/clock/advance {seconds}", "GET|POST|DELETE /_localecs/faults",
            "POST|DELETE /_localecs/faults/next-revision {cluster, service, simulate, region?}",
            "GET /_localecs/hooks", "POST /_localecs/hooks {hookId, status}", "PUT|DELETE /_localecs/lambda-hook-results {functionArn, status}",
            "PUT /_localecs/container-instances {cluster, count, region?}",
            "DELETE /_localecs/container-instances {cluster, containerInstance, region?}",
            "PUT /_localecs/capacity-providers/instances {capacityProvider, count, region?}",
            "GET /_localecs/express/resolve?url=https://...",
            "PUT /_localecs/express/url-delay {seconds, region?}",
            "POST /_localecs/autoscaling/desired-count {cluster, service, desiredCount, region?}",
            "GET|PUT|DELETE /_localecs/deployments/hold {cluster?, service, region?}",
            "GET /_localecs/route53/resolve?name=…&type=…&zone=…&roll=…&samples=…&seed=…",
            "GET|PUT|DELETE /_localecs/route53/propagation {seconds, count?}",
            "GET /_localecs/leases", "POST /_localecs/leases {id, processId, holder}", "DELETE /_localecs/leases/{id}")),
    };

    private static JsonArray WithIam(JsonArray endpoints)
    {
        foreach (var endpoint in IamControlEndpoints.Endpoints)
        {
            endpoints.Add(endpoint);
        }

        return endpoints;
    }

    private JsonNode Dump()
    {
        lock (runtime.State.Sync)
        {
            var node = JsonSerializer.SerializeToNode(runtime.State, StateJsonContext.Default.AccountState)!;
            node["SimulatedNow"] = runtime.Clock.Now.ToString("O", CultureInfo.InvariantCulture);
            StateRedaction.HideValues(node);
            return node;
        }
    }

    private async Task<(int, JsonNode)> ResetAsync(JsonObject body)
    {
        var input = new ControlInput(body);
        if (!input.IsValid)
        {
            return Invalid(input);
        }

        runtime.Reset();
        await runtime.PersistAsync();
        return (200, new JsonObject { ["reset"] = true });
    }

    private JsonObject Clock() => new()
    {
        ["now"] = runtime.Clock.Now.ToString("O", CultureInfo.InvariantCulture),
        ["timeScale"] = runtime.Clock.Instant ? 0 : runtime.Clock.Scale,
        ["instant"] = runtime.Clock.Instant,
    };

    private async Task<(int, JsonNode)> AdvanceClockAsync(JsonObject body, HttpRequest request)
    {
        if (body.Count == 0 && request.Query.TryGetValue("seconds", out var query))
        {
            // ?seconds=600, for a quick curl: read as the body member would be.
            body = new JsonObject { ["seconds"] = double.TryParse(query.ToString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var q) ? q : query.ToString() };
        }

        var input = new ControlInput(body, "seconds");
        var seconds = input.Real("seconds", 0, MaxAdvanceSeconds, required: true);
        if (!input.IsValid)
        {
            return Invalid(input);
        }

        runtime.Clock.Advance(TimeSpan.FromSeconds(seconds!.Value));
        runtime.Engine.RunDue();
        await runtime.PersistAsync();
        return (200, Clock());
    }

    private JsonObject Faults() => new()
    {
        ["rules"] = runtime.Faults.Rules.Select(r => (JsonNode?)new JsonObject
        {
            ["service"] = r.Service,
            ["operation"] = r.Operation,
            ["throttleRate"] = r.ThrottleRate,
            ["errorRate"] = r.ErrorRate,
            ["dropRate"] = r.DropRate,
            ["latencyMs"] = r.LatencyMs,
            ["remainingCalls"] = r.RemainingCalls,
        }).ToJsonArray(),
    };

    private (int, JsonNode) AddFault(JsonObject body)
    {
        var input = new ControlInput(body, "service", "operation", "throttleRate", "errorRate", "dropRate", "latencyMs", "count", "seed");
        var services = runtime.Apis.Select(a => a.SigningName).ToList();
        var service = input.String("service", allowed: services);
        var operations = runtime.Apis.Where(a => service is null || a.SigningName == service).SelectMany(a => a.Operations).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var operation = input.String("operation", maxLength: 128);
        if (operation is not null && !operations.Contains(operation))
        {
            input.Fail($"'operation' {operation} is not an operation LocalEcs serves{(service is null ? string.Empty : " for " + service)}");
        }

        var rule = new FaultRule
        {
            Service = service,
            Operation = operation,
            ThrottleRate = input.Real("throttleRate", 0, 1) ?? 0,
            ErrorRate = input.Real("errorRate", 0, 1) ?? 0,
            DropRate = input.Real("dropRate", 0, 1) ?? 0,
            LatencyMs = (int)(input.Integer("latencyMs", 0, MaxLatencyMs) ?? 0),
            RemainingCalls = (int?)input.Integer("count", 1, MaxFaultCount),
        };
        var seed = input.Integer("seed", int.MinValue, int.MaxValue);
        if (rule.ThrottleRate + rule.ErrorRate + rule.DropRate > 1)
        {
            input.Fail("'throttleRate', 'errorRate' and 'dropRate' are probabilities of one call: they must add up to at most 1");
        }

        if (input.IsValid && rule.ThrottleRate + rule.ErrorRate + rule.DropRate == 0 && rule.LatencyMs == 0)
        {
            input.Fail("the rule does nothing: give a rate or 'latencyMs'");
        }

        if (!input.IsValid)
        {
            return Invalid(input);
        }

        if (seed is { } s)
        {
            runtime.Faults.Clear((int)s);
        }

        runtime.Faults.Add(rule);
        return (200, Faults());
    }

    private (int, JsonNode) ClearFaults()
    {
        runtime.Faults.Clear();
        return (200, Faults());
    }

    /// <summary>Lifecycle hook executions of every service deployment, newest last, with the Lambda event each got.</summary>
    private JsonObject Hooks()
    {
        lock (runtime.State.Sync)
        {
            var hooks = runtime.State.Regions.Values.SelectMany(r => r.Clusters.Values).SelectMany(c => c.Services.Values)
                .SelectMany(s => s.ServiceDeployments.SelectMany(d => d.Hooks.Select(h => (Deployment: d, Hook: h))))
                .OrderBy(x => x.Hook.CreatedAt)
                .Select(x => (JsonNode?)new JsonObject
                {
                    ["hookId"] = x.Hook.HookId,
                    ["serviceDeploymentArn"] = x.Deployment.Arn,
                    ["lifecycleStage"] = x.Hook.Stage,
                    ["targetType"] = x.Hook.TargetType,
                    ["targetArn"] = x.Hook.TargetArn,
                    ["status"] = x.Hook.Status,
                    ["expiresAt"] = x.Hook.ExpiresAt.ToString("O", CultureInfo.InvariantCulture),
                    ["event"] = x.Hook.InvocationPayload is { } payload ? JsonNode.Parse(payload) : null,
                })
                .ToJsonArray();
            return new JsonObject { ["hooks"] = hooks };
        }
    }

    /// <summary>Sets the result of a Lambda lifecycle hook invocation that is waiting (status IN_PROGRESS).</summary>
    private async Task<(int, JsonNode)> SetHookResultAsync(JsonObject body)
    {
        var input = new ControlInput(body, "hookId", "status");
        var hookId = input.String("hookId", required: true, maxLength: 256);
        var status = input.String("status", required: true, allowed: HookResults);
        if (!input.IsValid)
        {
            return Invalid(input);
        }

        lock (runtime.State.Sync)
        {
            var hook = runtime.State.Regions.Values.SelectMany(r => r.Clusters.Values).SelectMany(c => c.Services.Values)
                .SelectMany(s => s.ServiceDeployments).SelectMany(d => d.Hooks).FirstOrDefault(h => h.HookId == hookId);
            if (hook is null)
            {
                return (404, new JsonObject { ["error"] = $"No lifecycle hook {hookId}." });
            }

            if (hook.TargetType != "AWS_LAMBDA" || hook.Status != "IN_PROGRESS")
            {
                return (409, new JsonObject { ["error"] = $"Hook {hookId} is a {hook.TargetType} hook in status {hook.Status}; only Lambda hooks in progress take a result." });
            }

            hook.Status = status!;
        }

        runtime.Engine.RunDue();
        await runtime.PersistAsync();
        return (200, new JsonObject { ["hookId"] = hookId, ["status"] = status });
    }

    private async Task<(int, JsonNode)> SetLambdaResultAsync(JsonObject body)
    {
        var input = new ControlInput(body, "functionArn", "status");
        var arn = input.String("functionArn", required: true);
        var status = input.String("status", required: true, allowed: HookResults);
        if (arn is not null && !arn.StartsWith("arn:", StringComparison.Ordinal))
        {
            input.Fail($"'functionArn' must be a Lambda function ARN (arn:aws:lambda:…), not '{arn}'");
        }

        if (!input.IsValid)
        {
            return Invalid(input);
        }

        lock (runtime.State.Sync)
        {
            runtime.State.LambdaHookResults[arn!] = status!;
        }

        await runtime.PersistAsync();
        return (200, new JsonObject { ["functionArn"] = arn, ["status"] = status });
    }

    private async Task<(int, JsonNode)> ClearLambdaResultsAsync()
    {
        lock (runtime.State.Sync)
        {
            runtime.State.LambdaHookResults.Clear();
        }

        await runtime.PersistAsync();
        return (200, new JsonObject { ["cleared"] = true });
    }

    private async Task<(int, JsonNode)> SetContainerInstancesAsync(JsonObject body)
    {
        var input = new ControlInput(body, "cluster", "count", "region");
        var clusterName = input.String("cluster", required: true, maxLength: 2048);
        var count = input.Integer("count", 0, MaxInstances, required: true);
        var regionName = Region(input);
        if (!input.IsValid)
        {
            return Invalid(input);
        }

        lock (runtime.State.Sync)
        {
            var region = runtime.State.Region(regionName);
            var cluster = EcsApi.FindCluster(region, clusterName);
            runtime.State.ContainerInstanceCounts[cluster.Arn] = (int)count!.Value;
        }

        runtime.Engine.RunDue();
        await runtime.PersistAsync();
        return (200, new JsonObject { ["cluster"] = clusterName, ["count"] = count });
    }

    private async Task<(int, JsonNode)> SetDesiredCountAsync(JsonObject body)
    {
        var input = new ControlInput(body, "cluster", "service", "desiredCount", "region");
        var cluster = input.String("cluster") ?? "default";
        var service = input.String("service", required: true, maxLength: 2048);
        var desired = input.Integer("desiredCount", 0, MaxDesiredCount, required: true);
        var regionName = Region(input);
        if (!input.IsValid)
        {
            return Invalid(input);
        }

        (bool Applied, int DesiredCount, string Message) result;
        lock (runtime.State.Sync)
        {
            var region = runtime.State.Region(regionName);
            result = AutoScalingApi.ScaleAsAutoScaling(region, cluster, service!, (int)desired!.Value, runtime.Clock.Now);
        }

        await runtime.PersistAsync();
        return (result.Applied ? 200 : 409, new JsonObject { ["applied"] = result.Applied, ["desiredCount"] = result.DesiredCount, ["message"] = result.Message });
    }

    /// <summary>The optional <c>region</c> member: a region name, us-east-1 when absent.</summary>
    private static string Region(ControlInput input)
    {
        var region = input.String("region", maxLength: 32);
        if (region is not null && !RegionNames.IsValid(region))
        {
            input.Fail($"'region' must be a region name such as us-east-1, not '{region}'");
        }

        return region ?? Account.DefaultRegion;
    }

    private static async Task<JsonObject> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var bytes = await RequestLimits.ReadBodyAsync(request, RequestLimits.ControlBodyBytes, cancellationToken);
        if (bytes.AsSpan().Trim(" \t\r\n"u8).IsEmpty)
        {
            return [];
        }

        // Checked before parsing: JsonNode decodes strings only when they are read, and a decoder would replace invalid bytes.
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            throw new JsonException("the body is not valid UTF-8");
        }

        return JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { MaxDepth = RequestLimits.MaxDepth }) as JsonObject
            ?? throw new JsonException("not an object");
    }

    private static async Task WriteAsync(HttpContext context, int status, JsonNode body)
    {
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString(Indented));
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes);
    }
}
