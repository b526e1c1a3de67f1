using System.Text.Json.Nodes;
using EcsBuildTasks.Testing;

namespace EcsBuildTasks.EndToEndTests;

/// <summary>
/// Releasing to environments (issue 14): a publish profile per environment, run the way build servers and Visual Studio's
/// Publish button run it (<c>dotnet build -p:DeployOnBuild=true -p:PublishProfile=...</c>, <c>msbuild -t:Publish</c>), with its properties winning
/// over the project's and its items replacing the project's items of the same Include.
/// </summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed class ReleaseTests
{
    [TestMethod]
    public void A_Staging_profile_run_as_a_build_with_DeployOnBuild_overrides_the_projects_properties_and_items_and_names_the_environment()
    {
        using var project = PackageFixture.Instance.CreateConsumer(
            """
            <EcsCluster>prod</EcsCluster>
            <EcsMemory>2048</EcsMemory>
            <EcsCpu>1024</EcsCpu>
            <EcsDesiredCount>3</EcsDesiredCount>
            <EcsRegion>us-east-1</EcsRegion>
            <EcsExecutionRoleArn>arn:aws:iam::123456789012:role/ecsTaskExecutionRole</EcsExecutionRoleArn>
            """,
            """
            <EcsEnvironmentVariable Include="ASPNETCORE_ENVIRONMENT" Value="Production" />
            <EcsEnvironmentVariable Include="Greeting" Value="hello" />
            """);
        var profiles = Directory.CreateDirectory(Path.Combine(project.Directory, "Properties", "PublishProfiles")).FullName;
        File.WriteAllText(Path.Combine(profiles, "Staging.pubxml"), """
            <Project>
              <PropertyGroup>
                <EcsDeploy>true</EcsDeploy>
                <EcsCluster>staging</EcsCluster>
                <EcsMemory>512</EcsMemory>
                <EcsCpu>256</EcsCpu>
                <EcsDesiredCount>1</EcsDesiredCount>
              </PropertyGroup>
              <ItemGroup>
                <EcsEnvironmentVariable Include="ASPNETCORE_ENVIRONMENT" Value="Staging" />
              </ItemGroup>
            </Project>
            """);

        var build = project.Dotnet("build", "-c", "Release", "-p:DeployOnBuild=true", "-p:PublishProfile=Staging", "-p:EcsDryRun=true", "-nodeReuse:false");

        LocalEcsProjects.AssertSucceeded(build);
        StringAssert.Contains(build.StandardOutput, "Environment Staging (publish profile Properties/PublishProfiles/Staging.pubxml)");
        var service = JsonNode.Parse(File.ReadAllText(project.IntermediateFile("ecs/service-definition.json")))!;
        Assert.AreEqual("staging", (string?)service["cluster"]);
        Assert.AreEqual(1, (int?)service["desiredCount"]);
        var task = JsonNode.Parse(File.ReadAllText(project.IntermediateFile("ecs/task-definition.json")))!;
        Assert.AreEqual("512", (string?)task["memory"]);
        var environment = task["containerDefinitions"]![0]!["environment"]!.AsArray().ToDictionary(e => (string)e!["name"]!, e => (string?)e!["value"]);
        Assert.AreEqual("Staging", environment["ASPNETCORE_ENVIRONMENT"], "the profile's item replaced the project's (no ECS0008)");
        Assert.AreEqual("hello", environment["Greeting"], "the project's other items stay");
        Assert.AreEqual(2, environment.Count);

        // The build servers' other form (and Visual Studio's Publish of a profile with EcsDeploy=true): msbuild -t:Publish.
        File.Delete(project.IntermediateFile("ecs/service-definition.json"));
        var msbuild = project.Dotnet("msbuild", "-t:Publish", "-p:Configuration=Release", "-p:PublishProfile=Staging", "-p:EcsDryRun=true", "-nodeReuse:false");

        LocalEcsProjects.AssertSucceeded(msbuild);
        StringAssert.Contains(msbuild.StandardOutput, "Environment Staging (publish profile Properties/PublishProfiles/Staging.pubxml)");
        Assert.AreEqual("staging", (string?)JsonNode.Parse(File.ReadAllText(project.IntermediateFile("ecs/service-definition.json")))!["cluster"]);
    }
}
