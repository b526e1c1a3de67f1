using EcsBuildTasks.Aws.CloudWatchLogs;
using EcsBuildTasks.Aws.CloudWatchLogs.Model;
using static EcsBuildTasks.Aws.Tests.Moto.MotoClients;

namespace EcsBuildTasks.Aws.Tests.Moto;

[TestClass]
[TestCategory("Moto")]
public sealed class CloudWatchLogsMotoTests
{
    public TestContext TestContext { get; set; } = null!;

    private CancellationToken Ct => TestContext.CancellationToken;

    [TestMethod]
    public async Task A_log_group_is_created_with_retention_described_and_a_duplicate_is_rejected()
    {
        using var logs = Factory().CreateCloudWatchLogs();
        var name = "/ecs/" + Unique("lg");

        await logs.CreateLogGroupAsync(new CreateLogGroupRequest { LogGroupName = name, Tags = new() { ["app"] = "web" } }, Ct);
        await logs.PutRetentionPolicyAsync(new PutRetentionPolicyRequest { LogGroupName = name, RetentionInDays = 14 }, Ct);
        var groups = new List<LogGroup>();
        await foreach (var group in logs.Paginators.DescribeLogGroups(new DescribeLogGroupsRequest { LogGroupNamePrefix = name }).LogGroups.WithCancellation(Ct))
        {
            groups.Add(group);
        }

        var duplicate = await Assert.ThrowsExactlyAsync<ResourceAlreadyExistsException>(() => logs.CreateLogGroupAsync(new CreateLogGroupRequest { LogGroupName = name }, Ct));

        Assert.AreEqual(14, groups.Single().RetentionInDays);
        Assert.IsTrue(groups.Single().CreationTime > 0);
        Assert.AreEqual("ResourceAlreadyExistsException", duplicate.ErrorCode);
        await logs.DeleteRetentionPolicyAsync(new DeleteRetentionPolicyRequest { LogGroupName = name }, Ct);
        await logs.DeleteLogGroupAsync(new DeleteLogGroupRequest { LogGroupName = name }, Ct);
    }

    [TestMethod]
    public async Task Events_are_put_then_read_back_with_GetLogEvents_and_FilterLogEvents()
    {
        using var logs = Factory().CreateCloudWatchLogs();
        var group = "/ecs/" + Unique("ev");
        await logs.CreateLogGroupAsync(new CreateLogGroupRequest { LogGroupName = group }, Ct);
        await logs.CreateLogStreamAsync(new CreateLogStreamRequest { LogGroupName = group, LogStreamName = "web/app/1" }, Ct);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        await logs.PutLogEventsAsync(new PutLogEventsRequest
        {
            LogGroupName = group,
            LogStreamName = "web/app/1",
            LogEvents = [new InputLogEvent { Timestamp = now, Message = "starting" }, new InputLogEvent { Timestamp = now + 1, Message = "ERROR boom" }],
        }, Ct);
        var streams = await logs.DescribeLogStreamsAsync(new DescribeLogStreamsRequest { LogGroupName = group }, Ct);
        var events = await logs.GetLogEventsAsync(new GetLogEventsRequest { LogGroupName = group, LogStreamName = "web/app/1", StartFromHead = true }, Ct);
        var filtered = await logs.FilterLogEventsAsync(new FilterLogEventsRequest { LogGroupName = group, FilterPattern = "ERROR" }, Ct);

        Assert.AreEqual("web/app/1", streams.LogStreams!.Single().LogStreamName);
        Assert.AreEqual("starting|ERROR boom", string.Join("|", events.Events!.Select(e => e.Message)));
        Assert.AreEqual(now, events.Events![0].Timestamp);
        Assert.AreEqual("ERROR boom", filtered.Events!.Single().Message);
    }
}
