using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using EcsBuildTasks.Aws.ECR.Model;
using EcsBuildTasks.Aws.ECS;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Features.Images;
using EcsBuildTasks.Core.Features.TaskDefinitions;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using EcsService = EcsBuildTasks.Aws.ECS.Model.Service;

namespace EcsBuildTasks.Core.Features.EcsServices;

/// <summary>
/// The seal an unchanged publish checks instead of the whole preflight and deployment (issue 18: an unchanged redeploy in
/// a few requests). After a deployment of one ECS service succeeded, the service is tagged
/// (<see cref="Tag"/>) with a digest of the inputs it was deployed from — the package version, every property and item
/// of the project, the definitions generated from them, the image's fingerprint and tags — bound to the service's
/// configuration as ECS then described it (every member an update compares, its tags, and the desired count when the
/// project sets it). A later publish whose inputs give the same digest, and whose service still has that configuration,
/// runs what this build would deploy: <see cref="UpToDateCheck"/> then only confirms that it is steady on it and that its
/// image is still there.
/// <para>
/// Only for what the seal can vouch for: a strategy that deploys one service and its revision
/// (<see cref="IStrategyDefinitions.RecordsDeployedInputs"/>), an image this build pushes, and none of the features whose
/// state lives elsewhere and which a deployment reconciles every time (auto scaling, Cloud Map, Service Connect, the
/// ECR lifecycle policy), nor <c>EcsForceNewDeployment</c>, <c>EcsReuseUnchangedImage=false</c> or <c>EcsUpToDateShortcut=false</c>.
/// </para>
/// </summary>
internal static class DeployedInputs
{
    public const string Tag = "ecsbuildtasks:deployed-inputs";

    /// <summary>Whether the seal can vouch for a deployment of these definitions (see the class).</summary>
    public static bool Apply(GeneratedDefinitions definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var settings = definitions.Settings;
        return definitions.Strategy.RecordsDeployedInputs
            && !settings.ImageIsExternal
            && settings.ReuseUnchangedImage
            && !settings.Release.ForceNewDeployment
            && settings.Release.UpToDateShortcut
            && settings.AutoScaling is null
            && settings.ServiceDiscovery is null
            && settings.ServiceConnect is null
            && settings.EcrKeepImages is null
            && settings.InputDigest is not null;
    }

    /// <summary>The digest of everything a deployment of these definitions is made from (see the class).</summary>
    public static string Digest(GeneratedDefinitions definitions, string imageFingerprint, IReadOnlyList<string> imageTags)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        ArgumentNullException.ThrowIfNull(imageTags);
        var text = new StringBuilder()
            .Append("engine ").Append(EngineVersion).Append('\n')
            .Append("settings ").Append(definitions.Settings.InputDigest).Append('\n')
            .Append("strategy ").Append(definitions.Strategy.Name).Append('\n')
            .Append("task-definition ").Append(Canonical(EcsJson.Serialize(definitions.TaskDefinition))).Append('\n')
            .Append("service ").Append(Canonical(EcsJson.Serialize(definitions.Service))).Append('\n')
            .Append("image ").Append(imageFingerprint).Append('\n')
            .Append("tags ").Append(string.Join(' ', imageTags.Order(StringComparer.Ordinal))).Append('\n');
        return Hash(text.ToString());
    }

    /// <summary>The tag value for <paramref name="inputs"/> deployed to the service as <paramref name="live"/> describes it.</summary>
    public static string Seal(string inputs, EcsService live, EcsSettings settings)
    {
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(settings);
        var have = ServiceUpdate.LiveJson(live);
        var state = new JsonObject { ["serviceArn"] = live.ServiceArn };
        foreach (var member in ServiceUpdate.ComparedMembers.Concat(["schedulingStrategy", "launchType", "deploymentController"]))
        {
            state[member] = have[member]?.DeepClone();
        }

        if (settings.DesiredCount is not null)
        {
            state["desiredCount"] = live.DesiredCount;
        }

        state["tags"] = new JsonArray([.. (live.Tags ?? []).Where(t => t.Key != Tag).OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => (JsonNode)new JsonObject { ["key"] = t.Key, ["value"] = t.Value })]);
        return Hash($"inputs {inputs}\nservice {CanonicalJson.Write(state)}\n");
    }

    /// <summary>
    /// Tags the service with the seal of <paramref name="inputs"/> after a successful deployment (when it does not carry it
    /// already). A failure only costs the next unchanged publish its shortcut, so it is said and the build goes on.
    /// </summary>
    /// <param name="live">The service as described after the deployment, with its tags; null describes it.</param>
    public static async Task RecordAsync(AwsSession aws, IDeploymentLog log, GeneratedDefinitions definitions, string inputs, EcsService? live, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(aws);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(definitions);
        try
        {
            live ??= await ServiceLookup.FindAsync(aws, definitions.Service.Cluster!, definitions.Service.ServiceName!, cancellationToken).ConfigureAwait(false);
            if (live?.ServiceArn is not { } arn)
            {
                return;
            }

            var seal = Seal(inputs, live, definitions.Settings);
            if (live.Tags?.Find(t => t.Key == Tag)?.Value == seal)
            {
                return;
            }

            await AwsCalls.RunAsync("ECS TagResource", () => aws.Ecs.TagResourceAsync(new Aws.ECS.Model.TagResourceRequest { ResourceArn = arn, Tags = [new Aws.ECS.Model.Tag { Key = Tag, Value = seal }] }, cancellationToken)).ConfigureAwait(false);
            log.Detail($"EcsBuildTasks: tagged service {live.ServiceName} {Tag}={seal[..12]}…: a publish of the same inputs will find it up to date with a few reads");
        }
        catch (DeploymentException ex)
        {
            log.Detail($"EcsBuildTasks: could not record the deployed inputs on the service ({ex.Message}); the next unchanged publish checks everything again");
        }
    }

    private static string EngineVersion { get; } =
        typeof(DeployedInputs).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(DeployedInputs).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    private static string Canonical(string json) => CanonicalJson.Write(JsonNode.Parse(json));

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}

