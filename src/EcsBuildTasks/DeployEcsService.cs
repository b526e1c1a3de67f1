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
        RunSynchronously(async () => report = await new Deployer(aws, DeploymentLog, TimeProvider.System) { LocalEcsStopsWithBuild = LocalEcsStopsWithBuild }.DeployAsync(definitions, prepared.GitCommit, prepared.ImageFingerprint, CancellationToken).ConfigureAwait(false));

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
