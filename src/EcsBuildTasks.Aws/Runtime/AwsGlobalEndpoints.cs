using System.Globalization;
using Amazon.Runtime;
using Amazon.Runtime.Endpoints;
using Amazon.Runtime.Internal.Endpoints.StandardLibrary;

namespace EcsBuildTasks.Aws.Runtime;

/// <summary>
/// Endpoints of global services (IAM, Route 53; <see cref="AwsServiceDescriptor.GlobalEndpoint"/>): one host per
/// partition whatever the region, and requests signed for a region of that partition (its global region, us-east-1 in
/// the aws partition), not the client's region. The rule is <c>https://{prefix}[-fips].{partition DNS suffix or
/// dual-stack suffix}</c> signed for the partition's implicit global region; the hosts where a service departs from it
/// are listed per service, as botocore's endpoint rulesets state them (a test compares every partition, FIPS and
/// dual-stack combination with botocore's resolver). A custom endpoint never gets here: <see cref="AwsEndpointProvider"/>
/// returns it verbatim, signed for the configured region as for any service (the rulesets' custom-endpoint branch).
/// </summary>
internal static class AwsGlobalEndpoints
{
    private sealed record Host(string Partition, bool Fips, bool DualStack, string Name, string SigningRegion);

    private static readonly Dictionary<string, Host[]> Exceptions = new(StringComparer.Ordinal)
    {
        ["iam"] =
        [
            new("aws", Fips: false, DualStack: true, "iam.global.api.aws", "us-east-1"),
            new("aws", Fips: true, DualStack: true, "iam-fips.global.api.aws", "us-east-1"),
            new("aws-cn", Fips: false, DualStack: false, "iam.cn-north-1.amazonaws.com.cn", "cn-north-1"),
            new("aws-cn", Fips: false, DualStack: true, "iam.global.api.amazonwebservices.com.cn", "cn-north-1"),
            new("aws-us-gov", Fips: false, DualStack: false, "iam.us-gov.amazonaws.com", "us-gov-west-1"),
            new("aws-us-gov", Fips: true, DualStack: false, "iam.us-gov.amazonaws.com", "us-gov-west-1"),
            new("aws-us-gov", Fips: false, DualStack: true, "iam.us-gov.api.aws", "us-gov-west-1"),
            new("aws-us-gov", Fips: true, DualStack: true, "iam.us-gov.api.aws", "us-gov-west-1"),
            new("aws-iso", Fips: false, DualStack: false, "iam.us-iso-east-1.c2s.ic.gov", "us-iso-east-1"),
            new("aws-iso", Fips: true, DualStack: false, "iam-fips.us-iso-east-1.c2s.ic.gov", "us-iso-east-1"),
            new("aws-iso-b", Fips: false, DualStack: false, "iam.us-isob-east-1.sc2s.sgov.gov", "us-isob-east-1"),
            new("aws-iso-b", Fips: true, DualStack: false, "iam-fips.us-isob-east-1.sc2s.sgov.gov", "us-isob-east-1"),
            new("aws-iso-e", Fips: false, DualStack: false, "iam.eu-isoe-west-1.cloud.adc-e.uk", "eu-isoe-west-1"),
            new("aws-iso-f", Fips: false, DualStack: false, "iam.us-isof-south-1.csp.hci.ic.gov", "us-isof-south-1"),
            new("aws-eusc", Fips: false, DualStack: false, "iam.eusc-de-east-1.amazonaws.eu", "eusc-de-east-1"),
        ],
        ["route53"] =
        [
            new("aws", Fips: false, DualStack: true, "route53.global.api.aws", "us-east-1"),
            new("aws", Fips: true, DualStack: true, "route53-fips.global.api.aws", "us-east-1"),
            new("aws-cn", Fips: false, DualStack: true, "route53.global.api.amazonwebservices.com.cn", "cn-northwest-1"),
            new("aws-us-gov", Fips: false, DualStack: false, "route53.us-gov.amazonaws.com", "us-gov-west-1"),
            new("aws-us-gov", Fips: true, DualStack: false, "route53.us-gov.amazonaws.com", "us-gov-west-1"),
            new("aws-us-gov", Fips: false, DualStack: true, "route53.us-gov.api.aws", "us-gov-west-1"),
            new("aws-us-gov", Fips: true, DualStack: true, "route53.us-gov.api.aws", "us-gov-west-1"),
            new("aws-eusc", Fips: false, DualStack: true, "route53.global.api.amazonwebservices.eu", "eusc-de-east-1"),
        ],
    };

    public static Endpoint Resolve(AwsServiceDescriptor descriptor, Partition partition, bool useFips, bool useDualStack)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(partition);
        var prefix = descriptor.EndpointPrefix;
        var listed = Exceptions.GetValueOrDefault(prefix)?
            .FirstOrDefault(h => h.Partition == partition.name && h.Fips == useFips && h.DualStack == useDualStack);
        if (listed is not null)
        {
            return Signed("https://" + listed.Name, descriptor.SigningName, listed.SigningRegion);
        }

        // As the rulesets: the listed hosts come first, the partition's capabilities are checked only for the rule.
        if (useFips && !partition.supportsFIPS)
        {
            throw new AmazonClientException("FIPS is enabled but this partition does not support FIPS");
        }

        if (useDualStack && !partition.supportsDualStack)
        {
            throw new AmazonClientException("DualStack is enabled but this partition does not support DualStack");
        }

        var suffix = useDualStack ? partition.dualStackDnsSuffix : partition.dnsSuffix;
        return Signed($"https://{prefix}{(useFips ? "-fips" : string.Empty)}.{suffix}", descriptor.SigningName, partition.implicitGlobalRegion);
    }

    /// <summary>The endpoint with its SigV4 signing name and region, as generated endpoint providers return it
    /// (AWSSDK.Core's endpoint resolver applies it unless the config's AuthenticationRegion overrides it).</summary>
    private static Endpoint Signed(string url, string signingName, string signingRegion) =>
        new(
            url,
            string.Create(CultureInfo.InvariantCulture, $$"""{"authSchemes":[{"name":"sigv4","signingName":"{{signingName}}","signingRegion":"{{signingRegion}}"}]}"""),
            null);
}
