using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Features.Clusters;
using EcsBuildTasks.Core.Features.EcsServices;
using EcsBuildTasks.Core.Features.IamPolicy;
using EcsBuildTasks.Core.Features.Images;
using EcsBuildTasks.Core.Features.Preflight;
using EcsBuildTasks.Core.Features.Roles;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using EcsBuildTasks.Core.Strategies;

namespace EcsBuildTasks.Core.Engine;

/// <summary>What the image is built from: the publish folder and the container settings (for the fingerprint), and its tags.</summary>
internal sealed record ImageBuild(string? PublishDirectory, IReadOnlyList<string> Inputs, IReadOnlyList<string> Tags);

/// <summary>
/// What the preparation hands on: the document for the deployment step; the repository the image goes to (none for
/// <c>EcsImage</c>); the push credentials (none when nothing is pushed: an external or reused image).
/// </summary>
internal sealed record Preparation(PreparedDeployment Document, PreparedRegistry? Registry, RegistryCredentials? PushCredentials);

/// <summary>
/// Runs before <c>PublishContainer</c>. First, when the service may carry the seal of the inputs it was deployed from
/// (<see cref="DeployedInputs"/>), a few reads that find it up to date with this build's inputs: then nothing else is
/// checked, built or pushed. Otherwise the read-only preflight, then (only when every check passed) the ECR repository,
/// the image's fingerprint and, when the running revision was built from the same content, its image to deploy again;
/// otherwise the push credentials. With <c>EcsImage</c>, the existing image's digest instead.
/// </summary>
internal sealed class DeploymentPreparation(AwsSession aws, IDeploymentLog log)
{
    public async Task<Preparation> PrepareAsync(GeneratedDefinitions definitions, ImageBuild build, string projectDirectory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        ArgumentNullException.ThrowIfNull(build);
        var settings = definitions.Settings;
        var repositoryName = settings.ImageIsExternal ? null : RepositoryName(settings);
        string? fingerprint = null;
        string? inputs = null;
        if (!settings.ImageIsExternal && build.PublishDirectory is { } publishDirectory)
        {
            // An unchanged publish is confirmed with a few reads (DeployedInputs); the first runs while the folder is hashed.
            var check = repositoryName is not null && DeployedInputs.Apply(definitions) ? new UpToDateCheck(aws, log) : null;
            var described = check?.DescribeAsync(definitions, cancellationToken);
            fingerprint = ImageFingerprint.Compute(publishDirectory, build.Inputs);
            log.Detail($"EcsBuildTasks: image fingerprint {fingerprint} of {publishDirectory} and {string.Join(" | ", build.Inputs)}");
            if (check is not null && described is not null)
            {
                inputs = DeployedInputs.Digest(definitions, fingerprint, build.Tags);
                var found = await check.FindAsync(definitions, await described.ConfigureAwait(false), inputs, fingerprint, repositoryName!, build.Tags, cancellationToken).ConfigureAwait(false);
                if (found is not null)
                {
                    return UpToDate(found, settings, repositoryName!, fingerprint, inputs, projectDirectory);
                }
            }
        }

        if (settings.Target == DeploymentTarget.Local)
        {
            await EnsureLocalClusterAsync(definitions.Service.Cluster!, cancellationToken).ConfigureAwait(false);
        }

        var preflight = await new DeploymentPreflight(aws, log).RunAsync(definitions, DeploymentStrategies.Of(definitions), repositoryName, cancellationToken).ConfigureAwait(false);
        if (settings.Plan.CheckPermissions)
        {
            await CheckPermissionsAsync(definitions, preflight, cancellationToken).ConfigureAwait(false);
        }

        var document = new PreparedDeployment
        {
            Region = preflight.Region,
            Account = preflight.Account,
            GitCommit = GitInfo.HeadCommit(projectDirectory),
            InputsDigest = inputs,
            DefaultVpcNetwork = preflight.Network is { FromDefaultVpc: true } network ? new DefaultVpcNetwork(network.Subnets, network.SecurityGroups) : null,
            DefaultExecutionRoleArn = await CreateWhatIsMissingAsync(definitions, preflight, cancellationToken).ConfigureAwait(false),
        };
        if (settings.ImageIsExternal)
        {
            var image = await new ExternalImages(aws, log).ResolveAsync(settings.Image!, preflight.Account, preflight.Region, cancellationToken).ConfigureAwait(false);
            return new Preparation(document with { ExternalImage = image, Requests = aws.RequestCount }, null, null);
        }

        var registry = await new RegistryPreparation(aws, log).PrepareAsync(repositoryName!, preflight.Repository, settings, cancellationToken).ConfigureAwait(false);
        if (fingerprint is not null)
        {
            document = document with { ImageFingerprint = fingerprint };
            if (settings.ReuseUnchangedImage)
            {
                var reusable = await new ImageReuse(aws, log)
                    .FindAsync(definitions.TaskDefinition.Family!, TaskDefinitionBuilder.MainContainerName(settings, definitions.TaskDefinition), fingerprint, registry, build.Tags, definitions.Strategy.RecordsImageOnService ? (definitions.Service.Cluster!, definitions.Service.ServiceName!) : null, cancellationToken).ConfigureAwait(false);
                if (reusable is not null)
                {
                    var reused = new ReusedImageReference(reusable.Image, [.. reusable.Ports.Select(p => new ExposedPort(p.Port, p.Protocol))]);
                    return new Preparation(document with { ReusedImage = reused, Requests = aws.RequestCount }, registry, null);
                }
            }
        }

        var credentials = await new RegistryPreparation(aws, log).AuthorizeAsync(registry, cancellationToken).ConfigureAwait(false);
        log.Info($"EcsBuildTasks: pushing the image to {registry.RepositoryUri}");
        return new Preparation(document with { Requests = aws.RequestCount }, registry, credentials);
    }

