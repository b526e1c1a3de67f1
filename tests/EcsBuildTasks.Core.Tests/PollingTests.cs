using System.Globalization;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Aws.ElasticLoadBalancingV2.Model;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Core.Tests;

/// <summary>
/// How the build waits on a deployment in AWS (issue 18): it must notice the end soon and poll gently. The project
/// targets AWS (no <c>EcsTarget=local</c>, no endpoint: the AWS cadence) while its requests go to an in-process LocalEcs
/// on simulated time, which takes no shortcut: a rolling deployment behind a target group ends only once the old tasks
/// have drained for the target group's deregistration delay, about ten minutes here.
/// </summary>
[TestClass]
public sealed class PollingTests
{
    private static readonly string[] Describes = ["DescribeServices", "DescribeServiceDeployments"];

    [TestMethod]
    public async Task Against_AWS_a_ten_minute_deployment_is_noticed_within_the_poll_cap_at_half_a_describe_call_a_second()
    {
        await using var env = await LocalEcsHarness.StartSimulatedAsync();
        var (_, targetGroup) = await env.LoadBalancerAsync("polling", "application");
        var input = (await env.ProjectAsync("polling")).Set("EcsTargetGroupArn", targetGroup).Set("EcsTimeoutMinutes", "30");
        Assert.IsNull((await env.DeployAsync(input)).Failure);
        var asAws = input.Set("EcsTarget", "aws").Set("EcsEndpointUrl", string.Empty);

        var delays = new List<double>();
        var rates = new List<double>();
        foreach (var (revision, drainSeconds) in new[] { (1, 560), (2, 577), (3, 593) })
        {
            // Different delays put the end at different moments between two polls.
            await env.Aws.ElasticLoadBalancing.ModifyTargetGroupAttributesAsync(new ModifyTargetGroupAttributesRequest
            {
                TargetGroupArn = targetGroup,
                Attributes = [new TargetGroupAttribute { Key = "deregistration_delay.timeout_seconds", Value = drainSeconds.ToString(CultureInfo.InvariantCulture) }],
            });
            var before = env.Aws.Operations.Count;

            var report = await env.DeployAsync(asAws.Set("EcsMemory", revision % 2 == 0 ? "512" : "1024"));

            Assert.AreEqual("succeeded", report.Result.Status, report.Failure?.Message);
            var deployment = (await env.Aws.Ecs.DescribeServiceDeploymentsAsync(new DescribeServiceDeploymentsRequest { ServiceDeploymentArns = [report.Result.ServiceDeploymentArn!] })).ServiceDeployments![0];
            var waited = (deployment.FinishedAt!.Value - deployment.CreatedAt!.Value).TotalSeconds;
            Assert.IsTrue(waited > 540, $"the deployment took {waited:0} s: the drain should make it about ten minutes");
            var describes = env.Aws.Operations.Skip(before).Count(o => Describes.Contains(o));
            delays.Add((report.Result.FinishedAt - new DateTimeOffset(deployment.FinishedAt.Value, TimeSpan.Zero)).TotalSeconds);
            rates.Add(describes / waited);
        }

        var summary = string.Create(CultureInfo.InvariantCulture, $"notice delays {string.Join(", ", delays.Select(d => d.ToString("0.00", CultureInfo.InvariantCulture)))} s; describe calls per second {string.Join(", ", rates.Select(r => r.ToString("0.000", CultureInfo.InvariantCulture)))}");
        Console.WriteLine(summary);

        // 2.2 s between polls, plus the simulated clock's quarter-second steps.
        Assert.IsTrue(delays.All(d => d is >= 0 and <= 2.45), summary);
        Assert.IsTrue(rates.All(r => r <= 0.5), summary);
    }
}
