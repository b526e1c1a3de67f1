using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Features.Solution;

namespace EcsBuildTasks.Core.Tests.Release;

/// <summary>
/// ECS7090: a solution publish deploying more services than MSBuild lets wait at once (its scheduler holds at most
/// nodes + 1 requests running or yielded with -m:2) says which variable to set so that every wait overlaps.
/// </summary>
[TestClass]
public sealed class OverlappingWaitsTests
{
    [TestMethod]
    [DataRow(1, null, null, 1)]
    [DataRow(2, null, null, 3)]
    [DataRow(4, null, null, 6)]
    [DataRow(2, "8", null, 11)]
    [DataRow(2, "not a number", null, 3)]
    [DataRow(2, "-1", null, 3)]
    public void MSBuild_holds_nodes_plus_one_or_two_requests_at_once_plus_the_offset(int nodes, string? offset, string? unlimited, int most) =>
        Assert.AreEqual(most, OverlappingWaits.MostAtOnce(nodes, offset, unlimited));

    [TestMethod]
    public void Scheduling_unlimited_sets_no_limit() => Assert.IsNull(OverlappingWaits.MostAtOnce(2, null, "1"));

    [TestMethod]
    public void Ten_services_on_two_nodes_is_ECS7090_naming_the_offset_that_lets_every_wait_overlap()
    {
        var diagnostics = new DiagnosticCollection();

        OverlappingWaits.Check(10, 2, null, null, diagnostics);

        var warning = diagnostics.Single();
        Assert.AreEqual("ECS7090", warning.Code);
        Assert.IsFalse(warning.IsError, "a slower publish is not a failed one");
        Assert.AreEqual("MSBUILDNODELIMITOFFSET", warning.Subject);
        StringAssert.Contains(warning.Message, "deploys 10 services");
        StringAssert.Contains(warning.Message, "at most 3 deployments wait for ECS at the same time");
        StringAssert.Contains(warning.Message, "MSBUILDNODELIMITOFFSET=7");
    }

    [TestMethod]
    public void An_offset_too_small_names_the_whole_offset_needed()
    {
        var diagnostics = new DiagnosticCollection();

        OverlappingWaits.Check(10, 2, "3", null, diagnostics);

        StringAssert.Contains(diagnostics.Single().Message, "MSBUILDNODELIMITOFFSET=7");
    }

    [TestMethod]
    public void One_node_is_told_to_build_with_more_nodes()
    {
        var diagnostics = new DiagnosticCollection();

        OverlappingWaits.Check(3, 1, null, null, diagnostics);

        StringAssert.Contains(diagnostics.Single().Message, "-m:3");
    }

    [TestMethod]
    [DataRow(3, 2, null, null)]
    [DataRow(10, 2, "7", null)]
    [DataRow(10, 2, null, "1")]
    [DataRow(10, 8, null, null)]
    public void Nothing_is_said_when_every_wait_can_overlap(int deployments, int nodes, string? offset, string? unlimited)
    {
        var diagnostics = new DiagnosticCollection();

        OverlappingWaits.Check(deployments, nodes, offset, unlimited, diagnostics);

        Assert.AreEqual(0, diagnostics.Count);
    }
}