    /// <summary>
    /// <c>EcsCheckPermissions</c>: the deploying principal may do what the project's policy lists, or the build stops here
    /// (ECS7130), before anything is created, pushed or deployed.
    /// </summary>
    private async Task CheckPermissionsAsync(GeneratedDefinitions definitions, PreflightResult preflight, CancellationToken cancellationToken)
    {
        if (PermissionCheck.PrincipalOf(preflight.CallerArn) is not { } principal)
        {
            log.Info($"EcsBuildTasks: {EcsProperties.CheckPermissions}: {preflight.CallerArn} is not an IAM user or role that IAM's policy simulator takes; its permissions were not checked");
            return;
        }

        var problems = new DiagnosticCollection();
        var policy = IamPolicyWriter.PolicyFor(definitions, preflight.Account, preflight.Region, principal, Findings(preflight), preflight.DefaultExecutionRole?.Arn);
        await new PermissionCheck(aws, log).CheckAsync(policy, principal, problems, cancellationToken).ConfigureAwait(false);
        if (problems.HasErrors)
        {
            throw new DeploymentException(problems.Where(p => p.IsError).ToList());
        }
    }

    /// <summary>
    /// What the preflight resolved that decides the policy this deployment needs: the cluster and the default execution
    /// role to create, or not (a role found is only read and passed). Auto scaling registered outside the project is
    /// found on the versions only while deploying: its statements are always checked.
    /// </summary>
    private static HashSet<LiveFinding> Findings(PreflightResult preflight)
    {
        var found = new HashSet<LiveFinding> { LiveFinding.ScalingOutsideTheProject };
        if (preflight.CreateCluster)
        {
            found.Add(LiveFinding.ClusterMissing);
        }

        if (preflight.DefaultExecutionRole is { Create: true })
        {
            found.Add(LiveFinding.ExecutionRoleMissing);
        }

        return found;
    }

