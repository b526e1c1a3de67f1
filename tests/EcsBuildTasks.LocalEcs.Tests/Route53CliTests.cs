using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Tests.Support;

namespace EcsBuildTasks.LocalEcs.Tests;

/// <summary>
/// <c>aws route53</c> (awscli 1.x, which signs for the region it is given and checks every response against its
/// model) against LocalEcs: zones, weighted records shifted from blue to green, changes PENDING then INSYNC at the
/// default time scale, pagination by the CLI's own paginator, and Route 53's errors as the CLI prints them.
/// </summary>
[TestClass]
[TestCategory("AwsCli")]
public sealed class Route53CliTests
{
    [TestMethod]
    public async Task The_AWS_CLI_shifts_weighted_records_and_waits_for_the_change_to_be_INSYNC()
    {
        // The default time scale: the 60 simulated seconds of propagation take one real second.
        await using var local = await LiveLocalEcs.StartAsync(timeScale: 60);
        var created = local.Cli("route53", "create-hosted-zone", "--name", "example.com", "--caller-reference", "cli-1", "--hosted-zone-config", "Comment=blue/green");
        var zoneId = created["HostedZone"]!["Id"]!.GetValue<string>();
        StringAssert.EndsWith(created["Location"]!.GetValue<string>(), zoneId);
        Assert.AreEqual(zoneId, local.Cli("route53", "list-hosted-zones-by-name", "--dns-name", "example.com")["HostedZones"]![0]!["Id"]!.GetValue<string>());
        Assert.AreEqual("blue/green", local.Cli("route53", "get-hosted-zone", "--id", zoneId)["HostedZone"]!["Config"]!["Comment"]!.GetValue<string>());

        var shift = local.Cli("route53", "change-resource-record-sets", "--hosted-zone-id", zoneId, "--change-batch", Batch(("blue", 90), ("green", 10)).ToJsonString());
        Assert.AreEqual("PENDING", shift["ChangeInfo"]!["Status"]!.GetValue<string>());
        var changeId = shift["ChangeInfo"]!["Id"]!.GetValue<string>();
        await LiveLocalEcs.WaitUntilAsync(
            () => Task.FromResult(local.Cli("route53", "get-change", "--id", changeId)["ChangeInfo"]!["Status"]!.GetValue<string>() == "INSYNC"),
            "the change to propagate");

        local.Cli("route53", "change-resource-record-sets", "--hosted-zone-id", zoneId, "--change-batch", Batch(("blue", 0), ("green", 100)).ToJsonString());

        // --page-size 1: the CLI's paginator walks the records one by one with name, type and identifier.
        var listed = local.Cli("route53", "list-resource-record-sets", "--hosted-zone-id", zoneId, "--page-size", "1")["ResourceRecordSets"]!.AsArray();
        Assert.AreEqual(6, listed.Count, listed.ToJsonString());
        var weights = listed.Where(r => r!["SetIdentifier"] is not null).ToDictionary(r => $"{r!["Type"]} {r["SetIdentifier"]}", r => r!["Weight"]!.GetValue<long>());
        Assert.AreEqual(0L, weights["CNAME blue"]);
        Assert.AreEqual(100L, weights["CNAME green"]);
        Assert.AreEqual(255L, weights["SRV blue"]);
        Assert.AreEqual(155L, weights["SRV green"]);
        Assert.AreEqual("1 10 8080 web-green.internal.local", listed.Single(r => r!["Type"]!.GetValue<string>() == "SRV" && r["SetIdentifier"]!.GetValue<string>() == "green")!["ResourceRecords"]![0]!["Value"]!.GetValue<string>());

        var error = local.CliError("route53", "change-resource-record-sets", "--hosted-zone-id", zoneId, "--change-batch", Batch(("blue", 0)).ToJsonString().Replace("UPSERT", "CREATE", StringComparison.Ordinal));
        StringAssert.Contains(error, "An error occurred (InvalidChangeBatch) when calling the ChangeResourceRecordSets operation");
        StringAssert.Contains(error, ": [Tried to create resource record set [name='api.example.com.', type='CNAME', set-identifier='blue'] but it already exists, Tried to create resource record set [name='_api._tcp.example.com.', type='SRV', set-identifier='blue'] but it already exists]");
        var missing = local.CliError("route53", "get-hosted-zone", "--id", "/hostedzone/ZNOTHERE");
        StringAssert.Contains(missing, "(NoSuchHostedZone) when calling the GetHostedZone operation");
        StringAssert.Contains(missing, "No hosted zone found with ID: ZNOTHERE");
        StringAssert.Contains(local.CliError("route53", "delete-hosted-zone", "--id", zoneId), "(HostedZoneNotEmpty)");
    }

    /// <summary>A blue/green change batch: weighted CNAMEs for api.example.com and weighted SRV records for its service.</summary>
    private static JsonObject Batch(params (string Colour, int Weight)[] weights) => new()
    {
        ["Comment"] = "shift",
        ["Changes"] = new JsonArray(weights.SelectMany(w => new JsonNode?[]
        {
            new JsonObject
            {
                ["Action"] = "UPSERT",
                ["ResourceRecordSet"] = new JsonObject
                {
                    ["Name"] = "api.example.com",
                    ["Type"] = "CNAME",
                    ["SetIdentifier"] = w.Colour,
                    ["Weight"] = w.Weight,
                    ["TTL"] = 60,
                    ["ResourceRecords"] = new JsonArray(new JsonObject { ["Value"] = $"web-{w.Colour}.internal.local" }),
                },
            },
            new JsonObject
            {
                ["Action"] = "UPSERT",
                ["ResourceRecordSet"] = new JsonObject
                {
                    ["Name"] = "_api._tcp.example.com",
                    ["Type"] = "SRV",
                    ["SetIdentifier"] = w.Colour,
                    ["Weight"] = 255 - w.Weight,
                    ["TTL"] = 60,
                    ["ResourceRecords"] = new JsonArray(new JsonObject { ["Value"] = $"1 10 8080 web-{w.Colour}.internal.local" }),
                },
            },
        }).ToArray()),
    };
}
