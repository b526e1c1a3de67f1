using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using EcsBuildTasks.Aws.Runtime;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Infrastructure;

/// <summary>What kind of passing trouble an AWS call ran into.</summary>
internal enum TransientFault
{
    /// <summary>AWS refused the call for its rate (<c>ThrottlingException</c>, <c>Throttling</c>, HTTP 429, ...): nothing was done.</summary>
    Throttled,

    /// <summary>A 5xx answer (<c>ServerException</c>, <c>ServiceUnavailable</c>, ...).</summary>
    ServerError,

    /// <summary>No answer: the connection was refused, dropped or timed out.</summary>
    ConnectionLost,
}

/// <summary>
/// The one place the engine rides out throttling, server errors and dropped connections while it follows a deployment
/// (AWSSDK.Core's own retries, three attempts within seconds, stay underneath: this is for what outlasts them). Set on
/// every client of an <see cref="AwsSession"/>; inactive until <see cref="Follow"/>. While active:
/// <list type="bullet">
/// <item>a read (<c>Describe*</c>, <c>List*</c>, <c>Get*</c>) that fails with any of the three is tried again with
/// exponential backoff and jitter, for as long as the build may wait (<c>EcsTimeoutMinutes</c> per outage), so every
/// polling loop (the service deployment watch, lifecycle hooks, gates, versioned phases, traffic shifting, Express,
/// daemons, DNS weights, Cloud Map) sees the answer late instead of failing the build while the deployment goes on;</item>
/// <item>a change (anything else) is tried again when throttled, because AWS did nothing then, and after a lost
/// connection when sending it twice does no harm (UpdateService, ModifyRule, an UPSERT, ...); after a 5xx it may have
/// been applied, so the error stands;</item>
/// <item>a lost connection is ridden out only once the endpoint has answered this session (a wrong endpoint, or a
/// LocalEcs that is gone, fails at once) and only when <see cref="Follow"/> allowed it;</item>
/// <item>the first fault is said once (later ones go to the detailed log); when the patience runs out the call fails with
/// ECS3011, saying that the deployment goes on and how to follow it.</item>
/// </list>
/// </summary>
internal sealed class TransientFaultPolicy : AwsCallPolicy
{
    /// <summary>Tries after a fault even when the patience is spent: one unlucky answer at the deadline is not an outage.</summary>
    private const int MinimumRetries = 3;

    private readonly Lock gate = new();
    private Attendance? attendance;
    private int answered;
    private int announced;

    /// <summary>Calls tried again so far (for the result file and tests).</summary>
    public int Retries => Volatile.Read(ref retries);

    private int retries;

    /// <summary>Starts riding out faults for the rest of the session.</summary>
    /// <param name="patience">How long one outage may last before the build gives up (<c>EcsTimeoutMinutes</c>).</param>
    /// <param name="stillGoingOn">What to tell the user when the build gives up: the deployment goes on, and how to follow it.</param>
    /// <param name="rideOutConnectionLoss">False where a lost connection means the endpoint is gone for good (an embedded LocalEcs).</param>
    /// <param name="schedule">The backoff: soon at first, doubling up to the cap.</param>
    public void Follow(IDeploymentLog log, TimeProvider time, TimeSpan patience, Func<string> stillGoingOn, bool rideOutConnectionLoss, PollSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(stillGoingOn);
        ArgumentNullException.ThrowIfNull(schedule);
        lock (gate)
        {
            attendance = new Attendance(log, time, patience, stillGoingOn, rideOutConnectionLoss, schedule);
        }

        // Said once per step of the build (a deployment, its status, a rollback), not once per session.
        Volatile.Write(ref announced, 0);
    }

