using System.Globalization;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Features.Results;
using EcsBuildTasks.Core.Infrastructure;
using Microsoft.Build.Framework;

namespace EcsBuildTasks;

/// <summary>
/// After the image is pushed: generates the final definitions (the settings with what the preparation resolved and the
/// image pinned by digest), and deploys them through the project's deployment strategy: registration when the task
/// definition changed, the change, waiting for the real outcome, the result.
/// </summary>
public sealed class DeployEcsService : EcsTask
{
    public string? EndpointUrl { get; set; }

    private protected override string? ResolvedEndpointUrl => EndpointUrl;

    /// <summary>The LocalEcs of <c>EcsTarget=local</c> exits when the builds using it end (StartLocalEcs's <c>StopsWithBuilds</c>).</summary>
    public bool LocalEcsStopsWithBuild { get; set; }

    /// <summary>What <c>PrepareEcsDeployment</c> resolved (<c>prepared-deployment.json</c>).</summary>
    [Required]
    public string PreparedDeploymentFile { get; set; } = string.Empty;

    /// <summary>Where the final task-definition and service-definition JSON (as registered) are written.</summary>
    [Required]
    public string OutputDirectory { get; set; } = string.Empty;

    [Required]
    public string ResultFile { get; set; } = string.Empty;

    /// <summary>
    /// Yield the MSBuild node while deploying (the targets set it where the build runs the task in its own process, not
    /// in Visual Studio's task host).
    /// </summary>
    public bool YieldDuringDeployment { get; set; }

    [Output]
    public string? TaskDefinitionArn { get; private set; }

    [Output]
    public string? ServiceDeploymentArn { get; private set; }

    [Output]
    public string? Status { get; private set; }

    /// <summary>Where the service answers (an Express service's URL); empty when the deployment gives none.</summary>
    [Output]
    public string? Url { get; private set; }

    private protected override void ExecuteCore(Project project, DiagnosticCollection diagnostics)
    {
        if (diagnostics.HasErrors)
        {
            return;
        }

        var prepared = PreparedDeployment.Read(PreparedDeploymentFile);
        using var aws = AwsSession.For(project.Settings, EndpointUrl);
        var settings = prepared.ApplyTo(project.Settings);
        if (!settings.ImageIsExternal && settings.PushedImageDigest is null)
        {
            diagnostics.Error(DiagnosticCodes.ImageNotPushed, "PublishContainer", "PublishContainer reported no image digest (GeneratedContainerDigest); nothing was deployed.");
            return;
        }

        if (Generate(project with { Settings = settings }, diagnostics) is not { } definitions)
        {
            return;
        }

        DefinitionWriter.Write(definitions, OutputDirectory);
        DeploymentReport report = null!;
        // The deployment mostly waits for ECS: yielded, the node builds other projects of the publish meanwhile (their
        // waits overlap instead of queueing behind MSBuild's node count). Logging stays allowed while yielded.
        var yielded = YieldDuringDeployment && BuildEngine is IBuildEngine3;
        if (yielded)
        {
            ((IBuildEngine3)BuildEngine).Yield();
        }

        try
        {
            RunSynchronously(async () => report = await new Deployer(aws, DeploymentLog, TimeProvider.System) { LocalEcsStopsWithBuild = LocalEcsStopsWithBuild }.DeployAsync(definitions, prepared, CancellationToken).ConfigureAwait(false));
        }
        finally
        {
            if (yielded)
            {
                ReacquireNode();
            }
        }

        LogRequestTimings(aws);
        var result = report.Result with { ApiCalls = report.Result.ApiCalls + prepared.Requests };
        result.WriteJson(ResultFile);
        foreach (var line in result.SummaryLines())
        {
            DeploymentLog.Info(line);
        }

        DeploymentLog.Info($"EcsBuildTasks: result written to {ResultFile}");
        WriteGitHubActionsFiles(result);
        TaskDefinitionArn = result.TaskDefinitionArn;
        ServiceDeploymentArn = result.ServiceDeploymentArn;
        Status = result.Status;
        Url = result.Url;
        if (report.Failure is { } failure)
        {
            diagnostics.Add(failure);
        }
    }

    /// <summary>
    /// Takes the node back after the wait. A cancelled build (Ctrl+C) refuses to give it back (MSB4188): the deployment's
    /// own outcome (ECS3007, where it stands and how to check it) is still what the user must see, so it is reported
    /// while yielded, as logging allows, instead of being replaced by MSBuild's abort.
    /// </summary>
    private void ReacquireNode()
    {
        try
        {
            ((IBuildEngine3)BuildEngine).Reacquire();
        }
        // BuildAbortedException lives in Microsoft.Build.dll, which a task does not reference.
        catch (Exception ex) when (CancellationToken.IsCancellationRequested && ex.GetType().FullName == "Microsoft.Build.Exceptions.BuildAbortedException")
        {
            DeploymentLog.Detail("EcsBuildTasks: the build was cancelled while the deployment waited; reporting where it stands");
        }
    }

    /// <summary>The step summary and the step outputs of GitHub Actions, when the build runs there.</summary>
    private void WriteGitHubActionsFiles(DeploymentResult result)
    {
        var github = GitHubActions.FromEnvironment;
        try
        {
            github.WriteStepSummary(result.Markdown());
            if (github.WriteOutputs(result) is { } outputs)
            {
                DeploymentLog.Detail($"EcsBuildTasks: step outputs of {result.Service} written to {outputs}");
            }
        }
        catch (IOException ex)
        {
            Log.LogMessage(MessageImportance.Normal, string.Create(CultureInfo.InvariantCulture, $"EcsBuildTasks: could not write the GitHub Actions files (GITHUB_STEP_SUMMARY, GITHUB_OUTPUT): {ex.Message}"));
        }
    }
}
