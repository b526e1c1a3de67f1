using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Iam.Authorization;
using EcsBuildTasks.LocalEcs.Tests.Support;
using EcsBuildTasks.Testing;

namespace EcsBuildTasks.LocalEcs.Tests.Iam;

/// <summary>The per-service tables that say which IAM actions, resources and condition keys each operation needs.</summary>
[TestClass]
public sealed class ActionTableTests
{
    /// <summary>Signing name → the model folder and the IAM action prefix of the service.</summary>
    private static readonly Dictionary<string, (string Model, string Prefix)> Services = new(StringComparer.Ordinal)
    {
        ["ecs"] = ("ecs", "ecs"),
        ["ecr"] = ("ecr", "ecr"),
        ["elasticloadbalancing"] = ("elbv2", "elasticloadbalancing"),
        ["servicediscovery"] = ("servicediscovery", "servicediscovery"),
        ["application-autoscaling"] = ("application-autoscaling", "application-autoscaling"),
        ["monitoring"] = ("cloudwatch", "cloudwatch"),
        ["logs"] = ("logs", "logs"),
        ["sts"] = ("sts", "sts"),
        ["ec2"] = ("ec2", "ec2"),
        ["iam"] = ("iam", "iam"),
        ["secretsmanager"] = ("secretsmanager", "secretsmanager"),
        ["ssm"] = ("ssm", "ssm"),
        ["route53"] = ("route53", "route53"),
    };

    [TestMethod]
    public async Task Every_operation_LocalEcs_serves_has_an_entry_in_its_services_table()
    {
        await using var sim = await SimulatedLocalEcs.StartAsync();
        var missing = sim.Server.Runtime.Apis
            .SelectMany(api => api.Operations.Select(operation => (api.SigningName, Operation: operation)))
            .Where(o => IamAuthorizer.Tables.SingleOrDefault(t => t.SigningName == o.SigningName)?.ContainsKey(o.Operation) != true)
            .Select(o => $"{o.SigningName} {o.Operation}")
            .ToList();
        Assert.AreEqual(0, missing.Count, "served operations without an IAM mapping: " + string.Join(", ", missing));
    }

    [TestMethod]
    public void Table_entries_name_operations_of_the_official_models()
    {
        Peers.RequireAwsModels();
        foreach (var table in IamAuthorizer.Tables)
        {
            var model = AwsModel.Load(Services[table.SigningName].Model);
            var unknown = table.Keys.Where(operation => !model.HasOperation(operation)).ToList();
            Assert.AreEqual(0, unknown.Count, $"{table.SigningName}: not operations of the model: {string.Join(", ", unknown)}");
        }
    }

