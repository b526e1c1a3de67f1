using Amazon.SecurityToken.Model;
using EcsBuildTasks.Aws.ECS.Model;
using static EcsBuildTasks.Aws.Tests.Moto.MotoClients;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Aws.Tests.Moto;

/// <summary>The official STS client gets the same settings as ours (endpoint, region, credentials).</summary>
[TestClass]
[TestCategory("Moto")]
public sealed class StsMotoTests
{
    public TestContext TestContext { get; set; } = null!;

    private CancellationToken Ct => TestContext.CancellationToken;

    [TestMethod]
    public async Task GetCallerIdentity_goes_to_the_endpoint_override()
    {
        using var sts = Factory().CreateSts();

        var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest(), Ct);

        Assert.AreEqual("123456789012", identity.Account);
    }

    [TestMethod]
    public async Task AssumeRoleArn_signs_every_client_with_the_assumed_role_credentials()
    {
        var source = Factory();
        var factory = new AwsClientFactory(source.Settings with { AssumeRoleArn = "arn:aws:iam::123456789012:role/deployer", AssumeRoleSessionName = "ci-run-42" });

        var assumed = await factory.Credentials.GetCredentialsAsync();
        using var ecs = factory.CreateEcs();
        var clusters = await ecs.ListClustersAsync(new ListClustersRequest(), Ct);
        using var sts = factory.CreateSts();
        var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest(), Ct);

        Assert.AreNotEqual("AKIAIOSFODNN7EXAMPLE", assumed.AccessKey);
        Assert.IsTrue(assumed.UseToken, "assumed-role credentials carry a session token");
        Assert.IsNotNull(clusters.ClusterArns);
        StringAssert.Contains(identity.Arn, "assumed-role/deployer/ci-run-42", StringComparison.Ordinal);
        Assert.AreSame(assumed.AccessKey, (await factory.Credentials.GetCredentialsAsync()).AccessKey, "credentials are resolved once and cached until they near expiry");
    }
}
