using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EcsBuildTasks.LocalEcs.Hosting;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.State;

namespace EcsBuildTasks.LocalEcs.Services.Ec2;

/// <summary>
/// A minimal EC2 (EC2 Query protocol): the default VPC, its subnets and security groups, with the filters deployment
/// preflight checks use, plus CreateSecurityGroup and CreateSubnet.
/// </summary>
internal sealed partial class Ec2Api : IAwsApi
{
    private static readonly HashSet<string> ServedOperations =
    [
        "DescribeVpcs",
        "DescribeSubnets",
        "DescribeSecurityGroups",
        "CreateSecurityGroup",
        "CreateSubnet",
        "DescribeAvailabilityZones",
    ];

    private static readonly string[] ZoneLetters = ["a", "b"];

    public string SigningName => "ec2";

    public string XmlNamespace => "http://ec2.amazonaws.com/doc/2016-11-15/";

    public IReadOnlyCollection<string> Operations => ServedOperations;

    public JsonNode? Invoke(AwsRequest request)
    {
        var ec2 = request.RegionState.Ec2;
        return request.Operation switch
        {
            "DescribeVpcs" => DescribeVpcs(request, ec2),
            "DescribeSubnets" => DescribeSubnets(request, ec2),
            "DescribeSecurityGroups" => DescribeSecurityGroups(request, ec2),
            "CreateSecurityGroup" => CreateSecurityGroup(request, ec2),
            "CreateSubnet" => CreateSubnet(request, ec2),
            _ => DescribeAvailabilityZones(request),
        };
    }

    private static JsonObject DescribeVpcs(AwsRequest request, Ec2State ec2)
    {
        var ids = request.Input.Strings("VpcId").ToHashSet(StringComparer.Ordinal);
        var filters = Filters(request.Input);
        var missing = ids.FirstOrDefault(id => ec2.Vpcs.All(v => v.VpcId != id));
        if (missing is not null)
        {
            throw new AwsServiceException("InvalidVpcID.NotFound", $"The vpc ID '{missing}' does not exist");
        }

        var vpcs = ec2.Vpcs
            .Where(v => ids.Count == 0 || ids.Contains(v.VpcId))
            .Where(v => Matches(filters, "vpc-id", v.VpcId) && Matches(filters, "is-default", v.IsDefault ? "true" : "false")
                && Matches(filters, "isDefault", v.IsDefault ? "true" : "false")
                && Matches(filters, "cidr", v.CidrBlock) && Matches(filters, "state", "available"))
            .Select(v => (JsonNode?)new JsonObject
            {
                ["vpcId"] = v.VpcId,
                ["ownerId"] = Account.Id,
                ["state"] = "available",
                ["cidrBlock"] = v.CidrBlock,
                ["cidrBlockAssociationSet"] = new JsonArray(new JsonObject
                {
                    ["associationId"] = "vpc-cidr-assoc-" + Ids.StableHex(v.VpcId, 17),
                    ["cidrBlock"] = v.CidrBlock,
                    ["cidrBlockState"] = new JsonObject { ["state"] = "associated" },
                }),
                ["dhcpOptionsId"] = v.DhcpOptionsId,
                ["instanceTenancy"] = "default",
                ["isDefault"] = v.IsDefault,
            });
        return new JsonObject { ["vpcSet"] = vpcs.ToJsonArray() };
    }

