using Amazon.Runtime;
using EcsBuildTasks.Aws;
using EcsBuildTasks.Aws.Route53.Model;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Strategies.DnsBlueGreen;
using EcsBuildTasks.Testing;
using Task = System.Threading.Tasks.Task;

namespace EcsBuildTasks.Core.Tests;

/// <summary>
/// DnsBlueGreen's Route 53 calls checked by another implementation of the API (moto): the hosted zone found by name and
/// by id, both weighted CNAME entries UPSERTed in one change and waited INSYNC with GetChange, read back with
/// ListResourceRecordSets from the record's name, and a plain record of another name left alone. The strategy itself
/// needs running tasks, which moto does not run (DnsBlueGreenStrategyTests run it against LocalEcs).
/// </summary>
[TestClass]
[TestCategory("Moto")]
public sealed class DnsWeightsMotoTests
{
    [TestMethod]
    public async Task Against_moto_the_weighted_entries_are_created_moved_and_read_back()
    {
        var moto = MotoServer.Instance;
        using var aws = new AwsSession(new AwsClientFactory(new AwsConnectionSettings { Region = "us-east-1", EndpointUrl = moto.Endpoint, Credentials = new BasicAWSCredentials("test", "test") }));
        var zoneName = $"dns-{Guid.NewGuid().ToString("N")[..8]}.example.internal";
        var created = await aws.Route53.CreateHostedZoneAsync(new CreateHostedZoneRequest { Name = zoneName, CallerReference = zoneName });
        await aws.Route53.ChangeResourceRecordSetsAsync(new ChangeResourceRecordSetsRequest
        {
            HostedZoneId = created.HostedZone!.Id,
            ChangeBatch = new ChangeBatch { Changes = [new Change { Action = Aws.Route53.ChangeAction.CREATE, ResourceRecordSet = new ResourceRecordSet { Name = "legacy." + zoneName, Type = Aws.Route53.RRType.A, TTL = 300, ResourceRecords = [new ResourceRecord { Value = "10.0.0.1" }] } }] },
        });
        var weights = new DnsWeights(aws, new RecordingDeploymentLog(), TimeProvider.System);

        var (byName, problem) = await weights.FindZoneAsync(zoneName, CancellationToken.None);
        Assert.IsNull(problem, problem);
        var (byId, _) = await weights.FindZoneAsync(created.HostedZone.Id!, CancellationToken.None);
        Assert.AreEqual(DnsWeights.StripPrefix(created.HostedZone.Id!), DnsWeights.StripPrefix(byName!.Id!));
        Assert.AreEqual(DnsWeights.Fqdn(zoneName), DnsWeights.Fqdn(byId!.Name!));

        var record = $"api.{zoneName}";
        var traffic = new DnsTraffic
        {
            ZoneId = DnsWeights.StripPrefix(byName.Id!), RecordName = DnsWeights.Fqdn(record), Ttl = 0,
            New = new DnsSlot("Green", "api-green", "api-green.api.local.", 0), Old = new DnsSlot("Blue", "api-blue", "api-blue.api.local.", 100),
        };
        Assert.IsEmpty(await weights.RecordsAsync(traffic.ZoneId, record, CancellationToken.None));

        await weights.SetAsync(traffic, 10, CancellationToken.None);
        var after10 = await weights.RecordsAsync(traffic.ZoneId, record, CancellationToken.None);
        await weights.SetAsync(traffic, 100, CancellationToken.None);
        var after100 = await weights.RecordsAsync(traffic.ZoneId, record, CancellationToken.None);

        CollectionAssert.AreEquivalent(new[] { "Blue 90 api-blue.api.local.", "Green 10 api-green.api.local." }, Describe(after10));
        CollectionAssert.AreEquivalent(new[] { "Blue 0 api-blue.api.local.", "Green 100 api-green.api.local." }, Describe(after100));
        Assert.IsEmpty(DnsWeights.Foreign(after100), "the two weighted entries are the package's own");
        Assert.IsTrue(after100.All(r => r.Type?.Value == "CNAME" && r.TTL == 0));
    }

    private static string[] Describe(IEnumerable<ResourceRecordSet> records) =>
        [.. records.Select(r => $"{r.SetIdentifier} {r.Weight} {DnsWeights.Fqdn(r.ResourceRecords![0].Value!)}")];
}
