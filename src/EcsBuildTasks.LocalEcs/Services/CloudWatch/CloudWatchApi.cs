using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Hosting;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Services.CloudWatch;

/// <summary>
/// CloudWatch metric alarms over all three of CloudWatch's protocols (Query, JSON 1.0, RPC v2 CBOR). Alarms are never
/// evaluated against metrics: their state changes through SetAlarmState, which is how deployments rehearse alarm
/// rollbacks.
/// </summary>
internal sealed class CloudWatchApi : IAwsApi
{
    private static readonly HashSet<string> ServedOperations =
    [
        "PutMetricAlarm",
        "DescribeAlarms",
        "SetAlarmState",
        "DeleteAlarms",
    ];

    private static readonly string[] IntegerMembers = ["Period", "EvaluationPeriods", "DatapointsToAlarm"];
    private static readonly string[] EchoedMembers =
    [
        "AlarmDescription", "ActionsEnabled", "OKActions", "AlarmActions", "InsufficientDataActions", "MetricName",
        "Namespace", "Statistic", "ExtendedStatistic", "Dimensions", "Period", "Unit", "EvaluationPeriods",
        "DatapointsToAlarm", "Threshold", "ComparisonOperator", "TreatMissingData", "EvaluateLowSampleCountPercentile",
        "Metrics", "ThresholdMetricId",
    ];

    private static readonly HashSet<string> StateValues = ["OK", "ALARM", "INSUFFICIENT_DATA"];

    public string SigningName => "monitoring";

    public string XmlNamespace => "http://monitoring.amazonaws.com/doc/2010-08-01/";

    public IReadOnlyCollection<string> Operations => ServedOperations;

    public JsonNode? Invoke(AwsRequest request)
    {
        var alarms = request.RegionState.Alarms;
        var input = request.Input;
        switch (request.Operation)
        {
            case "PutMetricAlarm":
                PutMetricAlarm(request.RegionState, Normalize(input), request.Now);
                return null;
            case "SetAlarmState":
            {
                var name = input.Str("AlarmName") ?? throw Validation("AlarmName");
                var alarm = alarms.GetValueOrDefault(name) ?? throw new AwsServiceException("ResourceNotFound", $"Alarm {name} not found", System.Net.HttpStatusCode.NotFound);
                var state = input.Str("StateValue") ?? throw Validation("StateValue");
                if (!StateValues.Contains(state))
                {
                    throw new AwsServiceException("InvalidParameterValue", $"1 validation error detected: Value '{state}' at 'stateValue' failed to satisfy constraint: Member must satisfy enum value set: [INSUFFICIENT_DATA, ALARM, OK]");
                }

                SetState(alarm, state, input.Str("StateReason") ?? throw Validation("StateReason"), input.Str("StateReasonData"), request.Now);
                return null;
            }

            case "DeleteAlarms":
            {
                var names = input.Strings("AlarmNames").ToList();
                var missing = names.Where(n => !alarms.ContainsKey(n)).ToList();
                if (missing.Count > 0)
                {
                    throw new AwsServiceException("ResourceNotFound", $"{string.Join(", ", missing)} not found", System.Net.HttpStatusCode.NotFound);
                }

                names.ForEach(n => alarms.Remove(n));
                return null;
            }

            default:
                return DescribeAlarms(input, alarms);
        }
    }

