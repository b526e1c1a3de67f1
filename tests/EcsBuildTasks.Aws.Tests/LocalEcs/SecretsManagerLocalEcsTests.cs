using System.Text.Json.Nodes;
using EcsBuildTasks.Aws.SecretsManager;
using EcsBuildTasks.Aws.SecretsManager.Model;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Aws.Tests.LocalEcs;

/// <summary>Our Secrets Manager client against LocalEcs's, in-process: the metadata checking an EcsSecret reads.</summary>
[TestClass]
public sealed class SecretsManagerLocalEcsTests
{
    private const string Region = "eu-central-1";

    public TestContext TestContext { get; set; } = null!;

    private CancellationToken Ct => TestContext.CancellationToken;

    private static Task<AwsClientFactory> ClientsAsync() => InProcessLocalEcs.ClientsAsync(Region, "AKIDLOCALECS00000003");

    private static string Unique(string name) => $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)];

    private async Task<JsonObject> SeedAsync(string operation, JsonObject body) =>
        await LocalEcsSeed.JsonAsync(await InProcessLocalEcs.ServerAsync(), Region, "secretsmanager", "secretsmanager." + operation, body, Ct);

    [TestMethod]
    public async Task A_secret_is_described_by_name_ARN_and_partial_ARN_with_its_stages_and_never_its_value()
    {
        var name = Unique("app/db");
        var created = await SeedAsync("CreateSecret", new JsonObject
        {
            ["Name"] = name,
            ["SecretString"] = "hunter2",
            ["Description"] = "database password",
            ["KmsKeyId"] = "alias/app",
            ["Tags"] = new JsonArray(new JsonObject { ["Key"] = "team", ["Value"] = "orders" }),
        });
        var arn = (string)created["ARN"]!;
        var first = (string)created["VersionId"]!;
        var second = (string)(await SeedAsync("PutSecretValue", new JsonObject { ["SecretId"] = name, ["SecretString"] = "hunter3" }))["VersionId"]!;
        using var secrets = (await ClientsAsync()).CreateSecretsManager();

        var byName = await secrets.DescribeSecretAsync(new DescribeSecretRequest { SecretId = name }, Ct);
        var byArn = await secrets.DescribeSecretAsync(new DescribeSecretRequest { SecretId = arn }, Ct);
        var byPartialArn = await secrets.DescribeSecretAsync(new DescribeSecretRequest { SecretId = arn[..^7] }, Ct);

        Assert.AreEqual(arn, byName.ARN);
        StringAssert.StartsWith(arn, $"arn:aws:secretsmanager:{Region}:");
        Assert.AreEqual(name, byArn.Name);
        Assert.AreEqual(arn, byPartialArn.ARN);
        Assert.AreEqual("database password", byName.Description);
        Assert.AreEqual("alias/app", byName.KmsKeyId);
        Assert.AreEqual("team=orders", string.Join(",", byName.Tags!.Select(t => $"{t.Key}={t.Value}")));
        Assert.AreEqual(DateTimeKind.Utc, byName.CreatedDate!.Value.Kind);
        Assert.IsTrue(Math.Abs((DateTime.UtcNow - byName.CreatedDate.Value).TotalHours) < 1, byName.CreatedDate.ToString());
        Assert.IsTrue(byName.LastChangedDate >= byName.CreatedDate);
        Assert.IsNull(byName.DeletedDate);
        CollectionAssert.AreEqual(new[] { "AWSPREVIOUS" }, byName.VersionIdsToStages![first]);
        CollectionAssert.AreEqual(new[] { "AWSCURRENT" }, byName.VersionIdsToStages[second]);
        Assert.IsFalse(SecretsManagerJson.Serialize(byName).Contains("hunter", StringComparison.Ordinal), "DescribeSecret never carries the value");
        Assert.IsFalse(string.IsNullOrEmpty(byName.ResponseMetadata.RequestId));
    }

    [TestMethod]
    public async Task Secrets_are_listed_by_name_filter_one_page_at_a_time_and_scheduled_deletions_only_when_asked()
    {
        var prefix = Unique("svc");
        foreach (var suffix in new[] { "a", "b", "c" })
        {
            await SeedAsync("CreateSecret", new JsonObject { ["Name"] = $"{prefix}/{suffix}", ["SecretString"] = "x" });
        }

        await SeedAsync("DeleteSecret", new JsonObject { ["SecretId"] = $"{prefix}/c", ["RecoveryWindowInDays"] = 7 });
        using var secrets = (await ClientsAsync()).CreateSecretsManager();

        var pages = new List<ListSecretsResponse>();
        await foreach (var page in secrets.Paginators.ListSecrets(new ListSecretsRequest
        {
            MaxResults = 1,
            Filters = [new Filter { Key = FilterNameStringType.Name, Values = [prefix] }],
        }).Responses.WithCancellation(Ct))
        {
            pages.Add(page);
        }

        var withDeleted = await secrets.ListSecretsAsync(new ListSecretsRequest
        {
            IncludePlannedDeletion = true,
            Filters = [new Filter { Key = FilterNameStringType.Name, Values = [prefix] }],
        }, Ct);

        Assert.AreEqual(2, pages.Count);
        CollectionAssert.AreEqual(new[] { $"{prefix}/a", $"{prefix}/b" }, pages.SelectMany(p => p.SecretList!).Select(s => s.Name).ToList());
        Assert.IsTrue(pages.SelectMany(p => p.SecretList!).All(s => s.SecretVersionsToStages!.Values.Single().Contains("AWSCURRENT")));
        var deleted = withDeleted.SecretList!.Single(s => s.Name == $"{prefix}/c");
        Assert.IsTrue(deleted.DeletedDate > DateTime.UtcNow.AddDays(6), deleted.DeletedDate.ToString());
        Assert.AreEqual(3, withDeleted.SecretList!.Count);
    }

    [TestMethod]
    public async Task A_missing_secret_and_a_bad_token_raise_the_modelled_exceptions()
    {
        using var secrets = (await ClientsAsync()).CreateSecretsManager();

        var missing = await Assert.ThrowsExactlyAsync<ResourceNotFoundException>(() => secrets.DescribeSecretAsync(new DescribeSecretRequest { SecretId = Unique("ghost") }, Ct));
        var token = await Assert.ThrowsExactlyAsync<InvalidNextTokenException>(() => secrets.ListSecretsAsync(new ListSecretsRequest { NextToken = "not-a-token" }, Ct));

        Assert.AreEqual("ResourceNotFoundException", missing.ErrorCode);
        Assert.AreEqual(System.Net.HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.IsFalse(string.IsNullOrEmpty(missing.RequestId));
        Assert.AreEqual("InvalidNextTokenException", token.ErrorCode);
    }
}
