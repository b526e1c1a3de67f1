using Amazon.Runtime;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Tests.ZeroConfig;

/// <summary>
/// A project with no <c>Ecs*</c> property: the names come from the repository the .NET SDK computes (passed by the
/// targets as <c>ContainerRepository</c>, with the name it started from); a name the SDK cannot use is one error,
/// ECS1150; the first hour's errors are one line each, naming the one thing to do.
/// </summary>
[TestClass]
public sealed class ZeroConfigSettingsTests
{
    /// <summary>What the targets pass for a fresh <c>dotnet new web</c> project named <paramref name="assemblyName"/>, dry run.</summary>
    private static SettingsInput FreshWebProject(string assemblyName, string? sdkRepository) => new SettingsInput { BaseDirectory = Path.GetTempPath() }
        .Set("ContainerRepository", sdkRepository)
        .Set("ContainerRepositoryRequested", assemblyName)
        .Set("UsingMicrosoftNETSdkWeb", "true")
        .Set("EcsDryRun", "true");

    private static (GeneratedDefinitions? Definitions, List<EcsDiagnostic> Diagnostics) Generate(SettingsInput input)
    {
        var diagnostics = new DiagnosticCollection();
        var definitions = Project.Generate(input, diagnostics);
        return (definitions, diagnostics.ToList());
    }

    [TestMethod]
    public void A_project_with_no_Ecs_property_dry_runs_clean_with_every_name_from_the_SDKs_repository()
    {
        var (definitions, diagnostics) = Generate(FreshWebProject("My.Orders", "my-orders"));

        Assert.IsNotNull(definitions, string.Join("\n", diagnostics));
        Assert.IsEmpty(diagnostics, string.Join("\n", diagnostics));
        Assert.AreEqual("my-orders", definitions.Service.ServiceName);
        Assert.AreEqual("my-orders", definitions.TaskDefinition.Family);
        Assert.AreEqual("my-orders", definitions.MainContainer.Name);
        StringAssert.EndsWith(definitions.MainContainer.Image, "/my-orders:latest");
        Assert.AreEqual("default", definitions.Service.Cluster);
    }

    [TestMethod]
    public void A_name_the_SDK_cannot_normalise_is_one_error_ECS1150_with_the_property_to_set()
    {
        // The SDK refuses '_Internal' (its first character is not a letter or digit) and computes no repository.
        var (definitions, diagnostics) = Generate(FreshWebProject("_Internal", null));

        Assert.IsNull(definitions);
        var error = diagnostics.Single();
        Assert.AreEqual("ECS1150", error.Code);
        Assert.AreEqual("ContainerRepository", error.Subject);
        StringAssert.Contains(error.Message, "'_Internal'");
        StringAssert.Contains(error.Message, "<ContainerRepository>internal</ContainerRepository>");
    }

    [TestMethod]
    public void A_repository_ECR_would_refuse_is_ECS1150_before_anything_is_built()
    {
        // The SDK makes every invalid character '-', so 'Orders!' becomes 'orders-', which no registry accepts.
        var (_, diagnostics) = Generate(FreshWebProject("Orders!", "orders-"));

        var error = diagnostics.Single();
        Assert.AreEqual("ECS1150", error.Code);
        StringAssert.Contains(error.Message, "'orders-' (the .NET SDK's name for 'Orders!') is not a valid ECR repository name");
        StringAssert.Contains(error.Message, "<ContainerRepository>orders</ContainerRepository>");
    }

    [TestMethod]
    public void No_repository_at_all_is_one_error_and_not_a_cascade_about_empty_names()
    {
        var (_, diagnostics) = Generate(new SettingsInput { BaseDirectory = Path.GetTempPath() }.Set("EcsDryRun", "true"));

        Assert.AreEqual("ECS1150", diagnostics.Single().Code, string.Join("\n", diagnostics));
    }

    [TestMethod]
    public void EcsTarget_local_uses_LocalEcs_s_ecsTaskExecutionRole_and_the_plan_says_so()
    {
        var (definitions, diagnostics) = Generate(FreshWebProject("MyApi", "myapi").Set("EcsTarget", "local"));

        Assert.IsNotNull(definitions, string.Join("\n", diagnostics));
        Assert.AreEqual("arn:aws:iam::123456789012:role/ecsTaskExecutionRole", definitions.TaskDefinition.ExecutionRoleArn);
        var plan = PlanSummary.Lines(definitions, new DefinitionFiles("t.json", "s.json", "p.txt"));
        Assert.IsTrue(plan.Any(l => l.Contains("execution role arn:aws:iam::123456789012:role/ecsTaskExecutionRole: LocalEcs's ecsTaskExecutionRole (EcsTarget=local, no EcsExecutionRoleArn)", StringComparison.Ordinal)), string.Join("\n", plan));
    }

