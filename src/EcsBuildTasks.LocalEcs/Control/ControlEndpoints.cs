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
/// clock, fault injection, Lambda hook results, container instance counts and auto-scaling-style desired counts.
/// Bodies and answers are JSON; errors are <c>{"error": "..."}</c> with a 4xx status.
/// </summary>
internal sealed partial class ControlEndpoints(LocalEcsRuntime runtime, LeaseEndpoints leases)
{
    private readonly IamControlEndpoints iam = new(runtime.Authorizer);

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value!["/_localecs".Length..].Trim('/');
        JsonObject body;
        try
        {
            body = await ReadBodyAsync(request);
        }
        catch (JsonException e)
        {
            await WriteAsync(context, StatusCodes.Status400BadRequest, new JsonObject { ["error"] = "Body must be a JSON object: " + e.Message });
            return;
        }

        try
        {
            var (status, result) = (request.Method, path) switch
            {
                ("GET", "" or "health") => (200, Health()),
                ("GET", "state") => (200, Dump()),
                ("POST", "reset") => Reset(),
                ("GET", "clock") => (200, Clock()),
                ("POST", "clock/advance") => AdvanceClock(body, request),
                ("GET", "faults") => (200, Faults()),
                ("POST", "faults") => AddFault(body),
                ("DELETE", "faults") => ClearFaults(),
                ("GET", "hooks") => (200, Hooks()),
                ("POST", "hooks") => SetHookResult(body),
                ("PUT", "lambda-hook-results") => SetLambdaResult(body),
                ("DELETE", "lambda-hook-results") => ClearLambdaResults(),
                ("PUT", "container-instances") => SetContainerInstances(body),
                ("DELETE", "container-instances") => TerminateContainerInstance(body),
                ("PUT", "capacity-providers/instances") => SetCapacityProviderInstances(body),
                ("GET", "express/resolve") => ResolveExpressUrl(request),
                ("POST", "autoscaling/desired-count") => SetDesiredCount(body),
                ("GET", "route53/resolve") => ResolveRoute53(request),
                (_, _) when LeaseEndpoints.Handles(path) => leases.Handle(request.Method, path, body),
                (_, _) when iam.Handle(request.Method, path, body, request.Query["accessKeyId"].FirstOrDefault()) is { } handled => handled,
                _ => (404, new JsonObject { ["error"] = $"No control endpoint {request.Method} /_localecs/{path}. GET /_localecs/ lists them." }),
            };
            await WriteAsync(context, status, result);
        }
        catch (AwsServiceException e)
        {
            await WriteAsync(context, StatusCodes.Status400BadRequest, new JsonObject { ["error"] = e.Message, ["code"] = e.Code });
        }
    }

    private JsonObject Health() => new()
    {
        ["status"] = "ok",
        ["account"] = Account.Id,
        ["registry"] = runtime.RegistryHost,
        ["endpoints"] = WithIam(new JsonArray(
            "GET /_localecs/health", "GET /_localecs/state", "POST /_localecs/reset", "GET /_localecs/clock",
            "POST /_localecs/clock/advance {seconds}", "GET|POST|DELETE /_localecs/faults",
            "GET /_localecs/hooks", "POST /_localecs/hooks {hookId, status}", "PUT|DELETE /_localecs/lambda-hook-results {functionArn, status}",
            "PUT /_localecs/container-instances {cluster, count, region?}",
            "DELETE /_localecs/container-instances {cluster, containerInstance, region?}",
            "PUT /_localecs/capacity-providers/instances {capacityProvider, count, region?}",
            "GET /_localecs/express/resolve?url=https://...",
            "POST /_localecs/autoscaling/desired-count {cluster, service, desiredCount, region?}",
            "GET /_localecs/route53/resolve?name=…&type=…&zone=…&roll=…&samples=…&seed=…",
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

    private (int, JsonNode) Reset()
    {
        runtime.Reset();
        return (200, new JsonObject { ["reset"] = true });
    }

    private JsonObject Clock() => new()
    {
        ["now"] = runtime.Clock.Now.ToString("O", CultureInfo.InvariantCulture),
        ["timeScale"] = runtime.Clock.Instant ? 0 : runtime.Clock.Scale,
        ["instant"] = runtime.Clock.Instant,
    };

    private (int, JsonNode) AdvanceClock(JsonObject body, HttpRequest request)
    {
        var seconds = body.Double("seconds")
            ?? (double.TryParse(request.Query["seconds"], NumberStyles.Float, CultureInfo.InvariantCulture, out var q) ? q : (double?)null);
        if (seconds is not ({ } s and >= 0))
        {
            return (400, new JsonObject { ["error"] = "Give a non-negative number of simulated seconds: {\"seconds\": 600}" });
        }

        runtime.Clock.Advance(TimeSpan.FromSeconds(s));
        runtime.Engine.RunDue();
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
        var rule = new FaultRule
        {
            Service = body.Str("service"),
            Operation = body.Str("operation"),
            ThrottleRate = body.Double("throttleRate") ?? 0,
            ErrorRate = body.Double("errorRate") ?? 0,
            DropRate = body.Double("dropRate") ?? 0,
            LatencyMs = body.Int("latencyMs") ?? 0,
            RemainingCalls = body.Int("count"),
        };
        var rates = new[] { rule.ThrottleRate, rule.ErrorRate, rule.DropRate };
        if (rates.Any(r => r is < 0 or > 1) || rates.Sum() > 1 || rule.LatencyMs < 0)
        {
            return (400, new JsonObject { ["error"] = "Rates are probabilities (0..1, summing to at most 1); latencyMs is non-negative." });
        }

        if (body.Int("seed") is { } seed)
        {
            runtime.Faults.Clear(seed);
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
    private (int, JsonNode) SetHookResult(JsonObject body)
    {
        var hookId = body.Str("hookId");
        var status = body.Str("status");
        if (hookId is null || status is not ("SUCCEEDED" or "FAILED"))
        {
            return (400, new JsonObject { ["error"] = "Give {\"hookId\": \"...\", \"status\": \"SUCCEEDED\" | \"FAILED\"}." });
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

            hook.Status = status;
        }

        runtime.Store.MarkDirty();
        runtime.Engine.RunDue();
        return (200, new JsonObject { ["hookId"] = hookId, ["status"] = status });
    }

    private (int, JsonNode) SetLambdaResult(JsonObject body)
    {
        var arn = body.Str("functionArn");
        var status = body.Str("status");
        if (arn is null || status is not ("SUCCEEDED" or "FAILED"))
        {
            return (400, new JsonObject { ["error"] = "Give {\"functionArn\": \"...\", \"status\": \"SUCCEEDED\" | \"FAILED\"}." });
        }

        lock (runtime.State.Sync)
        {
            runtime.State.LambdaHookResults[arn] = status;
        }

        runtime.Store.MarkDirty();
        return (200, new JsonObject { ["functionArn"] = arn, ["status"] = status });
    }

    private (int, JsonNode) ClearLambdaResults()
    {
        lock (runtime.State.Sync)
        {
            runtime.State.LambdaHookResults.Clear();
        }

        runtime.Store.MarkDirty();
        return (200, new JsonObject { ["cleared"] = true });
    }

    private (int, JsonNode) SetContainerInstances(JsonObject body)
    {
        var count = body.Int("count");
        if (count is not (>= 0 and <= 100))
        {
            return (400, new JsonObject { ["error"] = "Give {\"cluster\": \"name\", \"count\": 0..100, \"region\": \"us-east-1\"}." });
        }

        lock (runtime.State.Sync)
        {
            var region = runtime.State.Region(body.Str("region") ?? Account.DefaultRegion);
            var cluster = EcsApi.FindCluster(region, body.Str("cluster"));
            runtime.State.ContainerInstanceCounts[cluster.Arn] = count.Value;
        }

        runtime.Store.MarkDirty();
        runtime.Engine.RunDue();
        return (200, new JsonObject { ["cluster"] = body.Str("cluster"), ["count"] = count });
    }

    private (int, JsonNode) SetDesiredCount(JsonObject body)
    {
        var desired = body.Int("desiredCount");
        if (desired is not (>= 0) || body.Str("service") is null)
        {
            return (400, new JsonObject { ["error"] = "Give {\"cluster\": \"name\", \"service\": \"name\", \"desiredCount\": N, \"region\": \"us-east-1\"}." });
        }

        (bool Applied, int DesiredCount, string Message) result;
        lock (runtime.State.Sync)
        {
            var region = runtime.State.Region(body.Str("region") ?? Account.DefaultRegion);
            result = AutoScalingApi.ScaleAsAutoScaling(region, body.Str("cluster") ?? "default", body.Str("service")!, desired.Value, runtime.Clock.Now);
        }

        runtime.Store.MarkDirty();
        return (result.Applied ? 200 : 409, new JsonObject { ["applied"] = result.Applied, ["desiredCount"] = result.DesiredCount, ["message"] = result.Message });
    }

    private static async Task<JsonObject> ReadBodyAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync();
        return string.IsNullOrWhiteSpace(text) ? [] : JsonNode.Parse(text) as JsonObject ?? throw new JsonException("not an object");
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
