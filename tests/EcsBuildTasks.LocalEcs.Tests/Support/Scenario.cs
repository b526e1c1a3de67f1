using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace EcsBuildTasks.LocalEcs.Tests.Support;

/// <summary>Builders for the resources most tests need, through the public APIs.</summary>
internal static class Scenario
{
    public const string ElbVersion = "2015-12-01";
    public const string ExecutionRole = "arn:aws:iam::123456789012:role/ecsTaskExecutionRole";

    public static async Task<(List<string> Subnets, string SecurityGroup, string VpcId)> DefaultNetworkAsync(AwsClient aws)
    {
        var subnets = await aws.QueryAsync("ec2", "DescribeSubnets", "2016-11-15", ("Filter.1.Name", "default-for-az"), ("Filter.1.Value.1", "true"));
        var groups = await aws.QueryAsync("ec2", "DescribeSecurityGroups", "2016-11-15", ("Filter.1.Name", "group-name"), ("Filter.1.Value.1", "default"));
        return (subnets.All("subnetId").Select(e => e.Value).ToList(), groups.Value("groupId")!, subnets.Value("vpcId")!);
    }

    public static async Task<string> ClusterAsync(AwsClient aws, string name)
    {
        var result = await aws.EcsAsync("CreateCluster", new JsonObject { ["clusterName"] = name });
        return result["cluster"]!["clusterArn"]!.GetValue<string>();
    }

    /// <summary>Registers a Fargate task definition with one container on port 8080 (optionally with LOCALECS_SIMULATE).</summary>
    public static async Task<string> FargateTaskDefinitionAsync(AwsClient aws, string family, string image, string? simulate = null, string? logGroup = null, JsonObject? healthCheck = null)
    {
        var container = new JsonObject
        {
            ["name"] = "web",
            ["image"] = image,
            ["essential"] = true,
            ["portMappings"] = new JsonArray(new JsonObject { ["containerPort"] = 8080, ["protocol"] = "tcp" }),
            ["environment"] = simulate is null ? new JsonArray() : new JsonArray(new JsonObject { ["name"] = "LOCALECS_SIMULATE", ["value"] = simulate }),
        };
        if (logGroup is not null)
        {
            container["logConfiguration"] = new JsonObject
            {
                ["logDriver"] = "awslogs",
                ["options"] = new JsonObject { ["awslogs-group"] = logGroup, ["awslogs-region"] = aws.Region, ["awslogs-stream-prefix"] = "app" },
            };
        }

        if (healthCheck is not null)
        {
            container["healthCheck"] = healthCheck;
        }

        var result = await aws.EcsAsync("RegisterTaskDefinition", new JsonObject
        {
            ["family"] = family,
            ["networkMode"] = "awsvpc",
            ["requiresCompatibilities"] = new JsonArray("FARGATE"),
            ["cpu"] = "256",
            ["memory"] = "512",
            ["executionRoleArn"] = ExecutionRole,
            ["containerDefinitions"] = new JsonArray(container),
        });
        return result["taskDefinition"]!["taskDefinitionArn"]!.GetValue<string>();
    }

    public static JsonObject AwsVpc(List<string> subnets, string securityGroup) => new()
    {
        ["awsvpcConfiguration"] = new JsonObject
        {
            ["subnets"] = subnets.Select(s => (JsonNode?)JsonValue.Create(s)).Aggregate(new JsonArray(), (a, s) => { a.Add(s); return a; }),
            ["securityGroups"] = new JsonArray(securityGroup),
        },
    };

