using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;

namespace EcsBuildTasks.Aws;

/// <summary>
/// Temporary credentials from STS AssumeRole, refreshed by the SDK's <see cref="RefreshingAWSCredentials"/> logic
/// five minutes before they expire.
/// </summary>
internal sealed class AssumeRoleCredentials : RefreshingAWSCredentials
{
    private static readonly TimeSpan Duration = TimeSpan.FromHours(1);

    private readonly IAmazonSecurityTokenService sts;
    private readonly string roleArn;
    private readonly string sessionName;
    private readonly string? externalId;

    public AssumeRoleCredentials(IAmazonSecurityTokenService sts, string roleArn, string sessionName, string? externalId)
    {
        this.sts = sts;
        this.roleArn = roleArn;
        this.sessionName = sessionName;
        this.externalId = externalId;
        PreemptExpiryTime = TimeSpan.FromMinutes(5);
    }

    protected override CredentialsRefreshState GenerateNewCredentials() =>
        GenerateNewCredentialsAsync().ConfigureAwait(false).GetAwaiter().GetResult();

    protected override async Task<CredentialsRefreshState> GenerateNewCredentialsAsync()
    {
        AssumeRoleResponse response;
        try
        {
            response = await sts.AssumeRoleAsync(new AssumeRoleRequest
            {
                RoleArn = roleArn,
                RoleSessionName = sessionName,
                ExternalId = externalId,
                DurationSeconds = (int)Duration.TotalSeconds,
            }).ConfigureAwait(false);
        }
        catch (AmazonServiceException exception)
        {
            // The STS message names the role and the reason; it never contains the caller's keys.
            throw new AmazonClientException($"Could not assume role {roleArn}: {exception.ErrorCode}: {exception.Message}", exception);
        }

        var issued = response.Credentials;
        var expiration = issued.Expiration ?? DateTime.UtcNow.Add(Duration);
        return new CredentialsRefreshState(
            new ImmutableCredentials(issued.AccessKeyId, issued.SecretAccessKey, issued.SessionToken),
            expiration.ToUniversalTime());
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            sts.Dispose();
        }

        base.Dispose(disposing);
    }
}
