using System.Net;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using EcsBuildTasks.LocalEcs.Tests.Support;
using EcsBuildTasks.Testing;
using static EcsBuildTasks.LocalEcs.Tests.Support.Route53Scenario;

namespace EcsBuildTasks.LocalEcs.Tests;

/// <summary>
/// Route 53 in LocalEcs: changes that propagate over simulated time, DNS that answers with what has propagated, the
/// resolver view of weighted shares, the validation Route 53 does, zones, pagination and persistence.
/// </summary>
[TestClass]
public sealed class Route53Tests
{
    private static readonly XNamespace Ns = AwsClient.Route53Namespace;

    [TestMethod]
    public async Task A_change_is_PENDING_for_60_simulated_seconds_and_DNS_keeps_the_old_weights_until_it_is_INSYNC()
    {
        await using var sim = await SimulatedLocalEcs.StartAsync();
        var zone = await ZoneAsync(sim.Aws, "example.com");
        var first = await ChangeAsync(sim.Aws, zone, Weighted("CREATE", "api.example.com", "blue", 100, "blue.internal."), Weighted("CREATE", "api.example.com", "green", 0, "green.internal."));
        sim.Advance(TimeSpan.FromSeconds(60));
        Assert.AreEqual("INSYNC", await StatusAsync(sim.Aws, first));

        var shift = await ChangeAsync(sim.Aws, zone, Weighted("UPSERT", "api.example.com", "blue", 50, "blue.internal."), Weighted("UPSERT", "api.example.com", "green", 50, "green.internal."));

        // The API shows the new weights at once; DNS answers with the old ones while the change propagates.
        var listed = (await ListAsync(sim.Aws, zone)).Where(r => r.Type == "CNAME").ToDictionary(r => r.SetIdentifier!, r => r.Weight);
        Assert.AreEqual(50L, listed["blue"]);
        Assert.AreEqual("PENDING", await StatusAsync(sim.Aws, shift));
        var during = await ResolveAsync(sim.Aws, "api.example.com");
        Assert.AreEqual(1.0, Share(during, "blue"));
        Assert.AreEqual(0.0, Share(during, "green"));
        Assert.IsTrue(during["propagating"]!.GetValue<bool>());
        Assert.AreEqual(shift, during["pendingChanges"]![0]!["id"]!.GetValue<string>());

        sim.Advance(TimeSpan.FromSeconds(59));
        Assert.AreEqual("PENDING", await StatusAsync(sim.Aws, shift), "still propagating after 59 s");
        sim.Advance(TimeSpan.FromSeconds(1));
        Assert.AreEqual("INSYNC", await StatusAsync(sim.Aws, shift));
        var after = await ResolveAsync(sim.Aws, "api.example.com", "&samples=10000&seed=7");
        Assert.AreEqual(0.5, Share(after, "blue"));
        Assert.AreEqual(0.5, Share(after, "green"));
        Assert.IsFalse(after["propagating"]!.GetValue<bool>());
        Assert.AreEqual(10000, after["samples"]!["blue"]!.GetValue<int>() + after["samples"]!["green"]!.GetValue<int>());
        Assert.IsTrue(Math.Abs(after["samples"]!["green"]!.GetValue<int>() - 5000) < 300, after.ToJsonString());
    }

    [TestMethod]
    public async Task The_control_API_sets_how_long_the_next_changes_stay_PENDING()
    {
        await using var sim = await SimulatedLocalEcs.StartAsync();
        var zone = await ZoneAsync(sim.Aws, "slow.example.com");
        var (status, body) = await sim.Aws.ControlAsync(HttpMethod.Put, "route53/propagation", new JsonObject { ["seconds"] = 3600, ["count"] = 1 });
        Assert.AreEqual(HttpStatusCode.OK, status, body);

        var slow = await ChangeAsync(sim.Aws, zone, Weighted("CREATE", "api.slow.example.com", "blue", 100, "blue.internal."));
        var usual = await ChangeAsync(sim.Aws, zone, Weighted("CREATE", "api.slow.example.com", "green", 0, "green.internal."));

        sim.Advance(TimeSpan.FromSeconds(60));
        Assert.AreEqual("PENDING", await StatusAsync(sim.Aws, slow), "an hour for the first change");
        Assert.AreEqual("INSYNC", await StatusAsync(sim.Aws, usual), "the count was 1: the next change propagates as usual");
        sim.Advance(TimeSpan.FromSeconds(3540));
        Assert.AreEqual("INSYNC", await StatusAsync(sim.Aws, slow));

        (status, body) = await sim.Aws.ControlAsync(HttpMethod.Put, "route53/propagation", new JsonObject { ["seconds"] = -1 });
        Assert.AreEqual(HttpStatusCode.BadRequest, status, body);
        (status, body) = await sim.Aws.ControlAsync(HttpMethod.Delete, "route53/propagation");
        Assert.AreEqual(HttpStatusCode.OK, status, body);
        StringAssert.Contains(body, "\"default\": 60");
    }

