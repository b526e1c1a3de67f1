using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Settings;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Core.Tests.Release;

/// <summary>
/// Environments as publish profiles (issue 14, item 5): an item a profile repeats replaces the project's; a profile
/// that does not exist is an error; the plan and the result name the environment.
/// </summary>
[TestClass]
public sealed class EnvironmentTests
{
    private const string ProjectFile = "/src/api/api.csproj";
    private const string StagingProfile = "/src/api/Properties/PublishProfiles/Staging.pubxml";

    [TestMethod]
    public void An_item_a_publish_profile_repeats_replaces_the_projects_item_of_the_same_Include()
    {
        var input = TestInputs.ValidFargate()
            .Add(EcsProperties.EnvironmentVariableItem, "ASPNETCORE_ENVIRONMENT", ("Value", "Production"), (EcsProperties.ItemDefinedInMetadata, ProjectFile))
            .Add(EcsProperties.EnvironmentVariableItem, "Greeting", ("Value", "hello"), (EcsProperties.ItemDefinedInMetadata, ProjectFile))
            .Add(EcsProperties.EnvironmentVariableItem, "ASPNETCORE_ENVIRONMENT", ("Value", "Staging"), (EcsProperties.ItemDefinedInMetadata, StagingProfile));

        var definitions = LocalEcsHarness.Generate(input);

        var environment = definitions.MainContainer.Environment!.ToDictionary(e => e.Name!, e => e.Value);
        Assert.AreEqual("Staging", environment["ASPNETCORE_ENVIRONMENT"]);
        Assert.AreEqual("hello", environment["Greeting"]);
    }

    [TestMethod]
    public void An_item_repeated_in_one_file_is_still_a_duplicate()
    {
        var input = TestInputs.ValidFargate()
            .Add(EcsProperties.EnvironmentVariableItem, "ASPNETCORE_ENVIRONMENT", ("Value", "Production"), (EcsProperties.ItemDefinedInMetadata, ProjectFile))
            .Add(EcsProperties.EnvironmentVariableItem, "ASPNETCORE_ENVIRONMENT", ("Value", "Staging"), (EcsProperties.ItemDefinedInMetadata, ProjectFile));

        TestInputs.AssertRejected(input, "twice in the project file", "ECS0008", "EcsEnvironmentVariable 'ASPNETCORE_ENVIRONMENT'");
    }

    [TestMethod]
    public void A_publish_profile_that_does_not_exist_is_ECS7003_listing_the_projects_profiles()
    {
        var directory = Directory.CreateTempSubdirectory("ecs-profiles-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(directory, "Properties", "PublishProfiles"));
            File.WriteAllText(Path.Combine(directory, "Properties", "PublishProfiles", "Staging.pubxml"), "<Project />");
            var input = TestInputs.ValidFargate(directory).Set(EcsProperties.SdkPublishProfileName, "Stagin").Set(EcsProperties.SdkPublishProfileImported, "false");

            var error = TestInputs.AssertRejected(input, "a misspelt profile", "ECS7003", "PublishProfile");

            StringAssert.Contains(error.Message, "no Properties/PublishProfiles/Stagin.pubxml");
            StringAssert.Contains(error.Message, "The project's profiles: Staging.");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [TestMethod]
    public async Task The_plan_and_the_result_name_the_environment_deployed()
    {
        var input = TestInputs.ValidFargate().Set(EcsProperties.SdkPublishProfileName, "Staging").Set(EcsProperties.SdkPublishProfileImported, "true");
        var plan = string.Join("\n", PlanSummary.Lines(LocalEcsHarness.Generate(input), new DefinitionFiles("t", "s", "p")));
        StringAssert.Contains(plan, "Environment Staging (publish profile Properties/PublishProfiles/Staging.pubxml)");

        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var report = await env.DeployAsync((await env.ProjectAsync("staged")).Set(EcsProperties.SdkPublishProfileName, "Staging"));

        Assert.AreEqual("Staging", report.Result.Environment);
        StringAssert.Contains(string.Join("\n", report.Result.SummaryLines()), "Environment     Staging (publish profile)");
        StringAssert.Contains(report.Result.Markdown(), "### ECS deployment of `staged` to Staging:");
    }

    [TestMethod]
    public void The_Web_SDKs_Default_profile_is_no_environment_unless_the_project_has_one()
    {
        var input = TestInputs.ValidFargate(Path.GetTempPath()).Set(EcsProperties.SdkPublishProfileName, "Default").Set(EcsProperties.SdkPublishProfileImported, "true");

        var definitions = LocalEcsHarness.Generate(input);

        Assert.IsNull(definitions.Settings.Release.Environment, "a publish without -p:PublishProfile names no environment");
    }
}
