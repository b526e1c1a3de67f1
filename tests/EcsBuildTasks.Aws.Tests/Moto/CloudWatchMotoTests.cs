using EcsBuildTasks.Aws.CloudWatch;
using EcsBuildTasks.Aws.CloudWatch.Model;
using static EcsBuildTasks.Aws.Tests.Moto.MotoClients;

namespace EcsBuildTasks.Aws.Tests.Moto;

/// <summary>CloudWatch through the Query protocol (our choice among its three).</summary>
[TestClass]
[TestCategory("Moto")]
public sealed class CloudWatchMotoTests
{
    public TestContext TestContext { get; set; } = null!;

    private CancellationToken Ct => TestContext.CancellationToken;

    [TestMethod]
    public async Task An_alarm_is_put_described_set_to_ALARM_and_deleted()
    {
        using var cloudWatch = Factory().CreateCloudWatch();
        var name = Unique("alarm");

        await cloudWatch.PutMetricAlarmAsync(new PutMetricAlarmRequest
        {
            AlarmName = name,
            Namespace = "AWS/ECS",
            MetricName = "CPUUtilization",
            Dimensions = [new Dimension { Name = "ClusterName", Value = "c" }, new Dimension { Name = "ServiceName", Value = "web" }],
            Statistic = Statistic.Average,
            Period = 60,
            EvaluationPeriods = 2,
            Threshold = 80.5,
            ComparisonOperator = ComparisonOperator.GreaterThanThreshold,
            TreatMissingData = "notBreaching",
        }, Ct);
        await cloudWatch.SetAlarmStateAsync(new SetAlarmStateRequest { AlarmName = name, StateValue = StateValue.ALARM, StateReason = "deployment gate test" }, Ct);

        var alarms = new List<MetricAlarm>();
        await foreach (var alarm in cloudWatch.Paginators.DescribeAlarms(new DescribeAlarmsRequest { AlarmNames = [name] }).MetricAlarms.WithCancellation(Ct))
        {
            alarms.Add(alarm);
        }

        var described = alarms.Single();
        Assert.AreSame(StateValue.ALARM, described.StateValue);
        Assert.AreEqual("deployment gate test", described.StateReason);
        Assert.AreEqual(80.5, described.Threshold);
        Assert.AreEqual(2, described.Dimensions!.Count);
        Assert.IsNotNull(described.StateUpdatedTimestamp);

        await cloudWatch.DeleteAlarmsAsync(new DeleteAlarmsRequest { AlarmNames = [name] }, Ct);
        var after = await cloudWatch.DescribeAlarmsAsync(new DescribeAlarmsRequest { AlarmNames = [name] }, Ct);
        Assert.AreEqual(0, after.MetricAlarms!.Count);
    }

    [TestMethod]
    public async Task Setting_the_state_of_a_missing_alarm_raises_ResourceNotFoundException()
    {
        using var cloudWatch = Factory().CreateCloudWatch();

        var exception = await Assert.ThrowsExactlyAsync<ResourceNotFoundException>(
            () => cloudWatch.SetAlarmStateAsync(new SetAlarmStateRequest { AlarmName = Unique("none"), StateValue = StateValue.OK, StateReason = "x" }, Ct));

        Assert.AreEqual("ResourceNotFound", exception.ErrorCode);
    }
}