    private static JsonObject DescribeSubnets(AwsRequest request, Ec2State ec2)
    {
        var ids = request.Input.Strings("SubnetId").ToHashSet(StringComparer.Ordinal);
        var missing = ids.FirstOrDefault(id => ec2.Subnets.All(s => s.SubnetId != id));
        if (missing is not null)
        {
            throw new AwsServiceException("InvalidSubnetID.NotFound", $"The subnet ID '{missing}' does not exist");
        }

        var filters = Filters(request.Input);
        var subnets = ec2.Subnets
            .Where(s => ids.Count == 0 || ids.Contains(s.SubnetId))
            .Where(s => Matches(filters, "vpc-id", s.VpcId) && Matches(filters, "subnet-id", s.SubnetId)
                && Matches(filters, "default-for-az", s.DefaultForAz ? "true" : "false")
                && Matches(filters, "availability-zone", s.AvailabilityZone) && Matches(filters, "availability-zone-id", s.AvailabilityZoneId)
                && Matches(filters, "cidr-block", s.CidrBlock) && Matches(filters, "state", "available"))
            .Select(s => (JsonNode?)new JsonObject
            {
                ["subnetId"] = s.SubnetId,
                ["subnetArn"] = $"arn:aws:ec2:{request.Region}:{Account.Id}:subnet/{s.SubnetId}",
                ["state"] = "available",
                ["ownerId"] = Account.Id,
                ["vpcId"] = s.VpcId,
                ["cidrBlock"] = s.CidrBlock,
                ["availableIpAddressCount"] = 4091 - s.NextHost,
                ["availabilityZone"] = s.AvailabilityZone,
                ["availabilityZoneId"] = s.AvailabilityZoneId,
                ["defaultForAz"] = s.DefaultForAz,
                ["mapPublicIpOnLaunch"] = s.MapPublicIpOnLaunch,
                ["assignIpv6AddressOnCreation"] = false,
            });
        return new JsonObject { ["subnetSet"] = subnets.ToJsonArray() };
    }

    private static JsonObject DescribeSecurityGroups(AwsRequest request, Ec2State ec2)
    {
        var ids = request.Input.Strings("GroupId").ToHashSet(StringComparer.Ordinal);
        var names = request.Input.Strings("GroupName").ToHashSet(StringComparer.Ordinal);
        var missing = ids.FirstOrDefault(id => ec2.SecurityGroups.All(g => g.GroupId != id));
        if (missing is not null)
        {
            throw new AwsServiceException("InvalidGroup.NotFound", $"The security group '{missing}' does not exist");
        }

        var filters = Filters(request.Input);
        var groups = ec2.SecurityGroups
            .Where(g => (ids.Count == 0 || ids.Contains(g.GroupId)) && (names.Count == 0 || names.Contains(g.GroupName)))
            .Where(g => Matches(filters, "vpc-id", g.VpcId) && Matches(filters, "group-name", g.GroupName) && Matches(filters, "group-id", g.GroupId))
            .Select(g => (JsonNode?)new JsonObject
            {
                ["ownerId"] = Account.Id,
                ["groupId"] = g.GroupId,
                ["groupName"] = g.GroupName,
                ["groupDescription"] = g.Description,
                ["vpcId"] = g.VpcId,
                ["securityGroupArn"] = $"arn:aws:ec2:{request.Region}:{Account.Id}:security-group/{g.GroupId}",
                ["ipPermissions"] = new JsonArray(),
                ["ipPermissionsEgress"] = new JsonArray(new JsonObject
                {
                    ["ipProtocol"] = "-1",
                    ["ipRanges"] = new JsonArray(new JsonObject { ["cidrIp"] = "0.0.0.0/0" }),
                }),
            });
        return new JsonObject { ["securityGroupInfo"] = groups.ToJsonArray() };
    }

    private static JsonObject CreateSecurityGroup(AwsRequest request, Ec2State ec2)
    {
        var name = request.Input.Str("GroupName");
        var description = request.Input.Str("GroupDescription");
        if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(description))
        {
            throw new AwsServiceException("MissingParameter", "The request must contain the parameter " + (string.IsNullOrEmpty(name) ? "GroupName" : "GroupDescription"));
        }

        var vpcId = request.Input.Str("VpcId") ?? ec2.Vpcs.First(v => v.IsDefault).VpcId;
        if (ec2.Vpcs.All(v => v.VpcId != vpcId))
        {
            throw new AwsServiceException("InvalidVpcID.NotFound", $"The vpc ID '{vpcId}' does not exist");
        }

        if (ec2.SecurityGroups.Any(g => g.VpcId == vpcId && g.GroupName == name))
        {
            throw new AwsServiceException("InvalidGroup.Duplicate", $"The security group '{name}' already exists for VPC '{vpcId}'");
        }