    [TestMethod]
    public async Task The_resolver_picks_by_weight_shares_all_zero_weights_equally_and_follows_a_CNAME_into_Cloud_Map()
    {
        await using var local = await LiveLocalEcs.StartAsync();
        var aws = local.Aws;
        var (subnets, _, vpc) = await Scenario.DefaultNetworkAsync(aws);
        var operation = (await aws.JsonAsync("servicediscovery", "CreatePrivateDnsNamespace", new JsonObject { ["Name"] = "internal.local", ["Vpc"] = vpc }))["OperationId"]!.GetValue<string>();
        var namespaceId = (await aws.JsonAsync("servicediscovery", "GetOperation", new JsonObject { ["OperationId"] = operation }))["Operation"]!["Targets"]!["NAMESPACE"]!.GetValue<string>();
        var green = (await aws.JsonAsync("servicediscovery", "CreateService", new JsonObject
        {
            ["Name"] = "web-green",
            ["NamespaceId"] = namespaceId,
            ["DnsConfig"] = new JsonObject { ["DnsRecords"] = new JsonArray(new JsonObject { ["Type"] = "A", ["TTL"] = 10 }) },
        }))["Service"]!["Id"]!.GetValue<string>();
        await aws.JsonAsync("servicediscovery", "RegisterInstance", new JsonObject
        {
            ["ServiceId"] = green,
            ["InstanceId"] = "task-1",
            ["Attributes"] = new JsonObject { ["AWS_INSTANCE_IPV4"] = "172.31.0.10", ["AWS_INSTANCE_PORT"] = "8080" },
        });
        Assert.IsTrue(subnets.Count > 0);

        // Cloud Map made a private hosted zone for the namespace, linked to it: Route 53 lists it and will not delete it.
        var hostedZoneId = (await aws.JsonAsync("servicediscovery", "GetNamespace", new JsonObject { ["Id"] = namespaceId }))["Namespace"]!["Properties"]!["DnsProperties"]!["HostedZoneId"]!.GetValue<string>();
        var linked = (await aws.Route53Async("GetHostedZone", HttpMethod.Get, "/2013-04-01/hostedzone/" + hostedZoneId)).Document;
        Assert.AreEqual("internal.local.", linked.Descendants(Ns + "Name").First().Value);
        Assert.AreEqual("servicediscovery.amazonaws.com", linked.Descendants(Ns + "ServicePrincipal").Single().Value);
        Assert.AreEqual("true", linked.Descendants(Ns + "PrivateZone").Single().Value);
        Assert.AreEqual(vpc, linked.Descendants(Ns + "VPCId").Single().Value);
        Assert.AreEqual("InvalidInput", (await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.Route53Async("DeleteHostedZone", HttpMethod.Delete, "/2013-04-01/hostedzone/" + hostedZoneId))).Code);
        var direct = await ResolveAsync(aws, "web-green.internal.local");
        Assert.AreEqual("172.31.0.10", direct["cloudMap"]!["instances"]![0]!["ipv4"]!.GetValue<string>());

        var zone = await ZoneAsync(aws, "example.com");
        await ChangeAsync(aws, zone, Weighted("CREATE", "api.example.com", "blue", 0, "web-blue.internal.local"), Weighted("CREATE", "api.example.com", "green", 0, "web-green.internal.local"));

