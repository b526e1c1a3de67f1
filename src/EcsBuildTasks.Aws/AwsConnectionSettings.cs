using Amazon.Runtime;

namespace EcsBuildTasks.Aws;

/// <summary>
/// How to reach AWS. Every member is optional: unset members fall back to what the AWS SDKs and CLI do
/// (environment variables, the shared config and credentials files, container and instance metadata).
/// </summary>
public sealed record AwsConnectionSettings
{
    /// <summary>Region system name (<c>eu-west-1</c>). Unset: <c>AWS_REGION</c>/<c>AWS_DEFAULT_REGION</c>, then the profile's region, then instance metadata.</summary>
    public string? Region { get; init; }

    /// <summary>Shared config/credentials profile (SSO, assume-role, credential_process and static profiles all work). Unset: <c>AWS_PROFILE</c>, then the default chain.</summary>
    public string? Profile { get; init; }

    /// <summary>One endpoint for every service (LocalEcs, moto, a proxy). Also used for STS and EC2. The signing region stays the resolved region.</summary>
    public string? EndpointUrl { get; init; }

    /// <summary>A role to assume (through STS, at <see cref="EndpointUrl"/> when set) on top of the resolved credentials.</summary>
    public string? AssumeRoleArn { get; init; }

    /// <summary>Session name for <see cref="AssumeRoleArn"/>; default <c>EcsBuildTasks</c>.</summary>
    public string? AssumeRoleSessionName { get; init; }

    /// <summary>External id for <see cref="AssumeRoleArn"/>, when the role's trust policy requires one.</summary>
    public string? AssumeRoleExternalId { get; init; }

    /// <summary>Retries after the first attempt (the SDK default is 2, i.e. 3 attempts; <c>AWS_MAX_ATTEMPTS</c> applies when unset).</summary>
    public int? MaxErrorRetry { get; init; }

    /// <summary><see cref="RequestRetryMode.Standard"/> (default) or <see cref="RequestRetryMode.Adaptive"/> (client-side rate limiting).</summary>
    public RequestRetryMode? RetryMode { get; init; }

    /// <summary>Per-attempt HTTP timeout (SDK default 100 s). A timed-out attempt is retried like a network error.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Explicit credentials; they take precedence over <see cref="Profile"/> and the default chain.</summary>
    public AWSCredentials? Credentials { get; init; }
}