        var group = new SecurityGroupRecord { GroupId = "sg-" + Ids.Hex(17), GroupName = name, Description = description, VpcId = vpcId };
        ec2.SecurityGroups.Add(group);
        return new JsonObject { ["return"] = true, ["groupId"] = group.GroupId, ["securityGroupArn"] = $"arn:aws:ec2:{request.Region}:{Account.Id}:security-group/{group.GroupId}" };
    }

    private static JsonObject CreateSubnet(AwsRequest request, Ec2State ec2)
    {
        var vpcId = request.Input.Str("VpcId");
        var cidr = request.Input.Str("CidrBlock");
        if (string.IsNullOrEmpty(vpcId) || string.IsNullOrEmpty(cidr))
        {
            throw new AwsServiceException("MissingParameter", "The request must contain the parameter " + (string.IsNullOrEmpty(vpcId) ? "VpcId" : "CidrBlock"));
        }

        var vpc = ec2.Vpcs.FirstOrDefault(v => v.VpcId == vpcId) ?? throw new AwsServiceException("InvalidVpcID.NotFound", $"The vpc ID '{vpcId}' does not exist");
        if (!CidrPattern().IsMatch(cidr))
        {
            throw new AwsServiceException("InvalidParameterValue", $"Value ({cidr}) for parameter cidrBlock is invalid. This is not a valid CIDR block.");
        }

        if (ec2.Subnets.Any(s => s.CidrBlock == cidr))
        {
            throw new AwsServiceException("InvalidSubnet.Conflict", $"The CIDR '{cidr}' conflicts with another subnet");
        }

        var zone = request.Input.Str("AvailabilityZone") ?? request.Region + "a";
        var zoneLetter = zone[^1] - 'a' + 1;
        var subnet = new SubnetRecord
        {
            SubnetId = "subnet-" + Ids.Hex(17),
            VpcId = vpc.VpcId,
            CidrBlock = cidr,
            AvailabilityZone = zone,
            AvailabilityZoneId = Ec2Defaults.ZoneId(request.Region, zoneLetter),
        };
        ec2.Subnets.Add(subnet);
        return new JsonObject
        {
            ["subnet"] = new JsonObject
            {
                ["subnetId"] = subnet.SubnetId,
                ["state"] = "available",
                ["vpcId"] = subnet.VpcId,
                ["cidrBlock"] = subnet.CidrBlock,
                ["availabilityZone"] = subnet.AvailabilityZone,
                ["availabilityZoneId"] = subnet.AvailabilityZoneId,
                ["availableIpAddressCount"] = 251,
                ["defaultForAz"] = false,
                ["mapPublicIpOnLaunch"] = false,
                ["ownerId"] = Account.Id,
            },
        };
    }

    private static JsonObject DescribeAvailabilityZones(AwsRequest request) => new()
    {
        ["availabilityZoneInfo"] = ZoneLetters.Select((z, i) => (JsonNode?)new JsonObject
        {
            ["zoneName"] = request.Region + z,
            ["zoneId"] = Ec2Defaults.ZoneId(request.Region, i + 1),
            ["zoneState"] = "available",
            ["regionName"] = request.Region,
            ["zoneType"] = "availability-zone",
        }).ToJsonArray(),
    };

    /// <summary>EC2 filters (<c>Filter.N.Name</c>, <c>Filter.N.Value.M</c>): every named filter must match one of its values.</summary>
    private static Dictionary<string, HashSet<string>> Filters(JsonObject input) =>
        input.Objects("Filter")
            .Where(f => f.Str("Name") is not null)
            .GroupBy(f => f.Str("Name")!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.SelectMany(f => f.Strings("Value")).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);

    private static bool Matches(Dictionary<string, HashSet<string>> filters, string name, string value) =>
        !filters.TryGetValue(name, out var values) || values.Contains(value) || values.Any(v => v.Contains('*', StringComparison.Ordinal) && Glob(v, value));

    private static bool Glob(string pattern, string value) =>
        Regex.IsMatch(value, "^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal) + "$", RegexOptions.None, TimeSpan.FromSeconds(1));

    [GeneratedRegex(@"^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}/\d{1,2}$")]
    private static partial Regex CidrPattern();
}
