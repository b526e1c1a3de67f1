using System.Text.Json.Nodes;
using EcsBuildTasks.Aws.SimpleSystemsManagement;
using EcsBuildTasks.Aws.SimpleSystemsManagement.Model;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Aws.Tests.LocalEcs;

/// <summary>Our SSM (Parameter Store) client against LocalEcs's, in-process: what checking an EcsSecret that names a parameter reads.</summary>
[TestClass]
public sealed class SimpleSystemsManagementLocalEcsTests
{
    private const string Region = "eu-central-1";

    public TestContext TestContext { get; set; } = null!;

    private CancellationToken Ct => TestContext.CancellationToken;

    private static Task<AwsClientFactory> ClientsAsync() => InProcessLocalEcs.ClientsAsync(Region, "AKIDLOCALECS00000004");

    private static string UniquePath() => "/app-" + Guid.NewGuid().ToString("N")[..8];

    private async Task<JsonObject> PutAsync(string name, string value, string type, string? description = null) =>
        await LocalEcsSeed.JsonAsync(await InProcessLocalEcs.ServerAsync(), Region, "ssm", "AmazonSSM.PutParameter", new JsonObject
        {
            ["Name"] = name,
            ["Value"] = value,
            ["Type"] = type,
            ["Description"] = description,
            ["Overwrite"] = true,
        }, Ct);

    [TestMethod]
    public async Task Parameters_are_read_by_name_version_and_ARN_SecureStrings_stay_encrypted_unless_decryption_is_asked()
    {
        var path = UniquePath();
        await PutAsync($"{path}/url", "https://db.internal", "String");
        await PutAsync($"{path}/url", "https://db2.internal", "String");
        await PutAsync($"{path}/password", "hunter2", "SecureString");
        using var ssm = (await ClientsAsync()).CreateSsm();

        var plain = await ssm.GetParametersAsync(new GetParametersRequest { Names = [$"{path}/url", $"{path}/url:1", $"{path}/password", $"{path}/missing"] }, Ct);
        var decrypted = await ssm.GetParametersAsync(new GetParametersRequest { Names = [$"{path}/password"], WithDecryption = true }, Ct);
        var arn = plain.Parameters!.First(p => p.Name == $"{path}/url").ARN!;
        var byArn = await ssm.GetParametersAsync(new GetParametersRequest { Names = [arn] }, Ct);

        Assert.AreEqual($"arn:aws:ssm:{Region}:{arn.Split(':')[4]}:parameter{path}/url", arn);
        var current = plain.Parameters!.Single(p => p.Name == $"{path}/url" && p.Selector is null);
        Assert.AreEqual("https://db2.internal", current.Value);
        Assert.AreEqual(2L, current.Version);
        Assert.AreSame(ParameterType.String, current.Type);
        Assert.AreEqual("text", current.DataType);
        Assert.AreEqual(DateTimeKind.Utc, current.LastModifiedDate!.Value.Kind);
        var first = plain.Parameters!.Single(p => p.Selector == ":1");
        Assert.AreEqual($"{path}/url", first.Name);
        Assert.AreEqual("https://db.internal", first.Value);
        Assert.AreEqual(1L, first.Version);
        var secure = plain.Parameters!.Single(p => p.Name == $"{path}/password");
        Assert.AreSame(ParameterType.SecureString, secure.Type);
        Assert.AreNotEqual("hunter2", secure.Value, "without WithDecryption a SecureString comes back encrypted");
        Assert.AreEqual("hunter2", decrypted.Parameters!.Single().Value);
        CollectionAssert.AreEqual(new[] { $"{path}/missing" }, plain.InvalidParameters);
        Assert.AreEqual("https://db2.internal", byArn.Parameters!.Single().Value);
    }

    [TestMethod]
    public async Task Parameter_metadata_is_listed_under_a_path_one_page_at_a_time()
    {
        var path = UniquePath();
        await PutAsync($"{path}/a", "1", "String", "first");
        await PutAsync($"{path}/b", "2", "SecureString");
        await PutAsync($"{path}/c/deep", "3", "StringList");
        using var ssm = (await ClientsAsync()).CreateSsm();

        var pages = new List<DescribeParametersResponse>();
        await foreach (var page in ssm.Paginators.DescribeParameters(new DescribeParametersRequest
        {
            MaxResults = 1,
            ParameterFilters = [new ParameterStringFilter { Key = "Path", Option = "Recursive", Values = [path] }],
        }).Responses.WithCancellation(Ct))
        {
            pages.Add(page);
        }

        var oneLevel = await ssm.DescribeParametersAsync(new DescribeParametersRequest
        {
            ParameterFilters = [new ParameterStringFilter { Key = "Path", Option = "OneLevel", Values = [path] }],
        }, Ct);

        Assert.AreEqual(3, pages.Count);
        var all = pages.SelectMany(p => p.Parameters!).ToList();
        CollectionAssert.AreEqual(new[] { $"{path}/a", $"{path}/b", $"{path}/c/deep" }, all.Select(p => p.Name).ToList());
        Assert.AreEqual("first", all[0].Description);
        Assert.AreSame(ParameterType.String, all[0].Type);
        Assert.IsNull(all[0].KeyId);
        Assert.AreSame(ParameterType.SecureString, all[1].Type);
        Assert.AreEqual("alias/aws/ssm", all[1].KeyId);
        Assert.AreSame(ParameterType.StringList, all[2].Type);
        Assert.IsTrue(all.All(p => p.Tier == ParameterTier.Standard && p.Version == 1 && p.DataType == "text" && p.LastModifiedDate!.Value.Kind == DateTimeKind.Utc));
        Assert.IsTrue(all.All(p => p.ARN == $"arn:aws:ssm:{Region}:{p.ARN!.Split(':')[4]}:parameter{p.Name}"));
        CollectionAssert.AreEqual(new[] { $"{path}/a", $"{path}/b" }, oneLevel.Parameters!.Select(p => p.Name).ToList());
    }

    [TestMethod]
    public async Task Bad_filters_and_tokens_raise_the_modelled_exceptions()
    {
        using var ssm = (await ClientsAsync()).CreateSsm();

        var key = await Assert.ThrowsExactlyAsync<InvalidFilterKeyException>(() => ssm.DescribeParametersAsync(new DescribeParametersRequest
        {
            ParameterFilters = [new ParameterStringFilter { Key = "Colour", Values = ["blue"] }],
        }, Ct));
        var option = await Assert.ThrowsExactlyAsync<InvalidFilterOptionException>(() => ssm.DescribeParametersAsync(new DescribeParametersRequest
        {
            ParameterFilters = [new ParameterStringFilter { Key = "Name", Option = "EndsWith", Values = ["x"] }],
        }, Ct));
        var token = await Assert.ThrowsExactlyAsync<InvalidNextTokenException>(() => ssm.DescribeParametersAsync(new DescribeParametersRequest { NextToken = "not-a-token" }, Ct));

        Assert.AreEqual("InvalidFilterKey", key.ErrorCode);
        Assert.AreEqual("InvalidFilterOption", option.ErrorCode);
        Assert.AreEqual("InvalidNextToken", token.ErrorCode);
        Assert.IsFalse(string.IsNullOrEmpty(key.RequestId));
    }
}