/// <summary>The running revision an unchanged publish found up to date (handed to the deployment step, which sends nothing).</summary>
/// <param name="ContentHash">The revision's content hash tag: the deployment step checks the definitions it generates against it.</param>
internal sealed record UpToDateService(string ServiceArn, string TaskDefinitionArn, string ContentHash, int RunningCount);

/// <summary>What <see cref="UpToDateCheck"/> found: the service, its revision and the revision's main container.</summary>
internal sealed record UpToDateFinding(UpToDateService Service, EcsService Live, TaskDefinition Revision, ContainerDefinition Main, string Registry);

/// <summary>
/// The reads that confirm an unchanged publish (<see cref="DeployedInputs"/>), each of which must pass; any other answer
/// (or an error) sends the build down the usual path, which checks, reports and deploys:
/// <list type="number">
/// <item>DescribeServices (with tags): the service is ACTIVE, sealed with these inputs and its current configuration, and
/// steady — one deployment, of the revision it is set to, COMPLETED, every desired task running, none pending;</item>
/// <item>ListServiceDeployments: no service deployment in flight (a bake, a rollback, someone else's);</item>
/// <item>DescribeTaskDefinition: the revision is ACTIVE, built from this image fingerprint, its image pinned by digest in
/// this project's repository;</item>
/// <item>ECR DescribeImages: that image is still in the repository (new tasks can pull it) with this build's tags.</item>
/// </list>
/// </summary>
internal sealed class UpToDateCheck(AwsSession aws, IDeploymentLog log)
{
    /// <summary>The first read, on its own: it needs nothing the build computes, so it runs while the publish folder is fingerprinted.</summary>
    public async Task<(EcsService? Service, string? Error)> DescribeAsync(GeneratedDefinitions definitions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        try
        {
            return (await ServiceLookup.FindAsync(aws, definitions.Service.Cluster!, definitions.Service.ServiceName!, cancellationToken).ConfigureAwait(false), null);
        }
        catch (DeploymentException ex)
        {
            return (null, ex.Message);
        }
    }

