using EcsBuildTasks.Core.Definitions;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Engine;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using Microsoft.Build.Framework;

namespace EcsBuildTasks;

/// <summary>
/// The early start of <see cref="PrepareEcsDeployment"/> (<c>EcsPrefetch</c>, on by default): before the compiler runs,
/// starts the preparation's read-only part in the background on the definitions <c>GenerateEcsDefinitions</c> wrote, and
/// returns at once. Its reads' answers are kept in memory for the preparation, which uses each one instead of sending the
/// same read again (while it is younger than <see cref="AwsReadCache.MaxAge"/>); and the code the preparation runs is
/// compiled by the JIT meanwhile. It prints nothing and changes nothing: its session refuses anything but a read, and
/// the first change the preparation would make ends it. The preparation reports every problem itself, as it would
/// without the early start. What it started ends with the build at the latest (MSBuild disposes it).
/// </summary>
public sealed class StartEcsPreparation : EcsTask
{
    /// <summary>LocalEcs's endpoint when <c>EcsTarget=local</c> (the one found or started).</summary>
    public string? EndpointUrl { get; set; }

    private protected override string? ResolvedEndpointUrl => EndpointUrl;

    /// <summary>The publish folder of the last publish, when there is one (the image fingerprint's reads are then asked early too).</summary>
    public string? PublishDirectory { get; set; }

    /// <summary>What the compiler reads (<c>@(Compile)</c>, the project file): newer than <see cref="CompileOutput"/> means the project compiles now.</summary>
    public ITaskItem[] CompileInputs { get; set; } = [];

    /// <summary>The assembly the compiler writes (<c>@(IntermediateAssembly)</c>).</summary>
    public string? CompileOutput { get; set; }

    [Required]
    public string TaskDefinitionFile { get; set; } = string.Empty;

    [Required]
    public string ServiceDefinitionFile { get; set; } = string.Empty;

    /// <summary>The early start says nothing: the preparation reports what is wrong, once.</summary>
    private protected override bool ReportsDiagnostics => false;

    private protected override void ExecuteCore(Project project, DiagnosticCollection diagnostics)
    {
        if (diagnostics.HasErrors || BuildEngine is not IBuildEngine4 engine || BuildProcess.IsTaskHost(BuildEngine) || !File.Exists(TaskDefinitionFile) || !File.Exists(ServiceDefinitionFile))
        {
            // Only where the preparation runs in this same process later (the CLI's nodes) can it use what was read.
            return;
        }

        if (!Compiles())
        {
            // Most likely an unchanged publish, which the preparation confirms with a few reads of its own: reading
            // everything early would only add requests.
            DeploymentLog.Detail("EcsBuildTasks: nothing to compile: the preparation reads after the publish");
            return;
        }

        var definitions = project.Load(new DefinitionFiles(TaskDefinitionFile, ServiceDefinitionFile, string.Empty));
        var publishDirectory = PublishDirectory is { Length: > 0 } folder && Directory.Exists(folder) ? folder : null;
        var early = EarlyPreparation.Start(definitions, EndpointUrl, publishDirectory, ProjectDirectory);
        var key = EarlyPreparation.Key(TaskDefinitionFile);
        (engine.UnregisterTaskObject(key, RegisteredTaskObjectLifetime.Build) as IDisposable)?.Dispose();
        engine.RegisterTaskObject(key, early, RegisteredTaskObjectLifetime.Build, allowEarlyCollection: false);
        DeploymentLog.Detail("EcsBuildTasks: started the preparation's reads early, while the project compiles (EcsPrefetch=false turns this off)");
    }

    /// <summary>Whether the compiler runs in this build, as CoreCompile decides it for its sources: the assembly is missing or older than one of them.</summary>
    private bool Compiles()
    {
        if (string.IsNullOrEmpty(CompileOutput) || !File.Exists(CompileOutput))
        {
            return true;
        }

        var written = File.GetLastWriteTimeUtc(CompileOutput);
        return CompileInputs.Any(input => File.Exists(input.ItemSpec) && File.GetLastWriteTimeUtc(input.ItemSpec) > written);
    }
}

