using Amazon.Runtime.Internal;

namespace EcsBuildTasks.Aws.Runtime;

/// <summary>
/// Wraps every call a client sends (each call already includes the SDK's own retries): the engine uses it to ride out
/// throttling, server errors and dropped connections for longer than the SDK's few attempts while it follows a
/// deployment, and to answer a read from what an earlier, identical read returned. Set it on a client's config
/// (<see cref="AwsClientConfig.CallPolicy"/>); without one a call is sent as is.
/// </summary>
public abstract class AwsCallPolicy
{
    /// <summary>Runs <paramref name="send"/> (which may be called again: it sends the same request anew each time).</summary>
    /// <param name="service">The SDK service id, e.g. <c>ECS</c>.</param>
    /// <param name="operation">The operation, e.g. <c>DescribeServices</c>.</param>
    public abstract Task<TResponse> InvokeAsync<TResponse>(string service, string operation, Func<Task<TResponse>> send, CancellationToken cancellationToken);

    /// <summary>
    /// Runs <paramref name="send"/> for <paramref name="request"/>, which also says what exactly is asked (for a policy that
    /// answers repeated reads). By default the same as <see cref="InvokeAsync{TResponse}(string, string, Func{Task{TResponse}}, CancellationToken)"/>.
    /// </summary>
    public virtual Task<TResponse> InvokeAsync<TResponse>(AwsCall request, Func<Task<TResponse>> send, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return InvokeAsync(request.Service, request.Operation, send, cancellationToken);
    }
}

/// <summary>One call of a client: its service and operation, and the request as it goes on the wire (computed when asked).</summary>
public sealed class AwsCall
{
    private readonly Func<string> wire;
    private string? request;

    internal AwsCall(string service, string operation, Func<string> wire)
    {
        Service = service;
        Operation = operation;
        this.wire = wire;
    }

    /// <summary>The SDK service id, e.g. <c>ECS</c>.</summary>
    public string Service { get; }

    /// <summary>The operation, e.g. <c>DescribeServices</c>.</summary>
    public string Operation { get; }

    /// <summary>
    /// The marshalled request: method, path, query and form parameters and body (what the endpoint receives, less the
    /// signature and the connection's headers). Two calls with the same text ask the same thing.
    /// </summary>
    public string Request => request ??= wire();

    internal static string Marshalled(IRequest marshalled)
    {
        var text = new System.Text.StringBuilder();
        text.Append(marshalled.HttpMethod).Append(' ').Append(marshalled.ResourcePath).Append('\n');
        foreach (var (name, value) in marshalled.PathResources.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append("path ").Append(name).Append('=').Append(value).Append('\n');
        }

        // (Parameters is a view of ParameterCollection, which also holds the list values of a REST query string.)
        foreach (var (name, value) in marshalled.ParameterCollection)
        {
            var shown = value is Amazon.Runtime.StringListParameterValue list ? string.Join("\u001f", list.Value) : (value as Amazon.Runtime.StringParameterValue)?.Value ?? value?.ToString();
            text.Append("query ").Append(name).Append('=').Append(shown).Append('\n');
        }

        foreach (var (name, value) in marshalled.SubResources.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append("sub ").Append(name).Append('=').Append(value).Append('\n');
        }

        if (marshalled.Headers.TryGetValue("X-Amz-Target", out var target))
        {
            text.Append("target ").Append(target).Append('\n');
        }

        if (marshalled.Content is { Length: > 0 } content)
        {
            text.Append(System.Text.Encoding.UTF8.GetString(content));
        }

        return text.ToString();
    }
}
