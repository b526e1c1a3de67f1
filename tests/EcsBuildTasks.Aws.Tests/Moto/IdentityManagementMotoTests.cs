using System.Net;
using System.Text.Json.Nodes;
using EcsBuildTasks.Aws.IdentityManagement.Model;
using EcsBuildTasks.Testing;
using static EcsBuildTasks.Aws.Tests.Moto.MotoClients;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Aws.Tests.Moto;

/// <summary>IAM (Query, global) against moto: what zero-configuration and role checks call.</summary>
[TestClass]
[TestCategory("Moto")]
[TestCategory("AwsCli")]
public sealed class IdentityManagementMotoTests
{
    private const string EcsTasksTrust = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}""";
    private const string LogsPolicy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}""";

    public TestContext TestContext { get; set; } = null!;

    private CancellationToken Ct => TestContext.CancellationToken;

    [TestMethod]
    public async Task An_execution_role_is_created_tagged_given_a_managed_policy_and_read_back()
    {
        using var iam = Factory().CreateIam();
        var name = Unique("ecsTaskExecutionRole");

        // moto does not load AWS's own managed policies; a customer managed one (made with the CLI) stands in.
        var policyName = Unique("logs");
        var policyArn = (string)AwsCli.Json(MotoServer.Instance.Endpoint, "iam", "create-policy", "--policy-name", policyName, "--policy-document", LogsPolicy)!["Policy"]!["Arn"]!;

        var created = await iam.CreateRoleAsync(new CreateRoleRequest
        {
            RoleName = name,
            Path = "/ecs/",
            AssumeRolePolicyDocument = EcsTasksTrust,
            Description = "created by EcsBuildTasks",
            MaxSessionDuration = 7200,
            Tags = [new Tag { Key = "created-by", Value = "EcsBuildTasks" }],
        }, Ct);
        await iam.TagRoleAsync(new TagRoleRequest { RoleName = name, Tags = [new Tag { Key = "team", Value = "orders" }] }, Ct);
        await iam.AttachRolePolicyAsync(new AttachRolePolicyRequest { RoleName = name, PolicyArn = policyArn }, Ct);
        var role = (await iam.GetRoleAsync(new GetRoleRequest { RoleName = name }, Ct)).Role!;
        var attached = new List<AttachedPolicyType>();
        await foreach (var policy in iam.Paginators.ListAttachedRolePolicies(new ListAttachedRolePoliciesRequest { RoleName = name }).AttachedPolicies.WithCancellation(Ct))
        {
            attached.Add(policy);
        }

        Assert.AreEqual($"arn:aws:iam::123456789012:role/ecs/{name}", created.Role!.Arn);
        Assert.AreEqual(created.Role.Arn, role.Arn);
        Assert.AreEqual("/ecs/", role.Path);
        Assert.AreEqual("created by EcsBuildTasks", role.Description);
        Assert.AreEqual(7200, role.MaxSessionDuration);
        Assert.AreEqual(DateTimeKind.Utc, role.CreateDate!.Value.Kind);
        CollectionAssert.AreEquivalent(new[] { "created-by=EcsBuildTasks", "team=orders" }, role.Tags!.Select(t => $"{t.Key}={t.Value}").ToList());

        // IAM returns policy documents URL-encoded (RFC 3986), as the official SDK hands them over.
        var trust = JsonNode.Parse(WebUtility.UrlDecode(role.AssumeRolePolicyDocument!))!;
        Assert.AreEqual("ecs-tasks.amazonaws.com", (string?)trust["Statement"]![0]!["Principal"]!["Service"]);
        Assert.AreEqual(policyArn, attached.Single().PolicyArn);
        Assert.AreEqual(policyName, attached.Single().PolicyName);
    }

    [TestMethod]
    public async Task A_missing_role_raises_NoSuchEntityException_and_a_second_create_EntityAlreadyExistsException()
    {
        using var iam = Factory().CreateIam();
        var name = Unique("role");
        await iam.CreateRoleAsync(new CreateRoleRequest { RoleName = name, AssumeRolePolicyDocument = EcsTasksTrust }, Ct);

        var missing = await Assert.ThrowsExactlyAsync<NoSuchEntityException>(() => iam.GetRoleAsync(new GetRoleRequest { RoleName = name + "-ghost" }, Ct));
        var duplicate = await Assert.ThrowsExactlyAsync<EntityAlreadyExistsException>(() => iam.CreateRoleAsync(new CreateRoleRequest { RoleName = name, AssumeRolePolicyDocument = EcsTasksTrust }, Ct));

        Assert.AreEqual("NoSuchEntity", missing.ErrorCode);
        Assert.AreEqual(HttpStatusCode.NotFound, missing.StatusCode);
        StringAssert.Contains(missing.Message, name + "-ghost", StringComparison.Ordinal);
        Assert.AreEqual("EntityAlreadyExists", duplicate.ErrorCode);
    }
}
