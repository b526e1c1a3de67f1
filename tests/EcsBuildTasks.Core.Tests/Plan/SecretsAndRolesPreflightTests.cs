using System.Net.Http.Headers;
using EcsBuildTasks.Aws.IdentityManagement.Model;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Features.Preflight;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using EcsBuildTasks.Core.Strategies;
using EcsBuildTasks.Testing;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Core.Tests.Plan;

/// <summary>
/// The secrets and roles preflight against the in-process LocalEcs: each finding with its code, before anything is
/// built, pushed or changed (the preflight sends reads only).
/// </summary>
[TestClass]
public sealed class SecretsAndRolesPreflightTests
{
    private const string Account = "123456789012";

    [TestMethod]
    public async Task A_missing_secret_or_parameter_is_ECS1100_before_anything_changes()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        await env.ProjectAsync("secrets");
        var input = env.Project("secrets")
            .Add("EcsSecret", "DB_PASSWORD", ("ValueFrom", $"arn:aws:secretsmanager:us-east-1:{Account}:secret:missing-db"))
            .Add("EcsSecret", "API_KEY", ("ValueFrom", "/app/missing-key"));

        var (errors, _, operations) = await PreflightAsync(env, input);

        var missing = errors.Where(e => e.Code == "ECS1100").ToList();
        Assert.AreEqual(2, missing.Count, string.Join("\n", errors));
        StringAssert.Contains(missing.Single(e => e.Subject == "EcsSecret 'DB_PASSWORD'").Message, "does not exist");
        StringAssert.Contains(missing.Single(e => e.Subject == "EcsSecret 'API_KEY'").Message, "SSM parameter /app/missing-key");
        Assert.IsTrue(operations.All(AwsSession.IsRead), string.Join(", ", operations));
        CollectionAssert.Contains(operations.ToList(), "DescribeSecret");
        CollectionAssert.Contains(operations.ToList(), "DescribeParameters");
    }

    [TestMethod]
    public async Task A_missing_secret_stops_the_preparation_with_ECS1100_before_the_repository_exists_and_without_push_credentials()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        await env.ProjectAsync("nopush");
        var input = env.Project("nopush").Set("EcsImage", null)
            .Add("EcsSecret", "DB_PASSWORD", ("ValueFrom", $"arn:aws:secretsmanager:us-east-1:{Account}:secret:nopush-db"));
        Engine.Preparation? prepared = null;

        var stopped = await Assert.ThrowsExactlyAsync<DeploymentException>(async () => prepared = await new Engine.DeploymentPreparation(env.Aws, new RecordingDeploymentLog())
            .PrepareAsync(LocalEcsHarness.Generate(input), new Engine.ImageBuild(null, [], []), Path.GetTempPath(), CancellationToken.None));

        Assert.AreEqual("ECS1100", stopped.Diagnostics.First(d => d.IsError).Code, string.Join("\n", stopped.Diagnostics));
        Assert.IsNull(prepared, "no push credentials for PublishContainer: the image is neither built into nor pushed to a repository");
        await Assert.ThrowsExactlyAsync<Aws.ECR.Model.RepositoryNotFoundException>(() => env.Aws.Ecr.DescribeRepositoriesAsync(new Aws.ECR.Model.DescribeRepositoriesRequest { RepositoryNames = ["nopush"] }));
    }

    [TestMethod]
    public async Task Existing_secrets_pass_and_their_values_are_never_read()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        await env.ProjectAsync("present");
        await JsonCallAsync(env, "secretsmanager", "secretsmanager.CreateSecret", """{"Name": "present-db", "SecretString": "s3cr3t-value"}""");
        await JsonCallAsync(env, "ssm", "AmazonSSM.PutParameter", """{"Name": "/present/key", "Value": "v", "Type": "SecureString"}""");
        await AllowExecutionRoleAsync(env, "secretsmanager:GetSecretValue", $"arn:aws:secretsmanager:us-east-1:{Account}:secret:present-db-*");
        await AllowExecutionRoleAsync(env, "ssm:GetParameters", $"arn:aws:ssm:us-east-1:{Account}:parameter/present/*");
        var input = env.Project("present")
            .Add("EcsSecret", "DB", ("ValueFrom", $"arn:aws:secretsmanager:us-east-1:{Account}:secret:present-db:password::"))
            .Add("EcsSecret", "KEY", ("ValueFrom", "/present/key"));

        var (errors, log, operations) = await PreflightAsync(env, input);

        Assert.AreEqual(0, errors.Count, string.Join("\n", errors));
        Assert.AreEqual(0, log.Warnings.Count, string.Join("\n", log.Warnings));
        Assert.IsFalse(operations.Any(o => o is "GetSecretValue" or "GetParameters" or "GetParameter"), string.Join(", ", operations));
        Assert.IsFalse(log.Text.Contains("s3cr3t-value", StringComparison.Ordinal));
    }

    [TestMethod]
    public async Task A_secret_in_another_region_is_ECS1104_and_one_of_another_account_is_ECS1102()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        await env.ProjectAsync("elsewhere");
        var input = env.Project("elsewhere")
            .Add("EcsSecret", "FAR", ("ValueFrom", $"arn:aws:secretsmanager:eu-west-1:{Account}:secret:far"))
            .Add("EcsSecret", "FOREIGN", ("ValueFrom", "arn:aws:ssm:us-east-1:210987654321:parameter/shared/key"));

        var (errors, log, _) = await PreflightAsync(env, input);

        var region = errors.Single(e => e.Code == "ECS1104");
        Assert.AreEqual("EcsSecret 'FAR'", region.Subject);
        StringAssert.Contains(region.Message, "eu-west-1");
        var foreign = log.Warnings.Single(w => w.Code == "ECS1102");
        StringAssert.Contains(foreign.Message, "account 210987654321");
        StringAssert.Contains(foreign.Message, "ssm:GetParameters");
    }

    [TestMethod]
    public async Task A_parameter_under_a_customer_KMS_key_is_ECS1103_naming_kms_Decrypt()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        await env.ProjectAsync("kms");
        await JsonCallAsync(env, "ssm", "AmazonSSM.PutParameter", """{"Name": "/kms/key", "Value": "v", "Type": "SecureString", "KeyId": "alias/app-key"}""");
        await AllowExecutionRoleAsync(env, "ssm:GetParameters", $"arn:aws:ssm:us-east-1:{Account}:parameter/kms/key");

        var (errors, log, _) = await PreflightAsync(env, env.Project("kms").Add("EcsSecret", "KEY", ("ValueFrom", "/kms/key")));

        Assert.AreEqual(0, errors.Count, string.Join("\n", errors));
        var warning = log.Warnings.Single(w => w.Code == "ECS1103");
        StringAssert.Contains(warning.Message, "kms:Decrypt");
        StringAssert.Contains(warning.Message, "alias/app-key");
    }

    [TestMethod]
    public async Task A_missing_role_is_ECS1110_and_one_that_does_not_trust_ecs_tasks_is_ECS1111()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        await env.ProjectAsync("roles");
        await env.Aws.Iam.CreateRoleAsync(new CreateRoleRequest
        {
            RoleName = "lambda-only",
            AssumeRolePolicyDocument = """{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}""",
        });
        var input = env.Project("roles")
            .Set("EcsExecutionRoleArn", $"arn:aws:iam::{Account}:role/no-such-role")
            .Set("EcsTaskRoleArn", $"arn:aws:iam::{Account}:role/lambda-only");

        var (errors, log, _) = await PreflightAsync(env, input);

        var missing = errors.Single(e => e.Code == "ECS1110");
        Assert.AreEqual("EcsExecutionRoleArn", missing.Subject);
        var untrusted = log.Warnings.Single(w => w.Code == "ECS1111");
        Assert.AreEqual("EcsTaskRoleArn", untrusted.Subject);
        StringAssert.Contains(untrusted.Message, "ecs-tasks.amazonaws.com");
    }

    [TestMethod]
    public async Task A_secret_the_execution_role_may_not_read_is_ECS1101_with_the_statement_to_add_and_passes_once_the_role_may()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        await env.ProjectAsync("unreadable");
        await JsonCallAsync(env, "secretsmanager", "secretsmanager.CreateSecret", """{"Name": "unreadable-db", "SecretString": "value"}""");
        var input = env.Project("unreadable").Add("EcsSecret", "DB", ("ValueFrom", $"arn:aws:secretsmanager:us-east-1:{Account}:secret:unreadable-db"));

        var (errors, _, operations) = await PreflightAsync(env, input);

        var unreadable = errors.Single(d => d.Code == "ECS1101");
        Assert.AreEqual("EcsSecret 'DB'", unreadable.Subject);
        StringAssert.Contains(unreadable.Message, "may not secretsmanager:GetSecretValue");
        StringAssert.Contains(unreadable.Message, "(implicitDeny)", "LocalEcs's policy simulator decided from the role's policies");
        StringAssert.Contains(unreadable.Message, "\"Action\": \"secretsmanager:GetSecretValue\"");
        CollectionAssert.Contains(operations.ToList(), "SimulatePrincipalPolicy");

        await AllowExecutionRoleAsync(env, "secretsmanager:GetSecretValue", $"arn:aws:secretsmanager:us-east-1:{Account}:secret:unreadable-db-*");
        var (after, _, _) = await PreflightAsync(env, input);

        Assert.AreEqual(0, after.Count, string.Join("\n", after));
    }

    [TestMethod]
    [TestCategory("Moto")]
    public async Task Against_moto_a_missing_secret_and_parameter_are_ECS1100_and_existing_ones_pass()
    {
        var moto = MotoServer.Instance;
        using var session = new AwsSession(new Aws.AwsClientFactory(new Aws.AwsConnectionSettings
        {
            Region = "us-east-1",
            EndpointUrl = moto.Endpoint,
            Credentials = new Amazon.Runtime.BasicAWSCredentials("test", "test"),
        })) { ReadOnly = true };
        var name = "plan-" + Guid.NewGuid().ToString("N")[..8];
        await JsonCallAsync(moto.Endpoint, "secretsmanager", "secretsmanager.CreateSecret", $$"""{"Name": "{{name}}", "SecretString": "value"}""");
        var input = TestInputs.ValidFargate()
            .Add("EcsSecret", "PRESENT", ("ValueFrom", $"arn:aws:secretsmanager:us-east-1:{Account}:secret:{name}"))
            .Add("EcsSecret", "ABSENT", ("ValueFrom", $"arn:aws:secretsmanager:us-east-1:{Account}:secret:{name}-absent"))
            .Add("EcsSecret", "PARAMETER", ("ValueFrom", $"/{name}/absent"));
        var problems = new DiagnosticCollection();

        await new SecretsAndRolesPreflight(session, new RecordingDeploymentLog()).CheckAsync(LocalEcsHarness.Generate(input), Account, "us-east-1", problems, CancellationToken.None);

        var missing = problems.Where(p => p.Code == "ECS1100" && p.Subject is "EcsSecret 'PRESENT'" or "EcsSecret 'ABSENT'" or "EcsSecret 'PARAMETER'").Select(p => p.Subject).Order(StringComparer.Ordinal).ToList();
        CollectionAssert.AreEqual(new[] { "EcsSecret 'ABSENT'", "EcsSecret 'PARAMETER'" }, missing, string.Join("\n", problems));
    }

    [TestMethod]
    public void Secret_references_are_parsed_as_ECS_reads_them()
    {
        var full = SecretReference.Parse($"arn:aws:secretsmanager:us-east-1:{Account}:secret:db-AbCdEf:password:AWSCURRENT:", "us-east-1")!;
        Assert.IsTrue(full.IsSecretsManager);
        Assert.AreEqual($"arn:aws:secretsmanager:us-east-1:{Account}:secret:db-AbCdEf", full.Id);
        Assert.AreEqual("password", full.JsonKey);
        Assert.AreEqual("AWSCURRENT", full.VersionStage);
        Assert.AreEqual("/app/key", SecretReference.Parse($"arn:aws:ssm:us-east-1:{Account}:parameter/app/key", "us-east-1")!.Name);
        Assert.AreEqual("key", SecretReference.Parse($"arn:aws:ssm:us-east-1:{Account}:parameter/key", "us-east-1")!.Name);
        Assert.AreEqual("eu-west-1", SecretReference.Parse("name", "eu-west-1")!.Region);
        Assert.IsNull(SecretReference.Parse("arn:aws:s3:::bucket/key", "us-east-1"));
    }

    private static async Task<(IReadOnlyList<EcsDiagnostic> Errors, RecordingDeploymentLog Log, IReadOnlyList<string> Operations)> PreflightAsync(LocalEcsHarness env, SettingsInput input)
    {
        var definitions = LocalEcsHarness.Generate(input);
        using var session = new AwsSession(env.Clients) { ReadOnly = true };
        var log = new RecordingDeploymentLog();
        try
        {
            await new DeploymentPreflight(session, log).RunAsync(definitions, DeploymentStrategies.Of(definitions), null, CancellationToken.None);
            return ([], log, session.Operations);
        }
        catch (DeploymentException ex)
        {
            return (ex.Diagnostics, log, session.Operations);
        }
    }

    /// <summary>Adds an inline policy to LocalEcs's ecsTaskExecutionRole (IAM PutRolePolicy, Query protocol) allowing <paramref name="action"/> on <paramref name="resource"/>.</summary>
    internal static async Task AllowExecutionRoleAsync(LocalEcsHarness env, string action, string resource)
    {
        var document = $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"{{action}}","Resource":"{{resource}}"}]}""";
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(env.Endpoint + "/"))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Action"] = "PutRolePolicy",
                ["Version"] = "2010-05-08",
                ["RoleName"] = "ecsTaskExecutionRole",
                ["PolicyName"] = "read-" + action.Replace(':', '-'),
                ["PolicyDocument"] = document,
            }),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0");
        using var response = await http.SendAsync(request);
        Assert.IsTrue(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    internal static Task JsonCallAsync(LocalEcsHarness env, string signingName, string target, string body) => JsonCallAsync(env.Endpoint, signingName, target, body);

    internal static async Task JsonCallAsync(string endpoint, string signingName, string target, string body)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(endpoint + "/")) { Content = new StringContent(body) };
        request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        request.Headers.TryAddWithoutValidation("Authorization", $"AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/{signingName}/aws4_request, SignedHeaders=host, Signature=0");
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        using var response = await http.SendAsync(request);
        Assert.IsTrue(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}
