using Amazon.Runtime;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Infrastructure;

/// <summary>
/// Runs one AWS request and turns the failures a user can act on into coded diagnostics: missing credentials or region,
/// access denied (with the action that needs the permission) and any other service error with its AWS code, message
/// and request id. Credentials never appear: the SDK's exceptions carry none, and nothing here adds any.
/// </summary>
internal static class AwsCalls
{
    private static readonly string[] AccessDeniedCodes = ["AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnrecognizedClientException", "InvalidClientTokenId", "ExpiredToken", "ExpiredTokenException", "AuthFailure"];

    /// <summary>The codes AWS answers when temporary credentials (an SSO or assumed-role session) have expired.</summary>
    private static readonly string[] ExpiredCodes = ["ExpiredToken", "ExpiredTokenException", "RequestExpired"];

    public static async Task<T> RunAsync<T>(string action, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (AmazonServiceException ex) when (Array.IndexOf(ExpiredCodes, ex.ErrorCode) >= 0)
        {
            throw new DeploymentException(DiagnosticCodes.SessionExpired, EcsProperties.Profile, FirstHourMessages.SessionExpired(action), ex);
        }
        catch (AmazonServiceException ex) when (ex is not { ErrorCode: null } && IsAccessDenied(ex))
        {
            throw new DeploymentException(DiagnosticCodes.AccessDenied, EcsProperties.Profile,
                $"{action} was denied ({ex.ErrorCode}: {ex.Message}). Give the deploying identity the {action} permission, or choose other credentials with {EcsProperties.Profile} / {EcsProperties.AssumeRoleArn}.", ex);
        }
        catch (AmazonServiceException ex)
        {
            throw new DeploymentException(DiagnosticCodes.AwsRequestFailed, action, Describe(action, ex), ex);
        }
        catch (AmazonClientException ex) when (FirstHourMessages.IsExpiredSsoSession(ex))
        {
            throw new DeploymentException(DiagnosticCodes.SessionExpired, EcsProperties.Profile, FirstHourMessages.SessionExpired(action), ex);
        }
        catch (AmazonClientException ex) when (ex.Message.Contains("credentials", StringComparison.OrdinalIgnoreCase))
        {
            throw new DeploymentException(DiagnosticCodes.CredentialsUnavailable, EcsProperties.Profile, FirstHourMessages.NoCredentials(action), ex);
        }
        catch (AmazonClientException ex) when (ex.Message.Contains("RegionEndpoint", StringComparison.Ordinal) || ex.Message.Contains("region", StringComparison.OrdinalIgnoreCase))
        {
            throw new DeploymentException(DiagnosticCodes.RegionUnavailable, EcsProperties.Region, FirstHourMessages.NoRegion(action), ex);
        }
        catch (AmazonClientException ex)
        {
            throw new DeploymentException(DiagnosticCodes.AwsRequestFailed, action, $"{action} failed: {ex.Message}", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new DeploymentException(DiagnosticCodes.AwsRequestFailed, action, $"{action} failed: {ex.Message}", ex);
        }
    }

    public static async Task RunAsync(string action, Func<Task> call) =>
        await RunAsync<bool>(action, async () =>
        {
            await call().ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);

    /// <summary>Every item of a paginated list: one <see cref="RunAsync{T}"/> call a page, following the next token until there is none.</summary>
    public static async Task<List<TItem>> AllPagesAsync<TPage, TItem>(string action, Func<string?, Task<TPage>> page, Func<TPage, IEnumerable<TItem>?> items, Func<TPage, string?> nextToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(nextToken);
        var all = new List<TItem>();
        string? next = null;
        do
        {
            var token = next;
            var response = await RunAsync(action, () => page(token)).ConfigureAwait(false);
            all.AddRange(items(response) ?? []);
            next = nextToken(response);
        }
        while (!string.IsNullOrEmpty(next));

        return all;
    }

    /// <summary>"ECS RegisterTaskDefinition failed: ClientException: ... (request id ...)".</summary>
    public static string Describe(string action, AmazonServiceException ex) =>
        $"{action} failed: {ex.ErrorCode ?? ex.GetType().Name}: {ex.Message}{(ex.RequestId is { Length: > 0 } id ? $" (request id {id})" : string.Empty)}";

    public static bool IsAccessDenied(AmazonServiceException ex) => Array.IndexOf(AccessDeniedCodes, ex.ErrorCode) >= 0;

    /// <summary>True for the "operation not implemented" answers of emulators and older endpoints (moto answers 500).</summary>
    public static bool IsUnsupportedOperation(Exception ex) => ex switch
    {
        DeploymentException { InnerException: { } inner } => IsUnsupportedOperation(inner),
        AmazonServiceException service => service.StatusCode is System.Net.HttpStatusCode.InternalServerError or System.Net.HttpStatusCode.NotImplemented
            || service.ErrorCode is "UnknownOperationException" or "InvalidAction" or "NotImplemented" or "UnsupportedOperation",
        _ => false,
    };
}
