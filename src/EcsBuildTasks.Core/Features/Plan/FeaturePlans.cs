using System.Globalization;
using EcsBuildTasks.Aws.CloudWatchLogs.Model;
using EcsBuildTasks.Aws.ECS;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Features.AutoScaling;
using EcsBuildTasks.Core.Features.ServiceDiscovery;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Features.Plan;

/// <summary>What the features' plan is about, when it is not simply the project's service.</summary>
/// <param name="NewRevision">The deploy registers a new task definition revision (log groups are created only then).</param>
/// <param name="ScalingService">The service whose scalable target the deploy configures (a versioned strategy's new version); null: the project's service.</param>
/// <param name="CloudMap">Whether the project's Cloud Map service is the one the deploy registers in (DnsBlueGreen uses two of its own).</param>
internal sealed record FeaturePlanScope(bool NewRevision, string? ScalingService = null, bool CloudMap = true)
{
    /// <summary>The service moves to another revision than it runs, so the pre-deploy tasks run first (by default: with a new revision).</summary>
    public bool? RunsPreDeployTasks { get; init; }
}

/// <summary>
/// The plan of what the features deploy around the service (read-only), as the building blocks would make it: the log
/// groups (<c>LogGroups</c>), the pre-deploy tasks (<c>PreDeployTasks</c>), the Service Connect namespace and proxy log
/// group (<c>ServiceConnectRegistration</c>), the Cloud Map service (<c>CloudMapRegistration</c>) and the auto scaling
/// scalable target (<c>ScalingConfigurator</c>).
/// </summary>
internal static class FeaturePlans
{
    public const string CloudMapKind = "Cloud Map service";
    public const string ScalableTargetKind = "scalable target";
    public const string LogGroupKind = "log group";
    public const string PreDeployTaskKind = "pre-deploy task";
    public const string ServiceConnectKind = "Service Connect namespace";

    public static async Task<IReadOnlyList<ResourcePlan>> PlanAsync(AwsSession aws, GeneratedDefinitions definitions, CancellationToken cancellationToken, FeaturePlanScope? scope = null)
    {
        ArgumentNullException.ThrowIfNull(aws);
        ArgumentNullException.ThrowIfNull(definitions);
        scope ??= new FeaturePlanScope(NewRevision: true);
        var plans = new List<ResourcePlan>();
        plans.AddRange(await LogGroupsAsync(aws, definitions, scope.NewRevision, cancellationToken).ConfigureAwait(false));
        plans.AddRange(PreDeployTasks(definitions, scope.RunsPreDeployTasks ?? scope.NewRevision));
        if (scope.CloudMap && definitions.Settings.ServiceDiscovery is { RegistryArn: null, Namespace: { } reference } discovery)
        {
            var lookup = new CloudMapLookup(aws);
            var name = discovery.Name ?? definitions.Service.ServiceName!;
            var namespaces = await lookup.FindNamespacesAsync(reference, cancellationToken).ConfigureAwait(false);
            var existing = namespaces.Count == 1 ? await lookup.FindServiceAsync(namespaces[0].Id, name, cancellationToken).ConfigureAwait(false) : null;
            plans.Add(existing is null
                ? new ResourcePlan(CloudMapKind, $"{name} in {reference}", PlanAction.Create, namespaces.Count == 0 ? ["Cloud Map CreatePrivateDnsNamespace", "Cloud Map CreateService"] : ["Cloud Map CreateService"], [])
                : new ResourcePlan(CloudMapKind, $"{name} in {reference}", PlanAction.None, [], []) { Live = existing.Id });
        }

        if (definitions.Settings.AutoScaling is { MinCapacity: { } min, MaxCapacity: { } max })
        {
            var resourceId = ScalableTargets.ResourceId(definitions.Service.Cluster!, scope.ScalingService ?? definitions.Service.ServiceName!);
            var target = await ScalableTargets.FindAsync(aws, resourceId, cancellationToken).ConfigureAwait(false);
            var inv = CultureInfo.InvariantCulture;
            if (target is null)
            {
                plans.Add(new ResourcePlan(ScalableTargetKind, resourceId, PlanAction.Create, ["Application Auto Scaling RegisterScalableTarget"], []) { Note = string.Create(inv, $"capacity {min}–{max}") });
            }
            else
            {
                var changes = new List<PlanChange>();
                if (target.MinCapacity != min)
                {
                    changes.Add(new PlanChange("minCapacity", PlanChangeKind.Changed, target.MinCapacity?.ToString(inv), min.ToString(inv)));
                }

                if (target.MaxCapacity != max)
                {
                    changes.Add(new PlanChange("maxCapacity", PlanChangeKind.Changed, target.MaxCapacity?.ToString(inv), max.ToString(inv)));
                }

                plans.Add(changes.Count == 0
                    ? new ResourcePlan(ScalableTargetKind, resourceId, PlanAction.None, [], []) { Live = string.Create(inv, $"capacity {min}–{max}") }
                    : new ResourcePlan(ScalableTargetKind, resourceId, PlanAction.Update, ["Application Auto Scaling RegisterScalableTarget"], changes));
            }
        }

        return plans;
    }