/// <summary>
/// The preparation's read-only part running in the background (<see cref="StartEcsPreparation"/>), and the answers it
/// keeps. Disposed by the preparation once used, or by MSBuild when the build ends (a failed compile): either cancels
/// what still runs and drops the answers.
/// </summary>
internal sealed class EarlyPreparation : IDisposable
{
    /// <summary>How long the preparation waits for the early start to finish before it goes on without the rest of its answers.</summary>
    private static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource cancellation = new();
    private readonly Task<int> run;
    private int disposed;

    private EarlyPreparation(GeneratedDefinitions definitions, string? endpointUrl, string? publishDirectory, string projectDirectory)
    {
        run = Task.Run(() => RunAsync(definitions, endpointUrl, publishDirectory, projectDirectory, cancellation.Token));
    }

    /// <summary>The answers of the early reads, for the preparation's session.</summary>
    public AwsReadCache Answers { get; } = new(TimeProvider.System);

    /// <summary>Why the early start ended before the end of the read-only part, when it did (for the detailed log).</summary>
    public string? EndedBecause { get; private set; }

    /// <summary>The key under which a project's early start is registered for the build: its definitions (one per project, configuration and framework).</summary>
    public static string Key(string taskDefinitionFile) => "EcsBuildTasks.EarlyPreparation:" + Path.GetFullPath(taskDefinitionFile);

    public static EarlyPreparation Start(GeneratedDefinitions definitions, string? endpointUrl, string? publishDirectory, string projectDirectory) =>
        new(definitions, endpointUrl, publishDirectory, projectDirectory);

    /// <summary>The operations the early start sent, in order (for the detailed log).</summary>
    public IReadOnlyList<string> Sent { get; private set; } = [];

    /// <summary>Waits until the early start has ended (or gives up on it: cancelled after a while); the number of requests it sent.</summary>
    public async Task<int> WaitAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await run.WaitAsync(LongestWait, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await cancellation.CancelAsync().ConfigureAwait(false);
            EndedBecause = $"it took longer than {LongestWait.TotalSeconds:0} s";
            return 0;
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        cancellation.Cancel();
        Answers.Clear();
        try
        {
            // Its requests end with the token; their answers are dropped.
            run.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        if (run.IsCompleted)
        {
            cancellation.Dispose();
        }
    }

    private async Task<int> RunAsync(GeneratedDefinitions definitions, string? endpointUrl, string? publishDirectory, string projectDirectory, CancellationToken cancellationToken)
    {
        using var aws = AwsSession.ReadOnlyFor(definitions.Settings, endpointUrl);
        aws.StoreReadsIn(Answers);
        try
        {
            // The image inputs and tags are not known before the build: the fingerprint differs, the reads do not.
            var build = new ImageBuild(publishDirectory, [], []);
            await new DeploymentPreparation(aws, SilentDeploymentLog.Instance).PrepareAsync(definitions, build, projectDirectory, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException ex) when (ex.Message.Contains("read-only session", StringComparison.Ordinal))
        {
            EndedBecause = "the preparation changes something next: it does that itself";
        }
        catch (OperationCanceledException)
        {
            EndedBecause ??= "cancelled";
        }
#pragma warning disable CA1031 // Whatever ends the early start, the preparation meets it again and reports it; nothing may escape a background task.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            EndedBecause = ex is DeploymentException ? "a check failed (the preparation reports it)" : $"{ex.GetType().Name} (the preparation sends the same calls again)";
        }

        // (A change the read-only session refused was never sent.)
        Sent = [.. aws.Operations.Where(AwsSession.IsRead)];
        return Sent.Count;
    }
}

/// <summary>The early start prints nothing: the preparation says everything once.</summary>
internal sealed class SilentDeploymentLog : IDeploymentLog
{
    public static readonly SilentDeploymentLog Instance = new();

    public void Info(string message)
    {
    }

    public void Detail(string message)
    {
    }

    public void Warning(EcsDiagnostic diagnostic)
    {
    }
}
