using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Deployment;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Settings;
using Microsoft.Build.Framework;

namespace EcsBuildTasks;

/// <summary>
/// Before the image is built: validates the definitions, runs the read-only preflight against AWS (or LocalEcs), then
/// makes sure the ECR repository exists and hands the push credentials to <c>PublishContainer</c>.
/// </summary>
public sealed class PrepareEcsDeployment : EcsTask
{
    /// <summary>LocalEcs's endpoint when <c>EcsTarget=local</c> (the one found or started).</summary>
    public string? EndpointUrl { get; set; }

    /// <summary>The base image PublishContainer builds on (the SDK's choice, or LocalEcs's).</summary>
    public string? BaseImage { get; set; }

    /// <summary>The tags PublishContainer will push (ContainerImageTags), re-applied to a reused image.</summary>
    public string? ImageTags { get; set; }

    /// <summary>The publish folder: what goes into the image.</summary>
    public string? PublishDirectory { get; set; }

    /// <summary>The container settings the SDK builds the image from, one "name=value" per item (for the fingerprint).</summary>
    public ITaskItem[] ImageInputs { get; set; } = [];

    [Output]
    public string? ImageFingerprint { get; private set; }

    /// <summary>An image of the running revision with exactly this build's content: deploy it instead of pushing.</summary>
    [Output]
    public string? ReusedImage { get; private set; }

    /// <summary>The reused image's ports ("8080/tcp;9090/udp"), which the SDK would otherwise report after a push.</summary>
    [Output]
    public string? ReusedPorts { get; private set; }

    /// <summary>AWS requests this step sent, so the result can count the whole deployment.</summary>
    [Output]
    public int RequestCount { get; private set; }

    [Output]
    public string? ContainerRegistry { get; private set; }

    [Output]
    public string? ContainerRepository { get; private set; }

    [Output]
    public string? Region { get; private set; }

    [Output]
    public string? Account { get; private set; }

    [Output]
    public string? ResolvedSubnets { get; private set; }

    [Output]
    public string? ResolvedSecurityGroups { get; private set; }

    [Output]
    public string? ResolvedImage { get; private set; }

    [Output]
    public string? GitCommit { get; private set; }

    protected override void ExecuteCore(SettingsInput input, DiagnosticCollection diagnostics)
    {
        var definitions = DefinitionGenerator.Generate(input, diagnostics);
        if (definitions is null)
        {
            return;
        }

        var settings = definitions.Settings;
        using var aws = AwsSession.For(settings, EndpointUrl);
        PreparedDeployment prepared = null!;
        try
        {
            RunSynchronously(async () => prepared = await new DeploymentPreparation(aws, DeploymentLog).PrepareAsync(definitions, CancellationToken).ConfigureAwait(false));
            Prepare(input, definitions, aws, prepared);
        }
        finally
        {
            RequestCount = aws.RequestCount;
        }
    }

    private void Prepare(SettingsInput input, GeneratedDefinitions definitions, AwsSession aws, PreparedDeployment prepared)
    {
        var settings = definitions.Settings;

        var preflight = prepared.Preflight;
        Region = preflight.Region;
        Account = preflight.Account;
        GitCommit = GitInfo.HeadCommit(ProjectDirectory);
        if (preflight.Network is { FromDefaultVpc: true } network)
        {
            ResolvedSubnets = string.Join(";", network.Subnets);
            ResolvedSecurityGroups = string.Join(";", network.SecurityGroups);
        }

        ResolvedImage = prepared.ResolvedImage;
        if (prepared.Registry is not { } registry)
        {
            return;
        }

        ContainerRegistry = registry.Registry;
        // (The push credentials are fetched only when there is something to push, below.)
        ContainerRepository = registry.RepositoryName;
        if (PublishDirectory is not null)
        {
            ImageFingerprint = Core.Deployment.ImageFingerprint.Compute(PublishDirectory, ImageInputs.Select(i => i.ItemSpec));
            DeploymentLog.Detail($"EcsBuildTasks: image fingerprint {ImageFingerprint} of {PublishDirectory} and {string.Join(" | ", ImageInputs.Select(i => i.ItemSpec))}");
            if (settings.ReuseUnchangedImage)
            {
                ReusableImage? reusable = null;
                var tags = SettingsReader.SplitList(ImageTags);
                RunSynchronously(async () => reusable = await new ImageReuse(aws, DeploymentLog)
                    .FindAsync(definitions.TaskDefinition.Family!, TaskDefinitionBuilder.MainContainerName(settings, definitions.TaskDefinition), ImageFingerprint, registry, tags, CancellationToken).ConfigureAwait(false));
                if (reusable is not null)
                {
                    ReusedImage = reusable.Image;
                    ReusedPorts = string.Join(";", reusable.Ports.Select(p => $"{p.Port}/{p.Protocol}"));
                    return;
                }
            }
        }

        RegistryCredentials credentials = null!;
        RunSynchronously(async () => credentials = await new RegistryPreparation(aws, DeploymentLog).AuthorizeAsync(registry, CancellationToken).ConfigureAwait(false));
        DeploymentLog.Info($"EcsBuildTasks: pushing the image to {registry.RepositoryUri}");
        var sameRegistry = BaseImage is { Length: > 0 } baseImage && ImageReference.Parse(baseImage).Registry is { } baseRegistry
            && string.Equals(baseRegistry, credentials.Registry, StringComparison.OrdinalIgnoreCase);
        RegistryCredentialHandoff.Set(credentials.UserName, credentials.Password, alsoForPull: sameRegistry);
        DeploymentLog.Detail($"EcsBuildTasks: push credentials for {credentials.Registry} handed to PublishContainer through {RegistryCredentialHandoff.PushUser}/{RegistryCredentialHandoff.PushPassword}");
    }
}
