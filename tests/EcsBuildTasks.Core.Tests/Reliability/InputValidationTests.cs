using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Engine;

namespace EcsBuildTasks.Core.Tests.Reliability;

/// <summary>
/// Inputs AWS or the SDK would refuse only after something changed (issue 16, item 5), refused by the dry run's
/// generation with a code naming the property or file, before any AWS call.
/// </summary>
[TestClass]
public sealed class InputValidationTests
{
    [TestMethod]
    [DataRow("nowhere-1")]
    [DataRow("US-EAST-1")]
    [DataRow("us_east_1")]
    [DataRow("us-east")]
    [DataRow("useast1")]
    public void A_region_that_is_not_shaped_like_an_AWS_region_is_ECS0013(string region)
    {
        var error = TestInputs.AssertRejected(TestInputs.ValidFargate().Set("EcsRegion", region), region, "ECS0013", "EcsRegion");

        StringAssert.Contains(error.Message, "us-east-1");
    }

    [TestMethod]
    [DataRow("us-east-1")]
    [DataRow("eu-central-2")]
    [DataRow("ap-southeast-5")]
    [DataRow("us-gov-west-1")]
    [DataRow("us-isob-east-1")]
    [DataRow("il-central-1")]
    public void Real_region_names_are_accepted(string region)
    {
        var diagnostics = new DiagnosticCollection();

        Assert.IsNotNull(Project.Generate(TestInputs.ValidFargate().Set("EcsRegion", region), diagnostics), string.Join("\n", diagnostics));
    }

    [TestMethod]
    [DataRow("my log group")]
    [DataRow("/ecs/orders?")]
    [DataRow("/ecs/ördérs")]
    public void A_log_group_name_CloudWatch_Logs_refuses_is_ECS0014(string name)
    {
        var error = TestInputs.AssertRejected(TestInputs.ValidFargate().Set("EcsLogGroup", name), name, "ECS0014", "EcsLogGroup");

        StringAssert.Contains(error.Message, name);
    }

    [TestMethod]
    public void A_valid_log_group_name_with_every_allowed_character_is_accepted()
    {
        var diagnostics = new DiagnosticCollection();

        Assert.IsNotNull(Project.Generate(TestInputs.ValidFargate().Set("EcsLogGroup", "/ecs/Orders_v2.api-#1"), diagnostics), string.Join("\n", diagnostics));
    }

    [TestMethod]
    [DataRow("v1;bad tag", "bad tag")]
    [DataRow("-leading-dash", "-leading-dash")]
    [DataRow(".hidden", ".hidden")]
    [DataRow("v1;release/1.0", "release/1.0")]
    public void An_image_tag_Docker_refuses_is_ECS0015_in_the_dry_run(string tags, string bad)
    {
        var error = TestInputs.AssertRejected(TestInputs.ValidFargate().Set("EcsImageTags", tags), tags, "ECS0015", "EcsImageTags");

        StringAssert.Contains(error.Message, $"'{bad}'");
    }

    [TestMethod]
    public void A_template_with_a_member_given_twice_is_ECS0005_naming_the_file_not_a_crash()
    {
        var directory = Directory.CreateTempSubdirectory("ecs-dup-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(directory, "task.json"), """{"family": "a", "cpu": "512", "cpu": "1024"}""");

            var error = TestInputs.AssertRejected(TestInputs.ValidFargate(directory).Set("EcsTaskDefinitionTemplate", "task.json"), "duplicate member", "ECS0005", "EcsTaskDefinitionTemplate");

            StringAssert.Contains(error.Message, "task.json");
            StringAssert.Contains(error.Message, "cpu");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