    /// <summary>Creates or replaces an alarm (also used by Application Auto Scaling's target tracking policies).</summary>
    public static MetricAlarm PutMetricAlarm(RegionState region, JsonObject definition, DateTimeOffset now)
    {
        var name = definition.Str("AlarmName");
        if (string.IsNullOrEmpty(name))
        {
            throw Validation("AlarmName");
        }

        if (definition.Int("EvaluationPeriods") is null)
        {
            throw Validation("EvaluationPeriods");
        }

        if (definition.Str("ComparisonOperator") is null)
        {
            throw Validation("ComparisonOperator");
        }

        if (definition.Str("MetricName") is null && definition["Metrics"] is null)
        {
            throw new AwsServiceException("InvalidParameterCombination", "Either MetricName or Metrics must be specified.");
        }

        if (!region.Alarms.TryGetValue(name, out var alarm))
        {
            alarm = new MetricAlarm
            {
                Name = name,
                Arn = $"arn:aws:cloudwatch:{region.Name}:{Account.Id}:alarm:{name}",
                StateUpdatedTimestamp = now,
                StateTransitionedTimestamp = now,
            };
            region.Alarms[name] = alarm;
        }

        var stored = new JsonObject();
        foreach (var member in EchoedMembers)
        {
            if (definition[member] is { } value)
            {
                stored[member] = value.DeepClone();
            }
        }

        alarm.Definition = stored;
        alarm.ConfigurationUpdatedTimestamp = now;
        return alarm;
    }

    public static void SetState(MetricAlarm alarm, string state, string reason, string? reasonData, DateTimeOffset now)
    {
        if (alarm.StateValue != state)
        {
            alarm.StateTransitionedTimestamp = now;
        }

        alarm.StateValue = state;
        alarm.StateReason = reason;
        alarm.StateReasonData = reasonData;
        alarm.StateUpdatedTimestamp = now;
    }

    private static JsonObject DescribeAlarms(JsonObject input, Dictionary<string, MetricAlarm> alarms)
    {
        var names = input.Strings("AlarmNames").ToHashSet(StringComparer.Ordinal);
        var prefix = input.Str("AlarmNamePrefix");
        var state = input.Str("StateValue");
        var selected = alarms.Values
            .Where(a => (names.Count == 0 || names.Contains(a.Name)) && (prefix is null || a.Name.StartsWith(prefix, StringComparison.Ordinal)) && (state is null || a.StateValue == state))
            .OrderBy(a => a.Name, StringComparer.Ordinal)
            .Select(a =>
            {
                var alarm = new JsonObject { ["AlarmName"] = a.Name, ["AlarmArn"] = a.Arn };
                foreach (var (key, value) in a.Definition)
                {
                    alarm[key] = value?.DeepClone();
                }

                alarm["ActionsEnabled"] ??= true;
                alarm["OKActions"] ??= new JsonArray();
                alarm["AlarmActions"] ??= new JsonArray();
                alarm["InsufficientDataActions"] ??= new JsonArray();
                alarm["Dimensions"] ??= new JsonArray();
                alarm["AlarmConfigurationUpdatedTimestamp"] = AwsValues.Timestamp(a.ConfigurationUpdatedTimestamp);
                alarm["StateValue"] = a.StateValue;
                alarm["StateReason"] = a.StateReason;
                alarm.Put("StateReasonData", a.StateReasonData);
                alarm["StateUpdatedTimestamp"] = AwsValues.Timestamp(a.StateUpdatedTimestamp);
                alarm["StateTransitionedTimestamp"] = AwsValues.Timestamp(a.StateTransitionedTimestamp);
                return (JsonNode?)alarm;
            });
        return new JsonObject { ["MetricAlarms"] = selected.ToJsonArray(), ["CompositeAlarms"] = new JsonArray() };
    }

    /// <summary>Query requests carry every value as a string; give numbers and booleans their model types.</summary>
    private static JsonObject Normalize(JsonObject input)
    {
        var copy = (JsonObject)input.DeepClone();
        foreach (var member in IntegerMembers)
        {
            if (copy.Int(member) is { } value)
            {
                copy[member] = value;
            }
        }

        if (copy.Double("Threshold") is { } threshold)
        {
            copy["Threshold"] = threshold;
        }

        if (copy.Bool("ActionsEnabled") is { } enabled)
        {
            copy["ActionsEnabled"] = enabled;
        }

        return copy;
    }

    private static AwsServiceException Validation(string member) =>
        new("MissingParameter", $"The parameter {member} is required.");
}
