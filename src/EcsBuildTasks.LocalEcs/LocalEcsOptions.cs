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

    /// <summary>Write request and simulation logs to the console (the command line turns this on).</summary>
    public bool ConsoleLogging { get; init; }
}
