using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Features.Images;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using Microsoft.Build.Framework;

namespace EcsBuildTasks;

/// <summary>
/// Before the image is built: runs the read-only preflight against AWS (or LocalEcs) on the definitions
/// <c>GenerateEcsDefinitions</c> wrote, makes sure the ECR repository exists, finds out whether the running image can be
/// deployed again, hands the push credentials to <c>PublishContainer</c>, and writes what it resolved to
/// <see cref="PreparedDeploymentFile"/> for <c>DeployEcsService</c>.
/// </summary>
public sealed class PrepareEcsDeployment : EcsTask
{
    /// <summary>LocalEcs's endpoint when <c>EcsTarget=local</c> (the one found or started).</summary>
    public string? EndpointUrl { get; set; }

    private protected override string? ResolvedEndpointUrl => EndpointUrl;

    /// <summary>The base image PublishContainer builds on (the SDK's choice, or LocalEcs's).</summary>
    public string? BaseImage { get; set; }

    /// <summary>The tags PublishContainer will push (ContainerImageTags), re-applied to a reused image.</summary>
    public string? ImageTags { get; set; }

    /// <summary>The publish folder: what goes into the image.</summary>
    public string? PublishDirectory { get; set; }

    /// <summary>The container settings the SDK builds the image from, one "name=value" per item (for the fingerprint).</summary>
    public ITaskItem[] ImageInputs { get; set; } = [];

    /// <summary>The task definition <c>GenerateEcsDefinitions</c> wrote: the preparation checks it, it does not generate it again.</summary>
    [Required]
    public string TaskDefinitionFile { get; set; } = string.Empty;

    /// <summary>The service definition <c>GenerateEcsDefinitions</c> wrote.</summary>
    [Required]
    public string ServiceDefinitionFile { get; set; } = string.Empty;

    /// <summary>Where the hand-off to <c>DeployEcsService</c> is written (<c>prepared-deployment.json</c>).</summary>
    [Required]
    public string PreparedDeploymentFile { get; set; } = string.Empty;

    /// <summary>True when the running revision's image is deployed again: nothing to build or push.</summary>
    [Output]
    public bool ImageReused { get; private set; }

    [Output]
    public string? ContainerRegistry { get; private set; }

    [Output]
    public string? ContainerRepository { get; private set; }

    private protected override void ExecuteCore(Project project, DiagnosticCollection diagnostics)
    {
        if (diagnostics.HasErrors)
        {
            return;
        }

        var definitions = project.Load(new DefinitionFiles(TaskDefinitionFile, ServiceDefinitionFile, string.Empty));
        using var aws = AwsSession.For(definitions.Settings, EndpointUrl);
        using var early = TakeEarlyStart();
        var build = new ImageBuild(PublishDirectory, [.. ImageInputs.Select(i => i.ItemSpec)], SettingsValues.SplitList(ImageTags));
        Preparation preparation = null!;
        var sentEarly = 0;
        RunSynchronously(async () =>
        {
            if (early is not null)
            {
                sentEarly = await early.WaitAsync(CancellationToken).ConfigureAwait(false);
                aws.AnswerReadsFrom(early.Answers);
                DeploymentLog.Detail($"EcsBuildTasks: the early start sent {sentEarly} reads ({string.Join(", ", early.Sent)}){(early.EndedBecause is { } why ? $"; it ended before the end of the read-only part: {why}" : string.Empty)}");
            }

            preparation = await new DeploymentPreparation(aws, DeploymentLog).PrepareAsync(definitions, build, ProjectDirectory, CancellationToken).ConfigureAwait(false);
        });
        if (early is not null)
        {
            DeploymentLog.Detail($"EcsBuildTasks: {aws.AnsweredEarly} reads answered from the early start ({early.Answers.Unused} of its answers not needed)");

            // Every request sent for this preparation counts, early or not, used or not.
            preparation = preparation with { Document = preparation.Document with { Requests = preparation.Document.Requests - aws.AnsweredEarly + sentEarly } };
        }

        LogRequestTimings(aws);
        preparation.Document.Write(PreparedDeploymentFile);
        ImageReused = preparation.Document.ReusedImage is not null;
        ContainerRegistry = preparation.Registry?.Registry;
        ContainerRepository = preparation.Registry?.RepositoryName;
        if (preparation.PushCredentials is { } credentials)
        {
            var sameRegistry = BaseImage is { Length: > 0 } baseImage && ImageReference.Parse(baseImage).Registry is { } baseRegistry
                && string.Equals(baseRegistry, credentials.Registry, StringComparison.OrdinalIgnoreCase);
            RegistryCredentialHandoff.Set(credentials.UserName, credentials.Password, alsoForPull: sameRegistry);
            DeploymentLog.Detail($"EcsBuildTasks: push credentials for {credentials.Registry} handed to PublishContainer through {RegistryCredentialHandoff.PushUser}/{RegistryCredentialHandoff.PushPassword}");
        }
    }

    /// <summary>This project's early start (<see cref="StartEcsPreparation"/>), taken from the build's registered objects: the preparation disposes it.</summary>
    private EarlyPreparation? TakeEarlyStart()
    {
        if (BuildEngine is not IBuildEngine4 engine)
        {
            return null;
        }

        return engine.UnregisterTaskObject(EarlyPreparation.Key(TaskDefinitionFile), RegisteredTaskObjectLifetime.Build) as EarlyPreparation;
    }
}
