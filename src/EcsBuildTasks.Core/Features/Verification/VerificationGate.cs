using System.Globalization;
using EcsBuildTasks.Core.Features.Results;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Features.Verification;

/// <summary>What a gate decided and the evidence it decided on.</summary>
internal sealed record GateResult(string Stage, string Purpose, bool Passed, TimeSpan Duration, int Rounds, string Summary, IReadOnlyList<string> Evidence)
{
    /// <summary>When the gate began (the timeline chart places it with this).</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>What the result file and the summaries keep of it.</summary>
    public GateSummary ToSummary() => new(Stage, Purpose, Passed, Math.Round(Duration.TotalSeconds, 1), Rounds, Summary) { StartedAt = StartedAt };
}

/// <summary>
/// A verification gate: probes every <c>EcsVerifyUrl</c> and reads every <c>EcsVerifyAlarm</c> each round, every
/// <c>EcsVerifyIntervalSeconds</c>, until each of them has succeeded <c>EcsVerifySuccesses</c> rounds in a row (pass),
/// an alarm is in ALARM (fail at once: that is a verdict, not a warm-up), or <c>EcsVerifyTimeoutSeconds</c> would pass
/// before the next round (fail). Every attempt is printed with its evidence.
/// </summary>
internal sealed class VerificationGate(VerificationSettings settings, UrlProbe urls, IAlarmStates alarms, IDeploymentLog log, TimeProvider time)
{
    /// <summary>How many of a check's latest attempts the failure evidence shows.</summary>
    private const int EvidencePerCheck = 5;

    public async Task<GateResult> RunAsync(string stage, string purpose, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stage);
        var inv = CultureInfo.InvariantCulture;
        var started = time.GetTimestamp();
        var timeout = TimeSpan.FromSeconds(settings.TimeoutSeconds);
        var interval = TimeSpan.FromSeconds(settings.IntervalSeconds);
        var checks = settings.Urls.Select(u => new Check($"GET {u}")).Concat(settings.Alarms.Select(a => new Check($"alarm {a}"))).ToList();
        log.Info(string.Create(inv, $"EcsBuildTasks: verification gate at {stage} ({purpose}): {checks.Count} check(s), {settings.Successes} success(es) in a row each, every {settings.IntervalSeconds} s, at most {settings.TimeoutSeconds} s"));
        var round = 0;
        while (true)
        {
            round++;
            for (var i = 0; i < settings.Urls.Count; i++)
            {
                var remaining = timeout - time.GetElapsedTime(started);
                var requestTimeout = remaining < UrlProbe.MaxRequestTime ? (remaining > TimeSpan.FromSeconds(1) ? remaining : TimeSpan.FromSeconds(1)) : UrlProbe.MaxRequestTime;
                var attempt = await urls.ProbeAsync(settings.Urls[i], settings.ExpectedStatus, requestTimeout, cancellationToken).ConfigureAwait(false);
                var line = attempt.Describe() + (attempt.Succeeded ? string.Empty : $" (expected {settings.ExpectedStatus})");
                Record(checks[i], attempt.Succeeded, line, round);
            }

            if (settings.Alarms.Count > 0)
            {
                var states = await alarms.ReadAsync(settings.Alarms, cancellationToken).ConfigureAwait(false);
                foreach (var state in states)
                {
                    var check = checks[settings.Urls.Count + IndexOf(settings.Alarms, state.Name)];
                    Record(check, state.IsOk, state.Describe(), round);
                    if (state.IsAlarm)
                    {
                        return Finish(stage, purpose, started, round, passed: false, $"alarm {state.Name} is in ALARM: {state.Reason ?? "no reason given"}", checks);
                    }
                }
            }

            if (checks.TrueForAll(c => c.Streak >= settings.Successes))
            {
                return Finish(stage, purpose, started, round, passed: true, string.Create(inv, $"every check succeeded {settings.Successes} time(s) in a row"), checks);
            }

            if (time.GetElapsedTime(started) + interval > timeout)
            {
                var failing = checks.Where(c => c.Streak < settings.Successes).Select(c => string.Create(inv, $"{c.Name}: {c.Streak}/{settings.Successes} in a row, last {c.Attempts[^1].Line}"));
                return Finish(stage, purpose, started, round, passed: false, string.Create(inv, $"not every check succeeded {settings.Successes} time(s) in a row within {settings.TimeoutSeconds} s ({EcsProperties.VerifyTimeoutSeconds}): {string.Join("; ", failing)}"), checks);
            }

            await Task.Delay(interval, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private void Record(Check check, bool succeeded, string line, int round)
    {
        check.Streak = succeeded ? check.Streak + 1 : 0;
        check.Attempts.Add((round, line));
        log.Info(string.Create(CultureInfo.InvariantCulture, $"EcsBuildTasks:   [{(succeeded ? "ok" : "FAIL")} {check.Streak}/{settings.Successes}] {line}"));
    }

    private GateResult Finish(string stage, string purpose, long started, int rounds, bool passed, string summary, List<Check> checks)
    {
        var evidence = passed
            ? []
            : checks.SelectMany(c => c.Attempts.TakeLast(EvidencePerCheck).Select(a => string.Create(CultureInfo.InvariantCulture, $"round {a.Round}: {a.Line}"))).ToList();
        var duration = time.GetElapsedTime(started);
        log.Info(string.Create(CultureInfo.InvariantCulture, $"EcsBuildTasks: verification gate at {stage} {(passed ? "PASSED" : "FAILED")} after {duration.TotalSeconds:0.0} s and {rounds} round(s): {summary}"));
        return new GateResult(stage, purpose, passed, duration, rounds, summary, evidence) { StartedAt = time.GetUtcNow() - duration };
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"CloudWatch answered for alarm {name}, which was not asked for.");
    }

    private sealed class Check(string name)
    {
        public string Name { get; } = name;

        public int Streak { get; set; }

        public List<(int Round, string Line)> Attempts { get; } = [];
    }
}
