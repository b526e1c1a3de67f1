using System.Text;
using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Tests.Support;
using EcsBuildTasks.Testing;

namespace EcsBuildTasks.LocalEcs.Tests;

/// <summary>The real .NET SDK builds an image on the built-in base image and pushes it to LocalEcs's registry.</summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed class DotnetPublishTests
{
    [TestMethod]
    public async Task Dotnet_publish_pushes_to_the_registry_and_DescribeImages_shows_the_generated_digest()
    {
        await using var local = await LiveLocalEcs.StartAsync();
        await local.Aws.JsonAsync("ecr", "CreateRepository", new JsonObject { ["repositoryName"] = "app" });
        var token = (await local.Aws.JsonAsync("ecr", "GetAuthorizationToken"))["authorizationData"]![0]!["authorizationToken"]!.GetValue<string>();
        var password = Encoding.UTF8.GetString(Convert.FromBase64String(token))["AWS:".Length..];

        var project = Directory.CreateTempSubdirectory("localecs-publish-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(project, "app.csproj"), """
                <Project Sdk="Microsoft.NET.Sdk.Web">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <Nullable>enable</Nullable>
                  </PropertyGroup>
                </Project>
                """);
            await File.WriteAllTextAsync(Path.Combine(project, "Program.cs"), "var app = WebApplication.Create(args);\napp.MapGet(\"/\", () => \"hello\");\napp.Run();\n");
            var result = ProcessRunner.Run(
                "dotnet",
                ["publish", "-c", "Release", "-t:PublishContainer", $"-p:ContainerRegistry={local.Registry}", $"-p:ContainerBaseImage={local.Registry}/localecs/base:latest",
                 "-p:ContainerRepository=app", "-p:ContainerImageTag=1.0.0", "--getProperty:GeneratedContainerDigest"],
                workingDirectory: project,
                environment: new Dictionary<string, string?>
                {
                    ["DOTNET_CONTAINER_PUSH_REGISTRY_UNAME"] = "AWS",
                    ["DOTNET_CONTAINER_PUSH_REGISTRY_PWORD"] = password,
                    ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
                    ["DOTNET_NOLOGO"] = "1",
                    ["MSBUILDDISABLENODEREUSE"] = "1",
                },
                timeout: TimeSpan.FromMinutes(5));
            Assert.AreEqual(0, result.ExitCode, result.ToString());
            var digest = result.StandardOutput.Trim().Split('\n')[^1].Trim();
            StringAssert.StartsWith(digest, "sha256:", result.ToString());

            var images = await local.Aws.JsonAsync("ecr", "DescribeImages", new JsonObject { ["repositoryName"] = "app" });
            var image = images["imageDetails"]!.AsArray().Single()!;
            Assert.AreEqual(digest, image["imageDigest"]!.GetValue<string>());
            Assert.AreEqual("1.0.0", image["imageTags"]![0]!.GetValue<string>());

            // Without credentials the same push is refused (401 with a Basic challenge, which the SDK reports).
            var refused = ProcessRunner.Run(
                "dotnet",
                ["publish", "-c", "Release", "--no-restore", "-t:PublishContainer", $"-p:ContainerRegistry={local.Registry}", $"-p:ContainerBaseImage={local.Registry}/localecs/base:latest", "-p:ContainerRepository=app", "-p:ContainerImageTag=1.0.1"],
                workingDirectory: project,
                environment: new Dictionary<string, string?> { ["DOTNET_CONTAINER_PUSH_REGISTRY_UNAME"] = null, ["DOTNET_CONTAINER_PUSH_REGISTRY_PWORD"] = null, ["DOCKER_CONFIG"] = project, ["MSBUILDDISABLENODEREUSE"] = "1" },
                timeout: TimeSpan.FromMinutes(5));
            Assert.AreNotEqual(0, refused.ExitCode, refused.ToString());
            StringAssert.Contains(refused.Output, "CONTAINER1013");
        }
        finally
        {
            Directory.Delete(project, recursive: true);
        }
    }
}
