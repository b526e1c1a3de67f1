using Amazon.Runtime;

namespace EcsBuildTasks.Aws.Tests.Fakes;

internal static class FakeClients
{
    public const string AccessKey = "AKIDFAKEEXAMPLE12345";
    public const string SecretKey = "fake/Secret+Key/1234567890abcdefghijklmn";
    public const string SessionToken = "FakeSessionToken/abcdefghijklmnopqrstuvwxyz0123456789==";

    public static AwsClientFactory Factory(FakeAwsServer server, int? maxErrorRetry = null, TimeSpan? timeout = null, RequestRetryMode? retryMode = null) => new(new AwsConnectionSettings
    {
        EndpointUrl = server.Endpoint,
        Region = "eu-west-1",
        Credentials = new SessionAWSCredentials(AccessKey, SecretKey, SessionToken),
        MaxErrorRetry = maxErrorRetry,
        Timeout = timeout,
        RetryMode = retryMode,
    });
}
