using System.Net;
using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Tests.Support;

namespace EcsBuildTasks.LocalEcs.Tests.Iam;

/// <summary>IAM roles, Secrets Manager and SSM Parameter Store through the AWS CLI (which checks every answer against its models).</summary>
[TestClass]
[TestCategory("AwsCli")]
public sealed class IamSecretsCliTests
{
    private const string EcsTasksTrust = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}""";
    private const string ExecutionPolicy = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";

    [TestMethod]
    public async Task The_account_starts_with_an_ecs_task_execution_role_and_roles_are_managed_as_in_IAM()
    {
        await using var local = await LiveLocalEcs.StartAsync();

        var execution = local.Cli("iam", "get-role", "--role-name", "ecsTaskExecutionRole")["Role"]!;
        Assert.AreEqual("arn:aws:iam::123456789012:role/ecsTaskExecutionRole", execution["Arn"]!.GetValue<string>());
        Assert.AreEqual("ecs-tasks.amazonaws.com", execution["AssumeRolePolicyDocument"]!["Statement"]![0]!["Principal"]!["Service"]!.GetValue<string>(), "the CLI decodes the URL-encoded trust policy");
        var attached = local.Cli("iam", "list-attached-role-policies", "--role-name", "ecsTaskExecutionRole")["AttachedPolicies"]!.AsArray();
        Assert.AreEqual(ExecutionPolicy, attached.Single()!["PolicyArn"]!.GetValue<string>());
        Assert.AreEqual("AmazonECSTaskExecutionRolePolicy", attached.Single()!["PolicyName"]!.GetValue<string>());
        Assert.AreEqual(execution["RoleId"]!.GetValue<string>(), local.Cli("iam", "get-role", "--role-name", "ECSTASKEXECUTIONROLE")["Role"]!["RoleId"]!.GetValue<string>(), "role names are case-insensitive");

        var created = local.Cli("iam", "create-role", "--role-name", "orders-task", "--path", "/app/", "--assume-role-policy-document", EcsTasksTrust,
            "--description", "orders", "--tags", "Key=team,Value=orders")["Role"]!;
        Assert.AreEqual("arn:aws:iam::123456789012:role/app/orders-task", created["Arn"]!.GetValue<string>());
        StringAssert.StartsWith(created["RoleId"]!.GetValue<string>(), "AROA");
        StringAssert.Contains(local.CliError("iam", "create-role", "--role-name", "Orders-Task", "--assume-role-policy-document", EcsTasksTrust), "(EntityAlreadyExists)");
        StringAssert.Contains(local.CliError("iam", "create-role", "--role-name", "bad", "--assume-role-policy-document", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}"""),
            "(MalformedPolicyDocument)");

        local.Cli("iam", "tag-role", "--role-name", "orders-task", "--tags", "Key=env,Value=prod");
        Assert.AreEqual(2, local.Cli("iam", "list-role-tags", "--role-name", "orders-task")["Tags"]!.AsArray().Count);
        local.Cli("iam", "untag-role", "--role-name", "orders-task", "--tag-keys", "env");
        Assert.AreEqual("team", local.Cli("iam", "get-role", "--role-name", "orders-task")["Role"]!["Tags"]!.AsArray().Single()!["Key"]!.GetValue<string>());
        var listed = local.Cli("iam", "list-roles", "--path-prefix", "/app/")["Roles"]!.AsArray();
        Assert.AreEqual("orders-task", listed.Single()!["RoleName"]!.GetValue<string>());
        Assert.AreEqual(2, local.Cli("iam", "list-roles")["Roles"]!.AsArray().Count, "the CLI follows markers over every role");

        local.Cli("iam", "attach-role-policy", "--role-name", "orders-task", "--policy-arn", ExecutionPolicy);
        Assert.AreEqual(2, local.Cli("iam", "get-policy", "--policy-arn", ExecutionPolicy)["Policy"]!["AttachmentCount"]!.GetValue<int>());
        StringAssert.Contains(local.CliError("iam", "attach-role-policy", "--role-name", "orders-task", "--policy-arn", "arn:aws:iam::123456789012:policy/mine"), "(NoSuchEntity)");
        const string inline = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"arn:aws:secretsmanager:us-east-1:123456789012:secret:orders/*"}]}""";
        local.Cli("iam", "put-role-policy", "--role-name", "orders-task", "--policy-name", "secrets", "--policy-document", inline);
        Assert.AreEqual("secretsmanager:GetSecretValue", local.Cli("iam", "get-role-policy", "--role-name", "orders-task", "--policy-name", "secrets")["PolicyDocument"]!["Statement"]![0]!["Action"]!.GetValue<string>());
        Assert.AreEqual("secrets", local.Cli("iam", "list-role-policies", "--role-name", "orders-task")["PolicyNames"]![0]!.GetValue<string>());
        StringAssert.Contains(local.CliError("iam", "put-role-policy", "--role-name", "orders-task", "--policy-name", "bad", "--policy-document", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecs:*","Resource":"prod"}]}"""),
            "must be in ARN format");

        StringAssert.Contains(local.CliError("iam", "delete-role", "--role-name", "orders-task"), "must detach all policies first");
        local.Cli("iam", "detach-role-policy", "--role-name", "orders-task", "--policy-arn", ExecutionPolicy);
        StringAssert.Contains(local.CliError("iam", "delete-role", "--role-name", "orders-task"), "must delete policies first");
        local.Cli("iam", "delete-role-policy", "--role-name", "orders-task", "--policy-name", "secrets");
        local.Cli("iam", "delete-role", "--role-name", "orders-task");
        StringAssert.Contains(local.CliError("iam", "get-role", "--role-name", "orders-task"), "(NoSuchEntity) when calling the GetRole operation");

        // Global service: a request signed for another region sees the same roles.
        Assert.AreEqual("ecsTaskExecutionRole", AwsCliJson(local, "eu-west-1", "iam", "get-role", "--role-name", "ecsTaskExecutionRole")["Role"]!["RoleName"]!.GetValue<string>());
    }

    [TestMethod]
    public async Task Secrets_and_parameters_work_through_the_cli_with_versions_deletion_and_SecureString_keys()
    {
        await using var local = await LiveLocalEcs.StartAsync();

        var secret = local.Cli("secretsmanager", "create-secret", "--name", "orders/db", "--secret-string", """{"username":"app","password":"first"}""", "--tags", "Key=team,Value=orders");
        var arn = secret["ARN"]!.GetValue<string>();
        StringAssert.Matches(arn, new System.Text.RegularExpressions.Regex(@"^arn:aws:secretsmanager:us-east-1:123456789012:secret:orders/db-[A-Za-z0-9]{6}$"));
        StringAssert.Contains(local.CliError("secretsmanager", "create-secret", "--name", "orders/db", "--secret-string", "x"), "(ResourceExistsException)");
        var second = local.Cli("secretsmanager", "put-secret-value", "--secret-id", arn, "--secret-string", """{"username":"app","password":"second"}""");
        Assert.AreEqual("AWSCURRENT", second["VersionStages"]![0]!.GetValue<string>());
        Assert.AreEqual("""{"username":"app","password":"second"}""", local.Cli("secretsmanager", "get-secret-value", "--secret-id", "orders/db")["SecretString"]!.GetValue<string>());
        Assert.AreEqual("""{"username":"app","password":"first"}""", local.Cli("secretsmanager", "get-secret-value", "--secret-id", arn[..^7], "--version-stage", "AWSPREVIOUS")["SecretString"]!.GetValue<string>(),
            "a partial ARN (without the random suffix) finds the secret");
        var described = local.Cli("secretsmanager", "describe-secret", "--secret-id", arn);
        Assert.AreEqual(2, described["VersionIdsToStages"]!.AsObject().Count);
        Assert.IsNull(described["SecretString"], "DescribeSecret never returns the value");
        Assert.AreEqual(1, local.Cli("secretsmanager", "list-secrets", "--filters", "Key=tag-key,Values=team")["SecretList"]!.AsArray().Count);
        StringAssert.Contains(local.CliError("secretsmanager", "get-secret-value", "--secret-id", "orders/nope"), "Secrets Manager can't find the specified secret.");

        local.Cli("secretsmanager", "delete-secret", "--secret-id", arn, "--recovery-window-in-days", "7");
        StringAssert.Contains(local.CliError("secretsmanager", "get-secret-value", "--secret-id", arn), "marked for deletion");
        Assert.AreEqual(0, local.Cli("secretsmanager", "list-secrets")["SecretList"]!.AsArray().Count);
        Assert.AreEqual(1, local.Cli("secretsmanager", "list-secrets", "--include-planned-deletion")["SecretList"]!.AsArray().Count);
        local.Cli("secretsmanager", "restore-secret", "--secret-id", arn);
        local.Cli("secretsmanager", "delete-secret", "--secret-id", arn, "--force-delete-without-recovery");
        StringAssert.Contains(local.CliError("secretsmanager", "describe-secret", "--secret-id", arn), "(ResourceNotFoundException)");

        Assert.AreEqual(1, local.Cli("ssm", "put-parameter", "--name", "/orders/db/url", "--value", "postgres://db", "--type", "String")["Version"]!.GetValue<int>());
        local.Cli("ssm", "put-parameter", "--name", "/orders/db/password", "--value", "first", "--type", "SecureString", "--key-id", "alias/orders");
        StringAssert.Contains(local.CliError("ssm", "put-parameter", "--name", "/orders/db/password", "--value", "second", "--type", "SecureString"), "(ParameterAlreadyExists)");
        Assert.AreEqual(2, local.Cli("ssm", "put-parameter", "--name", "/orders/db/password", "--value", "second", "--overwrite")["Version"]!.GetValue<int>());
        var encrypted = local.Cli("ssm", "get-parameter", "--name", "/orders/db/password")["Parameter"]!;
        Assert.AreNotEqual("second", encrypted["Value"]!.GetValue<string>(), "a SecureString read without decryption is ciphertext");
        Assert.AreEqual("second", local.Cli("ssm", "get-parameter", "--name", "/orders/db/password", "--with-decryption")["Parameter"]!["Value"]!.GetValue<string>());
        Assert.AreEqual("first", local.Cli("ssm", "get-parameter", "--name", "arn:aws:ssm:us-east-1:123456789012:parameter/orders/db/password:1", "--with-decryption")["Parameter"]!["Value"]!.GetValue<string>());
        var both = local.Cli("ssm", "get-parameters", "--names", "/orders/db/url", "/orders/ghost");
        Assert.AreEqual("/orders/ghost", both["InvalidParameters"]![0]!.GetValue<string>());
        var metadata = local.Cli("ssm", "describe-parameters", "--parameter-filters", "Key=Type,Values=SecureString")["Parameters"]!.AsArray().Single()!;
        Assert.AreEqual("alias/orders", metadata["KeyId"]!.GetValue<string>(), "the SecureString's KMS key is recorded");
        Assert.AreEqual(2, local.Cli("ssm", "get-parameters-by-path", "--path", "/orders", "--recursive")["Parameters"]!.AsArray().Count);
        Assert.AreEqual(0, local.Cli("ssm", "get-parameters-by-path", "--path", "/orders")["Parameters"]!.AsArray().Count, "one level only without --recursive");
        local.Cli("ssm", "delete-parameter", "--name", "/orders/db/url");
        StringAssert.Contains(local.CliError("ssm", "get-parameter", "--name", "/orders/db/url"), "(ParameterNotFound)");
    }

    [TestMethod]
    public async Task Roles_secrets_and_parameters_persist_in_the_state_file_but_the_state_dump_hides_values()
    {
        var stateFile = Path.Combine(Path.GetTempPath(), $"localecs-iam-{Guid.NewGuid():N}.json");
        try
        {
            await using (var first = await LiveLocalEcs.StartAsync(stateFile: stateFile))
            {
                first.Cli("iam", "detach-role-policy", "--role-name", "ecsTaskExecutionRole", "--policy-arn", ExecutionPolicy);
                first.Cli("iam", "delete-role", "--role-name", "ecsTaskExecutionRole");
                first.Cli("iam", "create-role", "--role-name", "app", "--assume-role-policy-document", EcsTasksTrust);
                first.Cli("secretsmanager", "create-secret", "--name", "db", "--secret-string", "hunter2-secret-value");
                first.Cli("ssm", "put-parameter", "--name", "/db/password", "--value", "hunter2-parameter-value", "--type", "SecureString");
                var (status, dump) = await first.Aws.ControlAsync(HttpMethod.Get, "state");
                Assert.AreEqual(HttpStatusCode.OK, status);
                StringAssert.Contains(dump, "\"db\"");
                var leak = dump.IndexOf("hunter2", StringComparison.Ordinal);
                Assert.AreEqual(-1, leak, "the state dump must not print secret or parameter values: " + (leak < 0 ? string.Empty : dump[Math.Max(0, leak - 200)..leak]));
            }

            Assert.IsTrue(File.ReadAllText(stateFile).Contains("hunter2-secret-value", StringComparison.Ordinal), "values are kept in the state file");
            await using (var second = await LiveLocalEcs.StartAsync(stateFile: stateFile))
            {
                Assert.AreEqual("hunter2-secret-value", second.Cli("secretsmanager", "get-secret-value", "--secret-id", "db")["SecretString"]!.GetValue<string>());
                Assert.AreEqual("hunter2-parameter-value", second.Cli("ssm", "get-parameter", "--name", "/db/password", "--with-decryption")["Parameter"]!["Value"]!.GetValue<string>());
                Assert.AreEqual("app", second.Cli("iam", "get-role", "--role-name", "app")["Role"]!["RoleName"]!.GetValue<string>());
                StringAssert.Contains(second.CliError("iam", "get-role", "--role-name", "ecsTaskExecutionRole"), "(NoSuchEntity)", "a deleted default role stays deleted across restarts");

                var (status, _) = await second.Aws.ControlAsync(HttpMethod.Post, "reset");
                Assert.AreEqual(HttpStatusCode.OK, status);
                Assert.AreEqual("ecsTaskExecutionRole", second.Cli("iam", "get-role", "--role-name", "ecsTaskExecutionRole")["Role"]!["RoleName"]!.GetValue<string>(), "a reset brings the default role back");
                StringAssert.Contains(second.CliError("iam", "get-role", "--role-name", "app"), "(NoSuchEntity)");
                StringAssert.Contains(second.CliError("secretsmanager", "get-secret-value", "--secret-id", "db"), "(ResourceNotFoundException)");
            }
        }
        finally
        {
            File.Delete(stateFile);
            if (Directory.Exists(stateFile + ".blobs"))
            {
                Directory.Delete(stateFile + ".blobs", recursive: true);
            }
        }
    }

    private static JsonNode AwsCliJson(LiveLocalEcs local, string region, params string[] args)
    {
        var result = EcsBuildTasks.Testing.AwsCli.Run(local.Endpoint, region, args);
        Assert.AreEqual(0, result.ExitCode, result.ToString());
        return JsonNode.Parse(result.StandardOutput)!;
    }
}