    public override async Task<TResponse> InvokeAsync<TResponse>(string service, string operation, Func<Task<TResponse>> send, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(send);
        Attendance? current;
        lock (gate)
        {
            current = attendance;
        }

        if (current is null)
        {
            var response = await send().ConfigureAwait(false);
            Volatile.Write(ref answered, 1);
            return response;
        }

        var delay = current.Schedule.First;
        var tries = 0;
        long firstFault = 0;
        while (true)
        {
            try
            {
                var response = await send().ConfigureAwait(false);
                Volatile.Write(ref answered, 1);
                if (tries > 0)
                {
                    current.Log.Detail(string.Create(CultureInfo.InvariantCulture, $"EcsBuildTasks: {service} {operation} answered again after {tries} retries ({Format(current.Time.GetElapsedTime(firstFault))})"));
                }

                return response;
            }
            catch (Exception ex) when (Classify(ex) is { } fault && RidesOut(fault, operation, current))
            {
                firstFault = firstFault == 0 ? current.Time.GetTimestamp() : firstFault;
                var waited = current.Time.GetElapsedTime(firstFault);
                if (waited + delay > current.Patience && tries >= MinimumRetries)
                {
                    throw new DeploymentException(
                        DiagnosticCodes.AwsUnavailableWhileFollowing,
                        EcsProperties.TimeoutMinutes,
                        $"{service} {operation} kept failing for {Format(waited)} ({Describe(ex)}), longer than {EcsProperties.TimeoutMinutes} lets the build wait, so the build stopped following the deployment. {current.StillGoingOn()}",
                        ex);
                }

                Interlocked.Increment(ref retries);
                if (Interlocked.Exchange(ref announced, 1) == 0)
                {
                    current.Log.Info($"EcsBuildTasks: {service} {operation}: {Describe(ex)}; retrying with backoff for up to {Format(current.Patience)} ({EcsProperties.TimeoutMinutes}) while the deployment goes on (said once; retries are in the detailed log)");
                }
                else
                {
                    current.Log.Detail($"EcsBuildTasks: {service} {operation}: {Describe(ex)}; retrying");
                }

                // Full backoff with up to half of it random, so that builds throttled together do not retry together.
                var jittered = delay * (0.5 + (Random.Shared.NextDouble() / 2));
                await Task.Delay(jittered, current.Time, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, current.Schedule.Cap.Ticks));
                tries++;
            }
        }
    }

    /// <summary>Throttling, a server error or a lost connection; null for any other failure (including "operation not implemented").</summary>
    public static TransientFault? Classify(Exception exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            switch (ex)
            {
                case AmazonServiceException service when AwsCalls.IsUnsupportedOperation(service):
                    return null;
                case AmazonServiceException service when IsThrottling(service):
                    return TransientFault.Throttled;
                case AmazonServiceException { StatusCode: >= HttpStatusCode.InternalServerError }:
                    return TransientFault.ServerError;
                case AmazonServiceException service when service.InnerException is null:
                    return null;
                case HttpRequestException or IOException or SocketException or TimeoutException:
                    return TransientFault.ConnectionLost;
                case TaskCanceledException { InnerException: TimeoutException }:
                    return TransientFault.ConnectionLost;
                case OperationCanceledException:
                    return null;
            }
        }

        return null;
    }

    private static readonly HashSet<string> ThrottlingCodes = new(StringComparer.Ordinal)
    {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
        "ProvisionedThroughputExceededException", "TransactionInProgressException", "RequestLimitExceeded",
        "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
        "EC2ThrottledException", "ConcurrentUpdateException",
    };

    private static bool IsThrottling(AmazonServiceException ex) =>
        ex.StatusCode == HttpStatusCode.TooManyRequests || (ex.ErrorCode is { } code && ThrottlingCodes.Contains(code));

    /// <summary>
    /// Changes that give the same result when sent twice (the same service settings, rule actions, record UPSERTs,
    /// scaling settings, tags): after a lost connection they may have been applied already, and sending them again
    /// does no harm. Any other change (a registration, a creation) is not sent twice.
    /// </summary>
    private static readonly HashSet<string> Idempotent = new(StringComparer.Ordinal)
    {
        "UpdateService", "StopServiceDeployment", "ModifyRule", "ModifyListener", "ChangeResourceRecordSets",
        "RegisterScalableTarget", "PutScalingPolicy", "TagResource", "UntagResource", "AddTags", "RemoveTags",
        "UpdateExpressGatewayService", "UpdateDaemon",
    };

    private bool RidesOut(TransientFault fault, string operation, Attendance current) => fault switch
    {
        TransientFault.Throttled => true,
        TransientFault.ServerError => AwsSession.IsRead(operation),
        _ => current.RideOutConnectionLoss && Volatile.Read(ref answered) == 1 && (AwsSession.IsRead(operation) || Idempotent.Contains(operation)),
    };

    private static string Describe(Exception ex) => ex switch
    {
        AmazonServiceException { ErrorCode: { Length: > 0 } code } service => $"{code}: {service.Message}",
        AmazonServiceException service => $"HTTP {(int)service.StatusCode}: {service.Message}",
        _ when ex.InnerException is { } inner && ex is AmazonClientException => $"no answer ({inner.Message})",
        _ => $"no answer ({ex.Message})",
    };

    private static string Format(TimeSpan span) => span.TotalMinutes >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalMinutes} min {span.Seconds} s")
        : string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.#} s");

    private sealed record Attendance(IDeploymentLog Log, TimeProvider Time, TimeSpan Patience, Func<string> StillGoingOn, bool RideOutConnectionLoss, PollSchedule Schedule);
}
