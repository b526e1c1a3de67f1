using Amazon.Runtime;
using EcsBuildTasks.Aws;
using EcsBuildTasks.Core.Features.Images;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using EcsBuildTasks.Testing;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Core.Tests.Reliability;

/// <summary>
/// With a custom endpoint whose ECR names a registry on AWS (moto does), the push never goes to the real AWS account
/// (issue 16, item 3): the project names the registry, or the build refuses with ECS3012 before anything is pushed.
/// </summary>
[TestClass]
[TestCategory("Moto")]
public sealed class EndpointRegistryMotoTests
{
    [TestMethod]
    public async Task An_ECR_that_reports_AWS_registry_at_a_non_AWS_endpoint_is_refused_unless_ContainerRegistry_names_the_registry()
    {
        var moto = MotoServer.Instance;
        using var aws = new AwsSession(new AwsClientFactory(new AwsConnectionSettings { Region = "us-east-1", EndpointUrl = moto.Endpoint, Credentials = new BasicAWSCredentials("test", "test") }));
        var name = "reg-" + Guid.NewGuid().ToString("N")[..8];
        var preparation = new RegistryPreparation(aws, new RecordingDeploymentLog());

        var refused = await Assert.ThrowsExactlyAsync<DeploymentException>(() => preparation.PrepareAsync(name, null, new EcsSettings { EndpointUrl = moto.Endpoint }, CancellationToken.None));

        var error = refused.Diagnostics.Single();
        Assert.AreEqual("ECS3012", error.Code);
        Assert.AreEqual("ContainerRegistry", error.Subject);
        StringAssert.Contains(error.Message, ".dkr.ecr.us-east-1.amazonaws.com");

        var named = await preparation.PrepareAsync(name, null, new EcsSettings { EndpointUrl = moto.Endpoint, ContainerRegistry = "localhost:5000" }, CancellationToken.None);

        Assert.AreEqual("localhost:5000", named.Registry);
        Assert.AreEqual($"localhost:5000/{name}", named.RepositoryUri);
        var credentials = await preparation.AuthorizeAsync(named, CancellationToken.None);
        Assert.AreEqual("localhost:5000", credentials.Registry, "the token goes with the registry pushed to");
    }
}
