using System.Text.Json.Nodes;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Endpoints;
using EcsBuildTasks.Aws.IdentityManagement;
using EcsBuildTasks.Aws.Route53;
using EcsBuildTasks.Testing;

namespace EcsBuildTasks.Aws.Tests;

/// <summary>
/// The global services (IAM, Route 53) against botocore's own endpoint resolver: every partition botocore knows, with
/// and without FIPS and dual-stack, from a region that is not the partition's global one. Our host table lists only
/// where a service departs from the common rule, so this is what keeps the table in step with the rulesets.
/// </summary>
[TestClass]
public sealed class GlobalEndpointTests
{
    /// <summary>Resolves each combination with botocore's EndpointProvider and the installed ruleset (never copied here).</summary>
    private const string Resolver = """
        import json, sys
        import botocore.session
        from botocore.endpoint_provider import EndpointProvider
        session = botocore.session.get_session()
        loader = session.get_component('data_loader')
        partitions = loader.load_data('partitions')
        service = sys.argv[1]
        provider = EndpointProvider(loader.load_service_model(service, 'endpoint-rule-set-1'), partitions)
        rows = []
        for partition in partitions['partitions']:
            regions = sorted(r for r in partition['regions'] if r != partition['outputs']['implicitGlobalRegion'])
            region = regions[-1] if regions else partition['outputs']['implicitGlobalRegion']
            for fips in (False, True):
                for dual in (False, True):
                    row = {'partition': partition['id'], 'region': region, 'fips': fips, 'dualStack': dual}
                    try:
                        endpoint = provider.resolve_endpoint(Region=region, UseFIPS=fips, UseDualStack=dual)
                        row['url'] = endpoint.url
                        row['signingRegion'] = endpoint.properties['authSchemes'][0]['signingRegion']
                    except Exception as error:
                        row['error'] = str(error)
                    rows.append(row)
        print(json.dumps(rows))
        """;

    [TestMethod]
    [DataRow("iam")]
    [DataRow("route53")]
    public void Global_service_endpoints_match_botocores_ruleset_in_every_partition(string service)
    {
        if (!Peers.CommandWorks("python3", "-c", "import botocore.endpoint_provider"))
        {
            Peers.Missing("botocore (python3 -c 'import botocore.endpoint_provider')");
        }

        var result = ProcessRunner.Run("python3", ["-c", Resolver, service], timeout: TimeSpan.FromMinutes(2));
        Assert.AreEqual(0, result.ExitCode, result.ToString());
        var rows = JsonNode.Parse(result.StandardOutput)!.AsArray();
        Assert.IsTrue(rows.Count >= 8 * 4, $"botocore knows {rows.Count / 4} partitions");

        var problems = new List<string>();
        foreach (var row in rows)
        {
            var (region, fips, dualStack) = ((string)row!["region"]!, (bool)row["fips"]!, (bool)row["dualStack"]!);
            ClientConfig config = service == "iam" ? new AmazonIdentityManagementServiceConfig() : new AmazonRoute53Config();
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
            config.UseFIPSEndpoint = fips;
            config.UseDualstackEndpoint = dualStack;
            var what = $"{row["partition"]} ({region}) fips={fips} dualStack={dualStack}";
            string actual;
            try
            {
                var endpoint = config.DetermineServiceOperationEndpoint(new ServiceOperationEndpointParameters(
                    service == "iam" ? new IdentityManagement.Model.GetRoleRequest() : new Route53.Model.GetChangeRequest()));
                var scheme = (PropertyBag)((System.Collections.IList)endpoint.Attributes["authSchemes"])[0]!;
                actual = $"{endpoint.URL.TrimEnd('/')} signed for {scheme["signingRegion"]} as {scheme["signingName"]}";
            }
            catch (AmazonClientException e)
            {
                actual = "error: " + e.Message;
            }

            var expected = row["error"] is { } error
                ? "error: " + (string)error!
                : $"{row["url"]} signed for {row["signingRegion"]} as {service}";
            if (expected != actual)
            {
                problems.Add($"{what}\n  botocore: {expected}\n  ours:     {actual}");
            }
        }

        Assert.AreEqual(0, problems.Count, $"{problems.Count} of {rows.Count} differ:\n" + string.Join("\n", problems));
    }
}
