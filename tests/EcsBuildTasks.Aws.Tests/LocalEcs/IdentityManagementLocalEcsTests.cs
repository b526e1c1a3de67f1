using System.Net;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using EcsBuildTasks.Aws.IdentityManagement;
using EcsBuildTasks.Aws.IdentityManagement.Model;
using EcsBuildTasks.LocalEcs;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Aws.Tests.LocalEcs;

/// <summary>Our IAM client (Query, global) against LocalEcs's IAM, in-process: the role work zero-configuration does.</summary>
[TestClass]
public sealed class IdentityManagementLocalEcsTests
{
    private const string EcsTasksTrust = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}""";
    private const string ExecutionPolicy = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";
    private const string ReadOnlyPolicy = "arn:aws:iam::aws:policy/ReadOnlyAccess";

    private static LocalEcsServer server = null!;

    public TestContext TestContext { get; set; } = null!;

    private CancellationToken Ct => TestContext.CancellationToken;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        server = await LocalEcsServer.StartAsync(new LocalEcsOptions { Port = 0, TimeScale = 0 }, context.CancellationToken);
    }

    [ClassCleanup]
    public static async Task StopAsync() => await server.DisposeAsync();

    private static IAmazonIdentityManagementService Iam(string region = "eu-central-1") => new AwsClientFactory(new AwsConnectionSettings
    {
        EndpointUrl = server.BaseUrl.ToString(),
        Region = region,
        Credentials = new BasicAWSCredentials("AKIDLOCALECS00000002", "s"),
        MaxErrorRetry = 0,
    }).CreateIam();

    private static string Unique(string name) => $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)];

    [TestMethod]
    public async Task An_execution_role_is_created_tagged_given_managed_policies_and_read_back_whole()
    {
        using var iam = Iam();
        var name = Unique("ecsTaskExecutionRole");

        var created = await iam.CreateRoleAsync(new CreateRoleRequest
        {
            RoleName = name,
            Path = "/ecs/",
            AssumeRolePolicyDocument = EcsTasksTrust,
            Description = "created by EcsBuildTasks",
            MaxSessionDuration = 7200,
            PermissionsBoundary = ReadOnlyPolicy,
            Tags = [new Tag { Key = "created-by", Value = "EcsBuildTasks" }],
        }, Ct);
        await iam.TagRoleAsync(new TagRoleRequest { RoleName = name, Tags = [new Tag { Key = "team", Value = "orders" }, new Tag { Key = "created-by", Value = "deploy" }] }, Ct);
        await iam.AttachRolePolicyAsync(new AttachRolePolicyRequest { RoleName = name, PolicyArn = ExecutionPolicy }, Ct);
        await iam.AttachRolePolicyAsync(new AttachRolePolicyRequest { RoleName = name, PolicyArn = ReadOnlyPolicy }, Ct);
        var role = (await iam.GetRoleAsync(new GetRoleRequest { RoleName = name }, Ct)).Role!;

        Assert.AreEqual($"arn:aws:iam::{created.Role!.Arn!.Split(':')[4]}:role/ecs/{name}", created.Role.Arn);
        Assert.AreEqual(created.Role.Arn, role.Arn);
        Assert.AreEqual(created.Role.RoleId, role.RoleId);
        StringAssert.StartsWith(role.RoleId, "AROA");
        Assert.AreEqual("/ecs/", role.Path);
        Assert.AreEqual("created by EcsBuildTasks", role.Description);
        Assert.AreEqual(7200, role.MaxSessionDuration);
        Assert.AreEqual(DateTimeKind.Utc, role.CreateDate!.Value.Kind);
        Assert.IsTrue(Math.Abs((DateTime.UtcNow - role.CreateDate.Value).TotalHours) < 1, role.CreateDate.ToString());
        Assert.AreEqual(ReadOnlyPolicy, role.PermissionsBoundary!.PermissionsBoundaryArn);
        Assert.AreSame(PermissionsBoundaryAttachmentType.PermissionsBoundaryPolicy, role.PermissionsBoundary.PermissionsBoundaryType);
        CollectionAssert.AreEquivalent(new[] { "created-by=deploy", "team=orders" }, role.Tags!.Select(t => $"{t.Key}={t.Value}").ToList());

        // IAM returns policy documents URL-encoded, as the official SDK hands them over.
        var trust = JsonNode.Parse(WebUtility.UrlDecode(role.AssumeRolePolicyDocument!))!;
        Assert.AreEqual("ecs-tasks.amazonaws.com", (string?)trust["Statement"]![0]!["Principal"]!["Service"]);
    }

    [TestMethod]
    public async Task Attached_policies_are_paged_by_marker_until_IAM_says_the_list_is_not_truncated()
    {
        using var iam = Iam();
        var name = Unique("role");
        await iam.CreateRoleAsync(new CreateRoleRequest { RoleName = name, AssumeRolePolicyDocument = EcsTasksTrust }, Ct);
        await iam.AttachRolePolicyAsync(new AttachRolePolicyRequest { RoleName = name, PolicyArn = ExecutionPolicy }, Ct);
        await iam.AttachRolePolicyAsync(new AttachRolePolicyRequest { RoleName = name, PolicyArn = ReadOnlyPolicy }, Ct);

        var pages = new List<ListAttachedRolePoliciesResponse>();
        await foreach (var page in iam.Paginators.ListAttachedRolePolicies(new ListAttachedRolePoliciesRequest { RoleName = name, MaxItems = 1 }).Responses.WithCancellation(Ct))
        {
            pages.Add(page);
        }

        Assert.AreEqual(2, pages.Count);
        Assert.IsTrue(pages[0].IsTruncated);
        Assert.IsFalse(string.IsNullOrEmpty(pages[0].Marker));
        Assert.IsFalse(pages[1].IsTruncated);
        CollectionAssert.AreEquivalent(
            new[] { $"AmazonECSTaskExecutionRolePolicy={ExecutionPolicy}", $"ReadOnlyAccess={ReadOnlyPolicy}" },
            pages.SelectMany(p => p.AttachedPolicies!).Select(p => $"{p.PolicyName}={p.PolicyArn}").ToList());
    }

    [TestMethod]
    public async Task IAM_is_global_a_role_made_from_one_region_is_found_from_another()
    {
        using var frankfurt = Iam("eu-central-1");
        using var oregon = Iam("us-west-2");
        var name = Unique("global");

        await frankfurt.CreateRoleAsync(new CreateRoleRequest { RoleName = name, AssumeRolePolicyDocument = EcsTasksTrust }, Ct);
        var found = await oregon.GetRoleAsync(new GetRoleRequest { RoleName = name }, Ct);

        Assert.AreEqual(name, found.Role!.RoleName);
    }

    [TestMethod]
    public async Task IAMs_refusals_arrive_as_the_modelled_exceptions()
    {
        using var iam = Iam();
        var name = Unique("role");
        await iam.CreateRoleAsync(new CreateRoleRequest { RoleName = name, AssumeRolePolicyDocument = EcsTasksTrust }, Ct);

        var missing = await Assert.ThrowsExactlyAsync<NoSuchEntityException>(() => iam.GetRoleAsync(new GetRoleRequest { RoleName = name + "-ghost" }, Ct));
        var duplicate = await Assert.ThrowsExactlyAsync<EntityAlreadyExistsException>(() => iam.CreateRoleAsync(new CreateRoleRequest { RoleName = name, AssumeRolePolicyDocument = EcsTasksTrust }, Ct));
        var malformed = await Assert.ThrowsExactlyAsync<MalformedPolicyDocumentException>(() => iam.CreateRoleAsync(new CreateRoleRequest { RoleName = name + "-bad", AssumeRolePolicyDocument = "{\"Statement\":" }, Ct));
        var notAttachable = await Assert.ThrowsExactlyAsync<NoSuchEntityException>(() => iam.AttachRolePolicyAsync(new AttachRolePolicyRequest { RoleName = name, PolicyArn = "arn:aws:iam::123456789012:policy/not-there" }, Ct));

        Assert.AreEqual("NoSuchEntity", missing.ErrorCode);
        Assert.AreEqual(HttpStatusCode.NotFound, missing.StatusCode);
        StringAssert.Contains(missing.Message, name + "-ghost", StringComparison.Ordinal);
        Assert.IsFalse(string.IsNullOrEmpty(missing.RequestId));
        Assert.AreEqual("EntityAlreadyExists", duplicate.ErrorCode);
        Assert.AreEqual(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.AreEqual("MalformedPolicyDocument", malformed.ErrorCode);
        StringAssert.Contains(notAttachable.Message, "policy/not-there", StringComparison.Ordinal);
    }
}
