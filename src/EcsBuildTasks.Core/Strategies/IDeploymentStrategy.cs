using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Features.Concurrency;
using EcsBuildTasks.Core.Features.IamPolicy;
using EcsBuildTasks.Core.Features.Plan;
using EcsBuildTasks.Core.Features.Preflight;
using EcsBuildTasks.Core.Features.Results;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Strategies;

/// <summary>
/// A way of deploying (<c>EcsDeploymentStrategy</c>). The registry (<see cref="DeploymentStrategies"/>) picks one,
/// once, from the settings; from then on the engine asks it, and only it, every question whose answer depends on the
/// strategy, in this order:
/// <list type="number">
/// <item><b>plan</b>: what it writes into and checks on the service definition, and the plan's lines
/// (<see cref="IStrategyDefinitions"/>: no AWS call);</item>
/// <item><b>live plan</b>: what applying would change and call, resource by resource, against the live state; read-only
/// calls only (<see cref="PlanAsync"/>, for <c>EcsDryRun</c> with live reads);</item>
/// <item><b>preflight</b>: read-only checks of what it deploys to, with the common preflight
/// (<see cref="IServicePreflight.PreflightAsync"/>);</item>
/// <item><b>apply</b>: makes the change, composing the shared building blocks it needs (task definition registration,
/// pre-deploy tasks, Cloud Map and Service Connect, auto scaling suspension, ...) (<see cref="ApplyAsync"/>);</item>
/// <item><b>monitor</b>: follows what it applied until a verdict (<see cref="MonitorAsync"/>);</item>
/// <item><b>roll back</b>: when the verdict asks the build to, and for <c>-t:EcsRollback</c> (<see cref="RollbackAsync"/>);
/// a rollback is itself something applied, monitored and reported;</item>
/// <item><b>report</b>: the result document, the summary and the error that fails the build (<see cref="ReportAsync"/>).</item>
/// </list>
/// <c>-t:EcsStatus</c> asks <see cref="StatusAsync"/>. A strategy owns what it deploys to: one ECS service updated in
/// place (Rolling, BlueGreen, Canary, Linear), but equally versioned services, DNS weights or an Express service.
/// </summary>
internal interface IDeploymentStrategy : IStrategyDefinitions, IServicePreflight
{
    /// <summary>
    /// The steps of a deployment with the durations the project configures (bakes, a canary's or linear steps'
    /// intervals, pauses) and the production weight during each, for the plan's timeline chart; none by default.
    /// </summary>
    IReadOnlyList<PlannedStep> PlannedSteps(GeneratedDefinitions definitions) => [];

    /// <summary>
    /// The deployments going on where this strategy deploys (the service it updates, the services it shifts between),
    /// which someone else started: before <see cref="ApplyAsync"/> the engine waits until there are none, or fails the
    /// build (<c>EcsConcurrentDeployment</c>), so that a build never changes a service under another build's deployment.
    /// A strategy that cannot tell answers none.
    /// </summary>
    Task<IReadOnlyList<InFlightDeployment>> DeploymentsInFlightAsync(DeploymentContext context, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<InFlightDeployment>>([]);

    /// <summary>
    /// What <see cref="ApplyAsync"/> would change and call, for every resource the strategy deploys to (its own ones too:
    /// listener rules, versioned services, ...), compared field by field with the live state. Only reads: the engine runs
    /// it on a session that refuses anything else. A strategy that does not compare its own resources yet answers so
    /// (this default), and the plan says it.
    /// </summary>
    Task<IReadOnlyList<ResourcePlan>> PlanAsync(DeploymentContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Task.FromResult<IReadOnlyList<ResourcePlan>>(
        [
            new ResourcePlan("deployment", context.Definitions.Service.ServiceName ?? "(service)", PlanAction.NotPlanned, [], [])
            {
                Note = "this strategy does not compare its resources with the live state yet: a deploy decides what it changes",
            },
        ]);
    }

    /// <summary>
    /// The IAM statements the strategy's own calls need, for <c>-t:EcsIamPolicy</c>: every action its plan, preflight,
    /// apply, monitor, rollback and report call on the resources it deploys to (services, versions, listener rules, DNS
    /// records, Express services, daemons, ...), on ARNs as tight as <paramref name="scope"/> lets it derive, <c>*</c>
    /// only where AWS takes no resource or chooses the ids (said in the <c>Sid</c>); what only a failure calls is marked
    /// <c>OnlyOnFailure</c>. The generator adds what every deployment calls (cluster, image, log groups, secrets and roles,
    /// network lookups, the task roles' <c>iam:PassRole</c>). LocalEcs's IAM enforcement proves each strategy's
    /// deployment under the policy; compose <see cref="ServiceStatements"/> where the strategy deploys ECS services.
    /// </summary>
    IEnumerable<PolicyStatement> IamStatements(IamScope scope);

    /// <summary>Makes the change (or finds there is none) and returns what to follow.</summary>
    Task<AppliedDeployment> ApplyAsync(DeploymentContext context, CancellationToken cancellationToken);

    /// <summary>Follows <paramref name="deployment"/> until a verdict: an outcome, or that the build must roll it back.</summary>
    Task<DeploymentVerdict> MonitorAsync(DeploymentContext context, AppliedDeployment deployment, CancellationToken cancellationToken);

    /// <summary>
    /// Rolls back <paramref name="deployment"/>, which this build applied and whose verdict asks for it; or, with null
    /// (<c>-t:EcsRollback</c>), returns what the project deployed last to where it was before. Returns what to follow to
    /// the verdict: the same deployment, watched on, or a new one (which the engine disposes once followed).
    /// </summary>
    Task<AppliedDeployment> RollbackAsync(DeploymentContext context, AppliedDeployment? deployment, CancellationToken cancellationToken);

    /// <summary>
    /// The result of <paramref name="deployment"/> and, when it did not succeed, the error that fails the build; also
    /// the steps that follow a verdict (failure diagnostics, configuring auto scaling after a success).
    /// <paramref name="verdict"/> is null when there was nothing to follow.
    /// </summary>
    Task<DeploymentReport> ReportAsync(DeploymentContext context, AppliedDeployment deployment, DeploymentVerdict? verdict, CancellationToken cancellationToken);

    /// <summary>What <c>-t:EcsStatus</c> prints: where the deployed resources stand.</summary>
    Task<IReadOnlyList<string>> StatusAsync(DeploymentContext context, CancellationToken cancellationToken);

    /// <summary>The <c>aws …</c> command that shows where the deployment stands, for when the build stops following it.</summary>
    string FollowCommand(DeploymentContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return $"aws ecs describe-services --cluster {context.Definitions.Service.Cluster ?? context.Settings.Cluster ?? "default"} --services {context.Definitions.Service.ServiceName}";
    }
}

/// <summary>What every step of a strategy works with.</summary>
internal sealed record DeploymentContext(AwsSession Aws, IDeploymentLog Log, TimeProvider Time, GeneratedDefinitions Definitions)
{
    public EcsSettings Settings => Definitions.Settings;

