using System.Text;
using EcsBuildTasks.Aws.ECR;
using EcsBuildTasks.Aws.ECR.Model;
using static EcsBuildTasks.Aws.Tests.Moto.MotoClients;

namespace EcsBuildTasks.Aws.Tests.Moto;

[TestClass]
[TestCategory("Moto")]
public sealed class EcrMotoTests
{
    public TestContext TestContext { get; set; } = null!;

    private CancellationToken Ct => TestContext.CancellationToken;

    [TestMethod]
    public async Task A_repository_is_created_with_scan_on_push_and_immutable_tags_and_described()
    {
        using var ecr = Factory().CreateEcr();
        var name = Unique("repo");

        var created = await ecr.CreateRepositoryAsync(new CreateRepositoryRequest
        {
            RepositoryName = name,
            ImageTagMutability = ImageTagMutability.IMMUTABLE,
            ImageScanningConfiguration = new ImageScanningConfiguration { ScanOnPush = true },
            Tags = [new Tag { Key = "app", Value = "web" }],
        }, Ct);
        Assert.AreEqual($"123456789012.dkr.ecr.us-east-1.amazonaws.com/{name}", created.Repository!.RepositoryUri);

        var described = await ecr.DescribeRepositoriesAsync(new DescribeRepositoriesRequest { RepositoryNames = [name] }, Ct);
        var repository = described.Repositories!.Single();
        Assert.AreSame(ImageTagMutability.IMMUTABLE, repository.ImageTagMutability);
        Assert.AreEqual(true, repository.ImageScanningConfiguration!.ScanOnPush);
        Assert.IsNotNull(repository.CreatedAt);

        var mutability = await ecr.PutImageTagMutabilityAsync(new PutImageTagMutabilityRequest { RepositoryName = name, ImageTagMutability = ImageTagMutability.MUTABLE }, Ct);
        Assert.AreSame(ImageTagMutability.MUTABLE, mutability.ImageTagMutability);
        var scanning = await ecr.PutImageScanningConfigurationAsync(new PutImageScanningConfigurationRequest { RepositoryName = name, ImageScanningConfiguration = new ImageScanningConfiguration { ScanOnPush = false } }, Ct);
        Assert.AreEqual(false, scanning.ImageScanningConfiguration!.ScanOnPush);
    }

    [TestMethod]
    public async Task Creating_an_existing_repository_raises_RepositoryAlreadyExistsException_and_a_missing_one_RepositoryNotFoundException()
    {
        using var ecr = Factory().CreateEcr();
        var name = Unique("dup");
        await ecr.CreateRepositoryAsync(new CreateRepositoryRequest { RepositoryName = name }, Ct);

        var exists = await Assert.ThrowsExactlyAsync<RepositoryAlreadyExistsException>(() => ecr.CreateRepositoryAsync(new CreateRepositoryRequest { RepositoryName = name }, Ct));
        var missing = await Assert.ThrowsExactlyAsync<RepositoryNotFoundException>(() => ecr.DescribeRepositoriesAsync(new DescribeRepositoriesRequest { RepositoryNames = [Unique("none")] }, Ct));

        StringAssert.Contains(exists.Message, name, StringComparison.Ordinal);
        Assert.AreEqual("RepositoryNotFoundException", missing.ErrorCode);
    }

    [TestMethod]
    public async Task A_lifecycle_policy_is_put_read_back_and_deleted()
    {
        using var ecr = Factory().CreateEcr();
        var name = Unique("lc");
        await ecr.CreateRepositoryAsync(new CreateRepositoryRequest { RepositoryName = name }, Ct);
        const string policy = """{"rules":[{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}}]}""";

        await ecr.PutLifecyclePolicyAsync(new PutLifecyclePolicyRequest { RepositoryName = name, LifecyclePolicyText = policy }, Ct);
        var read = await ecr.GetLifecyclePolicyAsync(new GetLifecyclePolicyRequest { RepositoryName = name }, Ct);
        await ecr.DeleteLifecyclePolicyAsync(new DeleteLifecyclePolicyRequest { RepositoryName = name }, Ct);

        Assert.AreEqual(policy, read.LifecyclePolicyText);
        await Assert.ThrowsExactlyAsync<LifecyclePolicyNotFoundException>(() => ecr.GetLifecyclePolicyAsync(new GetLifecyclePolicyRequest { RepositoryName = name }, Ct));
    }

    [TestMethod]
    public async Task The_authorization_token_decodes_to_the_AWS_user_and_a_password()
    {
        using var ecr = Factory().CreateEcr();

        var token = await ecr.GetAuthorizationTokenAsync(new GetAuthorizationTokenRequest(), Ct);

        var data = token.AuthorizationData!.Single();
        var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(data.AuthorizationToken!));
        Assert.IsTrue(decoded.StartsWith("AWS:", StringComparison.Ordinal));
        Assert.AreEqual("https://123456789012.dkr.ecr.us-east-1.amazonaws.com", data.ProxyEndpoint);
        Assert.IsNotNull(data.ExpiresAt);
    }

    [TestMethod]
    public async Task Images_are_put_listed_described_and_fetched()
    {
        using var ecr = Factory().CreateEcr();
        var name = Unique("img");
        await ecr.CreateRepositoryAsync(new CreateRepositoryRequest { RepositoryName = name }, Ct);
        const string manifest = """{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":2,"digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},"layers":[]}""";

        var put = await ecr.PutImageAsync(new PutImageRequest { RepositoryName = name, ImageManifest = manifest, ImageTag = "1.0.0" }, Ct);
        var listed = await ecr.ListImagesAsync(new ListImagesRequest { RepositoryName = name }, Ct);
        var details = new List<ImageDetail>();
        await foreach (var detail in ecr.Paginators.DescribeImages(new DescribeImagesRequest { RepositoryName = name }).ImageDetails.WithCancellation(Ct))
        {
            details.Add(detail);
        }

        var fetched = await ecr.BatchGetImageAsync(new BatchGetImageRequest { RepositoryName = name, ImageIds = [new ImageIdentifier { ImageTag = "1.0.0" }] }, Ct);

        Assert.IsTrue(put.Image!.ImageId!.ImageDigest!.StartsWith("sha256:", StringComparison.Ordinal));
        Assert.AreEqual("1.0.0", listed.ImageIds!.Single().ImageTag);
        Assert.AreEqual("1.0.0", details.Single().ImageTags!.Single());
        Assert.AreEqual(put.Image.ImageId.ImageDigest, fetched.Images!.Single().ImageId!.ImageDigest);
    }
}
