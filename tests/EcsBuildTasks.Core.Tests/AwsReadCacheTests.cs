using Amazon.Runtime;
using EcsBuildTasks.Aws;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Core.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Core.Tests;

/// <summary>
/// The answers of the early start's reads (<see cref="AwsReadCache"/>): a session that stores them and one that answers
/// from them, against the in-process LocalEcs. What the preparation would have sent is answered only by the same read,
/// once, while young; changes and errors are never kept.
/// </summary>
[TestClass]
public sealed class AwsReadCacheTests
{
    private static LocalEcsHarness harness = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context) => harness = await LocalEcsHarness.StartAsync();

    [ClassCleanup]
    public static async Task StopAsync() => await harness.DisposeAsync();

    [TestMethod]
    public async Task The_same_read_is_answered_once_from_the_early_answer_and_sent_again_after()
    {
        var time = new FakeTimeProvider();
        var cache = new AwsReadCache(time);
        using (var early = Session())
        {
            early.StoreReadsIn(cache);
            await early.Ecs.DescribeClustersAsync(new DescribeClustersRequest { Clusters = ["prod"] });
            Assert.AreEqual(1, early.RequestCount);
        }

        Assert.AreEqual(1, cache.Stored);
        await harness.Aws.Ecs.CreateClusterAsync(new CreateClusterRequest { ClusterName = "cache-later" });
        using var preparation = Session();
        preparation.AnswerReadsFrom(cache);
        var answered = await preparation.Ecs.DescribeClustersAsync(new DescribeClustersRequest { Clusters = ["prod"] });
        Assert.AreEqual("prod", answered.Clusters![0].ClusterName);
        Assert.AreEqual(1, preparation.AnsweredEarly, "answered from the early read");
        Assert.AreEqual(1, preparation.RequestCount, "an answered read counts as a request (it was sent, earlier)");
        Assert.AreEqual(0, preparation.Timings.Count, "nothing went to the endpoint");

        await preparation.Ecs.DescribeClustersAsync(new DescribeClustersRequest { Clusters = ["prod"] });
        Assert.AreEqual(1, preparation.AnsweredEarly, "an answer is used once");
        Assert.AreEqual(1, preparation.Timings.Count, "the second read went to the endpoint");
    }

    [TestMethod]
    public async Task A_different_request_a_change_an_error_and_an_old_answer_are_not_answered_early()
    {
        var time = new FakeTimeProvider();
        var cache = new AwsReadCache(time);
        using (var early = Session())
        {
            early.StoreReadsIn(cache);
            await early.Ecs.DescribeClustersAsync(new DescribeClustersRequest { Clusters = ["prod"] });
            await early.Ecs.DescribeServicesAsync(new DescribeServicesRequest { Cluster = "prod", Services = ["cache-none"] });
            await Assert.ThrowsExactlyAsync<EcsBuildTasks.Aws.ECS.Model.ClusterNotFoundException>(() => early.Ecs.DescribeServicesAsync(new DescribeServicesRequest { Cluster = "cache-missing", Services = ["x"] }));
            await early.Ecs.CreateClusterAsync(new CreateClusterRequest { ClusterName = "cache-created" });
        }

        Assert.AreEqual(2, cache.Stored, "the two successful reads; not the error, nor the change");
        Assert.IsFalse(AwsReadCache.Keeps("ListServiceDeployments"), "deployments in flight are always read live");
        Assert.IsFalse(AwsReadCache.Keeps("DescribeServiceDeployments"));
        Assert.IsFalse(AwsReadCache.Keeps("UpdateService"));
        using var preparation = Session();
        preparation.AnswerReadsFrom(cache);
        await preparation.Ecs.DescribeClustersAsync(new DescribeClustersRequest { Clusters = ["prod", "cache-created"] });
        Assert.AreEqual(0, preparation.AnsweredEarly, "another request is not answered");
        await Assert.ThrowsExactlyAsync<EcsBuildTasks.Aws.ECS.Model.ClusterNotFoundException>(() => preparation.Ecs.DescribeServicesAsync(new DescribeServicesRequest { Cluster = "cache-missing", Services = ["x"] }));
        Assert.AreEqual(0, preparation.AnsweredEarly, "the error is met again, live");

        time.Advance(AwsReadCache.MaxAge + TimeSpan.FromSeconds(1));
        await preparation.Ecs.DescribeServicesAsync(new DescribeServicesRequest { Cluster = "prod", Services = ["cache-none"] });
        Assert.AreEqual(0, preparation.AnsweredEarly, "an answer older than the limit is not used");
    }

    [TestMethod]
    public async Task Another_principal_or_endpoint_is_not_answered_from_the_early_read()
    {
        var cache = new AwsReadCache(TimeProvider.System);
        using (var early = Session())
        {
            early.StoreReadsIn(cache);
            await early.Ecs.DescribeClustersAsync(new DescribeClustersRequest { Clusters = ["prod"] });
        }

        using var other = Session("someone-else");
        other.AnswerReadsFrom(cache);
        await other.Ecs.DescribeClustersAsync(new DescribeClustersRequest { Clusters = ["prod"] });
        Assert.AreEqual(0, other.AnsweredEarly);
    }

    [TestMethod]
    public void The_cache_is_chosen_before_the_first_call_and_cleared_when_the_build_ends()
    {
        var cache = new AwsReadCache(TimeProvider.System);
        cache.Store("key", "DescribeClusters", new DescribeClustersResponse());
        cache.Store("change", "CreateCluster", new CreateClusterResponse());
        cache.Store("key", "DescribeClusters", new DescribeClustersResponse());
        Assert.AreEqual(2, cache.Unused, "the same read asked twice early is answered twice");
        Assert.IsTrue(cache.TryTake<DescribeClustersResponse>("key", out _));
        Assert.AreEqual(1, cache.Unused);
        cache.Clear();
        Assert.IsFalse(cache.TryTake<DescribeClustersResponse>("key", out _));

        using var session = Session();
        _ = session.Ecs;
        Assert.ThrowsExactly<InvalidOperationException>(() => session.AnswerReadsFrom(cache));
    }

    private static AwsSession Session(string accessKey = "test") => new(new AwsClientFactory(new AwsConnectionSettings
    {
        Region = "us-east-1",
        EndpointUrl = harness.Endpoint,
        Credentials = new BasicAWSCredentials(accessKey, "test"),
        MaxErrorRetry = 0,
    }));
}
