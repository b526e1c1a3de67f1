using System.Text.Json.Nodes;

namespace EcsBuildTasks.LocalEcs.Tests.Support;

/// <summary>Calls every operation LocalEcs serves at least once, in a realistic order, for the conformance check.</summary>
internal static partial class Tour
{
    private const string ScalableDimension = "ecs:service:DesiredCount";

    public static async Task RunAsync(SimulatedLocalEcs sim)
    {
        var aws = sim.Aws;
        await aws.QueryAsync("sts", "GetCallerIdentity", "2011-06-15");
        await aws.QueryAsync("sts", "AssumeRole", "2011-06-15", ("RoleArn", "arn:aws:iam::123456789012:role/deployer"), ("RoleSessionName", "tour"));
        var (subnets, group, vpc) = await Scenario.DefaultNetworkAsync(aws);
        await aws.QueryAsync("ec2", "DescribeVpcs", "2016-11-15");
        await aws.QueryAsync("ec2", "DescribeAvailabilityZones", "2016-11-15");
        await aws.QueryAsync("ec2", "CreateSecurityGroup", "2016-11-15", ("GroupName", "tour"), ("GroupDescription", "tour"), ("VpcId", vpc));
        await aws.QueryAsync("ec2", "CreateSubnet", "2016-11-15", ("VpcId", vpc), ("CidrBlock", "172.31.64.0/20"), ("AvailabilityZone", "us-east-1b"));

        await LoadBalancingAsync(aws, subnets, vpc);
        await RegistryAsync(aws);
        await LogsAndAlarmsAsync(aws);
        await IamAsync(aws);
        await SecretsAsync(aws);
        await EcsAsync(sim, subnets, group, vpc);
        await ExpressAndDaemonsAsync(sim);
        await Route53Async(aws);
    }

