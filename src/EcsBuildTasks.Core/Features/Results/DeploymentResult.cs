using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Infrastructure;

namespace EcsBuildTasks.Core.Features.Results;

/// <summary>What the new revision's share during each step of a deployment is a share of (the timeline chart's last section).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<StepShare>))]
internal enum StepShare
{
    /// <summary>Production traffic: listener weights, DNS weights, ECS's traffic shifting.</summary>
    Traffic,

    /// <summary>Tasks: the new version's share of the tasks (the phases of versioned services), not of routed traffic.</summary>
    Tasks,
}

/// <summary>The result of a deployment step and, when it did not succeed, the error that fails the build.</summary>
internal sealed record DeploymentReport(DeploymentResult Result, EcsDiagnostic? Failure);

/// <summary>
/// The machine-readable record of a deployment, written to <c>$(PublishDir)ecs-deployment.json</c> for CI steps that
/// follow (and summarised for people on the console and in a GitHub step summary).
/// </summary>
internal sealed record DeploymentResult
{
    /// <summary>succeeded, up-to-date, rolled-back, timed-out, failed-fast, failed, stopped, cancelled, not-waited, verification-failed, superseded, skipped (a project it deploys after failed), not-built (its build failed before it deployed, in a solution publish).</summary>
    public required string Status { get; init; }

    public required string Cluster { get; init; }

    /// <summary>The environment deployed: the publish profile's name; null without one.</summary>
    public string? Environment { get; init; }

    public required string Service { get; init; }

    public string? ServiceArn { get; init; }

    /// <summary>Where the service answers (an Express service's URL); null when the deployment gives none.</summary>
    public string? Url { get; init; }

    /// <summary>A managed daemon's tasks per capacity provider when the deployment ended (<c>provider: running/instances</c>).</summary>
    public IReadOnlyList<string>? CapacityProviders { get; init; }

    public string? Image { get; init; }

    public string? ImageDigest { get; init; }

    public string? TaskDefinitionArn { get; init; }

    public bool TaskDefinitionRegistered { get; init; }

    /// <summary>What ECS runs now: the new revision on success, the previous one after a rollback.</summary>
    public string? RunningTaskDefinitionArn { get; init; }

    public string? ServiceDeploymentArn { get; init; }

    public string? ServiceDeploymentStatus { get; init; }

    public string? StatusReason { get; init; }

    /// <summary>The newer deployment that stopped this build's (status <c>superseded</c>).</summary>
    public string? SupersededBy { get; init; }

    /// <summary>created, updated or unchanged.</summary>
    public string? ServiceChange { get; init; }

    public IReadOnlyList<string> ChangedMembers { get; init; } = [];

    public string? Region { get; init; }

