using System.Text.Json.Nodes;
using EcsBuildTasks.Aws.EC2.Model;
using EcsBuildTasks.Aws.ECS.Model;
using EcsBuildTasks.Aws.Route53.Model;
using EcsBuildTasks.Aws.ServiceDiscovery.Model;
using EcsBuildTasks.Testing;
using Filter = EcsBuildTasks.Aws.EC2.Model.Filter;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.EndToEndTests;

/// <summary>
/// DnsBlueGreen through `dotnet publish -p:EcsDeploy=true` against LocalEcs: the first publish creates both weighted
/// entries of the record, the second moves the weight 10 → 50 → 100 with an INSYNC wait at each step and downsizes the
/// old version at weight 0, as `aws route53 list-resource-record-sets` then shows. Failures, gates and rollbacks are
/// tested at the engine level (DnsBlueGreenStrategyTests).
/// </summary>
[TestClass]
[TestCategory("EndToEnd")]
[TestCategory("AwsCli")]
public sealed class DnsBlueGreenDeployTests
{
    private const string Cluster = "e2e";

    [TestMethod]
    public async Task DnsBlueGreen_creates_both_weighted_records_then_moves_the_weight_step_by_step_to_the_new_version()
    {
        AwsCli.Require();
        var name = LocalEcsProjects.NewName("dns");
        var zone = $"{name}.e2e.internal";
        var clients = await LocalEcsFixture.ClientsAsync();
        using (var ec2 = clients.CreateEc2())
        using (var cloudMap = clients.CreateServiceDiscovery())
        using (var route53 = clients.CreateRoute53())
        {
            var vpc = (await ec2.DescribeVpcsAsync(new DescribeVpcsRequest { Filters = [new Filter("is-default", ["true"])] })).Vpcs![0].VpcId!;
            await cloudMap.CreatePrivateDnsNamespaceAsync(new CreatePrivateDnsNamespaceRequest { Name = name + ".local", Vpc = vpc });
            await route53.CreateHostedZoneAsync(new CreateHostedZoneRequest { Name = zone, CallerReference = name });
        }

        // One second of TTL: each step still waits for resolvers' caches, briefly.
        using var project = await LocalEcsProjects.CreateAsync(Cluster, name, $"""
            <EcsDeploymentStrategy>DnsBlueGreen</EcsDeploymentStrategy>
            <EcsDesiredCount>2</EcsDesiredCount>
            <EcsServiceDiscoveryNamespace>{name}.local</EcsServiceDiscoveryNamespace>
            <EcsDnsHostedZone>{zone}</EcsDnsHostedZone>
            <EcsDnsRecordName>api.{zone}</EcsDnsRecordName>
            <EcsDnsTtl>1</EcsDnsTtl>
            <EcsDnsWeightSteps>10;50;100</EcsDnsWeightSteps>
            """);
        var endpoint = await LocalEcsFixture.EndpointAsync();
        var zoneId = (string)AwsCli.Json(endpoint, "route53", "list-hosted-zones-by-name", "--dns-name", zone)!["HostedZones"]![0]!["Id"]!;

        var first = LocalEcsProjects.Publish(project);

        LocalEcsProjects.AssertSucceeded(first);
        CollectionAssert.AreEquivalent(new[] { ("Blue", 100L, $"{name}-blue.{name}.local"), ("Green", 0L, $"{name}-green.{name}.local") }, Weights(endpoint, zoneId, zone));

        var second = LocalEcsProjects.Publish(project, "-p:EcsMemory=1024");

        LocalEcsProjects.AssertSucceeded(second);
        var output = second.StandardOutput;
        var steps = new[] { 10, 50, 100 }.Select(w => output.IndexOf($"→ Green ({name}-green) {w}, Blue ({name}-blue) {100 - w}; waiting for Route 53 to be INSYNC", StringComparison.Ordinal)).ToList();
        Assert.IsTrue(steps.All(i => i >= 0) && steps[0] < steps[1] && steps[1] < steps[2], "the three steps in order:\n" + output);
        Assert.AreEqual(3, CountOf(output, "INSYNC; waiting one TTL (1 s)"), output);
        CollectionAssert.AreEquivalent(new[] { ("Blue", 0L, $"{name}-blue.{name}.local"), ("Green", 100L, $"{name}-green.{name}.local") }, Weights(endpoint, zoneId, zone));
        using var ecs = await LocalEcsFixture.EcsAsync();
        var services = (await ecs.DescribeServicesAsync(new DescribeServicesRequest { Cluster = Cluster, Services = [name + "__1", name + "__2"] })).Services!;
        Assert.AreEqual(0, services.Single(s => s.ServiceName == name + "__1").DesiredCount, "the old version is downsized at weight 0");
        Assert.AreEqual(2, services.Single(s => s.ServiceName == name + "__2").DesiredCount);
        Assert.IsLessThan(output.IndexOf($"{name}__1 → 0 task(s)", StringComparison.Ordinal), steps[2], "downsized only after the last step");
    }

    /// <summary>The record's weighted entries as the AWS CLI lists them: set identifier, weight, target.</summary>
    private static (string, long, string)[] Weights(string endpoint, string zoneId, string zone) =>
        [.. AwsCli.Json(endpoint, "route53", "list-resource-record-sets", "--hosted-zone-id", zoneId)!["ResourceRecordSets"]!.AsArray()
            .Where(r => (string?)r!["Name"] == $"api.{zone}.")
            .Select(r => ((string)r!["SetIdentifier"]!, (long)r["Weight"]!, ((string)r["ResourceRecords"]![0]!["Value"]!).TrimEnd('.')))];

    private static int CountOf(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
