using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Features.Results;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using Microsoft.Build.Framework;
using MSBuildTask = Microsoft.Build.Utilities.Task;

namespace EcsBuildTasks;

/// <summary>
/// Base of every EcsBuildTasks task: a thin shell around the engine. It reads the project's settings once (MSBuild inputs
/// into the engine's <see cref="Project"/>: typed settings and the chosen strategy), runs the engine with a cancellation
/// token (Ctrl+C in the build cancels it), and turns engine diagnostics into coded MSBuild errors and warnings. A task
/// never sees the raw values, so it can neither read them twice nor write into them.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "MSBuild never disposes task instances; the source uses no timer or wait handle, so there is nothing to release.")]
public abstract class EcsTask : MSBuildTask, ICancelableTask
{
    private readonly CancellationTokenSource cancellation = new();
    private readonly object liveStatusGate = new();
    private LiveStatusLine? liveStatus;
    private bool liveStatusChosen;
    private AwsCliCommands commands = AwsCliCommands.Unchanged;

    /// <summary>The project's <c>Ecs*</c> (and SDK container) properties: Include = property name, metadata <c>Value</c>.</summary>
    public ITaskItem[] Settings { get; set; } = [];

    /// <summary>The project's <c>Ecs*</c> items; metadata <c>EcsItemType</c> says which item type each came from.</summary>
    public ITaskItem[] Items { get; set; } = [];

    /// <summary>Relative template paths are resolved against this folder.</summary>
    [Required]
    public string ProjectDirectory { get; set; } = string.Empty;

    /// <summary>The project file errors and warnings point at (not the .targets file that declares the task).</summary>
    public string? ProjectFile { get; set; }

    protected CancellationToken CancellationToken => cancellation.Token;

    public void Cancel() => cancellation.Cancel();

    public sealed override bool Execute()
    {
        var started = Stopwatch.GetTimestamp();
        var jitMethods = JitInfo.GetCompiledMethodCount();
        var jitTime = JitInfo.GetCompilationTime();
        var diagnostics = new DiagnosticCollection();
        try
        {
            var input = ReadInput();
            var project = Project.Read(input, diagnostics);
            var connection = AwsSession.ConnectionSettings(project.Settings, ResolvedEndpointUrl);
            commands = connection.EndpointUrl is { } endpoint ? new AwsCliCommands(endpoint.TrimEnd('/'), connection.Region) : AwsCliCommands.Unchanged;
            DeploymentLog.Detail($"EcsBuildTasks: read the project's settings ({input.Properties.Count} properties, {Items.Length} items): {EcsProperties.DeploymentStrategy}={project.Strategy.Name}");
            ExecuteCore(project, diagnostics);
        }
        catch (DeploymentException ex)
        {
            diagnostics.AddRange(ex.Diagnostics);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            diagnostics.Warning(DiagnosticCodes.Cancelled, "build", "The build was cancelled.");
        }
        catch (Exception ex) when (ex is not DeploymentException)
        {
            // Never MSBuild's MSB4018 and a stack trace: a coded error naming the step (the trace goes to the detailed log).
            diagnostics.AddRange(UnexpectedErrors.Coded($"running {GetType().Name}", ex, ProjectFile ?? ProjectDirectory).Diagnostics);
            Log.LogMessage(MessageImportance.Low, ex.ToString());
        }
        finally
        {
            lock (liveStatusGate)
            {
                liveStatus?.Dispose();
                liveStatus = null;
            }
        }

        if (ReportsDiagnostics)
        {
            LogDiagnostics(diagnostics);
        }

        // Where a publish's time goes (docs/benchmarks.md): the task's own time and how much of it the JIT took (the
        // runtime's counters are process-wide: other work of the same MSBuild node at the same time counts too).
        DeploymentLog.Detail(string.Create(CultureInfo.InvariantCulture,
            $"EcsBuildTasks: timing: {GetType().Name} took {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms; the JIT compiled {JitInfo.GetCompiledMethodCount() - jitMethods} methods in {(JitInfo.GetCompilationTime() - jitTime).TotalMilliseconds:F0} ms meanwhile"));
        return !Log.HasLoggedErrors;
    }

    /// <summary>False for a task that only describes the project to others: the project's own build reports its problems.</summary>
    private protected virtual bool ReportsDiagnostics => true;

    /// <summary>The detailed log's list of the AWS requests a task sent, each with when it was sent and how long it took.</summary>
    private protected void LogRequestTimings(AwsSession aws)
    {
        ArgumentNullException.ThrowIfNull(aws);
        var timings = aws.Timings;
        if (timings.Count == 0)
        {
            return;
        }

        var total = timings.Sum(t => t.Duration.TotalMilliseconds);
        DeploymentLog.Detail(string.Create(CultureInfo.InvariantCulture,
            $"EcsBuildTasks: timing: {timings.Count} AWS requests answered, {total:F0} ms in all: {string.Join(", ", timings.Select(t => $"{t.Operation} at +{t.SentAt.TotalMilliseconds:F0} ms took {t.Duration.TotalMilliseconds:F0} ms"))}"));
    }

    /// <summary>The progress sink the engine writes to: this task's log, warnings coded at the project file, <c>aws …</c> commands pointed at the endpoint used.</summary>
    private protected IDeploymentLog DeploymentLog => commands.Pointing(new MSBuildDeploymentLog(this));

