using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Tests.Support;

namespace EcsBuildTasks.LocalEcs.Tests.Iam;

/// <summary>IAM's policy simulator for a principal (SimulatePrincipalPolicy), on the policies LocalEcs enforces.</summary>
[TestClass]
public sealed class PolicySimulatorTests
{
    private const string EcsTasksTrust = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}""";
    private const string Ci = "arn:aws:iam::123456789012:user/ci";
    private const string CiKey = "AKIASIMULATEDCI00001";

    [TestMethod]
    [TestCategory("AwsCli")]
    public async Task A_roles_inline_and_managed_policies_decide_as_enforcement_does_with_the_statements_that_decided()
    {
        await using var local = await LiveLocalEcs.StartAsync();
        local.Cli("iam", "create-role", "--role-name", "orders-exec", "--assume-role-policy-document", EcsTasksTrust);
        local.Cli("iam", "put-role-policy", "--role-name", "orders-exec", "--policy-name", "secrets", "--policy-document",
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"arn:aws:secretsmanager:us-east-1:123456789012:secret:orders/*"},{"Effect":"Deny","Action":"secretsmanager:GetSecretValue","Resource":"arn:aws:secretsmanager:us-east-1:123456789012:secret:orders/admin-*"}]}""");
        local.Cli("iam", "attach-role-policy", "--role-name", "orders-exec", "--policy-arn", "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy");

        var results = local.Cli("iam", "simulate-principal-policy", "--policy-source-arn", "arn:aws:iam::123456789012:role/orders-exec",
            "--action-names", "secretsmanager:GetSecretValue", "ecr:GetAuthorizationToken",
            "--resource-arns", "arn:aws:secretsmanager:us-east-1:123456789012:secret:orders/db-AbCdEf", "arn:aws:secretsmanager:us-east-1:123456789012:secret:orders/admin-AbCdEf", "arn:aws:secretsmanager:us-east-1:123456789012:secret:billing/db-AbCdEf")["EvaluationResults"]!.AsArray();

        Assert.AreEqual(6, results.Count, "one result per action and resource");
        string Decision(string action, string resource) => results.Single(r => (string)r!["EvalActionName"]! == action && ((string)r["EvalResourceName"]!).Contains(resource, StringComparison.Ordinal))!["EvalDecision"]!.GetValue<string>();
        Assert.AreEqual("allowed", Decision("secretsmanager:GetSecretValue", "orders/db"));
        Assert.AreEqual("explicitDeny", Decision("secretsmanager:GetSecretValue", "orders/admin"));
        Assert.AreEqual("implicitDeny", Decision("secretsmanager:GetSecretValue", "billing/db"));
        Assert.AreEqual("allowed", Decision("ecr:GetAuthorizationToken", "billing/db"), "the managed policy allows it on every resource");
        var allowed = results.First(r => (string)r!["EvalActionName"]! == "ecr:GetAuthorizationToken")!["MatchedStatements"]!.AsArray().Single()!;
        Assert.AreEqual("aws-managed", allowed["SourcePolicyType"]!.GetValue<string>());
        var inline = results.First(r => (string)r!["EvalDecision"]! == "allowed" && (string)r["EvalActionName"]! == "secretsmanager:GetSecretValue")!["MatchedStatements"]!.AsArray().Single()!;
        Assert.AreEqual(("secrets", "role"), (inline["SourcePolicyId"]!.GetValue<string>(), inline["SourcePolicyType"]!.GetValue<string>()));

        StringAssert.Contains(local.CliError("iam", "simulate-principal-policy", "--policy-source-arn", "arn:aws:iam::123456789012:role/missing", "--action-names", "ecs:ListClusters"), "(NoSuchEntity)");
        StringAssert.Contains(local.CliError("iam", "simulate-principal-policy", "--policy-source-arn", "arn:aws:sts::123456789012:assumed-role/orders-exec/s", "--action-names", "ecs:ListClusters"), "(InvalidInput)");
    }

    [TestMethod]
    public async Task A_principal_given_a_policy_is_simulated_with_the_context_keys_the_request_supplies()
    {
        await using var local = await LiveLocalEcs.StartAsync();
        var (status, body) = await local.Aws.ControlAsync(HttpMethod.Post, "iam/policies", new JsonObject
        {
            ["accessKeyId"] = CiKey,
            ["principalArn"] = Ci,
            ["policy"] = JsonNode.Parse("""
                {"Version":"2012-10-17","Statement":[
                  {"Sid":"Pass","Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::123456789012:role/ecsTaskExecutionRole","Condition":{"StringEquals":{"iam:PassedToService":"ecs-tasks.amazonaws.com"}}},
                  {"Sid":"Simulate","Effect":"Allow","Action":"iam:SimulatePrincipalPolicy","Resource":"arn:aws:iam::123456789012:user/ci"}]}
                """),
        });
        Assert.AreEqual(System.Net.HttpStatusCode.OK, status, body);
        using var ci = new AwsClient(local.Server.BaseUrl, accessKeyId: CiKey);

        async Task<XElementResult> SimulateAsync(params (string, string)[] extra)
        {
            var response = await ci.QueryAsync("iam", "SimulatePrincipalPolicy", "2010-05-08",
                [("PolicySourceArn", Ci), ("ActionNames.member.1", "iam:PassRole"), ("ResourceArns.member.1", "arn:aws:iam::123456789012:role/ecsTaskExecutionRole"), .. extra]);
            return new XElementResult(response.Value("EvalDecision")!, [.. response.All("MissingContextValues").SelectMany(m => m.Elements()).Select(e => e.Value)], response.Value("SourcePolicyId"));
        }

        var withoutService = await SimulateAsync();
        Assert.AreEqual("implicitDeny", withoutService.Decision, "a condition on a key the request does not supply does not match");
        CollectionAssert.AreEqual(new[] { "iam:PassedToService" }, withoutService.Missing);

        var toTasks = await SimulateAsync(("ContextEntries.member.1.ContextKeyName", "iam:PassedToService"), ("ContextEntries.member.1.ContextKeyValues.member.1", "ecs-tasks.amazonaws.com"), ("ContextEntries.member.1.ContextKeyType", "string"));
        Assert.AreEqual(("allowed", "policy"), (toTasks.Decision, toTasks.Policy));
        Assert.AreEqual(0, toTasks.Missing.Length);

        var toEcs = await SimulateAsync(("ContextEntries.member.1.ContextKeyName", "iam:PassedToService"), ("ContextEntries.member.1.ContextKeyValues.member.1", "ecs.amazonaws.com"), ("ContextEntries.member.1.ContextKeyType", "string"));
        Assert.AreEqual("implicitDeny", toEcs.Decision);

        var others = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => ci.QueryAsync("iam", "SimulatePrincipalPolicy", "2010-05-08",
            ("PolicySourceArn", "arn:aws:iam::123456789012:role/ecsTaskExecutionRole"), ("ActionNames.member.1", "ecs:ListClusters")));
        Assert.AreEqual("AccessDenied", others.Code, "simulating is itself an action on the simulated principal");
        StringAssert.Contains(others.AwsMessage, "iam:SimulatePrincipalPolicy on resource: arn:aws:iam::123456789012:role/ecsTaskExecutionRole");
    }

    private sealed record XElementResult(string Decision, string[] Missing, string? Policy);
}
