using System.Xml.Linq;

namespace EcsBuildTasks.LocalEcs.Tests.Support;

/// <summary>Route 53's part of the tour: every operation, public and private zones, weighted records.</summary>
internal static partial class Tour
{
    private static async Task Route53Async(AwsClient aws)
    {
        var ns = AwsClient.Route53Namespace;
        var zone = await Route53Scenario.ZoneAsync(aws, "tour.example.com");
        var vpc = (await aws.QueryAsync("ec2", "DescribeVpcs", "2016-11-15")).Value("vpcId")!;
        var privateZone = (await aws.Route53Async("CreateHostedZone", HttpMethod.Post, "/2013-04-01/hostedzone", new XElement(
            ns + "CreateHostedZoneRequest",
            new XElement(ns + "Name", "tour.internal"),
            new XElement(ns + "VPC", new XElement(ns + "VPCRegion", aws.Region), new XElement(ns + "VPCId", vpc)),
            new XElement(ns + "CallerReference", Guid.NewGuid().ToString()),
            new XElement(ns + "HostedZoneConfig", new XElement(ns + "Comment", "private"), new XElement(ns + "PrivateZone", "true"))))).Document.Element(ns + "HostedZone")!.Element(ns + "Id")!.Value;
        await aws.Route53Async("GetHostedZone", HttpMethod.Get, "/2013-04-01" + zone);
        await aws.Route53Async("GetHostedZone", HttpMethod.Get, "/2013-04-01" + privateZone);
        await aws.Route53Async("ListHostedZones", HttpMethod.Get, "/2013-04-01/hostedzone?maxitems=1");
        await aws.Route53Async("ListHostedZonesByName", HttpMethod.Get, "/2013-04-01/hostedzonesbyname?dnsname=tour.example.com&maxitems=1");
        var change = await Route53Scenario.ChangeAsync(
            aws,
            zone,
            Route53Scenario.Weighted("CREATE", "api.tour.example.com", "blue", 100, "web-blue.tour.internal"),
            Route53Scenario.Weighted("CREATE", "api.tour.example.com", "green", 0, "web-green.tour.internal"),
            Route53Scenario.Change("UPSERT", "www.tour.example.com", "A", null, null, 300, "10.0.0.1", "10.0.0.2"),
            Route53Scenario.Change("UPSERT", "_http._tcp.tour.example.com", "SRV", "blue", 1, 60, "1 10 8080 web-blue.tour.internal"));
        await aws.Route53Async("GetChange", HttpMethod.Get, "/2013-04-01" + change);
        await Route53Scenario.ListAsync(aws, zone, pageSize: 2);
        await Route53Scenario.ChangeAsync(
            aws,
            zone,
            Route53Scenario.Weighted("DELETE", "api.tour.example.com", "blue", 100, "web-blue.tour.internal"),
            Route53Scenario.Weighted("DELETE", "api.tour.example.com", "green", 0, "web-green.tour.internal"),
            Route53Scenario.Change("DELETE", "www.tour.example.com", "A", null, null, 300, "10.0.0.1", "10.0.0.2"),
            Route53Scenario.Change("DELETE", "_http._tcp.tour.example.com", "SRV", "blue", 1, 60, "1 10 8080 web-blue.tour.internal"));
        await aws.Route53Async("DeleteHostedZone", HttpMethod.Delete, "/2013-04-01" + zone);
        await aws.Route53Async("DeleteHostedZone", HttpMethod.Delete, "/2013-04-01" + privateZone);
    }
}
