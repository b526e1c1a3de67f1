using System.Net;
using EcsBuildTasks.Core.Features.Verification;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;
using Microsoft.Extensions.Time.Testing;

namespace EcsBuildTasks.Core.Tests;

/// <summary>The verification gate on a fake clock: consecutive successes, timeouts, alarms and the evidence it prints.</summary>
[TestClass]
public sealed class VerificationGateTests
{
    private static readonly Uri Health = new("http://green.test:8080/health");

    [TestMethod]
    public async Task A_gate_passes_once_every_URL_has_answered_as_expected_the_required_times_in_a_row()
    {
        var answers = new Queue<HttpStatusCode>([HttpStatusCode.InternalServerError, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK]);
        using var handler = new StubHandler(_ => new HttpResponseMessage(answers.Dequeue()) { Content = new StringContent("ok") });
        var run = new GateRun(Settings([Health]), handler);

        var result = await run.RunAsync();

        Assert.IsTrue(result.Passed, run.Log.Text);
        Assert.AreEqual(4, result.Rounds);
        Assert.AreEqual(TimeSpan.FromSeconds(3 * 5), result.Duration, "three intervals between four rounds");
        Assert.AreEqual(0, result.Evidence.Count);
        StringAssert.Contains(run.Log.Text, "[FAIL 0/3] GET http://green.test:8080/health → 500 InternalServerError in 0 ms: ok (expected 200-299)");
        StringAssert.Contains(run.Log.Text, "[ok 3/3] GET http://green.test:8080/health → 200 OK in 0 ms: ok");
        StringAssert.Contains(run.Log.Text, "verification gate at POST_TEST_TRAFFIC_SHIFT PASSED after 15.0 s and 4 round(s)");
    }

    [TestMethod]
    public async Task A_gate_that_never_collects_its_successes_fails_at_its_timeout_with_status_and_shortened_body()
    {
        var body = "<html><body>" + new string('x', 300) + "</body></html>";
        using var handler = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.InternalServerError) { Content = new StringContent(body) });
        var run = new GateRun(Settings([Health]) with { TimeoutSeconds = 20 }, handler);

        var result = await run.RunAsync();

        Assert.IsFalse(result.Passed);
        Assert.AreEqual(5, result.Rounds, "rounds at 0, 5, 10, 15 and 20 s; a sixth at 25 s would be past the 20 s timeout");
        StringAssert.Contains(result.Summary, "within 20 s (EcsVerifyTimeoutSeconds)");
        StringAssert.Contains(result.Summary, "GET http://green.test:8080/health: 0/3 in a row, last GET http://green.test:8080/health → 500");
        Assert.AreEqual(5, result.Evidence.Count, "the last five attempts");
        var shown = result.Evidence[^1][(result.Evidence[^1].IndexOf(": <html>", StringComparison.Ordinal) + 2)..];
        Assert.AreEqual(UrlProbeResult.BodyLimit + 1 + " (expected 200-299)".Length, shown.Length, "the body is cut to 200 characters plus an ellipsis: " + shown);
        StringAssert.StartsWith(result.Evidence[0], "round 1: GET http://green.test:8080/health → 500 InternalServerError");
    }

    [TestMethod]
    public async Task A_failure_in_between_starts_the_count_again()
    {
        var answers = new Queue<HttpStatusCode>([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK, HttpStatusCode.OK]);
        using var handler = new StubHandler(_ => new HttpResponseMessage(answers.Count > 0 ? answers.Dequeue() : HttpStatusCode.OK));
        var run = new GateRun(Settings([Health]), handler);

        var result = await run.RunAsync();

        Assert.IsTrue(result.Passed);
        Assert.AreEqual(6, result.Rounds, "two successes, a 503, then three more");
    }

    [TestMethod]
    public async Task An_alarm_in_ALARM_fails_the_gate_at_once_with_its_reason()
    {
        using var handler = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.OK));
        var alarms = new StubAlarms(new AlarmState("hello-5xx", "ALARM", "Threshold Crossed: 1 datapoint [12.0] was greater than the threshold (5.0).", new DateTime(2026, 1, 1, 12, 3, 4, DateTimeKind.Utc)));
        var run = new GateRun(Settings([Health]) with { Alarms = ["hello-5xx"] }, handler, alarms);

        var result = await run.RunAsync();

        Assert.IsFalse(result.Passed);
        Assert.AreEqual(1, result.Rounds);
        StringAssert.Contains(result.Summary, "alarm hello-5xx is in ALARM: Threshold Crossed: 1 datapoint [12.0]");
        StringAssert.Contains(run.Log.Text, "alarm hello-5xx is ALARM since 12:03:04: Threshold Crossed");
    }

    [TestMethod]
    public async Task Alarms_must_be_OK_the_required_rounds_in_a_row_and_INSUFFICIENT_DATA_does_not_count()
    {
        var alarms = new StubAlarms(
            new AlarmState("hello-5xx", "INSUFFICIENT_DATA", "no datapoints", null),
            new AlarmState("hello-5xx", "OK", "fine", null),
            new AlarmState("hello-5xx", "OK", "fine", null));
        using var handler = new StubHandler(_ => throw new InvalidOperationException("no URL to probe"));
        var run = new GateRun(Settings([]) with { Alarms = ["hello-5xx"], Successes = 2 }, handler, alarms);

        var result = await run.RunAsync();

        Assert.IsTrue(result.Passed, run.Log.Text);
        Assert.AreEqual(3, result.Rounds);
    }

    [TestMethod]
    public async Task An_unreachable_URL_is_a_failed_attempt_with_the_reason()
    {
        using var handler = new StubHandler(_ => throw new HttpRequestException("Connection refused (green.test:8080)"));
        var run = new GateRun(Settings([Health]) with { TimeoutSeconds = 5, Successes = 1 }, handler);

        var result = await run.RunAsync();

        Assert.IsFalse(result.Passed);
        StringAssert.Contains(result.Evidence[0], "GET http://green.test:8080/health → no answer (Connection refused (green.test:8080))");
    }

    private static VerificationSettings Settings(Uri[] urls) => new() { Urls = urls, IntervalSeconds = 5, Successes = 3, TimeoutSeconds = 60 };

    /// <summary>Runs a gate on a fake clock, moving the clock whenever the gate waits.</summary>
    private sealed class GateRun(VerificationSettings settings, HttpMessageHandler handler, IAlarmStates? alarms = null)
    {
        private readonly FakeTimeProvider time = new();

        public RecordingDeploymentLog Log { get; } = new();

        public async Task<GateResult> RunAsync()
        {
            using var http = new HttpClient(handler, disposeHandler: false);
            var gate = new VerificationGate(settings, new UrlProbe(http, time), alarms ?? new StubAlarms(), Log, time);
            var running = gate.RunAsync("POST_TEST_TRAFFIC_SHIFT", "green has test traffic only", CancellationToken.None);
            for (var step = 0; step < 100_000 && !running.IsCompleted; step++)
            {
                // The gate waits on the fake clock between rounds; moving it by less than an interval keeps rounds exact.
                time.Advance(TimeSpan.FromSeconds(1));
                await Task.Yield();
            }

            Assert.IsTrue(running.IsCompleted, "the gate did not finish");
            return await running;
        }
    }

    private sealed class StubHandler(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => Task.FromResult(answer(request));
    }

    private sealed class StubAlarms(params AlarmState[] states) : IAlarmStates
    {
        private int next;

        public Task<IReadOnlyList<AlarmState>> ReadAsync(IReadOnlyList<string> names, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<AlarmState>>([states[Math.Min(next++, states.Length - 1)]]);
    }
}
