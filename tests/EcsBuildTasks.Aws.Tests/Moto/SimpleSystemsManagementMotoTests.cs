using EcsBuildTasks.Aws.SimpleSystemsManagement;
using EcsBuildTasks.Aws.SimpleSystemsManagement.Model;
using EcsBuildTasks.Testing;
using static EcsBuildTasks.Aws.Tests.Moto.MotoClients;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Aws.Tests.Moto;

/// <summary>SSM Parameter Store metadata against moto (parameters made with the AWS CLI): what checking an EcsSecret reads.</summary>
[TestClass]
[TestCategory("Moto")]
[TestCategory("AwsCli")]
public sealed class SimpleSystemsManagementMotoTests
{
    public TestContext TestContext { get; set; } = null!;

    private CancellationToken Ct => TestContext.CancellationToken;

    [TestMethod]
    public async Task Parameters_are_described_by_name_with_their_type_key_and_version()
    {
        var prefix = "/" + Unique("orders");
        AwsCli.Json(MotoServer.Instance.Endpoint, "ssm", "put-parameter", "--name", prefix + "/db-password", "--type", "SecureString", "--value", "hunter2");
        AwsCli.Json(MotoServer.Instance.Endpoint, "ssm", "put-parameter", "--name", prefix + "/feature", "--type", "String", "--value", "on", "--description", "feature flag");
        using var ssm = Factory().CreateSsm();

        var found = new List<ParameterMetadata>();
        await foreach (var parameter in ssm.Paginators.DescribeParameters(new DescribeParametersRequest
        {
            MaxResults = 1,
            ParameterFilters = [new ParameterStringFilter { Key = "Name", Option = "BeginsWith", Values = [prefix + "/"] }],
        }).Parameters.WithCancellation(Ct))
        {
            found.Add(parameter);
        }

        var secure = found.Single(p => p.Name == prefix + "/db-password");
        var plain = found.Single(p => p.Name == prefix + "/feature");
        Assert.AreEqual(2, found.Count);
        Assert.AreSame(ParameterType.SecureString, secure.Type);
        Assert.AreEqual("alias/aws/ssm", secure.KeyId);
        Assert.AreEqual(1, secure.Version);
        Assert.AreSame(ParameterType.String, plain.Type);
        Assert.AreEqual("feature flag", plain.Description);
        Assert.AreEqual(DateTimeKind.Utc, plain.LastModifiedDate!.Value.Kind);
    }

    [TestMethod]
    public async Task GetParameters_names_the_missing_ones_and_returns_SecureStrings_encrypted_without_decryption()
    {
        var name = "/" + Unique("svc") + "/api-key";
        AwsCli.Json(MotoServer.Instance.Endpoint, "ssm", "put-parameter", "--name", name, "--type", "SecureString", "--value", "hunter2");
        using var ssm = Factory().CreateSsm();

        var response = await ssm.GetParametersAsync(new GetParametersRequest { Names = [name, name + "-ghost"], WithDecryption = false }, Ct);

        var parameter = response.Parameters!.Single();
        Assert.AreEqual(name, parameter.Name);
        Assert.AreSame(ParameterType.SecureString, parameter.Type);
        Assert.AreEqual($"arn:aws:ssm:us-east-1:123456789012:parameter{name}", parameter.ARN);
        Assert.AreNotEqual("hunter2", parameter.Value, "without WithDecryption a SecureString comes back encrypted");
        CollectionAssert.AreEqual(new[] { name + "-ghost" }, response.InvalidParameters);
    }
}
