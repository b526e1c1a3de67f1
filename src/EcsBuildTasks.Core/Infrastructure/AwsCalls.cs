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
                $"{action} was denied ({ex.ErrorCode}: {ex.Message}). {MissingStatement(ex.Message) ?? $"Give the deploying identity the {action} permission"}, or choose other credentials with {EcsProperties.Profile} / {EcsProperties.AssumeRoleArn} (dotnet msbuild -t:EcsIamPolicy writes the whole policy this project needs).", ex);
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
        catch (IOException ex)
        {
            throw new DeploymentException(DiagnosticCodes.AwsRequestFailed, action, $"{action} failed: the connection was lost ({ex.Message})", ex);
        }
        catch (TaskCanceledException ex) when (ex.InnerException is TimeoutException)
        {
            // The SDK's per-attempt timeout (not the build's cancellation): no answer in time.
            throw new DeploymentException(DiagnosticCodes.AwsRequestFailed, action, $"{action} failed: no answer in time ({ex.InnerException.Message})", ex);
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

    /// <summary>
    /// The statement to add for AWS's denial message (<c>... is not authorized to perform: ecs:UpdateService on resource:
    /// arn:... because ...</c>), or null when the message does not name the action.
    /// </summary>
    public static string? MissingStatement(string? message)
    {
        const string performMarker = "not authorized to perform: ";
        var perform = message?.IndexOf(performMarker, StringComparison.Ordinal) ?? -1;
        if (perform < 0)
        {
            return null;
        }

        var rest = message![(perform + performMarker.Length)..];
        var actionEnd = rest.IndexOfAny([' ', ',', '.']);
        var action = actionEnd < 0 ? rest : rest[..actionEnd];
        const string resourceMarker = " on resource: ";
        var resource = "*";
        var at = rest.IndexOf(resourceMarker, StringComparison.Ordinal);
        if (at >= 0)
        {
            var tail = rest[(at + resourceMarker.Length)..];
            var end = tail.IndexOf(' ', StringComparison.Ordinal);
            resource = (end < 0 ? tail : tail[..end]).TrimEnd('.', ',');
        }

        return $"The missing permission is {action}; add to the deploying principal's policy: {{\"Effect\": \"Allow\", \"Action\": \"{action}\", \"Resource\": \"{resource}\"}}";
    }

    public static bool IsAccessDenied(AmazonServiceException ex) => Array.IndexOf(AccessDeniedCodes, ex.ErrorCode) >= 0;

    /// <summary>
    /// True for the "operation not implemented" answers of emulators and older endpoints: 501, the codes for an unknown
    /// operation, and a 500 without an AWS error code (moto answers an HTML page). A 500 that carries an AWS error code
    /// (<c>ServerException</c>) is a server error to ride out, not a missing operation.
    /// </summary>
    public static bool IsUnsupportedOperation(Exception ex) => ex switch
    {
        DeploymentException { InnerException: { } inner } => IsUnsupportedOperation(inner),
        AmazonServiceException service => service.StatusCode is System.Net.HttpStatusCode.NotImplemented
            || (service.StatusCode is System.Net.HttpStatusCode.InternalServerError && string.IsNullOrEmpty(service.ErrorCode))
            || service.ErrorCode is "UnknownOperationException" or "InvalidAction" or "NotImplemented" or "UnsupportedOperation",
        _ => false,
    };
}
