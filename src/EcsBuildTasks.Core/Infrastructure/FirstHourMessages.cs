using Amazon.Runtime;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Infrastructure;

/// <summary>
/// The errors a newcomer meets before the first deployment (no credentials, no region, an expired SSO session, no
/// default VPC), each one line naming the one thing to do, with the command when there is one. The SDK's own text is
/// kept on the inner exception (the detailed log), not in the line: it lists every place it looked.
/// </summary>
internal static class FirstHourMessages
{
    public static string NoCredentials(string action) =>
        $"No AWS credentials for {action}: run aws configure sso (or aws configure) and set {EcsProperties.Profile} to that profile; or try it without AWS with -p:{EcsProperties.Target}=local.";

    public static string NoRegion(string action) =>
        $"No AWS region for {action}: add -p:{EcsProperties.Region}=us-east-1 (your region), or run aws configure set region us-east-1.";

    public static string SessionExpired(string action) =>
        $"The AWS session has expired ({action}): run aws sso login (with --profile NAME for the profile {EcsProperties.Profile} or AWS_PROFILE names), then publish again.";

    public static string NoDefaultVpc(string region) =>
        $"No {EcsProperties.Subnets} were given and the account has no default VPC in {region}: create it with aws ec2 create-default-vpc --region {region}, or set {EcsProperties.Subnets} and {EcsProperties.SecurityGroups}.";

    /// <summary>AWSSDK.Core's SSO credentials say so when the cached token has expired or was never created.</summary>
    public static bool IsExpiredSsoSession(AmazonClientException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current.Message.Contains("SSO Token has expired", StringComparison.OrdinalIgnoreCase)
                || current.Message.Contains("No valid SSO Token", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
