using EcsBuildTasks.Aws.ECS.Model;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.EndToEndTests;

/// <summary>
/// The newcomer: <c>dotnet new web</c>, the package, and a publish with no <c>Ecs*</c> property in the project
/// deploys to the embedded LocalEcs, the service named after the assembly as the SDK names its image.
/// </summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed class ZeroConfigDeployTests
{
    [TestMethod]
    public async Task A_fresh_dotnet_new_web_project_with_no_Ecs_property_deploys_to_LocalEcs_named_after_its_assembly()
    {
        var name = "Shop.Api" + Guid.NewGuid().ToString("N")[..6];
        using var project = DotnetNewWeb(name);
        // The SDK's ParseContainerProperties turns the assembly name Shop.Api… into the repository shop-api…; the names follow it.
        var expectedService = name.ToLowerInvariant().Replace('.', '-');

        var deploy = project.Dotnet("publish", "-c", "Release", "-p:EcsDeploy=true", "-p:EcsTarget=local", "-p:EcsEndpointUrl=" + await LocalEcsFixture.EndpointAsync(), "-nodeReuse:false");

        LocalEcsProjects.AssertSucceeded(deploy);
        StringAssert.Contains(deploy.StandardOutput, $"Service     {expectedService} in cluster default");
        StringAssert.Contains(deploy.StandardOutput, "LocalEcs's ecsTaskExecutionRole (EcsTarget=local, no EcsExecutionRoleArn)");
        StringAssert.Contains(deploy.StandardOutput, "EcsBuildTasks: deployed: the new revision is serving");
        var ecs = await LocalEcsFixture.EcsAsync();
        var running = (await ecs.DescribeServicesAsync(new DescribeServicesRequest { Cluster = "default", Services = [expectedService] })).Services!.Single();
        Assert.AreEqual(1, running.RunningCount);
        var taskDefinition = (await ecs.DescribeTaskDefinitionAsync(new DescribeTaskDefinitionRequest { TaskDefinition = running.TaskDefinition })).TaskDefinition!;
        Assert.AreEqual(expectedService, taskDefinition.Family);
        Assert.AreEqual("arn:aws:iam::123456789012:role/ecsTaskExecutionRole", taskDefinition.ExecutionRoleArn);
        StringAssert.Contains(taskDefinition.ContainerDefinitions!.Single().Image, $"/{expectedService}@sha256:", "the image the SDK pushed, to the repository it named");
    }

    /// <summary><c>dotnet new web -n NAME</c>, then the package reference <c>dotnet add package</c> would add, from the run's feed.</summary>
    private static ConsumerProject DotnetNewWeb(string name)
    {
        var package = PackageFixture.Instance;
        var directory = Directory.CreateTempSubdirectory("ecs-zeroconfig-").FullName;
        var created = Dotnet.Run(directory, "new", "web", "-n", name, "-o", ".", "--no-restore");
        Assert.AreEqual(0, created.ExitCode, created.ToString());
        File.WriteAllText(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{package.Feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);
        File.Copy(Path.Combine(Repository.Root, "global.json"), Path.Combine(directory, "global.json"));
        var projectFile = Path.Combine(directory, name + ".csproj");
        var text = File.ReadAllText(projectFile);
        Assert.DoesNotContain("<Ecs", text, "a fresh project");
        File.WriteAllText(projectFile, text.Replace("</Project>", $"""
              <ItemGroup>
                <PackageReference Include="EcsBuildTasks" Version="{package.Version}" PrivateAssets="all" />
              </ItemGroup>
            </Project>
            """, StringComparison.Ordinal));
        return new ConsumerProject(directory, Path.Combine(package.Root, "packages"), name);
    }
}
