using Amazon.Runtime;
using EcsBuildTasks.Aws.Route53;
using EcsBuildTasks.Aws.Route53.Model;
using EcsBuildTasks.LocalEcs;
using EcsBuildTasks.Testing;

namespace EcsBuildTasks.Aws.Tests.LocalEcs;

/// <summary>
/// Our Route 53 client against LocalEcs, where moto falls short: changes that stay PENDING until they propagate,
/// Route 53's validation errors with their messages, and weighted sets paged one at a time.
/// </summary>
[TestClass]
public sealed class Route53LocalEcsTests
{
    public TestContext TestContext { get; set; } = null!;

    private CancellationToken Ct => TestContext.CancellationToken;

    [TestMethod]
    [TestCategory("AwsCli")]
    public async Task Weights_shift_from_blue_to_green_each_change_goes_INSYNC_and_the_CLI_and_resolver_agree()
    {
        // The default time scale: a change propagates in 60 simulated seconds, one real second.
        await using var server = await LocalEcsServer.StartAsync(new LocalEcsOptions { Port = 0, TimeScale = 60 }, Ct);
        using var route53 = Factory(server).CreateRoute53();
        var zoneId = (await route53.CreateHostedZoneAsync(new CreateHostedZoneRequest { Name = "example.com", CallerReference = Guid.NewGuid().ToString() }, Ct)).HostedZone!.Id!;

        foreach (var (blue, green) in new[] { (100L, 0L), (50L, 50L), (0L, 100L) })
        {
            var change = await route53.ChangeResourceRecordSetsAsync(new ChangeResourceRecordSetsRequest
            {
                HostedZoneId = zoneId,
                ChangeBatch = new ChangeBatch
                {
                    Comment = $"blue {blue}, green {green}",
                    Changes =
                    [
                        new Change { Action = ChangeAction.UPSERT, ResourceRecordSet = Route53ClientTests.Weighted("blue", blue, "web-blue.internal.local") },
                        new Change { Action = ChangeAction.UPSERT, ResourceRecordSet = Route53ClientTests.Weighted("green", green, "web-green.internal.local") },
                    ],
                },
            }, Ct);
            Assert.AreSame(ChangeStatus.PENDING, change.ChangeInfo!.Status);
            await WaitInsyncAsync(route53, change.ChangeInfo.Id!);

            var cli = AwsCli.Json(server.BaseUrl.ToString().TrimEnd('/'), "route53", "list-resource-record-sets", "--hosted-zone-id", zoneId, "--query", "ResourceRecordSets[?Type=='CNAME']")!.AsArray();
            var weights = cli.ToDictionary(r => r!["SetIdentifier"]!.GetValue<string>(), r => r!["Weight"]!.GetValue<long>());
            Assert.AreEqual(blue, weights["blue"]);
            Assert.AreEqual(green, weights["green"]);

            using var http = new HttpClient { BaseAddress = server.BaseUrl, DefaultRequestHeaders = { { LocalEcsServer.ControlHeader, "1" } } };
            var resolved = System.Text.Json.Nodes.JsonNode.Parse(await http.GetStringAsync(new Uri("/_localecs/route53/resolve?name=api.example.com", UriKind.Relative), Ct))!;
            var share = resolved["answers"]!.AsArray().Single(a => a!["setIdentifier"]!.GetValue<string>() == "green")!["share"]!.GetValue<double>();
            Assert.AreEqual(blue + green == 0 ? 0.5 : green / 100.0, share, $"green's share of DNS answers once blue {blue} / green {green} is INSYNC");
        }
    }

