namespace EcsBuildTasks.LocalEcs.State;

/// <summary>
/// The network every region starts with, like a new AWS account's: a default VPC (172.31.0.0/16), a default subnet in
/// each of two zones and the VPC's <c>default</c> security group. Ids derive from the region, so they survive resets.
/// </summary>
internal static class Ec2Defaults
{
    public static void Populate(RegionState region)
    {
        var vpcId = "vpc-" + Ids.StableHex(region.Name + "/vpc", 17);
        region.Ec2.Vpcs.Add(new VpcRecord
        {
            VpcId = vpcId,
            CidrBlock = "172.31.0.0/16",
            IsDefault = true,
            DhcpOptionsId = "dopt-" + Ids.StableHex(region.Name + "/dopt", 17),
        });
        string[] zones = ["a", "b"];
        for (var i = 0; i < zones.Length; i++)
        {
            region.Ec2.Subnets.Add(new SubnetRecord
            {
                SubnetId = "subnet-" + Ids.StableHex(region.Name + "/subnet/" + zones[i], 17),
                VpcId = vpcId,
                CidrBlock = $"172.31.{i * 16}.0/20",
                AvailabilityZone = region.Name + zones[i],
                AvailabilityZoneId = ZoneId(region.Name, i + 1),
                DefaultForAz = true,
                MapPublicIpOnLaunch = true,
            });
        }

        region.Ec2.SecurityGroups.Add(new SecurityGroupRecord
        {
            GroupId = "sg-" + Ids.StableHex(region.Name + "/sg/default", 17),
            GroupName = "default",
            Description = "default VPC security group",
            VpcId = vpcId,
        });
    }

    /// <summary>Zone ids look like <c>use1-az1</c>: an abbreviation of the region and a number.</summary>
    public static string ZoneId(string region, int number)
    {
        var parts = region.Split('-');
        var prefix = parts.Length == 3 ? $"{parts[0]}{parts[1][0]}{parts[2]}" : region.Replace("-", string.Empty, StringComparison.Ordinal);
        return $"{prefix}-az{number}";
    }
}
