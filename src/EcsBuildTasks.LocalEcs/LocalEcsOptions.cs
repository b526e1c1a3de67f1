using System.Diagnostics.CodeAnalysis;

namespace EcsBuildTasks.LocalEcs;

/// <summary>How to run LocalEcs (command-line options map onto these; see README.md).</summary>
[SuppressMessage("Performance", "CA1515:Consider making public types internal", Justification = "The in-process API for tests and tools.")]
public sealed class LocalEcsOptions
{
    /// <summary>TCP port on localhost for every API, the registry and the control API; 0 picks a free one.</summary>
    public int Port { get; init; } = 4599;

    /// <summary>
    /// Simulated seconds per real second (default 60: a 10-minute bake takes 10 s). 0 is instant mode: every simulated
    /// wait (provisioning, health checks, draining, bake and step times) completes at once, while waits for someone else
    /// (PAUSE and Lambda hook timeouts) still run on the real clock.
    /// </summary>
    public double TimeScale { get; init; } = 60;

    /// <summary>File that persists state across restarts (image blobs go to <c>&lt;file&gt;.blobs/</c>); null keeps state in memory.</summary>
    public string? StateFile { get; init; }

    /// <summary>
    /// Start with empty state: an existing state file and its journal are moved aside (<c>&lt;file&gt;.bak-&lt;time&gt;</c>)
    /// first, so nothing is lost. The way out when the state file cannot be read.
    /// </summary>
    public bool ResetState { get; init; }

    /// <summary>Simulated EC2 container instances in every cluster (for the EC2 launch type and DAEMON services).</summary>
    public int ContainerInstancesPerCluster { get; init; } = 2;

    /// <summary>The clock the simulation derives its time from; tests pass a FakeTimeProvider.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Whether a background loop advances the simulation; tests that drive it step by step turn it off.</summary>
    public bool RunSimulationLoop { get; init; } = true;

    /// <summary>
    /// Checks the roles tasks use against LocalEcs's IAM: a task or execution role of this account must exist and trust
    /// <c>ecs-tasks.amazonaws.com</c>, and the execution role's policies must allow reading the task's secrets. Off by
    /// default: role ARNs are then checked by format only, as LocalEcs always did.
    /// </summary>
    public bool StrictIamRoles { get; init; }

    /// <summary>
    /// An identity-based policy (JSON) every AWS request is authorised against, unless its access key has a policy of its
    /// own (control API); null: no enforcement unless the control API sets policies.
    /// </summary>
    public string? IamPolicy { get; init; }

    /// <summary>Write request and simulation logs to the console (the command line turns this on).</summary>
    public bool ConsoleLogging { get; init; }

    /// <summary>
    /// The build this LocalEcs is started for (its first lease). Set, LocalEcs exits once no build holds a lease, after
    /// <see cref="IdleExitDelay"/>; null (started by hand) it keeps running whatever the builds do.
    /// </summary>
    public LocalEcsBuildLease? StartedForBuild { get; init; }

    /// <summary>How long a LocalEcs started for a build waits, unused, before it exits (a publish right after joins it).</summary>
    public TimeSpan IdleExitDelay { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How often LocalEcs checks that the processes of the builds holding leases still run.</summary>
    public TimeSpan LeaseCheckInterval { get; init; } = TimeSpan.FromMilliseconds(500);
}

/// <summary>A build's lease on LocalEcs: an id the build chose, its process, and what it is (e.g. <c>project Orders</c>).</summary>
[SuppressMessage("Performance", "CA1515:Consider making public types internal", Justification = "The in-process API for tests and tools.")]
public sealed record LocalEcsBuildLease(string Id, int ProcessId, string Holder);
