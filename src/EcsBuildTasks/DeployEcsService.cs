using System.Globalization;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Deployment;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Settings;
using Microsoft.Build.Framework;

namespace EcsBuildTasks;

/// <summary>
/// After the image is pushed: generates the final definitions (image pinned by digest), registers the task definition
/// when it changed, creates or updates the service, waits for the real outcome and writes the result.
/// </summary>
public sealed class DeployEcsService : EcsTask
{
    public string? EndpointUrl { get; set; }

    public string? ResolvedSubnets { get; set; }

    public string? ResolvedSecurityGroups { get; set; }

    public string? ResolvedImage { get; set; }

    public string? GitCommit { get; set; }

    public string? ImageFingerprint { get; set; }

    /// <summary>The running revision's image, deployed again because this build's content is the same.</summary>
    public string? ReusedImage { get; set; }

    public string? ReusedPorts { get; set; }

    /// <summary>AWS requests the preparation step sent (added to this step's for the result).</summary>
    public int PreparationRequests { get; set; }

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

    protected override void ExecuteCore(SettingsInput input, DiagnosticCollection diagnostics)
    {
        var settings = SettingsReader.Read(input, new DiagnosticCollection());
        using var aws = AwsSession.For(settings, EndpointUrl);
        input.Set(EcsProperties.Region, settings.Region ?? aws.Factory.ResolvedRegion.SystemName);
        if (settings.Subnets.Count == 0 && ResolvedSubnets is not null)
        {
            input.Set(EcsProperties.Subnets, ResolvedSubnets).Set(EcsProperties.SecurityGroups, ResolvedSecurityGroups).Set(EcsProperties.InternalUsesDefaultVpc, "true");
        }

        if (ResolvedImage is not null)
        {
            input.Set(EcsProperties.Image, ResolvedImage);
        }

        if (ReusedImage is not null)
        {
            // Deployed like the image PublishContainer would have pushed: same registry, repository and exposed ports.
            input.Set(EcsProperties.Image, ReusedImage);
            var exposed = string.Join(",", SettingsReader.SplitList(ReusedPorts).Select(p => $"\"{p}\":{{}}"));
            input.Set(EcsProperties.SdkGeneratedContainerConfiguration, $"{{\"config\":{{\"ExposedPorts\":{{{exposed}}}}}}}");
        }

        if (input.Get(EcsProperties.Image) is null && input.Get(EcsProperties.SdkGeneratedContainerDigest) is null)
        {
            diagnostics.Error(DiagnosticCodes.ImageNotPushed, "PublishContainer", "PublishContainer reported no image digest (GeneratedContainerDigest); nothing was deployed.");
            return;
        }

        var definitions = DefinitionGenerator.Generate(input, diagnostics);
        if (definitions is null)
        {
            return;
        }

        DefinitionWriter.Write(definitions, OutputDirectory);
        DeploymentReport report = null!;
        RunSynchronously(async () => report = await new EcsServiceDeployment(aws, DeploymentLog, TimeProvider.System).DeployAsync(definitions, GitCommit, ImageFingerprint, CancellationToken).ConfigureAwait(false));

        var result = report.Result with { ApiCalls = report.Result.ApiCalls + PreparationRequests };
        result.WriteJson(ResultFile);
        foreach (var line in result.SummaryLines())
        {
            DeploymentLog.Info(line);
        }

        DeploymentLog.Info($"EcsBuildTasks: result written to {ResultFile}");
        AppendGitHubStepSummary(result);
        TaskDefinitionArn = result.TaskDefinitionArn;
        ServiceDeploymentArn = result.ServiceDeploymentArn;
        Status = result.Status;
        if (report.Failure is { } failure)
        {
            diagnostics.Add(failure);
        }
    }

    private void AppendGitHubStepSummary(DeploymentResult result)
    {
        var summary = Environment.GetEnvironmentVariable("GITHUB_STEP_SUMMARY");
        if (string.IsNullOrEmpty(summary))
        {
            return;
        }

        try
        {
            File.AppendAllText(summary, result.Markdown() + Environment.NewLine);
        }
        catch (IOException ex)
        {
            Log.LogMessage(MessageImportance.Normal, string.Create(CultureInfo.InvariantCulture, $"EcsBuildTasks: could not append to GITHUB_STEP_SUMMARY: {ex.Message}"));
        }
    }
}