    [TestMethod]
    public async Task Route53s_refusals_arrive_as_typed_exceptions_with_every_message()
    {
        await using var server = await LocalEcsServer.StartAsync(new LocalEcsOptions { Port = 0, TimeScale = 0 }, Ct);
        using var route53 = Factory(server).CreateRoute53();
        var zoneId = (await route53.CreateHostedZoneAsync(new CreateHostedZoneRequest { Name = "example.com", CallerReference = Guid.NewGuid().ToString() }, Ct)).HostedZone!.Id!;
        await route53.ChangeResourceRecordSetsAsync(Batch(zoneId, ChangeAction.CREATE, Route53ClientTests.Weighted("blue", 100, "web-blue.internal.local")), Ct);

        var batch = await Assert.ThrowsExactlyAsync<InvalidChangeBatchException>(() => route53.ChangeResourceRecordSetsAsync(Batch(
            zoneId,
            ChangeAction.CREATE,
            Route53ClientTests.Weighted("blue", 100, "web-blue.internal.local"),
            new ResourceRecordSet { Name = "api.example.com", Type = RRType.A, TTL = 60, ResourceRecords = [new ResourceRecord { Value = "10.0.0.1" }] }), Ct));
        Assert.AreEqual(2, batch.Messages!.Count);
        Assert.AreEqual("Tried to create resource record set [name='api.example.com.', type='CNAME', set-identifier='blue'] but it already exists", batch.Messages[0]);
        StringAssert.StartsWith(batch.Messages[1], "RRSet of type A with DNS name api.example.com. is not permitted because a conflicting RRSet of type CNAME");
        Assert.AreEqual("[" + string.Join(", ", batch.Messages) + "]", batch.Message);
        Assert.AreEqual(ErrorType.Sender, batch.ErrorType);

        var weight = await Assert.ThrowsExactlyAsync<InvalidInputException>(() => route53.ChangeResourceRecordSetsAsync(Batch(zoneId, ChangeAction.UPSERT, Route53ClientTests.Weighted("blue", 300, "web-blue.internal.local")), Ct));
        StringAssert.Contains(weight.Message, "Member must have value less than or equal to 255");
        var missing = await Assert.ThrowsExactlyAsync<NoSuchHostedZoneException>(() => route53.GetHostedZoneAsync(new GetHostedZoneRequest { Id = "/hostedzone/ZNOTHERE" }, Ct));
        Assert.AreEqual(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
        Assert.IsFalse(string.IsNullOrEmpty(missing.RequestId));
        await Assert.ThrowsExactlyAsync<HostedZoneNotEmptyException>(() => route53.DeleteHostedZoneAsync(new DeleteHostedZoneRequest { Id = zoneId }, Ct));
    }

    [TestMethod]
    public async Task The_paginator_walks_weighted_sets_one_page_at_a_time_by_name_type_and_identifier()
    {
        await using var server = await LocalEcsServer.StartAsync(new LocalEcsOptions { Port = 0, TimeScale = 0 }, Ct);
        using var route53 = Factory(server).CreateRoute53();
        var zone = (await route53.CreateHostedZoneAsync(new CreateHostedZoneRequest { Name = "example.com", CallerReference = Guid.NewGuid().ToString() }, Ct)).HostedZone!;
        Assert.AreEqual(zone.Id, (await route53.ListHostedZonesByNameAsync(new ListHostedZonesByNameRequest { DNSName = "example.com" }, Ct)).HostedZones!.Single().Id);
        await route53.ChangeResourceRecordSetsAsync(Batch(
            zone.Id!,
            ChangeAction.CREATE,
            Route53ClientTests.Weighted("blue", 10, "web-blue.internal.local"),
            Route53ClientTests.Weighted("green", 20, "web-green.internal.local"),
            Route53ClientTests.Weighted("canary", 1, "web-canary.internal.local")), Ct);

        var pages = 0;
        var identifiers = new List<string>();
        await foreach (var page in route53.Paginators.ListResourceRecordSets(new ListResourceRecordSetsRequest { HostedZoneId = zone.Id, MaxItems = "1" }).Responses.WithCancellation(Ct))
        {
            pages++;
            identifiers.AddRange(page.ResourceRecordSets!.Select(r => r.SetIdentifier ?? r.Type!.Value));
        }

        Assert.AreEqual(5, pages);
        CollectionAssert.AreEqual(new[] { "NS", "SOA", "blue", "canary", "green" }, identifiers);
    }

    private static ChangeResourceRecordSetsRequest Batch(string zoneId, ChangeAction action, params ResourceRecordSet[] sets) => new()
    {
        HostedZoneId = zoneId,
        ChangeBatch = new ChangeBatch { Changes = [.. sets.Select(s => new Change { Action = action, ResourceRecordSet = s })] },
    };

    private static AwsClientFactory Factory(LocalEcsServer server) => new(new AwsConnectionSettings
    {
        EndpointUrl = server.BaseUrl.ToString(),
        Region = "eu-west-1",
        Credentials = new BasicAWSCredentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        MaxErrorRetry = 0,
    });

    private async Task WaitInsyncAsync(IAmazonRoute53 route53, string changeId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await route53.GetChangeAsync(new GetChangeRequest { Id = changeId }, Ct)).ChangeInfo!.Status != ChangeStatus.INSYNC)
        {
            Assert.IsTrue(DateTime.UtcNow < deadline, $"change {changeId} did not go INSYNC within 30 s");
            await Task.Delay(100, Ct);
        }
    }
}
