using System.Text.Json.Nodes;
using Microsoft.Build.Evaluation;

namespace EcsBuildTasks.EndToEndTests;

/// <summary>
/// A web project with no <c>Ecs*</c> property, built in-process by the SDK's MSBuild: the image repository, and every
/// name from it, is the one the SDK computes for <c>PublishContainer</c>; a name the SDK cannot use is one error.
/// </summary>
[TestClass]
[TestCategory("MSBuild")]
public sealed class ZeroConfigTargetsTests
{
    [TestMethod]
    public void A_project_with_no_Ecs_property_dry_runs_clean_named_as_the_SDK_names_its_image()
    {
        using var project = ThrowawayProject.CreateBare("Orders.Api");

        var run = TargetsTests.Build(project, "EcsGenerateDefinitions;_EcsPrintPlan");

        Assert.IsTrue(run.Succeeded, run.Normal);
        Assert.IsFalse(run.Normal.Contains(": warning ", StringComparison.Ordinal) || run.Normal.Contains(": error ", StringComparison.Ordinal), run.Normal);
        var sdkRepository = SdkContainerRepository(project);
        Assert.AreEqual("orders-api", sdkRepository, "the SDK's own name for the assembly Orders.Api");
        var task = JsonNode.Parse(File.ReadAllText(project.IntermediateFile("ecs/task-definition.json")))!;
        var service = JsonNode.Parse(File.ReadAllText(project.IntermediateFile("ecs/service-definition.json")))!;
        Assert.AreEqual(sdkRepository, (string?)task["family"]);
        Assert.AreEqual(sdkRepository, (string?)task["containerDefinitions"]![0]!["name"]);
        Assert.AreEqual(sdkRepository, (string?)service["serviceName"]);
        StringAssert.EndsWith((string?)task["containerDefinitions"]![0]!["image"], "/orders-api:latest");
        StringAssert.Contains(run.Normal, "the account's ecsTaskExecutionRole, looked up at deploy");
    }

    [TestMethod]
    public void An_assembly_name_the_SDK_cannot_make_an_image_name_of_is_one_error_ECS1150()
    {
        using var project = ThrowawayProject.CreateBare("_Internal");

        var run = TargetsTests.Build(project, "EcsGenerateDefinitions");

        Assert.IsFalse(run.Succeeded);
        // The log lists each error twice: where it happened and in the summary.
        var errors = run.Normal.Split('\n').Where(l => l.Contains(": error ", StringComparison.Ordinal)).Select(l => l.Trim()).Distinct().ToList();
        Assert.HasCount(1, errors, run.Normal);
        StringAssert.Contains(run.Normal, "1 Error(s)");
        StringAssert.Contains(errors[0], "error ECS1150: ContainerRepository: the .NET SDK cannot make an image name of '_Internal'");
        StringAssert.Contains(errors[0], "<ContainerRepository>internal</ContainerRepository>");
    }

    /// <summary>The repository the SDK's ComputeContainerConfig computes for the project (what PublishContainer pushes to).</summary>
    private static string SdkContainerRepository(ThrowawayProject project)
    {
        using var collection = new ProjectCollection(new Dictionary<string, string> { ["Configuration"] = "Release" });
        var instance = collection.LoadProject(project.ProjectFile).CreateProjectInstance();
        Assert.IsTrue(instance.Build(["ComputeContainerConfig"], []));
        return instance.GetPropertyValue("ContainerRepository");
    }
}