    /// <param name="described">What <see cref="DescribeAsync"/> found.</param>
    public async Task<UpToDateFinding?> FindAsync(GeneratedDefinitions definitions, (EcsService? Service, string? Error) described, string inputs, string imageFingerprint, string repositoryName, IReadOnlyList<string> imageTags, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        ArgumentNullException.ThrowIfNull(imageTags);
        var (cluster, name) = (definitions.Service.Cluster!, definitions.Service.ServiceName!);
        if (described.Error is { } error)
        {
            // A missing cluster, a refused read, a lost connection: the usual path reports it properly.
            return Miss(error);
        }

        try
        {
            var live = described.Service;
            if (live is null || live.Status != "ACTIVE")
            {
                return Miss(live is null ? "the service does not exist yet" : $"the service is {live.Status}");
            }

            if (live.Tags?.Find(t => t.Key == DeployedInputs.Tag)?.Value is not { } seal)
            {
                return Miss($"the service carries no {DeployedInputs.Tag} tag (not deployed by this version of EcsBuildTasks)");
            }

            if (seal != DeployedInputs.Seal(inputs, live, definitions.Settings))
            {
                return Miss("the inputs differ from those the service was last deployed from, or the service was changed since");
            }

            if (NotSteady(live) is { } why)
            {
                return Miss(why);
            }

            if (await InFlightAsync(cluster, name, cancellationToken).ConfigureAwait(false) is { } inFlight)
            {
                return Miss(inFlight);
            }

            var answer = await AwsCalls.RunAsync("ECS DescribeTaskDefinition", () => aws.Ecs.DescribeTaskDefinitionAsync(new DescribeTaskDefinitionRequest { TaskDefinition = live.TaskDefinition, Include = ["TAGS"] }, cancellationToken)).ConfigureAwait(false);
            var revision = answer.TaskDefinition;
            var tags = answer.Tags ?? [];
            if (revision?.Status?.Value != "ACTIVE" || tags.Find(t => t.Key == ImageReuse.FingerprintTag)?.Value != imageFingerprint
                || tags.Find(t => t.Key == TaskDefinitionRegistrar.ContentHashTag)?.Value is not { } contentHash)
            {
                return Miss($"the revision {Arns.Short(live.TaskDefinition)} is not an ACTIVE one registered for this image");
            }

            var containerName = TaskDefinitionBuilder.MainContainerName(definitions.Settings, definitions.TaskDefinition);
            var containers = revision.ContainerDefinitions ?? [];
            var main = containers.Find(c => c.Name == containerName) ?? (containers.Count == 1 ? containers[0] : null);
            var marker = $"/{repositoryName}@";
            var at = main?.Image?.IndexOf(marker, StringComparison.Ordinal) ?? -1;
            if (main?.Image is not { } image || at <= 0)
            {
                return Miss($"the revision's image is not pinned by digest in the repository {repositoryName}");
            }

            var digest = image[(at + marker.Length)..];
            var found = await AwsCalls.RunAsync("ECR DescribeImages", () => aws.Ecr.DescribeImagesAsync(new DescribeImagesRequest { RepositoryName = repositoryName, ImageIds = [new ImageIdentifier { ImageDigest = digest }] }, cancellationToken)).ConfigureAwait(false);
            if (found.ImageDetails?.FirstOrDefault() is not { } detail)
            {
                return Miss($"the image {digest} is no longer in the repository {repositoryName}");
            }

            if (imageTags.Except(detail.ImageTags ?? [], StringComparer.Ordinal).ToList() is { Count: > 0 } untagged)
            {
                return Miss($"the image is not tagged {string.Join(", ", untagged)}");
            }

            log.Info($"EcsBuildTasks: service {name} is up to date: it runs {Arns.Short(live.TaskDefinition)} ({live.RunningCount} of {live.DesiredCount} tasks, no deployment in flight), deployed by a build of these same inputs (settings, definitions, image content and tags), and its image {digest} is in {repositoryName}: nothing to build, push or deploy");
            return new UpToDateFinding(new UpToDateService(live.ServiceArn!, live.TaskDefinition!, contentHash, live.RunningCount ?? 0), live, revision, main, image[..image.IndexOf('/', StringComparison.Ordinal)]);
        }
        catch (DeploymentException ex)
        {
            // A missing cluster, a refused read, a lost connection: the usual path reports it properly.
            return Miss(ex.Message);
        }
    }

    /// <summary>Why the service is not steady on the revision it is set to; null when it is.</summary>
    public static string? NotSteady(EcsService live)
    {
        ArgumentNullException.ThrowIfNull(live);
        var deployments = live.Deployments ?? [];
        if (deployments.Count != 1)
        {
            return $"the service has {deployments.Count} deployments";
        }

        var primary = deployments[0];
        if (primary.TaskDefinition != live.TaskDefinition)
        {
            return $"its deployment is of {Arns.Short(primary.TaskDefinition)}, not {Arns.Short(live.TaskDefinition)}";
        }

        if (primary.RolloutState?.Value is { } rollout && rollout != "COMPLETED")
        {
            return $"its deployment is {rollout}";
        }

        return live.RunningCount != live.DesiredCount || live.PendingCount is > 0
            ? $"{live.RunningCount} of {live.DesiredCount} tasks run ({live.PendingCount ?? 0} pending)"
            : null;
    }

    private async Task<string?> InFlightAsync(string cluster, string name, CancellationToken cancellationToken)
    {
        try
        {
            var listed = await AwsCalls.RunAsync("ECS ListServiceDeployments", () => aws.Ecs.ListServiceDeploymentsAsync(
                new ListServiceDeploymentsRequest { Cluster = cluster, Service = name, Status = ServiceDeploymentsInFlight.InFlightStatusFilter() }, cancellationToken)).ConfigureAwait(false);
            return listed.ServiceDeployments is { Count: > 0 } inFlight ? $"a service deployment is {inFlight[0].Status?.Value ?? "in flight"} ({inFlight[0].ServiceDeploymentArn})" : null;
        }
        catch (DeploymentException ex) when (AwsCalls.IsUnsupportedOperation(ex))
        {
            // Without the service deployment API, the deployments[] the steadiness check read are all there is.
            return null;
        }
    }

    private UpToDateFinding? Miss(string why)
    {
        log.Detail($"EcsBuildTasks: not confirmed up to date with a few reads ({why}): checking and deploying as usual");
        return null;
    }
}
