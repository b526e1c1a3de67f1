using System.Text.Json.Nodes;
using EcsBuildTasks.Aws.Route53;
using EcsBuildTasks.Aws.Route53.Model;
using EcsBuildTasks.Testing;
using static EcsBuildTasks.Aws.Tests.Moto.MotoClients;

namespace EcsBuildTasks.Aws.Tests.Moto;

/// <summary>Route 53 (rest-xml) against moto: hosted zones, weighted records changed by us and read back by the AWS CLI, and the reverse.</summary>
[TestClass]
[TestCategory("Moto")]
public sealed class Route53MotoTests
{
    public TestContext TestContext { get; set; } = null!;

    private CancellationToken Ct => TestContext.CancellationToken;

    [TestMethod]
    public async Task A_hosted_zone_is_created_found_by_name_and_id_listed_and_deleted()
    {
        using var route53 = Factory().CreateRoute53();
        var name = Unique("zone") + ".example.com";

        var created = await route53.CreateHostedZoneAsync(new CreateHostedZoneRequest
        {
            Name = name,
            CallerReference = Guid.NewGuid().ToString(),
            HostedZoneConfig = new HostedZoneConfig { Comment = "blue/green", PrivateZone = false },
        }, Ct);
        var zoneId = created.HostedZone!.Id!;

        StringAssert.StartsWith(zoneId, "/hostedzone/");
        StringAssert.EndsWith(created.Location, zoneId["/hostedzone/".Length..], "Location comes from the response header");
        Assert.AreEqual(name + ".", created.HostedZone.Name);
        Assert.IsTrue(created.DelegationSet!.NameServers!.Count >= 1);

        // The id exactly as Route 53 returned it goes back in (the client sends its last segment).
        var described = await route53.GetHostedZoneAsync(new GetHostedZoneRequest { Id = zoneId }, Ct);
        Assert.AreEqual("blue/green", described.HostedZone!.Config!.Comment);
        Assert.AreEqual(false, described.HostedZone.Config.PrivateZone);

        var byName = await route53.ListHostedZonesByNameAsync(new ListHostedZonesByNameRequest { DNSName = name }, Ct);
        Assert.AreEqual(zoneId, byName.HostedZones!.First().Id);

        var all = new List<HostedZone>();
        await foreach (var zone in route53.Paginators.ListHostedZones(new ListHostedZonesRequest { MaxItems = "1" }).HostedZones.WithCancellation(Ct))
        {
            all.Add(zone);
        }

        Assert.AreEqual(1, all.Count(z => z.Id == zoneId), "the paginator visits every page once");

        var deleted = await route53.DeleteHostedZoneAsync(new DeleteHostedZoneRequest { Id = zoneId }, Ct);
        Assert.IsNotNull(deleted.ChangeInfo!.Id);
        var gone = await Assert.ThrowsExactlyAsync<NoSuchHostedZoneException>(() => route53.GetHostedZoneAsync(new GetHostedZoneRequest { Id = zoneId }, Ct));
        Assert.AreEqual(System.Net.HttpStatusCode.NotFound, gone.StatusCode);
    }

