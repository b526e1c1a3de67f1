using EcsBuildTasks.Core.Features.Results;
using EcsBuildTasks.Core.Features.TaskDefinitions;
using EcsBuildTasks.Core.Features.Verification;
using EcsBuildTasks.Core.Features.VersionedServices;

namespace EcsBuildTasks.Core.Strategies.Versioned;

/// <summary>What a versioned deployment applied: the new version at 0 tasks, the old versions' counts and auto scaling to return to.</summary>
internal sealed class VersionedDeployment : AppliedDeployment
{
    public required VersionSet Versions { get; init; }

    public required RegisteredTaskDefinition Registered { get; init; }

    /// <summary>The version this deployment brings; null when nothing changed.</summary>
    public ServiceVersion? NewVersion { get; init; }

    /// <summary>The versions that served before, oldest first, with their counts: what a rollback restores.</summary>
    public IReadOnlyList<VersionCount> OldCounts { get; init; } = [];

    public IReadOnlyList<ScalingBackup> ScalingBackups { get; init; } = [];

    public int TargetCount { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public long Started { get; init; }

    public bool Wait { get; init; } = true;

    /// <summary>True when the served version already runs this build's revision and configuration.</summary>
    public bool Unchanged => NewVersion is null;

    public override bool NeedsMonitoring => !Unchanged && Wait;

    /// <summary>The old versions' auto scaling is deregistered (and must be restored if the deployment does not finish).</summary>
    public bool ScalingRemoved { get; set; }

    /// <summary>Where it failed (a phase's name, or the swap), when it did.</summary>
    public string? FailedAt { get; set; }

    public string? FailureDetail { get; set; }

    public DeploymentOutcome? FailureOutcome { get; set; }

    /// <summary>Records where and why the deployment failed (what the report says) and returns <paramref name="outcome"/>.</summary>
    public DeploymentOutcome Fail(string at, string detail, DeploymentOutcome outcome)
    {
        FailedAt = at;
        FailureDetail = detail;
        FailureOutcome = outcome;
        return outcome;
    }

    /// <summary>The coded error of an AWS step that stopped the deployment (a Route 53 change never INSYNC, ECS4240): the build fails with its code.</summary>
    public Diagnostics.EcsDiagnostic? FailureCause { get; set; }

    public List<GateResult> Gates { get; } = [];

    /// <summary>VersionedBlueGreen: the production and stage rules as they were before the deployment.</summary>
    public SwapWiring? Wiring { get; init; }

    /// <summary>VersionedBlueGreen: production forwards to the new version's target group.</summary>
    public bool Swapped { get; set; }

    /// <summary>DnsBlueGreen: the weighted records and the weights they had before the deployment.</summary>
    public DnsBlueGreen.DnsTraffic? Dns { get; init; }

    public RestoreResult? Restore { get; set; }

    /// <summary>Lines of what happened at each phase, for the summary (and the tests).</summary>
    public List<string> History { get; } = [];

    /// <summary>The phases (steps) the deployment went through, timed from <see cref="StartedAt"/>: the timeline of the result.</summary>
    public List<StageTiming> Phases { get; } = [];

    private (string Name, TimeSpan At, double? Weight)? openPhase;

    /// <summary>
    /// A new phase begins now (the one before it ends): <paramref name="productionWeight"/> is the new version's share
    /// of production traffic (of the tasks, for a strategy that shifts none) during it.
    /// </summary>
    public void BeginPhase(TimeProvider time, string name, double? productionWeight)
    {
        ArgumentNullException.ThrowIfNull(time);
        EndPhase(time, "SUCCESSFUL");
        openPhase = (name, time.GetElapsedTime(Started), productionWeight);
    }

    /// <summary>The phase under way ends now with <paramref name="status"/> (FAILED where the deployment failed).</summary>
    public void EndPhase(TimeProvider time, string status)
    {
        ArgumentNullException.ThrowIfNull(time);
        if (openPhase is not { } phase)
        {
            return;
        }

        openPhase = null;
        var seconds = (time.GetElapsedTime(Started) - phase.At).TotalSeconds;
        Phases.Add(new StageTiming(phase.Name, status, Math.Round(phase.At.TotalSeconds, 1), Math.Round(seconds, 1), phase.Weight, null));
    }
}

/// <summary>A rollback <c>-t:EcsRollback</c> made: the versions brought back and the one taken out of service.</summary>
internal sealed class VersionedRollback(string from, RestoreResult restore, DeploymentOutcome outcome) : AppliedDeployment
{
    public string From { get; } = from;

    public RestoreResult Restore { get; } = restore;

    public DeploymentOutcome Outcome { get; } = outcome;

    public override bool NeedsMonitoring => false;
}