        var equal = await ResolveAsync(aws, "api.example.com", "&roll=0.75");
        Assert.AreEqual(0.5, Share(equal, "blue"), "all weights 0: Route 53 answers with every set equally");
        Assert.AreEqual("green", equal["pick"]!["setIdentifier"]!.GetValue<string>());
        var reaches = Answer(equal, "green")["reaches"]!["cloudMap"]!;
        Assert.AreEqual("web-green", reaches["service"]!.GetValue<string>());
        Assert.AreEqual("172.31.0.10", reaches["instances"]![0]!["ipv4"]!.GetValue<string>());
        Assert.AreEqual(8080, reaches["instances"]![0]!["port"]!.GetValue<int>());
        Assert.IsTrue(Answer(equal, "blue")["reaches"]!["route53"]!["nxdomain"]!.GetValue<bool>(), "no Cloud Map service or record answers for web-blue in the namespace's zone");

        await ChangeAsync(aws, zone, Weighted("UPSERT", "api.example.com", "blue", 9, "web-blue.internal.local"), Weighted("UPSERT", "api.example.com", "green", 1, "web-green.internal.local"));
        var weighted = await ResolveAsync(aws, "api.example.com", "&roll=0.89");
        Assert.AreEqual(0.9, Share(weighted, "blue"));
        Assert.AreEqual("blue", weighted["pick"]!["setIdentifier"]!.GetValue<string>());
        Assert.AreEqual("green", (await ResolveAsync(aws, "api.example.com", "&roll=0.9"))["pick"]!["setIdentifier"]!.GetValue<string>());