    [TestMethod]
    [TestCategory("AwsCli")]
    public async Task Weighted_records_we_write_are_what_the_AWS_CLI_lists_and_records_it_writes_read_back()
    {
        using var route53 = Factory().CreateRoute53();
        var zoneName = Unique("weights") + ".example.com";
        var zoneId = (await route53.CreateHostedZoneAsync(new CreateHostedZoneRequest { Name = zoneName, CallerReference = Guid.NewGuid().ToString() }, Ct)).HostedZone!.Id!;
        var record = "api." + zoneName + ".";

        var change = await route53.ChangeResourceRecordSetsAsync(new ChangeResourceRecordSetsRequest
        {
            HostedZoneId = zoneId,
            ChangeBatch = new ChangeBatch
            {
                Comment = "shift to green",
                Changes =
                [
                    Upsert(record, RRType.CNAME, "blue", 90, "web-blue.internal.local"),
                    Upsert(record, RRType.CNAME, "green", 10, "web-green.internal.local"),
                    Upsert("a." + record, RRType.A, "blue", 255, "10.0.0.1"),
                    Upsert("_http._tcp." + record, RRType.SRV, "green", 0, "1 10 8080 web-green.internal.local"),
                ],
            },
        }, Ct);
        var status = await route53.GetChangeAsync(new GetChangeRequest { Id = change.ChangeInfo!.Id }, Ct);
        Assert.AreSame(ChangeStatus.INSYNC, status.ChangeInfo!.Status);

        var cli = AwsCli.Json(MotoServer.Instance.Endpoint, "route53", "list-resource-record-sets", "--hosted-zone-id", zoneId)!;
        var weighted = cli["ResourceRecordSets"]!.AsArray().Where(r => r!["SetIdentifier"] is not null).ToDictionary(
            r => $"{r!["Name"]} {r["Type"]} {r["SetIdentifier"]}",
            r => (Weight: r!["Weight"]!.GetValue<long>(), Ttl: r["TTL"]!.GetValue<long>(), Value: r["ResourceRecords"]![0]!["Value"]!.GetValue<string>()));
        Assert.AreEqual((90L, 60L, "web-blue.internal.local"), weighted[$"{record} CNAME blue"]);
        Assert.AreEqual((10L, 60L, "web-green.internal.local"), weighted[$"{record} CNAME green"]);
        Assert.AreEqual((255L, 60L, "10.0.0.1"), weighted[$"a.{record} A blue"]);
        Assert.AreEqual((0L, 60L, "1 10 8080 web-green.internal.local"), weighted[$"_http._tcp.{record} SRV green"]);

        // The reverse: the CLI moves all traffic to green; our client reads the weights it wrote.
        var batch = new JsonObject
        {
            ["Changes"] = new JsonArray(
                CliUpsert(record, "blue", 0, "web-blue.internal.local"),
                CliUpsert(record, "green", 100, "web-green.internal.local")),
        };
        AwsCli.Json(MotoServer.Instance.Endpoint, "route53", "change-resource-record-sets", "--hosted-zone-id", zoneId, "--change-batch", batch.ToJsonString());

        var listed = new List<ResourceRecordSet>();
        await foreach (var set in route53.Paginators.ListResourceRecordSets(new ListResourceRecordSetsRequest { HostedZoneId = zoneId }).ResourceRecordSets.WithCancellation(Ct))
        {
            listed.Add(set);
        }

        var cnames = listed.Where(r => r.Name == record && r.Type == RRType.CNAME).ToDictionary(r => r.SetIdentifier!, r => r.Weight);
        Assert.AreEqual(0L, cnames["blue"]);
        Assert.AreEqual(100L, cnames["green"]);
        Assert.IsTrue(listed.Any(r => r.Type == RRType.SOA) && listed.Any(r => r.Type == RRType.NS), "a new zone has its SOA and NS records");

        // A weighted record is deleted by its set identifier, with the values it has.
        await route53.ChangeResourceRecordSetsAsync(new ChangeResourceRecordSetsRequest
        {
            HostedZoneId = zoneId,
            ChangeBatch = new ChangeBatch { Changes = [new Change { Action = ChangeAction.DELETE, ResourceRecordSet = Upsert(record, RRType.CNAME, "blue", 0, "web-blue.internal.local").ResourceRecordSet }] },
        }, Ct);
        var after = AwsCli.Json(MotoServer.Instance.Endpoint, "route53", "list-resource-record-sets", "--hosted-zone-id", zoneId, "--query", $"ResourceRecordSets[?Name=='{record}'].SetIdentifier")!;
        CollectionAssert.AreEqual(new[] { "green" }, after.AsArray().Select(n => n!.GetValue<string>()).ToArray());
    }

    private static Change Upsert(string name, RRType type, string setIdentifier, long weight, string value) => new()
    {
        Action = ChangeAction.UPSERT,
        ResourceRecordSet = new ResourceRecordSet
        {
            Name = name,
            Type = type,
            SetIdentifier = setIdentifier,
            Weight = weight,
            TTL = 60,
            ResourceRecords = [new ResourceRecord { Value = value }],
        },
    };

    private static JsonObject CliUpsert(string name, string setIdentifier, int weight, string value) => new()
    {
        ["Action"] = "UPSERT",
        ["ResourceRecordSet"] = new JsonObject
        {
            ["Name"] = name,
            ["Type"] = "CNAME",
            ["SetIdentifier"] = setIdentifier,
            ["Weight"] = weight,
            ["TTL"] = 60,
            ["ResourceRecords"] = new JsonArray(new JsonObject { ["Value"] = value }),
        },
    };
}
