using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Tests.Support;

namespace EcsBuildTasks.LocalEcs.Tests.Iam;

/// <summary>Tasks whose secrets or roles ECS could not use fail to start as they do in ECS.</summary>
[TestClass]
public sealed class TaskSecretsAndRolesTests
{
    private const string Prefix = "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: ";

    [TestMethod]
    public async Task Tasks_start_only_when_every_secret_they_name_can_be_retrieved_in_the_forms_ECS_accepts()
    {
        await using var sim = await SimulatedLocalEcs.StartAsync();
        var aws = sim.Aws;
        var (subnets, group, _) = await Scenario.DefaultNetworkAsync(aws);
        await Scenario.ClusterAsync(aws, "jobs");
        var db = (await aws.JsonAsync("secretsmanager", "CreateSecret", new JsonObject { ["Name"] = "orders/db", ["SecretString"] = """{"password":"one"}""" }))["ARN"]!.GetValue<string>();
        await aws.JsonAsync("secretsmanager", "PutSecretValue", new JsonObject { ["SecretId"] = db, ["SecretString"] = """{"password":"two","user":"app"}""" });
        var registry = (await aws.JsonAsync("secretsmanager", "CreateSecret", new JsonObject { ["Name"] = "registry", ["SecretString"] = """{"username":"ci","password":"token"}""" }))["ARN"]!.GetValue<string>();
        var doomed = (await aws.JsonAsync("secretsmanager", "CreateSecret", new JsonObject { ["Name"] = "doomed", ["SecretString"] = "x" }))["ARN"]!.GetValue<string>();
        await aws.JsonAsync("secretsmanager", "DeleteSecret", new JsonObject { ["SecretId"] = doomed });
        await aws.JsonAsync("ssm", "PutParameter", new JsonObject { ["Name"] = "/orders/url", ["Value"] = "postgres://db", ["Type"] = "SecureString" });
        const string missingSecret = "arn:aws:secretsmanager:us-east-1:123456789012:secret:orders/ghost-AbCdEf";

        var cases = new Dictionary<string, (JsonArray? Secrets, JsonObject? Credentials)>
        {
            ["full-arn"] = (Secrets(db), null),
            ["partial-arn"] = (Secrets(db[..^7]), null),
            ["json-key"] = (Secrets(db + ":user::"), null),
            ["json-key-previous"] = (Secrets(db + ":password:AWSPREVIOUS:"), null),
            ["ssm-name"] = (Secrets("/orders/url"), null),
            ["ssm-arn"] = (Secrets("arn:aws:ssm:us-east-1:123456789012:parameter/orders/url"), null),
            ["other-account"] = (Secrets("arn:aws:secretsmanager:us-east-1:210987654321:secret:shared-AbCdEf"), null),
            ["registry-auth"] = (null, new JsonObject { ["credentialsParameter"] = registry }),
            ["missing-secret"] = (Secrets(missingSecret), null),
            ["missing-key"] = (Secrets(db + ":user:AWSPREVIOUS:"), null),
            ["missing-stage"] = (Secrets(db + "::AWSPENDING:"), null),
            ["deleted-secret"] = (Secrets(doomed), null),
            ["missing-parameters"] = (Secrets("/orders/url", "/orders/ghost", "arn:aws:ssm:us-east-1:123456789012:parameter/orders/gone"), null),
            ["missing-registry-auth"] = (null, new JsonObject { ["credentialsParameter"] = "ci/registry" }),
            ["invalid-registry-auth"] = (null, new JsonObject { ["credentialsParameter"] = db }),
        };
        var tasks = new JsonArray();
        foreach (var (family, (secrets, credentials)) in cases)
        {
            var container = Container("public.ecr.aws/nginx/nginx:latest");
            container["secrets"] = secrets;
            container["repositoryCredentials"] = credentials;
            var definition = await RegisterAsync(aws, family, container);
            var run = await aws.EcsAsync("RunTask", new JsonObject { ["cluster"] = "jobs", ["taskDefinition"] = definition, ["launchType"] = "FARGATE", ["networkConfiguration"] = Scenario.AwsVpc(subnets, group) });
            tasks.Add(run["tasks"]![0]!["taskArn"]!.DeepClone());
        }

        sim.Advance(TimeSpan.FromSeconds(30));
        var described = (await aws.EcsAsync("DescribeTasks", new JsonObject { ["cluster"] = "jobs", ["tasks"] = tasks }))["tasks"]!.AsArray()
            .ToDictionary(t => t!["taskDefinitionArn"]!.GetValue<string>().Split('/')[^1].Split(':')[0], t => t!);
        foreach (var family in new[] { "full-arn", "partial-arn", "json-key", "json-key-previous", "ssm-name", "ssm-arn", "other-account", "registry-auth" })
        {
            Assert.AreEqual("RUNNING", described[family]["lastStatus"]!.GetValue<string>(), $"{family}: {described[family]["stoppedReason"]}");
        }

        string Reason(string family)
        {
            Assert.AreEqual("STOPPED", described[family]["lastStatus"]!.GetValue<string>(), family);
            Assert.AreEqual("TaskFailedToStart", described[family]["stopCode"]!.GetValue<string>(), family);
            return described[family]["stoppedReason"]!.GetValue<string>();
        }

        StringAssert.Matches(Reason("missing-secret"), new System.Text.RegularExpressions.Regex(
            "^" + System.Text.RegularExpressions.Regex.Escape(Prefix + $"unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret {missingSecret} from secrets manager: ResourceNotFoundException: Secrets Manager can't find the specified secret. status code: 400, request id: ") + "[0-9a-f-]{36}$"));
        Assert.AreEqual(Prefix + "unable to retrieve secret from asm: service call has been retried 1 time(s): retrieved secret from Secrets Manager did not contain json key user", Reason("missing-key"));
        StringAssert.Contains(Reason("missing-stage"), "ResourceNotFoundException: Secrets Manager can't find the specified secret value for staging label: AWSPENDING");
        StringAssert.Contains(Reason("deleted-secret"), $"failed to fetch secret {doomed} from secrets manager: InvalidRequestException: You can't perform this operation on the secret because it was marked for deletion.");
        Assert.AreEqual(Prefix + "unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid ssm parameters: /orders/ghost,arn:aws:ssm:us-east-1:123456789012:parameter/orders/gone", Reason("missing-parameters"));
        StringAssert.StartsWith(Reason("missing-registry-auth"), Prefix + "unable to get registry auth from asm: service call has been retried 1 time(s): asm fetching secret from the service for ci/registry: ResourceNotFoundException: Secrets Manager can't find the specified secret.");
        Assert.AreEqual(Prefix + "unable to get registry auth from asm: service call has been retried 1 time(s): asm fetching username: AuthorizationData is malformed, empty field", Reason("invalid-registry-auth"));
        Assert.IsFalse(described.Values.Any(t => t["stoppedReason"]?.GetValue<string>().Contains("two", StringComparison.Ordinal) == true), "stopped reasons never carry secret values");
    }

