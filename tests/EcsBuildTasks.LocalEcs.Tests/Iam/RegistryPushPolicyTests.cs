using System.Text;
using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Tests.Support;
using EcsBuildTasks.Testing;

namespace EcsBuildTasks.LocalEcs.Tests.Iam;

/// <summary>The .NET SDK's image push under an enforced IAM policy: ECR's push actions, no more, are what it needs.</summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed class RegistryPushPolicyTests
{
    private const string Key = "AKIAIMAGEPUSHER00001";

    [TestMethod]
    public async Task A_push_needs_exactly_ECRs_push_actions_on_the_repository_and_fails_without_PutImage()
    {
        await using var local = await LiveLocalEcs.StartAsync();
        await local.Aws.JsonAsync("ecr", "CreateRepository", new JsonObject { ["repositoryName"] = "app" });
        using var pusher = new AwsClient(local.Server.BaseUrl, accessKeyId: Key);
        await SetPolicyAsync(local, ["ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage"]);

        var project = Directory.CreateTempSubdirectory("localecs-iam-push-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(project, "app.csproj"), """
                <Project Sdk="Microsoft.NET.Sdk.Web">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                  </PropertyGroup>
                </Project>
                """);
            await File.WriteAllTextAsync(Path.Combine(project, "Program.cs"), "var app = WebApplication.Create(args);\napp.Run();\n");
            var pushed = await PublishAsync(local, pusher, project, "1.0.0", restore: true);
            Assert.AreEqual(0, pushed.ExitCode, pushed.ToString());

            var (_, body) = await local.Aws.ControlAsync(HttpMethod.Get, "iam/usage?accessKeyId=" + Key);
            var usage = JsonNode.Parse(body)!;
            var actions = usage["requests"]!.AsArray().Where(r => r!["allowed"]!.GetValue<int>() > 0).Select(r => r!["action"]!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
            CollectionAssert.AreEquivalent(
                new[] { "ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage" },
                actions.ToList(), string.Join(", ", actions));
            Assert.AreEqual(0, usage["unused"]![Key]!.AsArray().Count, "every granted action was needed: " + usage["unused"]);

            await SetPolicyAsync(local, ["ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload"]);
            var refused = await PublishAsync(local, pusher, project, "1.0.1", restore: false);
            Assert.AreNotEqual(0, refused.ExitCode, refused.ToString());
            StringAssert.Contains(refused.Output, "Forbidden", "the registry refuses the manifest (ecr:PutImage) as ECR does");
            var denied = JsonNode.Parse((await local.Aws.ControlAsync(HttpMethod.Get, "iam/usage?accessKeyId=" + Key)).Body)!["requests"]!.AsArray()
                .Single(r => r!["action"]!.GetValue<string>() == "ecr:PutImage")!;
            Assert.AreEqual(1, denied["denied"]!.GetValue<int>());
        }
        finally
        {
            Directory.Delete(project, recursive: true);
        }
    }

    /// <summary>The token action on <c>*</c> and the given push actions on the one repository, for <see cref="Key"/>.</summary>
    private static async Task SetPolicyAsync(LiveLocalEcs local, string[] repositoryActions)
    {
        var statements = new JsonArray(
            new JsonObject { ["Sid"] = "Token", ["Effect"] = "Allow", ["Action"] = "ecr:GetAuthorizationToken", ["Resource"] = "*" },
            new JsonObject { ["Sid"] = "Push", ["Effect"] = "Allow", ["Action"] = new JsonArray(repositoryActions.Select(a => (JsonNode?)a).ToArray()), ["Resource"] = "arn:aws:ecr:us-east-1:123456789012:repository/app" });
        var (status, body) = await local.Aws.ControlAsync(HttpMethod.Post, "iam/policies", new JsonObject
        {
            ["accessKeyId"] = Key,
            ["policy"] = new JsonObject { ["Version"] = "2012-10-17", ["Statement"] = statements },
        });
        Assert.AreEqual(System.Net.HttpStatusCode.OK, status, body);
    }

    private static async Task<ProcessResult> PublishAsync(LiveLocalEcs local, AwsClient pusher, string project, string tag, bool restore)
    {
        var token = (await pusher.JsonAsync("ecr", "GetAuthorizationToken"))["authorizationData"]![0]!["authorizationToken"]!.GetValue<string>();
        var password = Encoding.UTF8.GetString(Convert.FromBase64String(token))["AWS:".Length..];
        List<string> arguments = ["publish", "-c", "Release", "-t:PublishContainer", $"-p:ContainerRegistry={local.Registry}", $"-p:ContainerBaseImage={local.Registry}/localecs/base:latest",
            "-p:ContainerRepository=app", $"-p:ContainerImageTag={tag}"];
        if (!restore)
        {
            arguments.Add("--no-restore");
        }

        return ProcessRunner.Run("dotnet", arguments, workingDirectory: project, environment: new Dictionary<string, string?>
        {
            ["DOTNET_CONTAINER_PUSH_REGISTRY_UNAME"] = "AWS",
            ["DOTNET_CONTAINER_PUSH_REGISTRY_PWORD"] = password,
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            ["MSBUILDDISABLENODEREUSE"] = "1",
        }, timeout: TimeSpan.FromMinutes(5));
    }
}
