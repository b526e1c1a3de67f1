using EcsBuildTasks.Aws.SecretsManager;
using EcsBuildTasks.Aws.SecretsManager.Model;
using EcsBuildTasks.Testing;
using static EcsBuildTasks.Aws.Tests.Moto.MotoClients;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Aws.Tests.Moto;

/// <summary>Secrets Manager metadata against moto (secrets made with the AWS CLI): what checking an EcsSecret reads.</summary>
[TestClass]
[TestCategory("Moto")]
[TestCategory("AwsCli")]
public sealed class SecretsManagerMotoTests
{
    public TestContext TestContext { get; set; } = null!;

    private CancellationToken Ct => TestContext.CancellationToken;

    [TestMethod]
    public async Task A_secret_is_described_by_name_and_by_ARN_without_its_value()
    {
        var name = Unique("db");
        var arn = (string)AwsCli.Json(MotoServer.Instance.Endpoint, "secretsmanager", "create-secret", "--name", name, "--secret-string", "hunter2",
            "--description", "database password", "--tags", "Key=team,Value=orders")!["ARN"]!;
        using var secrets = Factory().CreateSecretsManager();

        var byName = await secrets.DescribeSecretAsync(new DescribeSecretRequest { SecretId = name }, Ct);
        var byArn = await secrets.DescribeSecretAsync(new DescribeSecretRequest { SecretId = arn }, Ct);

        Assert.AreEqual(arn, byName.ARN);
        Assert.AreEqual(name, byArn.Name);
        Assert.AreEqual("database password", byName.Description);
        Assert.AreEqual("team=orders", string.Join(",", byName.Tags!.Select(t => $"{t.Key}={t.Value}")));
        Assert.AreEqual(DateTimeKind.Utc, byName.CreatedDate!.Value.Kind);
        Assert.IsTrue(Math.Abs((DateTime.UtcNow - byName.CreatedDate.Value).TotalHours) < 1, byName.CreatedDate.ToString());
        Assert.IsTrue(byName.VersionIdsToStages!.Values.Any(stages => stages.Contains("AWSCURRENT")));
        Assert.IsFalse(SecretsManagerJson.Serialize(byName).Contains("hunter2", StringComparison.Ordinal), "DescribeSecret never carries the value");
    }

    [TestMethod]
    public async Task Secrets_are_listed_by_name_filter_page_by_page()
    {
        var prefix = Unique("app");
        foreach (var suffix in new[] { "a", "b", "c" })
        {
            AwsCli.Json(MotoServer.Instance.Endpoint, "secretsmanager", "create-secret", "--name", $"{prefix}/{suffix}", "--secret-string", "x");
        }

        using var secrets = Factory().CreateSecretsManager();
        var names = new List<string>();
        await foreach (var entry in secrets.Paginators.ListSecrets(new ListSecretsRequest
        {
            MaxResults = 2,
            Filters = [new Filter { Key = FilterNameStringType.Name, Values = [prefix] }],
        }).SecretList.WithCancellation(Ct))
        {
            names.Add(entry.Name!);
        }

        CollectionAssert.AreEquivalent(new[] { $"{prefix}/a", $"{prefix}/b", $"{prefix}/c" }, names);
    }

    [TestMethod]
    public async Task A_missing_secret_raises_ResourceNotFoundException()
    {
        using var secrets = Factory().CreateSecretsManager();

        var error = await Assert.ThrowsExactlyAsync<ResourceNotFoundException>(() => secrets.DescribeSecretAsync(new DescribeSecretRequest { SecretId = Unique("ghost") }, Ct));

        Assert.AreEqual("ResourceNotFoundException", error.ErrorCode);
    }
}
