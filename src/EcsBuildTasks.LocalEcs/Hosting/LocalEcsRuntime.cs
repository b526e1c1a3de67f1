using EcsBuildTasks.LocalEcs.Iam;
using EcsBuildTasks.LocalEcs.Iam.Authorization;
using EcsBuildTasks.LocalEcs.Registry;
using EcsBuildTasks.LocalEcs.Services.AutoScaling;
using EcsBuildTasks.LocalEcs.Services.CloudMap;
using EcsBuildTasks.LocalEcs.Services.CloudWatch;
using EcsBuildTasks.LocalEcs.Services.Ec2;
using EcsBuildTasks.LocalEcs.Services.Ecr;
using EcsBuildTasks.LocalEcs.Services.Ecs;
using EcsBuildTasks.LocalEcs.Services.Elbv2;
using EcsBuildTasks.LocalEcs.Services.Iam;
using EcsBuildTasks.LocalEcs.Services.Logs;
using EcsBuildTasks.LocalEcs.Services.Route53;
using EcsBuildTasks.LocalEcs.Services.SecretsManager;
using EcsBuildTasks.LocalEcs.Services.Ssm;
using EcsBuildTasks.LocalEcs.Services.Sts;
using EcsBuildTasks.LocalEcs.Simulation;
using EcsBuildTasks.LocalEcs.State;
using Microsoft.Extensions.Logging;

namespace EcsBuildTasks.LocalEcs.Hosting;

/// <summary>Everything one LocalEcs instance is made of: state, clocks, storage, the simulation and the APIs.</summary>
internal sealed class LocalEcsRuntime
{
    public LocalEcsRuntime(LocalEcsOptions options, int port, ILoggerFactory loggers)
    {
        Options = options;
        Port = port;
        RealTime = options.TimeProvider;
        Store = new StateStore(options.StateFile, RealTime, loggers.CreateLogger<StateStore>());
        StateBackups = options.ResetState ? Store.MoveAside() : [];
        State = Store.Load();
        Clock = new SimulationClock(RealTime, options.TimeScale, State.SimulatedNow);
        Blobs = new BlobStore(Store.BlobDirectory);
        Engine = new SimulationEngine(this, loggers.CreateLogger<SimulationEngine>());
        Leases = new BuildLeases(RealTime, options.StartedForBuild is { } build ? new BuildLease(build.Id, build.ProcessId, build.Holder, null, RealTime.GetUtcNow()) : null, options.IdleExitDelay);
        Authorizer = new IamAuthorizer(options.IamPolicy);
        Apis =
        [
            new EcsApi(this),
            new EcrApi(this),
            new Elbv2Api(),
            new CloudMapApi(),
            new AutoScalingApi(),
            new CloudWatchApi(),
            new LogsApi(),
            new StsApi(Authorizer),
            new Ec2Api(),
            new Route53Api(this),
            new IamApi(Authorizer),
            new SecretsManagerApi(),
            new SsmApi(),
        ];
        lock (State.Sync)
        {
            BaseImage.Install(State, Blobs, Clock.Now);
            IamDefaults.Install(State, Clock.Now);
        }

        // A snapshot of what was loaded (journal replayed) starts the chain every later journal record applies to.
        Store.Save(State, Clock.Now);
    }

    /// <summary>The state file and journal moved aside because <see cref="LocalEcsOptions.ResetState"/> was set.</summary>
    public IReadOnlyList<string> StateBackups { get; }

    public LocalEcsOptions Options { get; }

    public int Port { get; }

    /// <summary>The registry's name as image references and the .NET SDK use it (<c>localhost:</c> means insecure, HTTP).</summary>
    public string RegistryHost => $"localhost:{Port}";

    /// <summary>The real clock (fault latencies, token lifetimes, save debouncing).</summary>
    public TimeProvider RealTime { get; }

    public SimulationClock Clock { get; }

    public AccountState State { get; }

    public StateStore Store { get; }

    public BlobStore Blobs { get; }

    public RegistryCredentials Credentials { get; } = new();

    public FaultInjector Faults { get; } = new();

    /// <summary>How long Route 53 changes take to become INSYNC when a test or user sets it (control API <c>/_localecs/route53/propagation</c>).</summary>
    public Route53Propagation Route53Propagation { get; } = new();

    public SimulationEngine Engine { get; }

    /// <summary>The builds using this LocalEcs (control API <c>/_localecs/leases</c>).</summary>
    public BuildLeases Leases { get; }
    /// <summary>IAM policy enforcement and the record of what requests needed.</summary>
    public IamAuthorizer Authorizer { get; }

    /// <summary>Counts, weights and stages over time, sampled by the simulation for the dashboard.</summary>
    public Dashboard.DeploymentHistory History { get; } = new();

    public IReadOnlyList<Hosting.IAwsApi> Apis { get; }

    /// <summary>Forgets every resource, image and fault; the base image and default networks come back.</summary>
    public void Reset()
    {
        lock (State.Sync)
        {
            State.Regions.Clear();
            State.Repositories.Clear();
            State.ContainerInstanceCounts.Clear();
            State.LambdaHookResults.Clear();
            State.EcsAccountSettings.Clear();
            State.Route53 = new();
            Blobs.Clear();
            BaseImage.Install(State, Blobs, Clock.Now);
            State.Iam = new();
            IamDefaults.Install(State, Clock.Now);
        }

        Faults.Clear();
        Route53Propagation.Clear();
        Authorizer.Reset();
    }

    /// <summary>
    /// Makes a change done outside the AWS APIs (control API, registry) durable before it is acknowledged: records it in
    /// the journal and waits until the journal is on disk.
    /// </summary>
    public Task PersistAsync()
    {
        long sequence;
        lock (State.Sync)
        {
            sequence = Store.Record(State, Clock.Now);
        }

        return Store.FlushAsync(sequence);
    }

    /// <summary>Container instances a cluster should have (control API override, else the option).</summary>
    public int ContainerInstanceCount(string clusterArn) =>
        State.ContainerInstanceCounts.TryGetValue(clusterArn, out var count) ? count : Options.ContainerInstancesPerCluster;
}
