using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Tests;

/// <summary>The versioned strategies' settings that are refused before anything in AWS changes, one per code.</summary>
[TestClass]
public sealed class VersionedConfigurationTests
{
    [TestMethod]
    public void A_phase_with_both_a_count_and_a_percent_is_refused() =>
        TestInputs.AssertRejected(Versioned().Add(EcsProperties.PhaseItem, "canary", ("Count", "1"), ("Percent", "25")), "count and percent", "ECS4100", "EcsPhase 'canary'");

    [TestMethod]
    public void Phases_that_do_not_end_at_100_percent_or_go_down_are_refused()
    {
        TestInputs.AssertRejected(Versioned().Add(EcsProperties.PhaseItem, "half", ("Percent", "50")), "ends at 50%", "ECS4101", "EcsPhase 'half'");
        TestInputs.AssertRejected(
            Versioned().Add(EcsProperties.PhaseItem, "half", ("Percent", "50")).Add(EcsProperties.PhaseItem, "less", ("Percent", "25")).Add(EcsProperties.PhaseItem, "all", ("Percent", "100")),
            "goes down", "ECS4101", "EcsPhase 'less'");
    }

    [TestMethod]
    public void A_phase_count_above_the_target_is_refused() =>
        TestInputs.AssertRejected(Versioned().Set("EcsDesiredCount", "2").Add(EcsProperties.PhaseItem, "big", ("Count", "5")), "count above target", "ECS4102", "EcsPhase 'big'");

    [TestMethod]
    public void Keeping_no_old_version_is_refused() =>
        TestInputs.AssertRejected(Versioned().Set("EcsKeepVersions", "0"), "keep 0", "ECS4103", "EcsKeepVersions");

    [TestMethod]
    public void A_daemon_cannot_be_versioned() =>
        TestInputs.AssertRejected(TestInputs.ValidDaemon().Set("EcsDeploymentStrategy", "Versioned"), "daemon", "ECS4104", "EcsSchedulingStrategy");

    [TestMethod]
    public void VersionedBlueGreen_without_the_second_target_group_is_refused() =>
        TestInputs.AssertRejected(
            TestInputs.ValidFargate().Set("EcsDeploymentStrategy", "VersionedBlueGreen").Set("EcsTargetGroupArn", TestInputs.TargetGroup)
                .Set("EcsProductionListenerRuleArn", "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/web/0123456789abcdef/0123456789abcdef/0123456789abcdef")
                .Set("EcsTestListenerRuleArn", "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/web/0123456789abcdef/fedcba9876543210/0123456789abcdef"),
            "one target group", "ECS4105", "EcsAlternateTargetGroupArn");

    private static SettingsInput Versioned() => TestInputs.ValidFargate().Set("EcsDeploymentStrategy", "Versioned");
}