    /// <summary>The endpoint the task talks to when it differs from the settings' (LocalEcs once started), for the printed commands.</summary>
    private protected virtual string? ResolvedEndpointUrl => null;

    /// <summary>
    /// The project's definitions (null when anything is wrong: reported). The one place a task generates them, once;
    /// the detailed log says so.
    /// </summary>
    private protected GeneratedDefinitions? Generate(Project project, DiagnosticCollection diagnostics)
    {
        ArgumentNullException.ThrowIfNull(project);
        var definitions = project.Generate(diagnostics);
        if (definitions is not null)
        {
            DeploymentLog.Detail($"EcsBuildTasks: generated the task definition {definitions.TaskDefinition.Family} and the service definition {definitions.Service.ServiceName}");
        }

        return definitions;
    }

    /// <summary>
    /// The project's definitions as a dry run makes them (no image is built or pushed), for the tasks that act on the
    /// service already deployed (rollback, status, ad-hoc tasks); null when the settings are invalid (reported).
    /// </summary>
    private protected GeneratedDefinitions? DefinitionsOfDeployedService(Project project, DiagnosticCollection diagnostics)
    {
        ArgumentNullException.ThrowIfNull(project);
        return Generate(project with { Settings = project.Settings with { DryRun = true } }, diagnostics);
    }

    /// <summary>
    /// The result of a project of a solution publish that deployed nothing (<c>skipped</c> after a failed dependency,
    /// <c>not-built</c>), named as far as its settings allow (its definitions when <paramref name="settingsValid"/>), for
    /// the solution's combined summary.
    /// </summary>
    private protected DeploymentResult UndeployedResult(Project project, string status, string reason, bool settingsValid = true)
    {
        ArgumentNullException.ThrowIfNull(project);
        var definitions = settingsValid ? DefinitionsOfDeployedService(project, new DiagnosticCollection()) : null;
        var now = DateTimeOffset.UtcNow;
        return new DeploymentResult
        {
            Status = status,
            Service = definitions?.Service.ServiceName ?? project.Settings.ServiceName ?? Path.GetFileNameWithoutExtension(ProjectFile ?? BuildEngine.ProjectFileOfTaskNode),
            Cluster = definitions?.Service.Cluster ?? project.Settings.Cluster ?? "default",
            Region = project.Settings.Region,
            Environment = project.Settings.Release.Environment,
            StatusReason = reason,
            StartedAt = now,
            FinishedAt = now,
        };
    }

    /// <summary>Runs engine work that is asynchronous (AWS calls) on the task's thread, honouring Ctrl+C.</summary>
    protected static void RunSynchronously(Func<System.Threading.Tasks.Task> work) => work().GetAwaiter().GetResult();

    /// <summary>The live status line of a long wait under the terminal logger; null for the line log (chosen once per task).</summary>
    private LiveStatusLine? LiveStatus
    {
        get
        {
            lock (liveStatusGate)
            {
                if (!liveStatusChosen)
                {
                    liveStatusChosen = true;
                    liveStatus = TerminalProgress.ForThisProcess();
                }

                return liveStatus;
            }
        }
    }

    private sealed class MSBuildDeploymentLog(EcsTask task) : IDeploymentLog
    {
        public void Info(string message) => task.Log.LogMessage(MessageImportance.High, message);

        public void Detail(string message) => task.Log.LogMessage(MessageImportance.Low, message);

        public void Warning(EcsDiagnostic diagnostic) => task.LogDiagnostics([diagnostic]);

        // The line log keeps its own progress lines: the live line is added where the terminal logger draws, never instead of them.
        public void Progress(DeploymentProgress progress) => task.LiveStatus?.Show(progress);

        public void ProgressDone() => task.liveStatus?.Clear();
    }

    /// <summary>The task's work: call the engine, set outputs, add diagnostics (the settings' reading errors are in already).</summary>
    private protected abstract void ExecuteCore(Project project, DiagnosticCollection diagnostics);

    private protected void LogDiagnostics(IEnumerable<EcsDiagnostic> diagnostics)
    {
        var file = ProjectFile ?? BuildEngine?.ProjectFileOfTaskNode;
        var github = GitHubActions.FromEnvironment;
        foreach (var diagnostic in diagnostics.Select(commands.Point))
        {
            if (github.IsRunning)
            {
                // GitHub Actions shows a workflow command on its own line as an annotation of the run and the file.
                Log.LogMessage(MessageImportance.High, github.Annotation(diagnostic, file));
            }

            if (diagnostic.IsError)
            {
                Log.LogError(null, diagnostic.Code, null, file, 0, 0, 0, 0, diagnostic.Message);
            }
            else
            {
                Log.LogWarning(null, diagnostic.Code, null, file, 0, 0, 0, 0, diagnostic.Message);
            }
        }
    }

    private SettingsInput ReadInput()
    {
        var input = new SettingsInput { BaseDirectory = ProjectDirectory };
        foreach (var setting in Settings)
        {
            input.Set(setting.ItemSpec, setting.GetMetadata("Value"));
        }

        foreach (var item in Items)
        {
            var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var name in item.MetadataNames.Cast<string>())
            {
                metadata[name] = item.GetMetadata(name);
            }

            input.Add(item.GetMetadata("EcsItemType"), new ItemInput(item.ItemSpec, metadata));
        }

        return input;
    }
}
