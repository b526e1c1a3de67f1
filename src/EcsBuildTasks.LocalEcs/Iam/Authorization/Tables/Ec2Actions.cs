namespace EcsBuildTasks.LocalEcs.Iam.Authorization.Tables;

/// <summary>
/// EC2 operations → IAM actions (Service Authorization Reference, "Amazon EC2"): Describe* take no resource; creating a
/// security group or subnet is authorised on the new resource (<c>*</c> id) and its VPC, with <c>ec2:Region</c>.
/// </summary>
internal static class Ec2Actions
{
    public static readonly ActionTable Table = new("ec2")
    {
        ["DescribeVpcs"] = c => [c.Any("ec2:DescribeVpcs", ("ec2:Region", c.Region))],
        ["DescribeSubnets"] = c => [c.Any("ec2:DescribeSubnets", ("ec2:Region", c.Region))],
        ["DescribeSecurityGroups"] = c => [c.Any("ec2:DescribeSecurityGroups", ("ec2:Region", c.Region))],
        ["DescribeAvailabilityZones"] = c => [c.Any("ec2:DescribeAvailabilityZones", ("ec2:Region", c.Region))],
        ["CreateSecurityGroup"] = c =>
        [
            c.Check("ec2:CreateSecurityGroup", c.Arn("ec2", "security-group/*"), ("ec2:Region", c.Region)),
            c.Check("ec2:CreateSecurityGroup", c.Arn("ec2", "vpc/" + c.Str("VpcId")), ("ec2:Region", c.Region), ("ec2:VpcID", c.Arn("ec2", "vpc/" + c.Str("VpcId")))),
        ],
        ["CreateSubnet"] = c =>
        [
            c.Check("ec2:CreateSubnet", c.Arn("ec2", "subnet/*"), ("ec2:Region", c.Region)),
            c.Check("ec2:CreateSubnet", c.Arn("ec2", "vpc/" + c.Str("VpcId")), ("ec2:Region", c.Region), ("ec2:VpcID", c.Arn("ec2", "vpc/" + c.Str("VpcId")))),
        ],
    };
}