    [TestMethod]
    public void A_role_set_in_the_project_wins_over_every_default()
    {
        var (definitions, _) = Generate(FreshWebProject("MyApi", "myapi").Set("EcsTarget", "local").Set("EcsExecutionRoleArn", "arn:aws:iam::123456789012:role/mine"));

        Assert.AreEqual("arn:aws:iam::123456789012:role/mine", definitions!.TaskDefinition.ExecutionRoleArn);
        Assert.IsFalse(PlanSummary.Lines(definitions, new DefinitionFiles("t.json", "s.json", "p.txt")).Any(l => l.Contains("Roles", StringComparison.Ordinal)));
    }

    [TestMethod]
    public void Secrets_still_need_a_role_of_the_projects_own_because_the_managed_policy_cannot_read_them()
    {
        var input = FreshWebProject("MyApi", "myapi");
        input.Add("EcsSecret", "DB", ("ValueFrom", "arn:aws:secretsmanager:us-east-1:123456789012:secret:db"));

        var (_, diagnostics) = Generate(input);

        var error = diagnostics.Single(d => d.IsError);
        Assert.AreEqual("ECS0128", error.Code);
        StringAssert.Contains(error.Message, "secretsmanager:GetSecretValue");
    }

    // The first hour's messages: one line each, naming the one thing to do and its command.
    [TestMethod]
    public async Task No_credentials_is_ECS1000_naming_aws_configure_and_the_local_target()
    {
        var error = await FailureOf(new AmazonClientException("Failed to resolve AWS credentials. The credential providers used to search for credentials returned the following errors: ..."));

        AssertOneLine(error, "ECS1000", "EcsProfile", "run aws configure sso (or aws configure)");
        StringAssert.Contains(error.Message, "-p:EcsTarget=local");
    }

    [TestMethod]
    public async Task No_region_is_ECS1001_naming_EcsRegion()
    {
        var error = await FailureOf(new AmazonClientException("No RegionEndpoint or ServiceURL configured"));

        AssertOneLine(error, "ECS1001", "EcsRegion", "add -p:EcsRegion=us-east-1 (your region), or run aws configure set region us-east-1");
    }

    [TestMethod]
    public async Task An_expired_SSO_session_is_ECS1152_naming_aws_sso_login()
    {
        // AWSSDK.Core's SSO credentials, when the cached token is past its expiry.
        var error = await FailureOf(new AmazonClientException("SSO Token has expired and failed to refresh"));

        AssertOneLine(error, "ECS1152", "EcsProfile", "run aws sso login");
    }

    [TestMethod]
    public async Task Expired_temporary_credentials_are_ECS1152_too_not_access_denied()
    {
        var error = await FailureOf(new AmazonServiceException("The security token included in the request is expired") { ErrorCode = "ExpiredToken" });

        AssertOneLine(error, "ECS1152", "EcsProfile", "run aws sso login");
    }

    [TestMethod]
    public void No_default_VPC_names_the_command_that_creates_it()
    {
        var message = FirstHourMessages.NoDefaultVpc("eu-west-1");

        StringAssert.Contains(message, "aws ec2 create-default-vpc --region eu-west-1");
        StringAssert.Contains(message, "EcsSubnets");
        Assert.DoesNotContain('\n', message);
    }

    private static async Task<EcsDiagnostic> FailureOf(Exception thrown)
    {
        var failure = await Assert.ThrowsExactlyAsync<DeploymentException>(() => AwsCalls.RunAsync<bool>("STS GetCallerIdentity", () => throw thrown));
        return failure.Diagnostics.Single();
    }

    private static void AssertOneLine(EcsDiagnostic error, string code, string subject, string todo)
    {
        Assert.AreEqual(code, error.Code, error.ToString());
        Assert.AreEqual(subject, error.Subject);
        StringAssert.Contains(error.Message, todo);
        Assert.DoesNotContain('\n', error.Message, "one line");
    }
}
