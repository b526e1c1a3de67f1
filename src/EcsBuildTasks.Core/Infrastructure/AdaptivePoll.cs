namespace EcsBuildTasks.Core.Infrastructure;

/// <summary>How often to ask: soon at first, then 1.5 times longer each time up to a cap (the waiter's rhythm).</summary>
internal sealed record PollSchedule(TimeSpan First, TimeSpan Cap)
{
    /// <summary>Against AWS: most answers change within seconds, and every request costs.</summary>
    public static PollSchedule Aws { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));

    /// <summary>Against LocalEcs or another local endpoint, where simulated time runs fast.</summary>
    public static PollSchedule Local { get; } = new(TimeSpan.FromSeconds(0.25), TimeSpan.FromSeconds(1));

    public static PollSchedule For(AwsSession aws)
    {
        ArgumentNullException.ThrowIfNull(aws);
        return aws.Factory.Settings.EndpointUrl is null ? Aws : Local;
    }

    /// <summary>The backoff after throttling, a server error or a lost connection (<see cref="TransientFaultPolicy"/>): AWS gets room to recover.</summary>
    public static PollSchedule FaultBackoffFor(AwsSession aws)
    {
        ArgumentNullException.ThrowIfNull(aws);
        return aws.Factory.Settings.EndpointUrl is null ? new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(20)) : new(TimeSpan.FromSeconds(0.25), TimeSpan.FromSeconds(2));
    }
}

/// <summary>Repeats a check on a <see cref="PollSchedule"/> until it yields an answer or a deadline passes.</summary>
internal static class AdaptivePoll
{
    /// <summary>The first non-null answer of <paramref name="poll"/> (asked at once), or null when <paramref name="timeout"/> passed first.</summary>
    public static async Task<T?> UntilAsync<T>(Func<Task<T?>> poll, PollSchedule schedule, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
        where T : class
    {
        var started = time.GetTimestamp();
        var interval = schedule.First;
        while (true)
        {
            if (await poll().ConfigureAwait(false) is { } answer)
            {
                return answer;
            }

            var left = timeout - time.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                return null;
            }

            await Task.Delay(interval < left ? interval : left, time, cancellationToken).ConfigureAwait(false);
            interval = TimeSpan.FromTicks(Math.Min((long)(interval.Ticks * 1.5), schedule.Cap.Ticks));
        }
    }
}
