namespace EcsBuildTasks.Aws.Runtime;

/// <summary>
/// Wraps every call a client sends (each call already includes the SDK's own retries): the engine uses it to ride out
/// throttling, server errors and dropped connections for longer than the SDK's few attempts while it follows a
/// deployment. Set it on a client's config (<see cref="AwsClientConfig.CallPolicy"/>); without one a call is sent as is.
/// </summary>
public abstract class AwsCallPolicy
{
    /// <summary>Runs <paramref name="send"/> (which may be called again: it sends the same request anew each time).</summary>
    /// <param name="service">The SDK service id, e.g. <c>ECS</c>.</param>
    /// <param name="operation">The operation, e.g. <c>DescribeServices</c>.</param>
    public abstract Task<TResponse> InvokeAsync<TResponse>(string service, string operation, Func<Task<TResponse>> send, CancellationToken cancellationToken);
}