    [TestMethod]
    public async Task A_deployment_whose_secret_is_missing_fails_with_the_reason_on_its_stopped_tasks_and_succeeds_once_the_secret_exists()
    {
        await using var sim = await SimulatedLocalEcs.StartAsync();
        var aws = sim.Aws;
        var (subnets, group, _) = await Scenario.DefaultNetworkAsync(aws);
        await Scenario.ClusterAsync(aws, "prod");
        var container = Container($"{sim.Registry}/localecs/base:latest", Secrets("/prod/web/api-key"));
        var definition = await RegisterAsync(aws, "web", container);
        await aws.EcsAsync("CreateService", new JsonObject
        {
            ["cluster"] = "prod",
            ["serviceName"] = "web",
            ["taskDefinition"] = definition,
            ["desiredCount"] = 2,
            ["launchType"] = "FARGATE",
            ["networkConfiguration"] = Scenario.AwsVpc(subnets, group),
            ["deploymentConfiguration"] = new JsonObject
            {
                ["deploymentCircuitBreaker"] = new JsonObject { ["enable"] = true, ["rollback"] = false, ["thresholdConfiguration"] = new JsonObject { ["type"] = "COUNT", ["value"] = 3 } },
            },
        });
        await sim.AdvanceUntilAsync(async () => (await Scenario.ServiceAsync(aws, "prod", "web"))["deployments"]![0]!["rolloutState"]!.GetValue<string>() == "FAILED",
            TimeSpan.FromMinutes(10), "the circuit breaker to fail the deployment");
        var stopped = await aws.EcsAsync("ListTasks", new JsonObject { ["cluster"] = "prod", ["serviceName"] = "web", ["desiredStatus"] = "STOPPED" });
        var reasons = (await aws.EcsAsync("DescribeTasks", new JsonObject { ["cluster"] = "prod", ["tasks"] = stopped["taskArns"]!.DeepClone() }))["tasks"]!.AsArray()
            .Select(t => t!["stoppedReason"]!.GetValue<string>()).Distinct().ToList();
        Assert.AreEqual(Prefix + "unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid ssm parameters: /prod/web/api-key", reasons.Single());

        await aws.JsonAsync("ssm", "PutParameter", new JsonObject { ["Name"] = "/prod/web/api-key", ["Value"] = "k", ["Type"] = "SecureString" });
        await aws.EcsAsync("UpdateService", new JsonObject { ["cluster"] = "prod", ["service"] = "web", ["forceNewDeployment"] = true });
        await sim.AdvanceUntilAsync(async () => (await Scenario.ServiceAsync(aws, "prod", "web"))["deployments"]!.AsArray() is [var only] && only!["rolloutState"]!.GetValue<string>() == "COMPLETED",
            TimeSpan.FromMinutes(10), "the new deployment to complete once the parameter exists");
    }