    [TestMethod]
    public async Task A_tour_of_every_operation_under_an_allow_all_policy_records_the_services_own_actions_and_no_denial()
    {
        await using var sim = await SimulatedLocalEcs.StartAsync(iamPolicy: """{"Version": "2012-10-17", "Statement": [{"Sid": "Everything", "Effect": "Allow", "Action": "*", "Resource": "*"}]}""");
        await Tour.RunAsync(sim);

        var (status, body) = await sim.Aws.ControlAsync(HttpMethod.Get, "iam/usage");
        Assert.AreEqual(System.Net.HttpStatusCode.OK, status, body);
        var requests = JsonNode.Parse(body)!["requests"]!.AsArray().Select(r => r!.AsObject()).ToList();
        Assert.IsTrue(requests.All(r => r["denied"]!.GetValue<int>() == 0 && r["allowedBy"]![0]!.GetValue<string>() == "iam-policy#Everything"), "everything is allowed by the one statement");
        var actions = requests.Select(r => r["action"]!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        var prefixes = Services.Values.Select(s => s.Prefix + ":").ToList();
        Assert.IsTrue(actions.All(a => prefixes.Any(p => a.StartsWith(p, StringComparison.Ordinal))), string.Join(", ", actions));
        var served = sim.Server.Runtime.Apis.SelectMany(api => api.Operations.Select(o => $"{Services[api.SigningName].Prefix}:{o}")).ToHashSet(StringComparer.Ordinal);
        served.Remove("sts:GetCallerIdentity"); // needs no permission
        var unchecked_ = served.Where(a => !actions.Contains(a)).ToList();
        Assert.AreEqual(0, unchecked_.Count, "served operations whose own action the tour never checked: " + string.Join(", ", unchecked_));
        Assert.IsTrue(requests.All(r => r["resource"]!.GetValue<string>() is "*" || r["resource"]!.GetValue<string>().StartsWith("arn:aws:", StringComparison.Ordinal)), "resources are ARNs or *");
        Assert.IsTrue(actions.Contains("ecs:TagResource") && requests.Any(r => r["action"]!.GetValue<string>() == "iam:PassRole"), "tags on create and passed roles are checked too");
        Assert.AreEqual(0, JsonNode.Parse(body)!["unused"]!["default"]!.AsArray().Count, "the one statement was used");
    }
}

/// <summary>The errors of IAM, Secrets Manager, SSM and enforcement use codes the official models declare for the operation.</summary>
[TestClass]
public sealed class IamSecretsErrorConformanceTests
{
    [TestMethod]
    public async Task Errors_use_codes_the_models_declare_for_the_operation()
    {
        Peers.RequireAwsModels();
        await using var local = await LiveLocalEcs.StartAsync(iamPolicy: """{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "NotAction": "ecs:CreateCluster", "Resource": "*"}]}""");
        var aws = local.Aws;
        const string v = "2010-05-08";
        const string trust = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}""";
        var failures = new List<(string Model, string Operation, Func<Task> Call)>
        {
            ("iam", "GetRole", () => aws.QueryAsync("iam", "GetRole", v, ("RoleName", "ghost"))),
            ("iam", "CreateRole", () => aws.QueryAsync("iam", "CreateRole", v, ("RoleName", "ecsTaskExecutionRole"), ("AssumeRolePolicyDocument", trust))),
            ("iam", "CreateRole", () => aws.QueryAsync("iam", "CreateRole", v, ("RoleName", "bad"), ("AssumeRolePolicyDocument", "{}"))),
            ("iam", "DeleteRole", () => aws.QueryAsync("iam", "DeleteRole", v, ("RoleName", "ecsTaskExecutionRole"))),
            ("iam", "AttachRolePolicy", () => aws.QueryAsync("iam", "AttachRolePolicy", v, ("RoleName", "ecsTaskExecutionRole"), ("PolicyArn", "arn:aws:iam::123456789012:policy/ghost"))),
            ("iam", "GetRolePolicy", () => aws.QueryAsync("iam", "GetRolePolicy", v, ("RoleName", "ecsTaskExecutionRole"), ("PolicyName", "ghost"))),
            ("secretsmanager", "GetSecretValue", () => aws.JsonAsync("secretsmanager", "GetSecretValue", new JsonObject { ["SecretId"] = "ghost" })),
            ("secretsmanager", "DeleteSecret", () => aws.JsonAsync("secretsmanager", "DeleteSecret", new JsonObject { ["SecretId"] = "ghost" })),
            ("ssm", "GetParameter", () => aws.JsonAsync("ssm", "GetParameter", new JsonObject { ["Name"] = "/ghost" })),
            ("ssm", "DeleteParameter", () => aws.JsonAsync("ssm", "DeleteParameter", new JsonObject { ["Name"] = "/ghost" })),
            ("ecs", "CreateCluster", () => aws.EcsAsync("CreateCluster", new JsonObject { ["clusterName"] = "denied" })),
        };
        await aws.JsonAsync("secretsmanager", "CreateSecret", new JsonObject { ["Name"] = "taken", ["SecretString"] = "x" });
        failures.Add(("secretsmanager", "CreateSecret", () => aws.JsonAsync("secretsmanager", "CreateSecret", new JsonObject { ["Name"] = "taken", ["SecretString"] = "x" })));
        await aws.JsonAsync("ssm", "PutParameter", new JsonObject { ["Name"] = "/taken", ["Value"] = "x", ["Type"] = "String" });
        failures.Add(("ssm", "PutParameter", () => aws.JsonAsync("ssm", "PutParameter", new JsonObject { ["Name"] = "/taken", ["Value"] = "x", ["Type"] = "String" })));

        foreach (var (model, operation, call) in failures)
        {
            var error = await Assert.ThrowsExactlyAsync<AwsErrorException>(call, $"{model} {operation} should fail");
            Assert.IsTrue(AwsModel.Load(model).DeclaresError(operation, error.Code), $"{model} {operation}: {error.Code} is not declared ({error.AwsMessage})");
        }
    }
}
