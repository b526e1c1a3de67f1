using System.Globalization;
using EcsBuildTasks.Aws.CloudWatch.Model;
using EcsBuildTasks.Core.Infrastructure;

namespace EcsBuildTasks.Core.Features.Verification;

/// <summary>A CloudWatch alarm's state and why it is in it.</summary>
internal sealed record AlarmState(string Name, string State, string? Reason, DateTime? Since)
{
    public bool IsOk => State == "OK";

    public bool IsAlarm => State == "ALARM";

    /// <summary>"alarm web-5xx is ALARM since 12:03:04: Threshold Crossed: 1 datapoint [7.0] was greater than…".</summary>
    public string Describe() =>
        $"alarm {Name} is {State}{(Since is { } since ? string.Create(CultureInfo.InvariantCulture, $" since {since:HH:mm:ss}") : string.Empty)}{(Reason is { Length: > 0 } reason ? $": {reason}" : string.Empty)}";
}

/// <summary>Reads alarm states; the gates and the rollback explanation use it.</summary>
internal interface IAlarmStates
{
    /// <summary>The state of each named alarm; a name CloudWatch does not know is reported as state MISSING.</summary>
    Task<IReadOnlyList<AlarmState>> ReadAsync(IReadOnlyList<string> names, CancellationToken cancellationToken);
}

/// <summary><see cref="IAlarmStates"/> through CloudWatch DescribeAlarms (metric and composite alarms).</summary>
internal sealed class CloudWatchAlarmStates(AwsSession aws) : IAlarmStates
{
    public async Task<IReadOnlyList<AlarmState>> ReadAsync(IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (names.Count == 0)
        {
            return [];
        }

        var response = await AwsCalls.RunAsync("CloudWatch DescribeAlarms", () => aws.CloudWatch.DescribeAlarmsAsync(
            new DescribeAlarmsRequest { AlarmNames = [.. names], AlarmTypes = ["MetricAlarm", "CompositeAlarm"], MaxRecords = 100 }, cancellationToken)).ConfigureAwait(false);
        var found = new Dictionary<string, AlarmState>(StringComparer.Ordinal);
        foreach (var alarm in response.MetricAlarms ?? [])
        {
            if (alarm.AlarmName is { } name)
            {
                found[name] = new AlarmState(name, alarm.StateValue?.Value ?? "UNKNOWN", alarm.StateReason, alarm.StateUpdatedTimestamp);
            }
        }

        foreach (var alarm in response.CompositeAlarms ?? [])
        {
            if (alarm.AlarmName is { } name)
            {
                found[name] = new AlarmState(name, alarm.StateValue?.Value ?? "UNKNOWN", alarm.StateReason, alarm.StateUpdatedTimestamp);
            }
        }

        return names.Select(n => found.GetValueOrDefault(n) ?? new AlarmState(n, "MISSING", "CloudWatch has no alarm of this name", null)).ToList();
    }
}
