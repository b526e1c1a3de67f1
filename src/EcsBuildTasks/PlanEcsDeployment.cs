using System.Globalization;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Features.Plan;
using EcsBuildTasks.Core.Infrastructure;
using Microsoft.Build.Framework;

namespace EcsBuildTasks;

/// <summary>
/// <c>EcsDryRun=true</c>: the plan against the live service (<c>EcsPlanLive</c>), printed, written to
/// <see cref="PlanFile"/> and, on GitHub, added to the step summary. Sends read requests only.
/// </summary>
public sealed class PlanEcsDeployment : EcsTask
{
    public string? EndpointUrl { get; set; }

    private protected override string? ResolvedEndpointUrl => EndpointUrl;

    /// <summary>Where the plan is written as JSON (<c>ecs-plan.json</c>).</summary>
    [Required]
    public string PlanFile { get; set; } = string.Empty;

    /// <summary>no-change, image-only, changes, or offline.</summary>
    [Output]
    public string? Verdict { get; private set; }

    private protected override void ExecuteCore(Project project, DiagnosticCollection diagnostics)
    {
        if (DefinitionsOfDeployedService(project, diagnostics) is not { } definitions)
        {
            return;
        }

        using var aws = AwsSession.ReadOnlyFor(definitions.Settings, EndpointUrl);
        DeploymentPlan? plan = null;
        RunSynchronously(async () => plan = await new Planner(aws, DeploymentLog, TimeProvider.System).PlanOrOfflineAsync(definitions, CancellationToken).ConfigureAwait(false));
        foreach (var line in plan!.Lines())
        {
            DeploymentLog.Info(line);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(PlanFile))!);
        File.WriteAllText(PlanFile, plan.ToJson());
        DeploymentLog.Detail($"EcsBuildTasks: wrote the plan to {PlanFile}");
        Verdict = plan.Verdict;
        if (plan.Live && Environment.GetEnvironmentVariable("GITHUB_STEP_SUMMARY") is { Length: > 0 } summary)
        {
            try
            {
                File.AppendAllText(summary, plan.Markdown() + Environment.NewLine);
            }
            catch (IOException ex)
            {
                Log.LogMessage(MessageImportance.Normal, string.Create(CultureInfo.InvariantCulture, $"EcsBuildTasks: could not append to GITHUB_STEP_SUMMARY: {ex.Message}"));
            }
        }
    }
}