    public string? Account { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    /// <summary>When the build knew the outcome (the waiter returned), for measuring how fast it notices.</summary>
    public DateTimeOffset FinishedAt { get; init; }

    public double DeploySeconds { get; init; }

    public double WaitSeconds { get; init; }

    /// <summary>HTTP requests sent to AWS by this step, retries included.</summary>
    public int ApiCalls { get; init; }

    /// <summary>The deployment strategy (<c>EcsDeploymentStrategy</c>) that made this result.</summary>
    public string? Strategy { get; init; }

    /// <summary>
    /// Every stage the strategy reports with when the build saw it start and how long it took: the lifecycle stages of
    /// BlueGreen, Canary and Linear, what a rolling update went through, the phases and weight steps of the versioned
    /// strategies. The timeline chart of the summary is drawn from these, the gates and <see cref="TimelineStartedAt"/>.
    /// </summary>
    public IReadOnlyList<StageTiming>? LifecycleStages { get; init; }

    /// <summary>
    /// What the stages' weights (<see cref="StageTiming.ProductionTrafficWeight"/>) are a share of, as the strategy says:
    /// routed traffic (null, the default) or tasks (a strategy that grows the new version by tasks: the phases of Versioned).
    /// </summary>
    public StepShare? StepShare { get; init; }

    /// <summary>The instant the stages' <see cref="StageTiming.StartedAtSeconds"/> count from.</summary>
    public DateTimeOffset? TimelineStartedAt { get; init; }

    /// <summary>The build's verification gates and what they decided.</summary>
    public IReadOnlyList<GateSummary>? VerificationGates { get; init; }

    public bool Succeeded => Status is "succeeded" or "up-to-date" or "not-waited";

    public static string StatusName(DeploymentOutcome outcome) => outcome switch
    {
        DeploymentOutcome.Succeeded => "succeeded",
        DeploymentOutcome.RolledBack => "rolled-back",
        DeploymentOutcome.TimedOut => "timed-out",
        DeploymentOutcome.FailedFast => "failed-fast",
        DeploymentOutcome.Stopped => "stopped",
        DeploymentOutcome.Cancelled => "cancelled",
        DeploymentOutcome.VerificationFailed => "verification-failed",
        DeploymentOutcome.Superseded => "superseded",
        _ => "failed",
    };

    public void WriteJson(string path)
    {
        var directory = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(path, JsonSerializer.Serialize(this, DeploymentResultJsonContext.Default.DeploymentResult) + "\n");
    }

    /// <summary>The console summary.</summary>
    public IReadOnlyList<string> SummaryLines()
    {
        var inv = CultureInfo.InvariantCulture;
        var lines = new List<string>
        {
            $"EcsBuildTasks: {Headline()}",
            $"  Service         {Service} in {Cluster}{(Region is null ? string.Empty : $" ({Region})")}",
        };
        if (Environment is not null)
        {
            lines.Add($"  Environment     {Environment} (publish profile)");
        }

        if (Url is not null)
        {
            lines.Add($"  URL             {Url}");
        }

        foreach (var provider in CapacityProviders ?? [])
        {
            lines.Add($"  Provider        {provider}");
        }
        if (Image is not null)
        {
            lines.Add($"  Image           {Image}");
        }

        if (TaskDefinitionArn is not null)
        {
            lines.Add($"  Task definition {Arns.Short(TaskDefinitionArn)}{(TaskDefinitionRegistered ? " (new revision)" : " (unchanged)")}");
        }

        if (RunningTaskDefinitionArn is not null && RunningTaskDefinitionArn != TaskDefinitionArn)
        {
            lines.Add($"  Now running     {Arns.Short(RunningTaskDefinitionArn)}");
        }

        if (ServiceDeploymentArn is not null)
        {
            lines.Add($"  Deployment      {ServiceDeploymentArn} ({ServiceDeploymentStatus})");
        }

        lines.AddRange(DeploymentTimeline.SummaryLines(LifecycleStages ?? [], VerificationGates ?? []));
        lines.Add(string.Create(inv, $"  Took            {DeploySeconds:0.0} s ({WaitSeconds:0.0} s waiting for ECS), {ApiCalls} AWS requests"));
        return lines;
    }

    /// <summary>A Markdown section for <c>$GITHUB_STEP_SUMMARY</c>.</summary>
    public string Markdown()
    {
        var builder = new StringBuilder();
        builder.AppendLine(CultureInfo.InvariantCulture, $"### ECS deployment of `{Service}`{(Environment is null ? string.Empty : $" to {Environment}")}: {Headline()}");
        builder.AppendLine();
        builder.AppendLine("| | |");
        builder.AppendLine("|---|---|");
        builder.AppendLine(CultureInfo.InvariantCulture, $"| Cluster | `{Cluster}`{(Region is null ? string.Empty : $" ({Region})")} |");
        if (Environment is not null)
        {
            builder.AppendLine(CultureInfo.InvariantCulture, $"| Environment | {Environment} |");
        }

        if (Url is not null)
        {
            builder.AppendLine(CultureInfo.InvariantCulture, $"| URL | {Url} |");
        }

        foreach (var provider in CapacityProviders ?? [])
        {
            builder.AppendLine(CultureInfo.InvariantCulture, $"| Capacity provider | {provider} |");
        }
        if (Image is not null)
        {
            builder.AppendLine(CultureInfo.InvariantCulture, $"| Image | `{Image}` |");
        }

        if (TaskDefinitionArn is not null)
        {
            builder.AppendLine(CultureInfo.InvariantCulture, $"| Task definition | `{Arns.Short(TaskDefinitionArn)}`{(TaskDefinitionRegistered ? " (new)" : " (unchanged)")} |");
        }

        if (RunningTaskDefinitionArn is not null && RunningTaskDefinitionArn != TaskDefinitionArn)
        {
            builder.AppendLine(CultureInfo.InvariantCulture, $"| Now running | `{Arns.Short(RunningTaskDefinitionArn)}` |");
        }

        if (ServiceDeploymentArn is not null)
        {
            builder.AppendLine(CultureInfo.InvariantCulture, $"| Service deployment | `{ServiceDeploymentArn}` ({ServiceDeploymentStatus}) |");
        }

        if (StatusReason is not null)
        {
            builder.AppendLine(CultureInfo.InvariantCulture, $"| Reason | {StatusReason.Replace("|", "\\|", StringComparison.Ordinal)} |");
        }

        foreach (var line in DeploymentTimeline.SummaryLines(LifecycleStages ?? [], VerificationGates ?? []))
        {
            var text = line.Trim();
            var label = text.StartsWith("Gate", StringComparison.Ordinal) ? "Gate" : "Stage";
            builder.AppendLine(CultureInfo.InvariantCulture, $"| {label} | {text[label.Length..].Trim().Replace("|", "\\|", StringComparison.Ordinal)} |");
        }

        builder.AppendLine(CultureInfo.InvariantCulture, $"| Duration | {DeploySeconds:0.0} s ({WaitSeconds:0.0} s waiting) |");
        builder.AppendLine(CultureInfo.InvariantCulture, $"| AWS requests | {ApiCalls} |");
        if (TimelineChart.Mermaid(this) is { } chart)
        {
            builder.AppendLine();
            builder.Append(chart);
        }

        return builder.ToString();
    }

    private string Headline() => Status switch
    {
        "succeeded" => "deployed: the new revision is serving",
        "up-to-date" => "up to date: nothing changed, nothing deployed",
        "not-waited" => "deployment started (EcsWait=false: its outcome was not awaited)",
        "rolled-back" => "FAILED and rolled back to the previous revision",
        "timed-out" => "FAILED: timed out and rolled back",
        "failed-fast" => "FAILED: tasks failed, stopped and rolled back",
        "stopped" => "STOPPED outside this build",
        "cancelled" => "cancelled while waiting: the build stopped following the deployment",
        "verification-failed" => "FAILED verification and rolled back to the previous revision",
        "superseded" => "SUPERSEDED by a newer deployment before it finished (this revision did not fail, but it is not what runs)",
        "skipped" => "SKIPPED: a project it deploys after (EcsDeployAfter) failed, so nothing was deployed",
        "not-built" => "NOT BUILT: the project's build failed before it deployed, so nothing was deployed",
        "no-url" => "FAILED: the service runs but ECS gave it no URL",
        _ => "FAILED",
    };
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DeploymentResult))]
internal sealed partial class DeploymentResultJsonContext : JsonSerializerContext;
