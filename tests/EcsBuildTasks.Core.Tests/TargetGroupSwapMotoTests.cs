using Amazon.Runtime;
using EcsBuildTasks.Aws;
using EcsBuildTasks.Core.Features.VersionedServices;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Testing;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Core.Tests;

/// <summary>
/// VersionedBlueGreen's swap checked by another implementation of ELBv2 (moto): the production and stage rules read
/// with the one target group each forwards to, swapped (production first) and swapped back as a rollback does. The
/// strategy itself needs healthy targets, which moto's tasks never become (VersionedBlueGreenStrategyTests run it
/// against LocalEcs).
/// </summary>
[TestClass]
[TestCategory("Moto")]
public sealed class TargetGroupSwapMotoTests
{
    [TestMethod]
    public async Task Against_moto_the_rules_are_read_swapped_and_swapped_back()
    {
        var moto = MotoServer.Instance;
        var clients = new AwsClientFactory(new AwsConnectionSettings { Region = "us-east-1", EndpointUrl = moto.Endpoint, Credentials = new BasicAWSCredentials("test", "test") });
        using var aws = new AwsSession(clients);
        var wiring = await TrafficWiring.CreateAsync(clients, "sw-" + Guid.NewGuid().ToString("N")[..8]);
        var swap = new TargetGroupSwap(aws, new RecordingDeploymentLog());

        var before = await swap.ReadAsync(wiring.ProductionRuleArn, wiring.TestRuleArn, CancellationToken.None);

        Assert.IsNotNull(before);
        Assert.AreEqual((wiring.BlueTargetGroupArn, wiring.GreenTargetGroupArn), (before.ProductionTargetGroup, before.StageTargetGroup));

        await swap.SwapAsync(before, productionGroup: wiring.GreenTargetGroupArn, stageGroup: wiring.BlueTargetGroupArn, CancellationToken.None);
        var swapped = await swap.ReadAsync(wiring.ProductionRuleArn, wiring.TestRuleArn, CancellationToken.None);

        Assert.AreEqual((wiring.GreenTargetGroupArn, wiring.BlueTargetGroupArn), (swapped!.ProductionTargetGroup, swapped.StageTargetGroup));

        await swap.SwapAsync(swapped, productionGroup: wiring.BlueTargetGroupArn, stageGroup: wiring.GreenTargetGroupArn, CancellationToken.None);
        var back = await swap.ReadAsync(wiring.ProductionRuleArn, wiring.TestRuleArn, CancellationToken.None);

        Assert.AreEqual((wiring.BlueTargetGroupArn, wiring.GreenTargetGroupArn), (back!.ProductionTargetGroup, back.StageTargetGroup));
    }
}