    [TestMethod]
    public async Task Unknown_role_ARNs_are_checked_by_format_only_unless_strict_roles_are_asked_for_while_known_roles_must_trust_ECS_tasks()
    {
        const string ghostRole = "arn:aws:iam::123456789012:role/ghost";
        await using (var lenient = await SimulatedLocalEcs.StartAsync())
        {
            var (subnets, group, _) = await Scenario.DefaultNetworkAsync(lenient.Aws);
            await Scenario.ClusterAsync(lenient.Aws, "jobs");
            var definition = await RegisterAsync(lenient.Aws, "job", Container("public.ecr.aws/nginx/nginx:latest"), taskRole: ghostRole);
            var run = await lenient.Aws.EcsAsync("RunTask", new JsonObject { ["cluster"] = "jobs", ["taskDefinition"] = definition, ["launchType"] = "FARGATE", ["networkConfiguration"] = Scenario.AwsVpc(subnets, group) });
            Assert.AreEqual(1, run["tasks"]!.AsArray().Count, "without --strict-iam-roles a role LocalEcs never saw is fine");

            await lenient.Aws.QueryAsync("iam", "CreateRole", "2010-05-08", ("RoleName", "lambda-only"),
                ("AssumeRolePolicyDocument", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"""));
            var untrusting = await RegisterAsync(lenient.Aws, "untrusting", Container("public.ecr.aws/nginx/nginx:latest"), taskRole: "arn:aws:iam::123456789012:role/lambda-only");
            var error = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => lenient.Aws.EcsAsync("RunTask", new JsonObject { ["cluster"] = "jobs", ["taskDefinition"] = untrusting, ["launchType"] = "FARGATE", ["networkConfiguration"] = Scenario.AwsVpc(subnets, group) }));
            StringAssert.StartsWith(error.AwsMessage, "ECS was unable to assume the role 'arn:aws:iam::123456789012:role/lambda-only'", "a role LocalEcs holds must trust ECS tasks even without --strict-iam-roles");
        }

        await using var sim = await SimulatedLocalEcs.StartAsync(strictIamRoles: true);
        var aws = sim.Aws;
        var (strictSubnets, strictGroup, _) = await Scenario.DefaultNetworkAsync(aws);
        await Scenario.ClusterAsync(aws, "prod");
        await aws.QueryAsync("iam", "CreateRole", "2010-05-08", ("RoleName", "lambda-only"),
            ("AssumeRolePolicyDocument", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"""));
        var network = Scenario.AwsVpc(strictSubnets, strictGroup);
        async Task<AwsErrorException> RunFails(string definition) =>
            await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.EcsAsync("RunTask", new JsonObject { ["cluster"] = "prod", ["taskDefinition"] = definition, ["launchType"] = "FARGATE", ["networkConfiguration"] = network.DeepClone() }));

        var missing = await RunFails(await RegisterAsync(aws, "missing-role", Container("public.ecr.aws/nginx/nginx:latest"), taskRole: ghostRole));
        Assert.AreEqual("ClientException", missing.Code);
        Assert.AreEqual($"ECS was unable to assume the role '{ghostRole}' that was provided for this task. Please verify that the role being passed has the proper trust relationship and permissions and that your IAM user has permissions to pass this role.", missing.AwsMessage);
        var untrusted = await RunFails(await RegisterAsync(aws, "untrusted-role", Container("public.ecr.aws/nginx/nginx:latest"), taskRole: "lambda-only"));
        StringAssert.Contains(untrusted.AwsMessage, "'arn:aws:iam::123456789012:role/lambda-only'", "a role name means a role of this account");
        var foreign = await RegisterAsync(aws, "foreign-role", Container("public.ecr.aws/nginx/nginx:latest"), taskRole: "arn:aws:iam::210987654321:role/elsewhere");
        Assert.AreEqual(1, (await aws.EcsAsync("RunTask", new JsonObject { ["cluster"] = "prod", ["taskDefinition"] = foreign, ["launchType"] = "FARGATE", ["networkConfiguration"] = network.DeepClone() }))["tasks"]!.AsArray().Count,
            "roles of other accounts cannot be checked and pass; the default execution role exists and trusts ECS tasks");

        var web = await RegisterAsync(aws, "web", Container($"{sim.Registry}/localecs/base:latest"), taskRole: ghostRole);
        await aws.EcsAsync("CreateService", new JsonObject { ["cluster"] = "prod", ["serviceName"] = "web", ["taskDefinition"] = web, ["desiredCount"] = 1, ["launchType"] = "FARGATE", ["networkConfiguration"] = network.DeepClone() });
        sim.Advance(TimeSpan.FromSeconds(30));
        var service = await Scenario.ServiceAsync(aws, "prod", "web");
        Assert.AreEqual(0, service["runningCount"]!.GetValue<int>() + service["pendingCount"]!.GetValue<int>(), "no task is launched");
        Assert.AreEqual($"(service web) failed to launch a task with (error ECS was unable to assume the role '{ghostRole}' that was provided for this task. Please verify that the role being passed has the proper trust relationship and permissions and that your IAM user has permissions to pass this role.).",
            service["events"]![0]!["message"]!.GetValue<string>());

        await aws.QueryAsync("iam", "CreateRole", "2010-05-08", ("RoleName", "ghost"), ("AssumeRolePolicyDocument", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}"""));
        await sim.AdvanceUntilAsync(async () => (await Scenario.ServiceAsync(aws, "prod", "web"))["runningCount"]!.GetValue<int>() == 1, TimeSpan.FromMinutes(2), "the task to start once the role exists");
    }

    [TestMethod]
    public async Task With_strict_roles_the_execution_role_must_be_allowed_to_read_the_secrets()
    {
        await using var sim = await SimulatedLocalEcs.StartAsync(strictIamRoles: true);
        var aws = sim.Aws;
        var (subnets, group, _) = await Scenario.DefaultNetworkAsync(aws);
        await Scenario.ClusterAsync(aws, "jobs");
        var secret = (await aws.JsonAsync("secretsmanager", "CreateSecret", new JsonObject { ["Name"] = "db", ["SecretString"] = "pw" }))["ARN"]!.GetValue<string>();
        await aws.JsonAsync("ssm", "PutParameter", new JsonObject { ["Name"] = "/db/url", ["Value"] = "postgres://db", ["Type"] = "String" });
        async Task<string> RunAsync(string family, string valueFrom)
        {
            var definition = await RegisterAsync(aws, family, Container("public.ecr.aws/nginx/nginx:latest", Secrets(valueFrom)));
            var run = await aws.EcsAsync("RunTask", new JsonObject { ["cluster"] = "jobs", ["taskDefinition"] = definition, ["launchType"] = "FARGATE", ["networkConfiguration"] = Scenario.AwsVpc(subnets, group) });
            var arn = run["tasks"]![0]!["taskArn"]!.DeepClone();
            sim.Advance(TimeSpan.FromSeconds(20));
            var task = (await aws.EcsAsync("DescribeTasks", new JsonObject { ["cluster"] = "jobs", ["tasks"] = new JsonArray(arn) }))["tasks"]![0]!;
            return task["stoppedReason"]?.GetValue<string>() ?? task["lastStatus"]!.GetValue<string>();
        }

        StringAssert.Matches(await RunAsync("denied-secret", secret), new System.Text.RegularExpressions.Regex(
            "^" + System.Text.RegularExpressions.Regex.Escape($"{Prefix}unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret {secret} from secrets manager: AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/ecsTaskExecutionRole/")
            + "[0-9a-f]{32}" + System.Text.RegularExpressions.Regex.Escape($" is not authorized to perform: secretsmanager:GetSecretValue on resource: {secret} because no identity-based policy allows the secretsmanager:GetSecretValue action status code: 400, request id: ")));
        StringAssert.Contains(await RunAsync("denied-parameter", "/db/url"), "unable to retrieve secrets from ssm: service call has been retried 1 time(s): AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/ecsTaskExecutionRole/");

        await aws.QueryAsync("iam", "PutRolePolicy", "2010-05-08", ("RoleName", "ecsTaskExecutionRole"), ("PolicyName", "secrets"), ("PolicyDocument", $$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"{{secret}}"},
              {"Effect":"Allow","Action":"ssm:GetParameters","Resource":"arn:aws:ssm:us-east-1:123456789012:parameter/db/*"}]}
            """));
        Assert.AreEqual("RUNNING", await RunAsync("allowed-secret", secret));
        Assert.AreEqual("RUNNING", await RunAsync("allowed-parameter", "/db/url"));
    }

    private static JsonObject Container(string image, JsonArray? secrets = null) => new()
    {
        ["name"] = "app",
        ["image"] = image,
        ["essential"] = true,
        ["portMappings"] = new JsonArray(new JsonObject { ["containerPort"] = 8080 }),
        ["secrets"] = secrets ?? [],
    };

    private static JsonArray Secrets(params string[] valueFrom) =>
        valueFrom.Select((v, i) => (JsonNode?)new JsonObject { ["name"] = $"SECRET_{i}", ["valueFrom"] = v }).Aggregate(new JsonArray(), (a, s) => { a.Add(s); return a; });

    private static async Task<string> RegisterAsync(AwsClient aws, string family, JsonObject container, string? taskRole = null)
    {
        var definition = new JsonObject
        {
            ["family"] = family,
            ["networkMode"] = "awsvpc",
            ["requiresCompatibilities"] = new JsonArray("FARGATE"),
            ["cpu"] = "256",
            ["memory"] = "512",
            ["executionRoleArn"] = Scenario.ExecutionRole,
            ["containerDefinitions"] = new JsonArray(container),
        };
        if (taskRole is not null)
        {
            definition["taskRoleArn"] = taskRole;
        }

        return (await aws.EcsAsync("RegisterTaskDefinition", definition))["taskDefinition"]!["taskDefinitionArn"]!.GetValue<string>();
    }
}