    /// <summary>
    /// The service runs what this build would deploy (<see cref="UpToDateCheck"/>): hand on its revision's image, and the
    /// network and role it runs with where the project leaves them to the preparation, so that the deployment step
    /// generates the same definitions and only reports.
    /// </summary>
    private Preparation UpToDate(UpToDateFinding found, EcsSettings settings, string repositoryName, string fingerprint, string inputs, string projectDirectory)
    {
        var network = found.Live.NetworkConfiguration?.AwsvpcConfiguration;
        var document = new PreparedDeployment
        {
            Region = aws.Factory.ResolvedRegion.SystemName,
            Account = found.Service.ServiceArn.Split(':') is { Length: > 4 } parts ? parts[4] : string.Empty,
            GitCommit = GitInfo.HeadCommit(projectDirectory),
            DefaultVpcNetwork = settings.Subnets.Count == 0 && network?.Subnets is { Count: > 0 } subnets ? new DefaultVpcNetwork(subnets, network.SecurityGroups ?? []) : null,
            DefaultExecutionRoleArn = settings.ExecutionRoleArn is null ? found.Revision.ExecutionRoleArn : null,
            ReusedImage = new ReusedImageReference(found.Main.Image!, [.. (found.Main.PortMappings ?? []).Where(p => p.ContainerPort is not null).Select(p => new ExposedPort(p.ContainerPort!.Value, p.Protocol?.Value ?? "tcp"))]),
            ImageFingerprint = fingerprint,
            InputsDigest = inputs,
            UpToDate = found.Service,
            Requests = aws.RequestCount,
        };
        var registry = new PreparedRegistry(found.Registry, repositoryName, $"{found.Registry}/{repositoryName}", Created: false);
        return new Preparation(document, registry, null);
    }

    /// <summary>
    /// What the preflight found missing and may be created (every check passed): the cluster (<c>EcsCreateCluster</c>) and
    /// the account's execution role (<c>EcsCreateExecutionRole</c>). Returns the default execution role's ARN, when used.
    /// </summary>
    private async Task<string?> CreateWhatIsMissingAsync(GeneratedDefinitions definitions, PreflightResult preflight, CancellationToken cancellationToken)
    {
        if (preflight.CreateCluster)
        {
            await new MissingCluster(aws, log).CreateAsync(definitions.Service.Cluster!, cancellationToken).ConfigureAwait(false);
        }

        return preflight.DefaultExecutionRole switch
        {
            { Create: true } => await new DefaultExecutionRole(aws, log).CreateAsync(Arns.Partition(preflight.CallerArn), cancellationToken).ConfigureAwait(false),
            { Arn: { } arn } => arn,
            _ => null,
        };
    }

    /// <summary>
    /// LocalEcs is a rehearsal account that starts empty: create the cluster there (never in AWS, where a missing cluster
    /// is a mistake the preflight reports).
    /// </summary>
    private async Task EnsureLocalClusterAsync(string cluster, CancellationToken cancellationToken)
    {
        var found = await AwsCalls.RunAsync("ECS DescribeClusters", () => aws.Ecs.DescribeClustersAsync(new Aws.ECS.Model.DescribeClustersRequest { Clusters = [cluster] }, cancellationToken)).ConfigureAwait(false);
        if (found.Clusters?.Exists(c => c.Status == "ACTIVE") != true)
        {
            await AwsCalls.RunAsync("ECS CreateCluster", () => aws.Ecs.CreateClusterAsync(new Aws.ECS.Model.CreateClusterRequest { ClusterName = cluster }, cancellationToken)).ConfigureAwait(false);
            log.Info($"EcsBuildTasks: created cluster {cluster} in LocalEcs");
        }
    }

    /// <summary>The repository the SDK pushes to: <c>ContainerRepository</c>, normalised as the SDK does (lower case).</summary>
    public static string? RepositoryName(EcsSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.ContainerRepository?.ToLowerInvariant().Replace(' ', '-');
    }
}