    /// <summary>The commit the build was made from (tagged on what it registers).</summary>
    public string? GitCommit { get; init; }

    /// <summary>The image's fingerprint (tagged on the task definition, so an unchanged build can reuse the image).</summary>
    public string? ImageFingerprint { get; init; }

    /// <summary>
    /// The digest of the inputs being deployed, when the service may be sealed with it
    /// (<see cref="Features.EcsServices.DeployedInputs"/>): a strategy that <c>RecordsDeployedInputs</c> tags the service
    /// with it once the deployment succeeded.
    /// </summary>
    public string? InputsDigest { get; init; }

    /// <summary>The endpoint the build talks to when it differs from the settings' (LocalEcs once started).</summary>
    public string? ResolvedEndpoint { get; init; }

    /// <summary>HTTP handler for the verification gates' URL probes (tests); null uses a new one.</summary>
    public HttpMessageHandler? VerificationHandler { get; init; }

    /// <summary>The endpoint options the printed <c>aws …</c> commands need (the engine adds them to every line; for commands built into values).</summary>
    public AwsCliCommands Commands { get; init; } = AwsCliCommands.Unchanged;

    /// <summary>The LocalEcs this build deploys to was started for builds and exits when they end (<c>EcsTarget=local</c>).</summary>
    public bool LocalEcsStopsWithBuild { get; init; }

    /// <summary>What becomes of a deployment the build stops following: "goes on in ECS", unless it runs in a LocalEcs that stops with the build.</summary>
    public string WhereItGoesOn => LocalEcsStopsWithBuild
        ? "stops with LocalEcs, which was started for the build and exits a few seconds after the last build using it ends (its state file keeps the service as it was left; publish again to deploy)"
        : "goes on in ECS";
}

/// <summary>
/// What a strategy applied (or started rolling back). Each strategy derives its own, carrying what its monitor,
/// rollback and report need; the engine only asks whether there is something to follow, and disposes it at the end of
/// the step (it may hold resources to give back, such as a suspended auto scaling).
/// </summary>
internal abstract class AppliedDeployment : IAsyncDisposable
{
    /// <summary>False when there is nothing to follow: nothing changed, or the project does not wait (<c>EcsWait=false</c>).</summary>
    public abstract bool NeedsMonitoring { get; }

    public async ValueTask DisposeAsync()
    {
        await DisposeAsyncCore().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    protected virtual ValueTask DisposeAsyncCore() => ValueTask.CompletedTask;
}

/// <summary>What following a deployment concluded.</summary>
internal sealed record DeploymentVerdict(DeploymentOutcome Outcome)
{
    /// <summary>
    /// A limit of the build was reached (<see cref="Outcome"/> says which) while the deployment goes on: the engine
    /// asks the strategy to roll it back, then follows the rollback to the final verdict.
    /// </summary>
    public bool RollbackNeeded { get; init; }
}