    /// <summary>An ALB with two ip target groups (blue, green), a listener and a production rule forwarding to blue.</summary>
    public static async Task<LoadBalancerSetup> LoadBalancerAsync(AwsClient aws, string name, List<string> subnets, string vpcId, int deregistrationDelay = 5)
    {
        var parameters = new List<(string, string)> { ("Name", name), ("Type", "application") };
        parameters.AddRange(subnets.Select((s, i) => ($"Subnets.member.{i + 1}", s)));
        var balancer = (await aws.QueryAsync("elasticloadbalancing", "CreateLoadBalancer", ElbVersion, [.. parameters])).Value("LoadBalancerArn")!;
        async Task<string> GroupAsync(string groupName)
        {
            var arn = (await aws.QueryAsync("elasticloadbalancing", "CreateTargetGroup", ElbVersion,
                ("Name", groupName), ("Protocol", "HTTP"), ("Port", "8080"), ("VpcId", vpcId), ("TargetType", "ip"),
                ("HealthCheckIntervalSeconds", "10"), ("HealthCheckTimeoutSeconds", "5"), ("HealthyThresholdCount", "2"))).Value("TargetGroupArn")!;
            await aws.QueryAsync("elasticloadbalancing", "ModifyTargetGroupAttributes", ElbVersion, ("TargetGroupArn", arn),
                ("Attributes.member.1.Key", "deregistration_delay.timeout_seconds"), ("Attributes.member.1.Value", deregistrationDelay.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            return arn;
        }

        var blue = await GroupAsync(name + "-blue");
        var green = await GroupAsync(name + "-green");
        var listener = (await aws.QueryAsync("elasticloadbalancing", "CreateListener", ElbVersion, ("LoadBalancerArn", balancer), ("Protocol", "HTTP"), ("Port", "80"),
            ("DefaultActions.member.1.Type", "fixed-response"), ("DefaultActions.member.1.FixedResponseConfig.StatusCode", "404"))).Value("ListenerArn")!;
        var rule = (await aws.QueryAsync("elasticloadbalancing", "CreateRule", ElbVersion, ("ListenerArn", listener), ("Priority", "10"),
            ("Conditions.member.1.Field", "path-pattern"), ("Conditions.member.1.Values.member.1", "/*"),
            ("Actions.member.1.Type", "forward"),
            ("Actions.member.1.ForwardConfig.TargetGroups.member.1.TargetGroupArn", blue), ("Actions.member.1.ForwardConfig.TargetGroups.member.1.Weight", "100"),
            ("Actions.member.1.ForwardConfig.TargetGroups.member.2.TargetGroupArn", green), ("Actions.member.1.ForwardConfig.TargetGroups.member.2.Weight", "0"))).Value("RuleArn")!;
        var testRule = (await aws.QueryAsync("elasticloadbalancing", "CreateRule", ElbVersion, ("ListenerArn", listener), ("Priority", "5"),
            ("Conditions.member.1.Field", "http-header"), ("Conditions.member.1.HttpHeaderConfig.HttpHeaderName", "x-test"), ("Conditions.member.1.HttpHeaderConfig.Values.member.1", "green"),
            ("Actions.member.1.Type", "forward"),
            ("Actions.member.1.ForwardConfig.TargetGroups.member.1.TargetGroupArn", blue), ("Actions.member.1.ForwardConfig.TargetGroups.member.1.Weight", "100"),
            ("Actions.member.1.ForwardConfig.TargetGroups.member.2.TargetGroupArn", green), ("Actions.member.1.ForwardConfig.TargetGroups.member.2.Weight", "0"))).Value("RuleArn")!;
        return new LoadBalancerSetup(balancer, listener, rule, blue, green, testRule);
    }

    /// <summary>The weights (target group ARN → weight) of a rule's forward action.</summary>
    public static async Task<Dictionary<string, int>> RuleWeightsAsync(AwsClient aws, string ruleArn)
    {
        var rules = await aws.QueryAsync("elasticloadbalancing", "DescribeRules", ElbVersion, ("RuleArns.member.1", ruleArn));
        return rules.All("TargetGroups").Single().Elements()
            .ToDictionary(e => e.Value("TargetGroupArn")!, e => int.Parse(e.Value("Weight")!, System.Globalization.CultureInfo.InvariantCulture));
    }

    public static async Task<List<(string Id, string State)>> TargetHealthAsync(AwsClient aws, string targetGroupArn)
    {
        var health = await aws.QueryAsync("elasticloadbalancing", "DescribeTargetHealth", ElbVersion, ("TargetGroupArn", targetGroupArn));
        return health.All("TargetHealthDescriptions").Single().Elements().Select(d => (d.Element(d.Name.Namespace + "Target")!.Value("Id")!, d.Value("State")!)).ToList();
    }

    public static async Task<JsonObject> ServiceAsync(AwsClient aws, string cluster, string service)
    {
        var result = await aws.EcsAsync("DescribeServices", new JsonObject { ["cluster"] = cluster, ["services"] = new JsonArray(service) });
        return result["services"]![0]!.AsObject();
    }

    public static async Task<JsonObject> LatestServiceDeploymentAsync(AwsClient aws, string cluster, string service)
    {
        var list = await aws.EcsAsync("ListServiceDeployments", new JsonObject { ["cluster"] = cluster, ["service"] = service });
        var arn = list["serviceDeployments"]![0]!["serviceDeploymentArn"]!.GetValue<string>();
        var described = await aws.EcsAsync("DescribeServiceDeployments", new JsonObject { ["serviceDeploymentArns"] = new JsonArray(arn) });
        return described["serviceDeployments"]![0]!.AsObject();
    }
}

internal sealed record LoadBalancerSetup(string LoadBalancerArn, string ListenerArn, string RuleArn, string BlueTargetGroupArn, string GreenTargetGroupArn, string? TestRuleArn = null);
