using System.Globalization;
using System.Text.Json.Nodes;
using EcsBuildTasks.Aws.ECS;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Features.EcsServices;
using EcsBuildTasks.Core.Features.Plan;
using EcsBuildTasks.Core.Infrastructure;

namespace EcsBuildTasks.Core.Strategies.Express;

/// <summary>
/// The live plan of an Express service: the task definition when the configuration needs one, then the Express
/// configuration the deploy would send compared field by field with the newest active one (what
/// <see cref="ExpressConfiguration.ChangesFrom"/> decides for a deploy), and the log groups.
/// </summary>
internal sealed partial class ExpressStrategy
{
    public const string ExpressServiceKind = "Express service";

    public async Task<IReadOnlyList<ResourcePlan>> PlanAsync(DeploymentContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (aws, definitions) = (context.Aws, context.Definitions);
        var (cluster, name) = (definitions.Service.Cluster!, definitions.Service.ServiceName!);
        var plans = new List<ResourcePlan>();
        string? taskDefinitionArn = null;
        if (ExpressConfiguration.NeedsTaskDefinition(definitions))
        {
            var taskDefinition = await TaskDefinitionPlan.PlanAsync(aws, definitions, cancellationToken).ConfigureAwait(false);
            plans.Add(taskDefinition.Plan);
            taskDefinitionArn = taskDefinition.Changes ? NextRevisionArn(definitions, taskDefinition.LiveArn) : taskDefinition.LiveArn;
        }

        var desired = ExpressConfiguration.Of(definitions, HealthCheckPath, taskDefinitionArn);
        var existing = await ServiceLookup.FindAsync(aws, cluster, name, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            plans.Add(new ResourcePlan(ExpressServiceKind, name, PlanAction.Create, ["ECS CreateExpressGatewayService"], [])
            {
                Note = $"in cluster {cluster}; ECS makes its load balancer, target groups, security groups and auto scaling",
            });
        }
        else
        {
            var current = await DescribeAsync(aws, existing.ServiceArn!, cancellationToken).ConfigureAwait(false);
            var running = Newest(current);
            var changed = running is null ? ["configuration"] : desired.ChangesFrom(running);
            var live = running?.TaskDefinitionArn is { } arn ? $"runs {Arns.Short(arn)}" : null;
            if (changed.Count == 0)
            {
                plans.Add(new ResourcePlan(ExpressServiceKind, name, PlanAction.None, [], []) { Live = live });
            }
            else
            {
                var want = JsonNode.Parse(EcsJson.Serialize(desired.UpdateRequest(existing.ServiceArn!)))!.AsObject();
                want.Remove("serviceArn");
                var have = running is null ? null : JsonNode.Parse(EcsJson.Serialize(running));
                var changes = DefinitionDiff.Compare(DefinitionDiff.Prune(have), DefinitionDiff.Prune(want), string.Empty, desiredOnly: true).ToList();
                if (changes.Count == 0)
                {
                    changes.AddRange(changed.Select(member => new PlanChange(member, PlanChangeKind.Changed, null, null)));
                }

                plans.Add(new ResourcePlan(ExpressServiceKind, name, PlanAction.Update, [$"ECS UpdateExpressGatewayService ({string.Join(", ", changed)})"], changes)
                {
                    Live = live,
                    FollowsTaskDefinition = changed.All(c => c == "taskDefinitionArn"),
                });
            }
        }

        // Express creates the log group without a retention: the deploy makes it first, new revision or not.
        plans.AddRange(await FeaturePlans.PlanAsync(aws, definitions, cancellationToken, new FeaturePlanScope(NewRevision: true, CloudMap: false)).ConfigureAwait(false));
        return plans;
    }

    private static string NextRevisionArn(GeneratedDefinitions definitions, string? liveArn)
    {
        var family = definitions.TaskDefinition.Family!;
        if (liveArn is null)
        {
            return $"{family}:1";
        }

        var revision = int.Parse(liveArn[(liveArn.LastIndexOf(':') + 1)..], NumberStyles.None, CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture, $"{liveArn[..liveArn.LastIndexOf(':')]}:{revision + 1}");
    }
}