        // A wildcard answers for names below it; names no zone holds are 404.
        await ChangeAsync(aws, zone, Change("CREATE", "*.apps.example.com", "A", null, null, 60, "10.1.2.3"));
        var wildcard = await ResolveAsync(aws, "shop.apps.example.com", "&type=A");
        CollectionAssert.AreEqual(new[] { "10.1.2.3" }, Answer(wildcard, null)["values"]!.AsArray().Select(v => v!.GetValue<string>()).ToArray());
        Assert.AreEqual("\\052.apps.example.com.", (await ListAsync(aws, zone)).Single(r => r.Type == "A").Name, "Route 53 writes * as \\052");
        var (status, body) = await aws.ControlAsync(HttpMethod.Get, "route53/resolve?name=api.example.org");
        Assert.AreEqual(HttpStatusCode.NotFound, status, body);
        Assert.AreEqual(HttpStatusCode.BadRequest, (await aws.ControlAsync(HttpMethod.Get, "route53/resolve?name=api.example.com&roll=1.5")).Status);
    }

    [TestMethod]
    public async Task Route53_refuses_what_Route53_refuses_and_applies_nothing_of_a_refused_batch()
    {
        await using var local = await LiveLocalEcs.StartAsync();
        var aws = local.Aws;
        var zone = await ZoneAsync(aws, "example.com");
        await ChangeAsync(aws, zone, Weighted("CREATE", "api.example.com", "blue", 100, "blue.internal."), Change("CREATE", "www.example.com", "A", null, null, 60, "10.0.0.1"));
        var before = await ListAsync(aws, zone);

        async Task<AwsErrorException> Refused(string code, params XElement[] changes)
        {
            var error = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => ChangeAsync(aws, zone, changes));
            Assert.AreEqual(code, error.Code, error.Body);
            Assert.AreEqual(HttpStatusCode.BadRequest, error.Status);
            Assert.IsTrue(AwsModel.Load("route53").DeclaresError("ChangeResourceRecordSets", code), code);
            return error;
        }

        var batch = await Refused(
            "InvalidChangeBatch",
            Weighted("CREATE", "api.example.com", "blue", 100, "blue.internal."),
            Weighted("DELETE", "api.example.com", "green", 0, "green.internal."),
            Weighted("DELETE", "www.example.com", "x", 1, "elsewhere."),
            Change("UPSERT", "api.example.com", "A", null, null, 60, "10.0.0.2"),
            Weighted("UPSERT", "www.example.com", "blue", 1, "blue.internal."),
            Change("CREATE", "new.example.com", "A", null, null, 60, "300.1.2.3"),
            Change("CREATE", "example.com", "CNAME", null, null, 60, "elsewhere."),
            Change("CREATE", "api.example.org", "A", null, null, 60, "10.0.0.3"),
            Change("CREATE", "a..example.com", "A", null, null, 60, "10.0.0.4"));
        var messages = XDocument.Parse(batch.Body).Descendants(Ns + "messages").Single().Elements(Ns + "Message").Select(m => m.Value).ToList();
        CollectionAssert.AreEqual(
            new[]
            {
                "Tried to create resource record set [name='api.example.com.', type='CNAME', set-identifier='blue'] but it already exists",
                "Tried to delete resource record set [name='api.example.com.', type='CNAME', set-identifier='green'] but it was not found",
                "Tried to delete resource record set [name='www.example.com.', type='CNAME', set-identifier='x'] but it was not found",
                "RRSet of type A with DNS name api.example.com. is not permitted because a conflicting RRSet of type CNAME with the same DNS name already exists in zone example.com.",
                "RRSet of type CNAME with DNS name www.example.com. is not permitted because a conflicting RRSet of type A with the same DNS name already exists in zone example.com.",
                "Invalid Resource Record: 'FATAL problem: ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) encountered with '300.1.2.3''",
                "RRSet of type CNAME with DNS name example.com. is not permitted at apex in zone example.com.",
                "RRSet with DNS name api.example.org. is not permitted in zone example.com.",
                "FATAL problem: DomainLabelEmpty (Domain label is empty) encountered with 'a..example.com.'",
            },
            messages,
            batch.Body);
        Assert.AreEqual("[" + string.Join(", ", messages) + "]", batch.AwsMessage, "Route 53 lists the messages in its Message");

        StringAssert.EndsWith((await Refused("InvalidChangeBatch", Change("DELETE", "www.example.com", "A", null, null, 300, "10.0.0.1"))).AwsMessage, "but the values provided do not match the current values]");
        StringAssert.Contains((await Refused("InvalidChangeBatch", Weighted("UPSERT", "api.example.com", "blue", 10, "b."), Weighted("UPSERT", "api.example.com", "blue", 20, "b."))).AwsMessage, "invalid set of changes for a resource record set 'CNAME api.example.com.'");
        StringAssert.Contains((await Refused("InvalidChangeBatch", Change("CREATE", "api.example.com", "CNAME", null, null, 60, "plain."))).AwsMessage, "cannot be created as weighted sets exist with the same name and type");
        StringAssert.Contains((await Refused("InvalidChangeBatch", Change("CREATE", "srv.example.com", "SRV", null, null, 60, "1 10 web."))).AwsMessage, "SRVRRDATATooFewFields");

        StringAssert.Contains((await Refused("InvalidInput", Weighted("UPSERT", "api.example.com", "blue", 256, "blue.internal."))).AwsMessage, "at 'changeBatch.changes.1.member.resourceRecordSet.weight' failed to satisfy constraint: Member must have value less than or equal to 255");
        StringAssert.Contains((await Refused("InvalidInput", Weighted("UPSERT", "api.example.com", "blue", -1, "blue.internal."))).AwsMessage, "Member must have value greater than or equal to 0");
        Assert.AreEqual(
            "Invalid request: Expected exactly one of [Weight, Region, Failover, GeoLocation, MultiValueAnswer, GeoProximityLocation, or CidrRoutingConfig], but found none in Change with [Action=UPSERT, Name=api.example.com, Type=CNAME, SetIdentifier=blue]",
            (await Refused("InvalidInput", Change("UPSERT", "api.example.com", "CNAME", "blue", null, 60, "blue.internal."))).AwsMessage);
        Assert.AreEqual(
            "Invalid request: Missing field 'SetIdentifier' in Change with [Action=UPSERT, Name=api.example.com, Type=CNAME, SetIdentifier=null]",
            (await Refused("InvalidInput", Change("UPSERT", "api.example.com", "CNAME", null, 5, 60, "blue.internal."))).AwsMessage);
        StringAssert.StartsWith((await Refused("InvalidInput", Change("UPSERT", "api.example.com", "CNAME", "blue", 5, null))).AwsMessage, "Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found none");

        CollectionAssert.AreEqual(before.Select(r => r.Text).ToArray(), (await ListAsync(aws, zone)).Select(r => r.Text).ToArray(), "a refused batch changes nothing");

        // A DELETE followed by a CREATE of the same record in one batch is how Route 53 replaces it.
        await ChangeAsync(aws, zone, Weighted("DELETE", "api.example.com", "blue", 100, "blue.internal."), Weighted("CREATE", "api.example.com", "blue", 40, "blue.internal."));
        Assert.AreEqual(40L, (await ListAsync(aws, zone)).Single(r => r.SetIdentifier == "blue").Weight);

        var missing = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => ChangeAsync(aws, "/hostedzone/ZNOTHERE", Weighted("UPSERT", "api.example.com", "blue", 1, "b.")));
        Assert.AreEqual("NoSuchHostedZone", missing.Code);
        Assert.AreEqual(HttpStatusCode.NotFound, missing.Status);
        Assert.AreEqual("No hosted zone found with ID: ZNOTHERE", missing.AwsMessage);
    }

    [TestMethod]
    public async Task Record_sets_are_listed_in_DNS_order_and_every_page_continues_at_name_type_and_identifier()
    {
        await using var local = await LiveLocalEcs.StartAsync();
        var zone = await ZoneAsync(local.Aws, "example.com");
        await ChangeAsync(
            local.Aws,
            zone,
            Weighted("CREATE", "api.example.com", "green", 0, "green."),
            Weighted("CREATE", "api.example.com", "blue", 100, "blue."),
            Weighted("CREATE", "api.example.com", "canary", 0, "canary."),
            Change("CREATE", "a.example.com", "A", null, null, 60, "10.0.0.1"),
            Change("CREATE", "a.example.com", "TXT", null, null, 60, "\"v=1\""),
            Change("CREATE", "z.api.example.com", "A", null, null, 60, "10.0.0.2"));

        var all = await ListAsync(local.Aws, zone);
        var onePerPage = await ListAsync(local.Aws, zone, pageSize: 1);

        CollectionAssert.AreEqual(
            new[] { "example.com. NS", "example.com. SOA", "a.example.com. A", "a.example.com. TXT", "api.example.com. CNAME blue", "api.example.com. CNAME canary", "api.example.com. CNAME green", "z.api.example.com. A" },
            all.Select(r => $"{r.Name} {r.Type}{(r.SetIdentifier is null ? string.Empty : " " + r.SetIdentifier)}").ToArray());
        CollectionAssert.AreEqual(all.Select(r => r.Text).ToArray(), onePerPage.Select(r => r.Text).ToArray(), "pages of one record visit every record set once, weighted sets included");

        var page = (await local.Aws.Route53Async("ListResourceRecordSets", HttpMethod.Get, $"/2013-04-01{zone}/rrset?name=api.example.com&type=CNAME&identifier=canary&maxitems=1")).Document;
        Assert.AreEqual("canary", page.Descendants(Ns + "SetIdentifier").Single().Value);
        Assert.AreEqual("green", page.Element(Ns + "NextRecordIdentifier")!.Value);
        var error = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => local.Aws.Route53Async("ListResourceRecordSets", HttpMethod.Get, $"/2013-04-01{zone}/rrset?type=A"));
        Assert.AreEqual("InvalidInput", error.Code);
    }

    [TestMethod]
    public async Task Hosted_zones_are_created_once_per_caller_reference_found_by_name_and_deleted_only_when_empty()
    {
        await using var local = await LiveLocalEcs.StartAsync();
        var aws = local.Aws;
        var created = await aws.Route53Async("CreateHostedZone", HttpMethod.Post, "/2013-04-01/hostedzone", new XElement(
            Ns + "CreateHostedZoneRequest", new XElement(Ns + "Name", "Shop.Example.com"), new XElement(Ns + "CallerReference", "deploy-1")));
        var zone = created.Document.Element(Ns + "HostedZone")!;
        var id = zone.Element(Ns + "Id")!.Value;
        Assert.AreEqual(HttpStatusCode.Created, created.Status);
        Assert.AreEqual("https://route53.amazonaws.com/2013-04-01" + id, created.Location, "the Location header names the new zone");
        Assert.AreEqual("shop.example.com.", zone.Element(Ns + "Name")!.Value);
        Assert.AreEqual(4, created.Document.Descendants(Ns + "NameServer").Count());

        var again = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.Route53Async("CreateHostedZone", HttpMethod.Post, "/2013-04-01/hostedzone", new XElement(
            Ns + "CreateHostedZoneRequest", new XElement(Ns + "Name", "other.example.com"), new XElement(Ns + "CallerReference", "deploy-1"))));
        Assert.AreEqual("HostedZoneAlreadyExists", again.Code);
        Assert.AreEqual(HttpStatusCode.Conflict, again.Status);
        var privateWithoutVpc = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.Route53Async("CreateHostedZone", HttpMethod.Post, "/2013-04-01/hostedzone", new XElement(
            Ns + "CreateHostedZoneRequest",
            new XElement(Ns + "Name", "internal.local"),
            new XElement(Ns + "VPC", new XElement(Ns + "VPCRegion", "us-east-1"), new XElement(Ns + "VPCId", "vpc-0nothere")),
            new XElement(Ns + "CallerReference", "p"))));
        Assert.AreEqual("InvalidVPCId", privateWithoutVpc.Code);

        await ZoneAsync(aws, "example.com");
        await ZoneAsync(aws, "api.example.com");
        await ZoneAsync(aws, "example.org");
        var byName = (await aws.Route53Async("ListHostedZonesByName", HttpMethod.Get, "/2013-04-01/hostedzonesbyname?dnsname=example.com&maxitems=2")).Document;
        CollectionAssert.AreEqual(new[] { "example.com.", "api.example.com." }, byName.Descendants(Ns + "Name").Select(n => n.Value).ToArray(), "labels reversed: com.example, com.example.api, com.example.shop, org.example");
        Assert.AreEqual("shop.example.com.", byName.Element(Ns + "NextDNSName")!.Value);

        var ids = new List<string>();
        for (var marker = string.Empty; ;)
        {
            var page = (await aws.Route53Async("ListHostedZones", HttpMethod.Get, "/2013-04-01/hostedzone?maxitems=3" + marker)).Document;
            ids.AddRange(page.Descendants(Ns + "Id").Select(e => e.Value));
            if (page.Element(Ns + "NextMarker") is not { } next)
            {
                break;
            }

            marker = "&marker=" + next.Value;
        }

        Assert.AreEqual(4, ids.Distinct().Count(), "pages of three with NextMarker list the four zones once each");
        Assert.AreEqual(4, ids.Count);

        var described = (await aws.Route53Async("GetHostedZone", HttpMethod.Get, "/2013-04-01" + id)).Document;
        Assert.AreEqual("2", described.Descendants(Ns + "ResourceRecordSetCount").Single().Value, "a new zone has its NS and SOA records");
        await ChangeAsync(aws, id, Change("CREATE", "www.shop.example.com", "A", null, null, 60, "10.0.0.1"));
        var notEmpty = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.Route53Async("DeleteHostedZone", HttpMethod.Delete, "/2013-04-01" + id));
        Assert.AreEqual("HostedZoneNotEmpty", notEmpty.Code);
        await ChangeAsync(aws, id, Change("DELETE", "www.shop.example.com", "A", null, null, 60, "10.0.0.1"));
        var deleted = (await aws.Route53Async("DeleteHostedZone", HttpMethod.Delete, "/2013-04-01" + id)).Document;
        Assert.AreEqual("INSYNC", deleted.Descendants(Ns + "Status").Single().Value, "instant mode: every change is INSYNC at once");
        Assert.AreEqual("NoSuchHostedZone", (await Assert.ThrowsExactlyAsync<AwsErrorException>(() => aws.Route53Async("GetHostedZone", HttpMethod.Get, "/2013-04-01" + id))).Code);
    }

    [TestMethod]
    public async Task Zones_records_and_pending_changes_survive_a_restart_from_the_state_file()
    {
        var folder = Directory.CreateTempSubdirectory("localecs-route53-").FullName;
        try
        {
            var stateFile = Path.Combine(folder, "state.json");
            string zone;
            string change;
            var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(SimulatedLocalEcs.Start);
            await using (var sim = await SimulatedLocalEcs.StartAsync(stateFile: stateFile, time: time))
            {
                zone = await ZoneAsync(sim.Aws, "example.com");
                change = await ChangeAsync(sim.Aws, zone, Weighted("CREATE", "api.example.com", "blue", 100, "blue."));
            }

            await using (var sim = await SimulatedLocalEcs.StartAsync(stateFile: stateFile, time: time))
            {
                Assert.AreEqual("PENDING", await StatusAsync(sim.Aws, change));
                Assert.AreEqual(100L, (await ListAsync(sim.Aws, zone)).Single(r => r.SetIdentifier == "blue").Weight);
                Assert.AreEqual(0, (await ResolveAsync(sim.Aws, "api.example.com"))["answers"]!.AsArray().Count, "not in DNS before it propagates");
                sim.Advance(TimeSpan.FromSeconds(60));
                Assert.AreEqual("INSYNC", await StatusAsync(sim.Aws, change));
                Assert.AreEqual(1.0, Share(await ResolveAsync(sim.Aws, "api.example.com"), "blue"));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public async Task Route53_errors_use_its_envelope_whatever_region_signed_and_faults_throttle_as_Route53_does()
    {
        await using var local = await LiveLocalEcs.StartAsync();
        using var frankfurt = new AwsClient(local.Server.BaseUrl, "eu-central-1");
        var zone = await ZoneAsync(frankfurt, "example.com");
        Assert.AreEqual(zone, (await local.Aws.Route53Async("GetHostedZone", HttpMethod.Get, "/2013-04-01" + zone)).Document.Descendants(Ns + "Id").First().Value, "Route 53 is global: a zone made through one region's signature is everyone's");

        using var unsigned = new HttpRequestMessage(HttpMethod.Get, "/2013-04-01/hostedzone");
        using (var response = await local.Aws.Http.SendAsync(unsigned))
        {
            Assert.AreEqual(HttpStatusCode.Forbidden, response.StatusCode);
            StringAssert.Contains(await response.Content.ReadAsStringAsync(), "<ErrorResponse xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><Error><Type>Sender</Type><Code>MissingAuthenticationTokenException</Code>");
        }

        var wrongMethod = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => local.Aws.Route53Async("GetHostedZone", HttpMethod.Put, "/2013-04-01" + zone));
        Assert.AreEqual(HttpStatusCode.NotFound, wrongMethod.Status);
        var unknownChange = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => local.Aws.Route53Async("GetChange", HttpMethod.Get, "/2013-04-01/change/CNOTHERE"));
        Assert.AreEqual("NoSuchChange", unknownChange.Code);
        Assert.AreEqual(HttpStatusCode.NotFound, unknownChange.Status);

        await local.Aws.ControlAsync(HttpMethod.Post, "faults", new JsonObject { ["service"] = "route53", ["throttleRate"] = 1, ["count"] = 1 });
        var throttled = await Assert.ThrowsExactlyAsync<AwsErrorException>(() => local.Aws.Route53Async("ListHostedZones", HttpMethod.Get, "/2013-04-01/hostedzone"));
        Assert.AreEqual("Throttling", throttled.Code);
        Assert.AreEqual("Rate exceeded", throttled.AwsMessage);
        await local.Aws.Route53Async("ListHostedZones", HttpMethod.Get, "/2013-04-01/hostedzone");
    }

    private static async Task<JsonObject> ResolveAsync(AwsClient aws, string name, string query = "")
    {
        var (status, body) = await aws.ControlAsync(HttpMethod.Get, $"route53/resolve?name={name}{query}");
        Assert.AreEqual(HttpStatusCode.OK, status, body);
        return JsonNode.Parse(body)!.AsObject();
    }

    private static JsonObject Answer(JsonObject resolved, string? setIdentifier) =>
        resolved["answers"]!.AsArray().Select(a => a!.AsObject()).Single(a => a["setIdentifier"]?.GetValue<string>() == setIdentifier);

    private static double Share(JsonObject resolved, string setIdentifier) => Answer(resolved, setIdentifier)["share"]!.GetValue<double>();
}
