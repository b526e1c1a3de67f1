using System.Text.Json.Nodes;

namespace EcsBuildTasks.LocalEcs.Tests.Support;

/// <summary>
/// Builds a CreateService request for the tests: the Fargate service in the default VPC most tests start from, plus
/// what a test is about (load balancer, traffic shifting, circuit breaker, alarms, any other member). Each
/// <see cref="Build"/> returns a fresh document, so one builder can send the same request twice.
/// </summary>
internal sealed class ServiceRequest
{
    private readonly JsonObject body;

    private ServiceRequest(JsonObject body)
    {
        this.body = body;
    }

    /// <summary>A Fargate service with <paramref name="desiredCount"/> tasks in the given subnets and security group (awsvpc).</summary>
    public static ServiceRequest Fargate(string cluster, string name, JsonNode taskDefinition, int desiredCount, List<string> subnets, string securityGroup) =>
        Of(cluster, name, taskDefinition).With("desiredCount", desiredCount).With("launchType", "FARGATE").With("networkConfiguration", Scenario.AwsVpc(subnets, securityGroup));

    /// <summary>Only the cluster, the name and (when given) the task definition; the test adds the rest.</summary>
    public static ServiceRequest Of(string cluster, string name, JsonNode? taskDefinition = null)
    {
        var request = new ServiceRequest(new JsonObject { ["cluster"] = cluster, ["serviceName"] = name });
        return taskDefinition is null ? request : request.With("taskDefinition", taskDefinition.DeepClone());
    }

    public static implicit operator JsonObject(ServiceRequest request) => request.Build();

    /// <summary>Sets a member of the request (null removes it).</summary>
    public ServiceRequest With(string member, JsonNode? value)
    {
        if (value is null)
        {
            body.Remove(member);
        }
        else
        {
            body[member] = value;
        }

        return this;
    }

    /// <summary>Sets a member of the request's <c>deploymentConfiguration</c>.</summary>
    public ServiceRequest Deployment(string member, JsonNode value)
    {
        if (body["deploymentConfiguration"] is not JsonObject configuration)
        {
            body["deploymentConfiguration"] = configuration = [];
        }

        configuration[member] = value;
        return this;
    }

    /// <summary>Registers the service's tasks with a target group.</summary>
    public ServiceRequest LoadBalancer(string targetGroupArn, string containerName = "web", int containerPort = 8080, JsonObject? advancedConfiguration = null)
    {
        var balancer = new JsonObject { ["targetGroupArn"] = targetGroupArn, ["containerName"] = containerName, ["containerPort"] = containerPort };
        if (advancedConfiguration is not null)
        {
            balancer["advancedConfiguration"] = advancedConfiguration;
        }

        return With("loadBalancers", new JsonArray(balancer));
    }

    /// <summary>Blue/green traffic shifting through the balancer: blue and green target groups, the production rule and (unless left out) the test rule.</summary>
    public ServiceRequest TrafficShifting(LoadBalancerSetup balancer, string infrastructureRoleArn, bool testListenerRule = true)
    {
        ArgumentNullException.ThrowIfNull(balancer);
        var advanced = new JsonObject { ["alternateTargetGroupArn"] = balancer.GreenTargetGroupArn, ["productionListenerRule"] = balancer.RuleArn };
        if (testListenerRule)
        {
            advanced["testListenerRule"] = balancer.TestRuleArn;
        }

        advanced["roleArn"] = infrastructureRoleArn;
        return LoadBalancer(balancer.BlueTargetGroupArn, advancedConfiguration: advanced);
    }

    /// <summary>The deployment circuit breaker, with rollback or not, and a failure count threshold when given.</summary>
    public ServiceRequest CircuitBreaker(bool rollback = true, int? failureCount = null)
    {
        var breaker = new JsonObject { ["enable"] = true, ["rollback"] = rollback };
        if (failureCount is { } count)
        {
            breaker["thresholdConfiguration"] = new JsonObject { ["type"] = "COUNT", ["value"] = count };
        }

        return Deployment("deploymentCircuitBreaker", breaker);
    }

    /// <summary>CloudWatch alarms that roll the deployment back.</summary>
    public ServiceRequest Alarms(params string[] alarmNames) =>
        Deployment("alarms", new JsonObject { ["alarmNames"] = new JsonArray([.. alarmNames.Select(n => (JsonNode?)n)]), ["enable"] = true, ["rollback"] = true });

    public JsonObject Build() => body.DeepClone().AsObject();
}