    /// <summary>
    /// The definitions with the Service Connect namespace as the deploy sends it: resolved to its ARN (ECS reports the
    /// ARN, so a name would read as a change that is none), and the namespace's plan. Unchanged without Service Connect;
    /// a namespace that does not resolve stops the plan with the deploy's own coded error.
    /// </summary>
    public static async Task<(GeneratedDefinitions Definitions, ResourcePlan? Plan)> ResolveServiceConnectAsync(AwsSession aws, GeneratedDefinitions definitions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(aws);
        ArgumentNullException.ThrowIfNull(definitions);
        if (definitions.Settings.ServiceConnect is not { } serviceConnect || definitions.Service.ServiceConnectConfiguration is null)
        {
            return (definitions, null);
        }

        var ns = await new CloudMapLookup(aws).SingleNamespaceAsync(serviceConnect.Namespace, EcsProperties.ServiceConnectNamespace, DiagnosticCodes.ServiceConnectNamespaceNotFound, cancellationToken).ConfigureAwait(false);
        var service = EcsJson.Deserialize<CreateServiceRequest>(EcsJson.Serialize(definitions.Service));
        service.ServiceConnectConfiguration!.Namespace = ns.Arn;
        var plan = new ResourcePlan(ServiceConnectKind, ns.Name, PlanAction.None, [], []) { Live = ns.Arn, Note = $"{ns.Type} namespace; the service joins it as {string.Join(", ", (service.ServiceConnectConfiguration.Services ?? []).Select(s => s.PortName))}" };
        return (definitions with { Service = service }, plan);
    }

    /// <summary>The awslogs groups of the containers and of the Service Connect proxy: created when missing, with the retention.</summary>
    private static async Task<IReadOnlyList<ResourcePlan>> LogGroupsAsync(AwsSession aws, GeneratedDefinitions definitions, bool newRevision, CancellationToken cancellationToken)
    {
        var configurations = (definitions.TaskDefinition.ContainerDefinitions ?? []).Select(c => c.LogConfiguration)
            .Append(definitions.Service.ServiceConnectConfiguration?.LogConfiguration);
        var groups = configurations
            .Where(c => c?.LogDriver?.Value == "awslogs")
            .Select(c => c!.Options?.GetValueOrDefault("awslogs-group"))
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var plans = new List<ResourcePlan>();
        var retention = definitions.Settings.LogRetentionDays;
        foreach (var group in groups)
        {
            var described = await AwsCalls.RunAsync("CloudWatch Logs DescribeLogGroups", () => aws.Logs.DescribeLogGroupsAsync(new DescribeLogGroupsRequest { LogGroupNamePrefix = group }, cancellationToken)).ConfigureAwait(false);
            var live = described.LogGroups?.Find(g => g.LogGroupName == group);
            if (live is not null)
            {
                plans.Add(new ResourcePlan(LogGroupKind, group, PlanAction.None, [], []) { Live = live.RetentionInDays is { } days ? string.Create(CultureInfo.InvariantCulture, $"retention {days} days") : "never expires" });
            }
            else if (newRevision)
            {
                plans.Add(new ResourcePlan(LogGroupKind, group, PlanAction.Create, retention is null ? ["CloudWatch Logs CreateLogGroup"] : ["CloudWatch Logs CreateLogGroup", "CloudWatch Logs PutRetentionPolicy"], [])
                {
                    Note = retention is { } r ? string.Create(CultureInfo.InvariantCulture, $"retention {r} days") : "never expires",
                });
            }
            else
            {
                plans.Add(new ResourcePlan(LogGroupKind, group, PlanAction.None, [], [])
                {
                    Note = "missing, and not created: the deploy registers no new revision (the log group is made with a revision); tasks that start cannot write their logs",
                });
            }
        }

        return plans;
    }

    /// <summary>The pre-deploy tasks run with the new revision before the service changes; not for a revision the service runs already.</summary>
    private static IEnumerable<ResourcePlan> PreDeployTasks(GeneratedDefinitions definitions, bool runs) =>
        definitions.Settings.PreDeployTasks.Select(task =>
        {
            var name = task.Name ?? task.Subject;
            var command = task.Command.Count == 0 ? "the image's command" : string.Join(' ', task.Command);
            return runs
                ? new ResourcePlan(PreDeployTaskKind, name, PlanAction.Run, [$"ECS RunTask ({definitions.TaskDefinition.Family}, the revision the service moves to: {command})"], [])
                {
                    Note = $"runs to exit code 0 in {definitions.Service.Cluster} before the service changes",
                    FollowsTaskDefinition = true,
                }
                : new ResourcePlan(PreDeployTaskKind, name, PlanAction.None, [], []) { Note = "not run: the service keeps its revision, whose pre-deploy tasks ran before" };
        });
}
