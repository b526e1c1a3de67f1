using System.Globalization;
using EcsBuildTasks.Core.Diagnostics;

namespace EcsBuildTasks.Core.Features.Solution;

/// <summary>
/// How many of a solution publish's deployments MSBuild lets wait for ECS at the same time. A waiting deployment yields
/// its node, but MSBuild's scheduler holds at most a fixed number of requests running or yielded at once: one with
/// <c>-m:1</c>, three with <c>-m:2</c>, <c>-m:N</c> plus two above that, plus the offset in the environment variable
/// <c>MSBUILDNODELIMITOFFSET</c>, and no limit with <c>MSBUILDSCHEDULINGUNLIMITED</c> set. Both variables are read
/// when the build starts, so a publish can only say what to set for the next one.
/// </summary>
internal static class OverlappingWaits
{
    public const string NodeLimitOffsetVariable = "MSBUILDNODELIMITOFFSET";

    public const string SchedulingUnlimitedVariable = "MSBUILDSCHEDULINGUNLIMITED";

    /// <summary>The most requests MSBuild runs or keeps yielded at once; null when it sets no limit.</summary>
    public static int? MostAtOnce(int nodeCount, string? nodeLimitOffset, string? schedulingUnlimited)
    {
        if (!string.IsNullOrEmpty(schedulingUnlimited))
        {
            return null;
        }

        return nodeCount switch
        {
            <= 1 => 1,
            2 => 3 + Offset(nodeLimitOffset),
            _ => nodeCount + 2 + Offset(nodeLimitOffset),
        };
    }

    /// <summary>
    /// ECS7090 when <paramref name="deployments"/> projects deploy but fewer can wait at once: their waits queue behind
    /// each other instead of overlapping. Says what to set so that every wait overlaps.
    /// </summary>
    public static void Check(int deployments, int nodeCount, string? nodeLimitOffset, string? schedulingUnlimited, DiagnosticCollection diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        if (MostAtOnce(nodeCount, nodeLimitOffset, schedulingUnlimited) is not { } most || deployments <= most)
        {
            return;
        }

        var remedy = nodeCount <= 1
            ? $"build with more than one node (drop -m:1, or pass -m:{deployments})"
            : $"set the environment variable {NodeLimitOffsetVariable}={Offset(nodeLimitOffset) + deployments - most} for the publish (MSBuild reads it when the build starts)";
        diagnostics.Warning(
            DiagnosticCodes.DeploymentWaitsQueue,
            NodeLimitOffsetVariable,
            $"this publish deploys {deployments} services, but MSBuild with {nodeCount} node{(nodeCount == 1 ? string.Empty : "s")} runs or holds at most {most} builds at once, so at most {most} deployments wait for ECS at the same time and the others queue behind them. For every wait to overlap, {remedy}.");
    }

    /// <summary>The offset MSBuild adds: the variable's value when it is a positive number, else none.</summary>
    private static int Offset(string? nodeLimitOffset) =>
        int.TryParse(nodeLimitOffset, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) && parsed > 0 ? parsed : 0;
}