    private static async Task IamAsync(AwsClient aws)
    {
        const string v = "2010-05-08";
        const string trust = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}""";
        const string managed = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";
        await aws.QueryAsync("iam", "CreateRole", v, ("RoleName", "tour"), ("Path", "/tour/"), ("AssumeRolePolicyDocument", trust), ("Description", "tour"),
            ("Tags.member.1.Key", "team"), ("Tags.member.1.Value", "web"));
        await aws.QueryAsync("iam", "GetRole", v, ("RoleName", "ecsTaskExecutionRole"));
        await aws.QueryAsync("iam", "ListRoles", v, ("MaxItems", "1"));
        await aws.QueryAsync("iam", "UpdateRole", v, ("RoleName", "tour"), ("MaxSessionDuration", "7200"));
        await aws.QueryAsync("iam", "UpdateAssumeRolePolicy", v, ("RoleName", "tour"), ("PolicyDocument", trust));
        await aws.QueryAsync("iam", "TagRole", v, ("RoleName", "tour"), ("Tags.member.1.Key", "env"), ("Tags.member.1.Value", "dev"));
        await aws.QueryAsync("iam", "ListRoleTags", v, ("RoleName", "tour"));
        await aws.QueryAsync("iam", "UntagRole", v, ("RoleName", "tour"), ("TagKeys.member.1", "env"));
        await aws.QueryAsync("iam", "AttachRolePolicy", v, ("RoleName", "tour"), ("PolicyArn", managed));
        await aws.QueryAsync("iam", "ListAttachedRolePolicies", v, ("RoleName", "tour"));
        await aws.QueryAsync("iam", "GetPolicy", v, ("PolicyArn", managed));
        await aws.QueryAsync("iam", "DetachRolePolicy", v, ("RoleName", "tour"), ("PolicyArn", managed));
        await aws.QueryAsync("iam", "PutRolePolicy", v, ("RoleName", "tour"), ("PolicyName", "secrets"),
            ("PolicyDocument", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"*"}]}"""));
        await aws.QueryAsync("iam", "SimulatePrincipalPolicy", v, ("PolicySourceArn", "arn:aws:iam::123456789012:role/tour/tour"), ("ActionNames.member.1", "secretsmanager:GetSecretValue"),
            ("ResourceArns.member.1", "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"), ("ContextEntries.member.1.ContextKeyName", "aws:RequestedRegion"),
            ("ContextEntries.member.1.ContextKeyValues.member.1", "us-east-1"), ("ContextEntries.member.1.ContextKeyType", "string"), ("MaxItems", "10"));
        await aws.QueryAsync("iam", "GetRolePolicy", v, ("RoleName", "tour"), ("PolicyName", "secrets"));
        await aws.QueryAsync("iam", "ListRolePolicies", v, ("RoleName", "tour"));
        await aws.QueryAsync("iam", "DeleteRolePolicy", v, ("RoleName", "tour"), ("PolicyName", "secrets"));
        await aws.QueryAsync("iam", "DeleteRole", v, ("RoleName", "tour"));
    }

    private static async Task SecretsAsync(AwsClient aws)
    {
        var created = await aws.JsonAsync("secretsmanager", "CreateSecret", new JsonObject
        {
            ["Name"] = "tour/db",
            ["SecretString"] = "{\"password\":\"tour\"}",
            ["KmsKeyId"] = "alias/tour",
            ["Tags"] = new JsonArray(new JsonObject { ["Key"] = "team", ["Value"] = "web" }),
        });
        var arn = created["ARN"]!.GetValue<string>();
        await aws.JsonAsync("secretsmanager", "PutSecretValue", new JsonObject { ["SecretId"] = "tour/db", ["SecretString"] = "{\"password\":\"tour2\"}" });
        await aws.JsonAsync("secretsmanager", "UpdateSecret", new JsonObject { ["SecretId"] = arn, ["Description"] = "tour" });
        await aws.JsonAsync("secretsmanager", "GetSecretValue", new JsonObject { ["SecretId"] = arn[..^7], ["VersionStage"] = "AWSPREVIOUS" });
        await aws.JsonAsync("secretsmanager", "DescribeSecret", new JsonObject { ["SecretId"] = "tour/db" });
        await aws.JsonAsync("secretsmanager", "TagResource", new JsonObject { ["SecretId"] = arn, ["Tags"] = new JsonArray(new JsonObject { ["Key"] = "env", ["Value"] = "dev" }) });
        await aws.JsonAsync("secretsmanager", "UntagResource", new JsonObject { ["SecretId"] = arn, ["TagKeys"] = new JsonArray("env") });
        await aws.JsonAsync("secretsmanager", "DeleteSecret", new JsonObject { ["SecretId"] = arn, ["RecoveryWindowInDays"] = 7 });
        await aws.JsonAsync("secretsmanager", "ListSecrets", new JsonObject { ["IncludePlannedDeletion"] = true, ["Filters"] = new JsonArray(new JsonObject { ["Key"] = "name", ["Values"] = new JsonArray("tour") }) });
        await aws.JsonAsync("secretsmanager", "RestoreSecret", new JsonObject { ["SecretId"] = arn });
        await aws.JsonAsync("secretsmanager", "DeleteSecret", new JsonObject { ["SecretId"] = arn, ["ForceDeleteWithoutRecovery"] = true });

        await aws.JsonAsync("ssm", "PutParameter", new JsonObject { ["Name"] = "/tour/url", ["Value"] = "postgres://db", ["Type"] = "String", ["Tags"] = new JsonArray(new JsonObject { ["Key"] = "team", ["Value"] = "web" }) });
        await aws.JsonAsync("ssm", "PutParameter", new JsonObject { ["Name"] = "/tour/password", ["Value"] = "tour", ["Type"] = "SecureString", ["KeyId"] = "alias/tour" });
        await aws.JsonAsync("ssm", "PutParameter", new JsonObject { ["Name"] = "/tour/password", ["Value"] = "tour2", ["Overwrite"] = true });
        await aws.JsonAsync("ssm", "GetParameter", new JsonObject { ["Name"] = "/tour/password:1", ["WithDecryption"] = true });
        await aws.JsonAsync("ssm", "GetParameters", new JsonObject { ["Names"] = new JsonArray("/tour/url", "arn:aws:ssm:us-east-1:123456789012:parameter/tour/password", "/tour/ghost") });
        await aws.JsonAsync("ssm", "GetParametersByPath", new JsonObject { ["Path"] = "/tour", ["Recursive"] = true });
        await aws.JsonAsync("ssm", "DescribeParameters", new JsonObject { ["ParameterFilters"] = new JsonArray(new JsonObject { ["Key"] = "Type", ["Values"] = new JsonArray("SecureString") }) });
        await aws.JsonAsync("ssm", "AddTagsToResource", new JsonObject { ["ResourceType"] = "Parameter", ["ResourceId"] = "/tour/url", ["Tags"] = new JsonArray(new JsonObject { ["Key"] = "env", ["Value"] = "dev" }) });
        await aws.JsonAsync("ssm", "ListTagsForResource", new JsonObject { ["ResourceType"] = "Parameter", ["ResourceId"] = "/tour/url" });
        await aws.JsonAsync("ssm", "RemoveTagsFromResource", new JsonObject { ["ResourceType"] = "Parameter", ["ResourceId"] = "/tour/url", ["TagKeys"] = new JsonArray("env") });
        await aws.JsonAsync("ssm", "DeleteParameter", new JsonObject { ["Name"] = "/tour/url" });
        await aws.JsonAsync("ssm", "DeleteParameters", new JsonObject { ["Names"] = new JsonArray("/tour/password", "/tour/ghost") });
    }

    private static async Task LoadBalancingAsync(AwsClient aws, List<string> subnets, string vpc)
    {
        const string v = Scenario.ElbVersion;
        var balancer = await Scenario.LoadBalancerAsync(aws, "tour", subnets, vpc);
        await aws.QueryAsync("elasticloadbalancing", "DescribeLoadBalancers", v);
        await aws.QueryAsync("elasticloadbalancing", "DescribeLoadBalancerAttributes", v, ("LoadBalancerArn", balancer.LoadBalancerArn));
        await aws.QueryAsync("elasticloadbalancing", "ModifyLoadBalancerAttributes", v, ("LoadBalancerArn", balancer.LoadBalancerArn), ("Attributes.member.1.Key", "idle_timeout.timeout_seconds"), ("Attributes.member.1.Value", "30"));
        await aws.QueryAsync("elasticloadbalancing", "DescribeTargetGroups", v, ("LoadBalancerArn", balancer.LoadBalancerArn));
        await aws.QueryAsync("elasticloadbalancing", "ModifyTargetGroup", v, ("TargetGroupArn", balancer.GreenTargetGroupArn), ("HealthCheckPath", "/health"));
        await aws.QueryAsync("elasticloadbalancing", "DescribeTargetGroupAttributes", v, ("TargetGroupArn", balancer.GreenTargetGroupArn));
        await aws.QueryAsync("elasticloadbalancing", "DescribeListeners", v, ("LoadBalancerArn", balancer.LoadBalancerArn));
        await aws.QueryAsync("elasticloadbalancing", "ModifyListener", v, ("ListenerArn", balancer.ListenerArn), ("Port", "8080"));
        await aws.QueryAsync("elasticloadbalancing", "DescribeRules", v, ("ListenerArn", balancer.ListenerArn));
        await aws.QueryAsync("elasticloadbalancing", "ModifyRule", v, ("RuleArn", balancer.RuleArn), ("Actions.member.1.Type", "forward"), ("Actions.member.1.TargetGroupArn", balancer.BlueTargetGroupArn));
        await aws.QueryAsync("elasticloadbalancing", "SetRulePriorities", v, ("RulePriorities.member.1.RuleArn", balancer.RuleArn), ("RulePriorities.member.1.Priority", "20"));
        await aws.QueryAsync("elasticloadbalancing", "RegisterTargets", v, ("TargetGroupArn", balancer.BlueTargetGroupArn), ("Targets.member.1.Id", "172.31.0.200"), ("Targets.member.1.Port", "8080"));
        await aws.QueryAsync("elasticloadbalancing", "DescribeTargetHealth", v, ("TargetGroupArn", balancer.BlueTargetGroupArn));
        await aws.QueryAsync("elasticloadbalancing", "DeregisterTargets", v, ("TargetGroupArn", balancer.BlueTargetGroupArn), ("Targets.member.1.Id", "172.31.0.200"), ("Targets.member.1.Port", "8080"));
        await aws.QueryAsync("elasticloadbalancing", "AddTags", v, ("ResourceArns.member.1", balancer.LoadBalancerArn), ("Tags.member.1.Key", "team"), ("Tags.member.1.Value", "web"));
        await aws.QueryAsync("elasticloadbalancing", "DescribeTags", v, ("ResourceArns.member.1", balancer.LoadBalancerArn));
        await aws.QueryAsync("elasticloadbalancing", "RemoveTags", v, ("ResourceArns.member.1", balancer.LoadBalancerArn), ("TagKeys.member.1", "team"));
        await aws.QueryAsync("elasticloadbalancing", "DeleteRule", v, ("RuleArn", balancer.RuleArn));
        await aws.QueryAsync("elasticloadbalancing", "DeleteListener", v, ("ListenerArn", balancer.ListenerArn));
        await aws.QueryAsync("elasticloadbalancing", "DeleteTargetGroup", v, ("TargetGroupArn", balancer.GreenTargetGroupArn));
        await aws.QueryAsync("elasticloadbalancing", "DeleteLoadBalancer", v, ("LoadBalancerArn", balancer.LoadBalancerArn));
    }

    private static async Task RegistryAsync(AwsClient aws)
    {
        var repository = (await aws.JsonAsync("ecr", "CreateRepository", new JsonObject { ["repositoryName"] = "tour", ["tags"] = new JsonArray(new JsonObject { ["Key"] = "a", ["Value"] = "b" }) }))["repository"]!;
        var arn = repository["repositoryArn"]!.DeepClone();
        await aws.JsonAsync("ecr", "DescribeRepositories");
        await aws.JsonAsync("ecr", "GetAuthorizationToken");
        var images = await aws.JsonAsync("ecr", "DescribeImages", new JsonObject { ["repositoryName"] = "localecs/base" });
        await aws.JsonAsync("ecr", "DescribeImages", new JsonObject { ["repositoryName"] = "localecs/base", ["imageIds"] = new JsonArray(new JsonObject { ["imageTag"] = "latest" }) });
        await aws.JsonAsync("ecr", "ListImages", new JsonObject { ["repositoryName"] = "localecs/base" });
        await aws.JsonAsync("ecr", "BatchGetImage", new JsonObject { ["repositoryName"] = "localecs/base", ["imageIds"] = new JsonArray(new JsonObject { ["imageTag"] = "latest" }, new JsonObject { ["imageTag"] = "ghost" }) });
        await aws.JsonAsync("ecr", "BatchCheckLayerAvailability", new JsonObject { ["repositoryName"] = "localecs/base", ["layerDigests"] = new JsonArray(images["imageDetails"]![0]!["imageDigest"]!.DeepClone(), "sha256:" + new string('0', 64)) });
        await aws.JsonAsync("ecr", "PutImageTagMutability", new JsonObject { ["repositoryName"] = "tour", ["imageTagMutability"] = "IMMUTABLE" });
        await aws.JsonAsync("ecr", "PutLifecyclePolicy", new JsonObject { ["repositoryName"] = "tour", ["lifecyclePolicyText"] = "{\"rules\":[]}" });
        await aws.JsonAsync("ecr", "GetLifecyclePolicy", new JsonObject { ["repositoryName"] = "tour" });
        await aws.JsonAsync("ecr", "DeleteLifecyclePolicy", new JsonObject { ["repositoryName"] = "tour" });
        await aws.JsonAsync("ecr", "TagResource", new JsonObject { ["resourceArn"] = arn.DeepClone(), ["tags"] = new JsonArray(new JsonObject { ["Key"] = "c", ["Value"] = "d" }) });
        await aws.JsonAsync("ecr", "ListTagsForResource", new JsonObject { ["resourceArn"] = arn.DeepClone() });
        await aws.JsonAsync("ecr", "UntagResource", new JsonObject { ["resourceArn"] = arn.DeepClone(), ["tagKeys"] = new JsonArray("c") });
        await aws.JsonAsync("ecr", "BatchDeleteImage", new JsonObject { ["repositoryName"] = "tour", ["imageIds"] = new JsonArray(new JsonObject { ["imageTag"] = "ghost" }) });
        await aws.JsonAsync("ecr", "DeleteRepository", new JsonObject { ["repositoryName"] = "tour" });
    }

    private static async Task LogsAndAlarmsAsync(AwsClient aws)
    {
        await aws.JsonAsync("logs", "CreateLogGroup", new JsonObject { ["logGroupName"] = "/tour", ["tags"] = new JsonObject { ["team"] = "web" } });
        await aws.JsonAsync("logs", "PutRetentionPolicy", new JsonObject { ["logGroupName"] = "/tour", ["retentionInDays"] = 14 });
        var groups = await aws.JsonAsync("logs", "DescribeLogGroups", new JsonObject { ["logGroupNamePrefix"] = "/tour" });
        var arn = groups["logGroups"]![0]!["logGroupArn"]!.DeepClone();
        await aws.JsonAsync("logs", "CreateLogStream", new JsonObject { ["logGroupName"] = "/tour", ["logStreamName"] = "s" });
        await aws.JsonAsync("logs", "PutLogEvents", new JsonObject { ["logGroupName"] = "/tour", ["logStreamName"] = "s", ["logEvents"] = new JsonArray(new JsonObject { ["timestamp"] = 1_780_000_000_000L, ["message"] = "hello" }) });
        await aws.JsonAsync("logs", "DescribeLogStreams", new JsonObject { ["logGroupName"] = "/tour" });
        await aws.JsonAsync("logs", "GetLogEvents", new JsonObject { ["logGroupName"] = "/tour", ["logStreamName"] = "s" });
        await aws.JsonAsync("logs", "FilterLogEvents", new JsonObject { ["logGroupName"] = "/tour", ["filterPattern"] = "hello" });
        await aws.JsonAsync("logs", "TagResource", new JsonObject { ["resourceArn"] = arn.DeepClone(), ["tags"] = new JsonObject { ["env"] = "dev" } });
        await aws.JsonAsync("logs", "ListTagsForResource", new JsonObject { ["resourceArn"] = arn.DeepClone() });
        await aws.JsonAsync("logs", "UntagResource", new JsonObject { ["resourceArn"] = arn.DeepClone(), ["tagKeys"] = new JsonArray("env") });
        await aws.JsonAsync("logs", "DeleteRetentionPolicy", new JsonObject { ["logGroupName"] = "/tour" });
        await aws.JsonAsync("logs", "DeleteLogStream", new JsonObject { ["logGroupName"] = "/tour", ["logStreamName"] = "s" });
        await aws.JsonAsync("logs", "DeleteLogGroup", new JsonObject { ["logGroupName"] = "/tour" });

        await aws.JsonAsync("cloudwatch", "PutMetricAlarm", new JsonObject
        {
            ["AlarmName"] = "tour",
            ["MetricName"] = "CPUUtilization",
            ["Namespace"] = "AWS/ECS",
            ["Statistic"] = "Average",
            ["Dimensions"] = new JsonArray(new JsonObject { ["Name"] = "ClusterName", ["Value"] = "tour" }),
            ["Period"] = 60,
            ["EvaluationPeriods"] = 2,
            ["Threshold"] = 80.5,
            ["ComparisonOperator"] = "GreaterThanThreshold",
            ["TreatMissingData"] = "notBreaching",
        });
        await aws.QueryAsync("monitoring", "PutMetricAlarm", "2010-08-01", ("AlarmName", "tour-query"), ("MetricName", "CPUUtilization"), ("Namespace", "AWS/ECS"),
            ("Statistic", "Average"), ("Period", "60"), ("EvaluationPeriods", "1"), ("Threshold", "90"), ("ComparisonOperator", "GreaterThanThreshold"));
        await aws.JsonAsync("cloudwatch", "SetAlarmState", new JsonObject { ["AlarmName"] = "tour", ["StateValue"] = "ALARM", ["StateReason"] = "tour" });
        await aws.JsonAsync("cloudwatch", "DescribeAlarms", new JsonObject { ["AlarmNamePrefix"] = "tour" });
        await aws.QueryAsync("monitoring", "DescribeAlarms", "2010-08-01", ("AlarmNames.member.1", "tour-query"));
        await aws.JsonAsync("cloudwatch", "DeleteAlarms", new JsonObject { ["AlarmNames"] = new JsonArray("tour", "tour-query") });
    }

    private static async Task EcsAsync(SimulatedLocalEcs sim, List<string> subnets, string group, string vpc)
    {
        var aws = sim.Aws;
        var image = $"{sim.Registry}/localecs/base:latest";
        var cluster = await Scenario.ClusterAsync(aws, "tour");
        await aws.EcsAsync("DescribeClusters", new JsonObject { ["clusters"] = new JsonArray("tour", "ghost"), ["include"] = new JsonArray("TAGS", "SETTINGS", "STATISTICS") });
        await aws.EcsAsync("ListClusters");
        await aws.EcsAsync("PutClusterCapacityProviders", new JsonObject { ["cluster"] = "tour", ["capacityProviders"] = new JsonArray("FARGATE", "FARGATE_SPOT"), ["defaultCapacityProviderStrategy"] = new JsonArray(new JsonObject { ["capacityProvider"] = "FARGATE", ["weight"] = 1 }) });
        await aws.EcsAsync("UpdateClusterSettings", new JsonObject { ["cluster"] = "tour", ["settings"] = new JsonArray(new JsonObject { ["name"] = "containerInsights", ["value"] = "enabled" }) });
        await aws.EcsAsync("PutAccountSetting", new JsonObject { ["name"] = "awsvpcTrunking", ["value"] = "enabled" });
        var settings = await aws.EcsAsync("ListAccountSettings", new JsonObject { ["name"] = "awsvpcTrunking" });
        Assert.AreEqual("enabled", settings["settings"]![0]!["value"]!.GetValue<string>());
        await aws.EcsAsync("PutAccountSettingDefault", new JsonObject { ["name"] = "containerInsights", ["value"] = "enabled" });
        await aws.JsonAsync("logs", "CreateLogGroup", new JsonObject { ["logGroupName"] = "/ecs/tour" });
        var v1 = await Scenario.FargateTaskDefinitionAsync(aws, "tour", image, logGroup: "/ecs/tour", healthCheck: new JsonObject { ["command"] = new JsonArray("CMD-SHELL", "curl -f http://localhost:8080/ || exit 1") });
        await aws.EcsAsync("DescribeTaskDefinition", new JsonObject { ["taskDefinition"] = "tour", ["include"] = new JsonArray("TAGS") });
        await aws.EcsAsync("ListTaskDefinitions");
        await aws.EcsAsync("ListTaskDefinitionFamilies");

        var ns = await aws.JsonAsync("servicediscovery", "CreatePrivateDnsNamespace", new JsonObject { ["Name"] = "tour.local", ["Vpc"] = vpc });
        var operation = await aws.JsonAsync("servicediscovery", "GetOperation", new JsonObject { ["OperationId"] = ns["OperationId"]!.DeepClone() });
        var namespaceId = operation["Operation"]!["Targets"]!["NAMESPACE"]!.DeepClone();
        await aws.JsonAsync("servicediscovery", "CreateHttpNamespace", new JsonObject { ["Name"] = "tour-http" });
        await aws.JsonAsync("servicediscovery", "CreatePublicDnsNamespace", new JsonObject { ["Name"] = "tour.example.com" });
        await aws.JsonAsync("servicediscovery", "ListOperations");
        var namespaceArn = (await aws.JsonAsync("servicediscovery", "GetNamespace", new JsonObject { ["Id"] = namespaceId.DeepClone() }))["Namespace"]!["Arn"]!.DeepClone();
        await aws.JsonAsync("servicediscovery", "ListNamespaces");
        var registry = (await aws.JsonAsync("servicediscovery", "CreateService", new JsonObject
        {
            ["Name"] = "tour",
            ["NamespaceId"] = namespaceId.DeepClone(),
            ["DnsConfig"] = new JsonObject { ["DnsRecords"] = new JsonArray(new JsonObject { ["Type"] = "A", ["TTL"] = 10 }) },
            ["HealthCheckCustomConfig"] = new JsonObject { ["FailureThreshold"] = 1 },
        }))["Service"]!;
        await aws.JsonAsync("servicediscovery", "GetService", new JsonObject { ["Id"] = registry["Id"]!.DeepClone() });
        await aws.JsonAsync("servicediscovery", "UpdateService", new JsonObject
        {
            ["Id"] = registry["Id"]!.DeepClone(),
            ["Service"] = new JsonObject { ["DnsConfig"] = new JsonObject { ["DnsRecords"] = new JsonArray(new JsonObject { ["Type"] = "A", ["TTL"] = 30 }) } },
        });
        await aws.JsonAsync("servicediscovery", "ListServices", new JsonObject { ["Filters"] = new JsonArray(new JsonObject { ["Name"] = "NAMESPACE_ID", ["Values"] = new JsonArray(namespaceId.DeepClone()) }) });
        await aws.JsonAsync("servicediscovery", "TagResource", new JsonObject { ["ResourceARN"] = namespaceArn.DeepClone(), ["Tags"] = new JsonArray(new JsonObject { ["Key"] = "a", ["Value"] = "b" }) });
        await aws.JsonAsync("servicediscovery", "ListTagsForResource", new JsonObject { ["ResourceARN"] = namespaceArn.DeepClone() });
        await aws.JsonAsync("servicediscovery", "UntagResource", new JsonObject { ["ResourceARN"] = namespaceArn.DeepClone(), ["TagKeys"] = new JsonArray("a") });

        var balancer = await Scenario.LoadBalancerAsync(aws, "tourbg", subnets, vpc);
        await aws.JsonAsync("cloudwatch", "PutMetricAlarm", new JsonObject
        {
            ["AlarmName"] = "tour-errors",
            ["MetricName"] = "HTTPCode_Target_5XX_Count",
            ["Namespace"] = "AWS/ApplicationELB",
            ["Statistic"] = "Sum",
            ["Period"] = 60,
            ["EvaluationPeriods"] = 1,
            ["Threshold"] = 1,
            ["ComparisonOperator"] = "GreaterThanThreshold",
        });
        await aws.EcsAsync("CreateService", ServiceRequest.Fargate("tour", "web", v1, 2, subnets, group)
            .With("serviceRegistries", new JsonArray(new JsonObject { ["registryArn"] = registry["Arn"]!.DeepClone() }))
            .TrafficShifting(balancer, "arn:aws:iam::123456789012:role/ecsInfrastructure", testListenerRule: false)
            .Deployment("strategy", "LINEAR")
            .Deployment("bakeTimeInMinutes", 1)
            .Deployment("linearConfiguration", new JsonObject { ["stepPercent"] = 50.0, ["stepBakeTimeInMinutes"] = 1 })
            .CircuitBreaker(failureCount: 5)
            .Alarms("tour-errors")
            .Deployment("lifecycleHooks", new JsonArray(new JsonObject { ["targetType"] = "PAUSE", ["lifecycleStages"] = new JsonArray("PRE_PRODUCTION_TRAFFIC_SHIFT"), ["timeoutConfiguration"] = new JsonObject { ["timeoutInMinutes"] = 60, ["action"] = "ROLLBACK" } }))
            .With("healthCheckGracePeriodSeconds", 30)
            .With("propagateTags", "SERVICE")
            .With("tags", new JsonArray(new JsonObject { ["key"] = "team", ["value"] = "web" })));
        await sim.AdvanceUntilAsync(async () => (await Scenario.LatestServiceDeploymentAsync(aws, "tour", "web"))["status"]!.GetValue<string>() == "SUCCESSFUL", TimeSpan.FromMinutes(10), "tour deployment");
        var v2 = await Scenario.FargateTaskDefinitionAsync(aws, "tour", image, logGroup: "/ecs/tour");
        await aws.EcsAsync("UpdateService", new JsonObject { ["cluster"] = "tour", ["service"] = "web", ["taskDefinition"] = v2 });
        JsonObject? paused = null;
        await sim.AdvanceUntilAsync(async () =>
        {
            paused = await Scenario.LatestServiceDeploymentAsync(aws, "tour", "web");
            await Scenario.ServiceAsync(aws, "tour", "web");
            return paused["lifecycleHookDetails"] is not null;
        }, TimeSpan.FromMinutes(10), "the tour's pause hook");
        await aws.EcsAsync("DescribeServices", new JsonObject { ["cluster"] = "tour", ["services"] = new JsonArray("web", "ghost"), ["include"] = new JsonArray("TAGS") });
        await aws.EcsAsync("ContinueServiceDeployment", new JsonObject { ["serviceDeploymentArn"] = paused!["serviceDeploymentArn"]!.DeepClone(), ["hookId"] = paused["lifecycleHookDetails"]![0]!["hookId"]!.DeepClone() });
        sim.Advance(TimeSpan.FromSeconds(30));
        await Scenario.LatestServiceDeploymentAsync(aws, "tour", "web");
        await aws.EcsAsync("DescribeServiceRevisions", new JsonObject { ["serviceRevisionArns"] = new JsonArray(paused["targetServiceRevision"]!["arn"]!.DeepClone(), paused["sourceServiceRevisions"]![0]!["arn"]!.DeepClone(), "arn:aws:ecs:us-east-1:123456789012:service-revision/tour/web/1") });
        await aws.EcsAsync("ListServices", new JsonObject { ["cluster"] = "tour" });
        await aws.EcsAsync("ListServicesByNamespace", new JsonObject { ["namespace"] = "tour.local" });
        var tasks = await aws.EcsAsync("ListTasks", new JsonObject { ["cluster"] = "tour", ["desiredStatus"] = "RUNNING" });
        await aws.EcsAsync("DescribeTasks", new JsonObject { ["cluster"] = "tour", ["tasks"] = tasks["taskArns"]!.DeepClone(), ["include"] = new JsonArray("TAGS") });
        var instances = await aws.JsonAsync("servicediscovery", "ListInstances", new JsonObject { ["ServiceId"] = registry["Id"]!.DeepClone() });
        var instanceId = instances["Instances"]![0]!["Id"]!.DeepClone();
        await aws.JsonAsync("servicediscovery", "GetInstance", new JsonObject { ["ServiceId"] = registry["Id"]!.DeepClone(), ["InstanceId"] = instanceId.DeepClone() });
        await aws.JsonAsync("servicediscovery", "GetInstancesHealthStatus", new JsonObject { ["ServiceId"] = registry["Id"]!.DeepClone() });
        await aws.JsonAsync("servicediscovery", "UpdateInstanceCustomHealthStatus", new JsonObject { ["ServiceId"] = registry["Id"]!.DeepClone(), ["InstanceId"] = instanceId.DeepClone(), ["Status"] = "HEALTHY" });
        await aws.JsonAsync("servicediscovery", "DiscoverInstances", new JsonObject { ["NamespaceName"] = "tour.local", ["ServiceName"] = "tour" });
        await aws.JsonAsync("servicediscovery", "RegisterInstance", new JsonObject { ["ServiceId"] = registry["Id"]!.DeepClone(), ["InstanceId"] = "manual", ["Attributes"] = new JsonObject { ["AWS_INSTANCE_IPV4"] = "10.0.0.9" } });
        await aws.JsonAsync("servicediscovery", "DeregisterInstance", new JsonObject { ["ServiceId"] = registry["Id"]!.DeepClone(), ["InstanceId"] = "manual" });

        var resource = "service/tour/web";
        await aws.JsonAsync("application-autoscaling", "RegisterScalableTarget", new JsonObject
        {
            ["ServiceNamespace"] = "ecs",
            ["ResourceId"] = resource,
            ["ScalableDimension"] = ScalableDimension,
            ["MinCapacity"] = 1,
            ["MaxCapacity"] = 4,
            ["SuspendedState"] = new JsonObject { ["DynamicScalingInSuspended"] = true },
            ["Tags"] = new JsonObject { ["team"] = "web" },
        });
        var target = await aws.JsonAsync("application-autoscaling", "DescribeScalableTargets", new JsonObject { ["ServiceNamespace"] = "ecs" });
        var targetArn = target["ScalableTargets"]![0]!["ScalableTargetARN"]!.DeepClone();
        await aws.JsonAsync("application-autoscaling", "PutScalingPolicy", new JsonObject
        {
            ["PolicyName"] = "cpu",
            ["ServiceNamespace"] = "ecs",
            ["ResourceId"] = resource,
            ["ScalableDimension"] = ScalableDimension,
            ["PolicyType"] = "TargetTrackingScaling",
            ["TargetTrackingScalingPolicyConfiguration"] = new JsonObject { ["TargetValue"] = 50.0, ["PredefinedMetricSpecification"] = new JsonObject { ["PredefinedMetricType"] = "ECSServiceAverageCPUUtilization" } },
        });
        await aws.JsonAsync("application-autoscaling", "DescribeScalingPolicies", new JsonObject { ["ServiceNamespace"] = "ecs" });
        await aws.JsonAsync("application-autoscaling", "PutScheduledAction", new JsonObject
        {
            ["ServiceNamespace"] = "ecs",
            ["ResourceId"] = resource,
            ["ScalableDimension"] = ScalableDimension,
            ["ScheduledActionName"] = "night",
            ["Schedule"] = "rate(1 day)",
            ["ScalableTargetAction"] = new JsonObject { ["MinCapacity"] = 1, ["MaxCapacity"] = 1 },
        });
        await aws.JsonAsync("application-autoscaling", "DescribeScheduledActions", new JsonObject { ["ServiceNamespace"] = "ecs" });
        await aws.ControlAsync(HttpMethod.Post, "autoscaling/desired-count", new JsonObject { ["cluster"] = "tour", ["service"] = "web", ["desiredCount"] = 3 });
        await aws.JsonAsync("application-autoscaling", "DescribeScalingActivities", new JsonObject { ["ServiceNamespace"] = "ecs", ["ResourceId"] = resource });
        await aws.JsonAsync("application-autoscaling", "TagResource", new JsonObject { ["ResourceARN"] = targetArn.DeepClone(), ["Tags"] = new JsonObject { ["env"] = "dev" } });
        await aws.JsonAsync("application-autoscaling", "ListTagsForResource", new JsonObject { ["ResourceARN"] = targetArn.DeepClone() });
        await aws.JsonAsync("application-autoscaling", "UntagResource", new JsonObject { ["ResourceARN"] = targetArn.DeepClone(), ["TagKeys"] = new JsonArray("env") });
        await aws.JsonAsync("application-autoscaling", "DeleteScheduledAction", new JsonObject { ["ServiceNamespace"] = "ecs", ["ResourceId"] = resource, ["ScalableDimension"] = ScalableDimension, ["ScheduledActionName"] = "night" });
        await aws.JsonAsync("application-autoscaling", "DeleteScalingPolicy", new JsonObject { ["ServiceNamespace"] = "ecs", ["ResourceId"] = resource, ["ScalableDimension"] = ScalableDimension, ["PolicyName"] = "cpu" });
        await aws.JsonAsync("application-autoscaling", "DeregisterScalableTarget", new JsonObject { ["ServiceNamespace"] = "ecs", ["ResourceId"] = resource, ["ScalableDimension"] = ScalableDimension });

        // One-off tasks, a rolling deployment stopped mid-flight, DAEMON on container instances, task sets.
        var run = await aws.EcsAsync("RunTask", new JsonObject { ["cluster"] = "tour", ["taskDefinition"] = v1, ["launchType"] = "FARGATE", ["networkConfiguration"] = Scenario.AwsVpc(subnets, group), ["count"] = 2 });
        sim.Advance(TimeSpan.FromSeconds(10));
        await aws.EcsAsync("StopTask", new JsonObject { ["cluster"] = "tour", ["task"] = run["tasks"]![0]!["taskArn"]!.DeepClone(), ["reason"] = "tour" });
        var v3 = await Scenario.FargateTaskDefinitionAsync(aws, "tour", image);
        await aws.EcsAsync("CreateService", ServiceRequest.Fargate("tour", "rolling", v3, 1, subnets, group)
            .With("launchType", null)
            .With("capacityProviderStrategy", new JsonArray(new JsonObject { ["capacityProvider"] = "FARGATE", ["weight"] = 1 })));
        var rolling = await aws.EcsAsync("ListServiceDeployments", new JsonObject { ["cluster"] = "tour", ["service"] = "rolling" });
        await aws.EcsAsync("StopServiceDeployment", new JsonObject { ["serviceDeploymentArn"] = rolling["serviceDeployments"]![0]!["serviceDeploymentArn"]!.DeepClone(), ["stopType"] = "ROLLBACK" });
        await Scenario.LatestServiceDeploymentAsync(aws, "tour", "rolling");
        await aws.EcsAsync("ListContainerInstances", new JsonObject { ["cluster"] = "tour" });
        var containerInstances = await aws.EcsAsync("ListContainerInstances", new JsonObject { ["cluster"] = "tour" });
        await aws.EcsAsync("DescribeContainerInstances", new JsonObject { ["cluster"] = "tour", ["containerInstances"] = containerInstances["containerInstanceArns"]!.DeepClone() });

        await aws.EcsAsync("CreateService", ServiceRequest.Of("tour", "external").With("desiredCount", 2).With("deploymentController", new JsonObject { ["type"] = "EXTERNAL" }));
        var taskSet = (await aws.EcsAsync("CreateTaskSet", new JsonObject
        {
            ["cluster"] = "tour",
            ["service"] = "external",
            ["taskDefinition"] = v3,
            ["launchType"] = "FARGATE",
            ["networkConfiguration"] = Scenario.AwsVpc(subnets, group),
            ["scale"] = new JsonObject { ["unit"] = "PERCENT", ["value"] = 50.0 },
        }))["taskSet"]!;
        await aws.EcsAsync("UpdateTaskSet", new JsonObject { ["cluster"] = "tour", ["service"] = "external", ["taskSet"] = taskSet["taskSetArn"]!.DeepClone(), ["scale"] = new JsonObject { ["unit"] = "PERCENT", ["value"] = 100.0 } });
        await aws.EcsAsync("UpdateServicePrimaryTaskSet", new JsonObject { ["cluster"] = "tour", ["service"] = "external", ["primaryTaskSet"] = taskSet["id"]!.DeepClone() });
        sim.Advance(TimeSpan.FromSeconds(30));
        await aws.EcsAsync("DescribeTaskSets", new JsonObject { ["cluster"] = "tour", ["service"] = "external", ["include"] = new JsonArray("TAGS") });
        await aws.EcsAsync("DescribeServices", new JsonObject { ["cluster"] = "tour", ["services"] = new JsonArray("external", "rolling") });
        await aws.EcsAsync("DeleteTaskSet", new JsonObject { ["cluster"] = "tour", ["service"] = "external", ["taskSet"] = taskSet["id"]!.DeepClone(), ["force"] = true });

        var serviceArn = (await Scenario.ServiceAsync(aws, "tour", "web"))["serviceArn"]!.DeepClone();
        await aws.EcsAsync("TagResource", new JsonObject { ["resourceArn"] = serviceArn.DeepClone(), ["tags"] = new JsonArray(new JsonObject { ["key"] = "env", ["value"] = "dev" }) });
        await aws.EcsAsync("ListTagsForResource", new JsonObject { ["resourceArn"] = serviceArn.DeepClone() });
        await aws.EcsAsync("UntagResource", new JsonObject { ["resourceArn"] = serviceArn.DeepClone(), ["tagKeys"] = new JsonArray("env") });
        await aws.EcsAsync("DeleteService", new JsonObject { ["cluster"] = "tour", ["service"] = "rolling", ["force"] = true });
        await aws.EcsAsync("DeregisterTaskDefinition", new JsonObject { ["taskDefinition"] = v3 });
        await aws.EcsAsync("DeleteTaskDefinitions", new JsonObject { ["taskDefinitions"] = new JsonArray(v3, "tour:99") });
        await Scenario.ClusterAsync(aws, "empty");
        await aws.EcsAsync("DeleteCluster", new JsonObject { ["cluster"] = "empty" });
        _ = cluster;

        sim.Advance(TimeSpan.FromMinutes(10));
        await Scenario.ServiceAsync(aws, "tour", "web");
        var http = (await aws.JsonAsync("servicediscovery", "ListNamespaces"))["Namespaces"]!.AsArray().First(n => n!["Type"]!.GetValue<string>() == "HTTP")!;
        var spare = (await aws.JsonAsync("servicediscovery", "CreateService", new JsonObject { ["Name"] = "spare", ["NamespaceId"] = http["Id"]!.DeepClone() }))["Service"]!;
        await aws.JsonAsync("servicediscovery", "DeleteService", new JsonObject { ["Id"] = spare["Id"]!.DeepClone() });
        await aws.JsonAsync("servicediscovery", "DeleteNamespace", new JsonObject { ["Id"] = http["Id"]!.DeepClone() });
    }
}
