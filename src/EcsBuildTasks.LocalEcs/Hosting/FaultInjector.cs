using System.Net;
using EcsBuildTasks.LocalEcs.Protocols;

namespace EcsBuildTasks.LocalEcs.Hosting;

/// <summary>
/// Faults set through the control API: throttling and server errors at given rates, added latency and dropped
/// connections, optionally only for one service (signing name) or operation, optionally for a limited number of calls.
/// </summary>
internal sealed class FaultInjector
{
    private readonly Lock gate = new();
    private readonly List<FaultRule> rules = [];
    private Random random = new();

    public IReadOnlyList<FaultRule> Rules
    {
        get
        {
            lock (gate)
            {
                return [.. rules];
            }
        }
    }

    public void Add(FaultRule rule)
    {
        lock (gate)
        {
            rules.Add(rule);
        }
    }

    public void Clear(int? seed = null)
    {
        lock (gate)
        {
            rules.Clear();
            random = seed is { } s ? new Random(s) : new Random();
        }
    }

    public FaultDecision Decide(string service, string operation)
    {
        lock (gate)
        {
            var decision = new FaultDecision();
            for (var i = 0; i < rules.Count; i++)
            {
                var rule = rules[i];
                if (!rule.Matches(service, operation))
                {
                    continue;
                }

                decision.Latency += TimeSpan.FromMilliseconds(rule.LatencyMs);
                var roll = random.NextDouble();
                if (decision.Error is null && !decision.Drop)
                {
                    if (roll < rule.DropRate)
                    {
                        decision.Drop = true;
                    }
                    else if (roll < rule.DropRate + rule.ThrottleRate)
                    {
                        decision.Error = Throttling(service);
                    }
                    else if (roll < rule.DropRate + rule.ThrottleRate + rule.ErrorRate)
                    {
                        decision.Error = ServerError(service);
                    }
                }

                if (rule.RemainingCalls is { } remaining)
                {
                    rule.RemainingCalls = remaining - 1;
                    if (remaining <= 1)
                    {
                        rules.RemoveAt(i--);
                    }
                }
            }

            return decision;
        }
    }

    /// <summary>The throttling error each service's model declares.</summary>
    private static AwsServiceException Throttling(string service) => service switch
    {
        "elasticloadbalancing" or "sts" or "monitoring" or "route53" or "iam" => new AwsServiceException("Throttling", "Rate exceeded"),
        "ec2" => new AwsServiceException("RequestLimitExceeded", "Request limit exceeded."),
        "application-autoscaling" => new AwsServiceException("ConcurrentUpdateException", "Rate exceeded"),
        "servicediscovery" => new AwsServiceException("RequestLimitExceeded", "Rate exceeded"),
        _ => new AwsServiceException("ThrottlingException", "Rate exceeded"),
    };

    private static AwsServiceException ServerError(string service) => service switch
    {
        "ecs" or "ecr" => new AwsServiceException("ServerException", "Service unavailable. Try again later.", HttpStatusCode.InternalServerError),
        "logs" => new AwsServiceException("ServiceUnavailableException", "Service unavailable. Try again later.", HttpStatusCode.ServiceUnavailable),
        "application-autoscaling" => new AwsServiceException("InternalServiceException", "Internal service error.", HttpStatusCode.InternalServerError),
        "servicediscovery" => new AwsServiceException("InternalFailure", "Internal failure.", HttpStatusCode.InternalServerError),
        "iam" => new AwsServiceException("ServiceFailure", "Service failure.", HttpStatusCode.InternalServerError),
        "secretsmanager" => new AwsServiceException("InternalServiceError", "An error occurred on the server side.", HttpStatusCode.InternalServerError),
        "ssm" => new AwsServiceException("InternalServerError", "An error occurred on the server side.", HttpStatusCode.InternalServerError),
        _ => new AwsServiceException("ServiceUnavailable", "Service is unavailable. Try again later.", HttpStatusCode.ServiceUnavailable),
    };
}

internal sealed class FaultRule
{
    /// <summary>SigV4 signing name (<c>ecs</c>, <c>ecr</c>, <c>elasticloadbalancing</c>, …); null matches every service.</summary>
    public string? Service { get; set; }

    public string? Operation { get; set; }

    public double ThrottleRate { get; set; }

    public double ErrorRate { get; set; }

    public double DropRate { get; set; }

    public int LatencyMs { get; set; }

    /// <summary>How many more matching calls the rule applies to; null: until cleared.</summary>
    public int? RemainingCalls { get; set; }

    public bool Matches(string service, string operation) =>
        (Service is null || string.Equals(Service, service, StringComparison.OrdinalIgnoreCase))
        && (Operation is null || string.Equals(Operation, operation, StringComparison.OrdinalIgnoreCase));
}

internal sealed class FaultDecision
{
    public TimeSpan Latency { get; set; }

    public bool Drop { get; set; }

    public AwsServiceException? Error { get; set; }
}
