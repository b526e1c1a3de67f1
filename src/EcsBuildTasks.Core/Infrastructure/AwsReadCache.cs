using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Amazon.Runtime;
using EcsBuildTasks.Aws;
using EcsBuildTasks.Aws.Runtime;

namespace EcsBuildTasks.Core.Infrastructure;

/// <summary>
/// The answers of reads sent ahead of time (the early start of a publish's preparation, while the compiler runs), for the
/// real preparation to use instead of sending the same read again. An answer is kept only for a read
/// (<see cref="AwsSession.IsRead"/>) that succeeded, under the exact request (connection, service, operation, the
/// marshalled request); it is used at most once and only while younger than <see cref="MaxAge"/>. It lives in memory
/// only (an ECR authorization token among them): never written anywhere, dropped with the build.
/// </summary>
internal sealed class AwsReadCache
{
    /// <summary>
    /// How old an answer may be when it is used. The early start runs during the compile, seconds before the preparation;
    /// 60 s covers a slow compile and still keeps the answers as fresh as those the preparation hands to the deployment
    /// step today (it acts after the image is built and pushed, and re-reads the service and the deployments in flight
    /// right before it changes anything).
    /// </summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Reads that always go to the endpoint: whether a deployment is in flight (someone else's, started since the early
    /// read) must be seen when the preparation asks.
    /// </summary>
    private static readonly HashSet<string> AlwaysLive = new(StringComparer.Ordinal) { "ListServiceDeployments", "DescribeServiceDeployments" };

    // The same read may be asked twice by the preparation (two checks that describe the same cluster): both answers are kept.
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Answer>> answers = new(StringComparer.Ordinal);
    private readonly TimeProvider time;
    private int used;
    private int stored;

    public AwsReadCache(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        this.time = time;
    }

    /// <summary>Answers stored so far.</summary>
    public int Stored => Volatile.Read(ref stored);

    /// <summary>Answers used so far (each once).</summary>
    public int Used => Volatile.Read(ref used);

    /// <summary>Answers stored and not used (yet).</summary>
    public int Unused => answers.Values.Sum(queue => queue.Count);

    /// <summary>The key of a call on a connection: two keys are equal only when the same principal asks the same endpoint the same thing.</summary>
    public static string Key(AwsConnectionSettings connection, AwsCall call)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(call);
        return $"{Identity(connection)}\n{call.Service} {call.Operation}\n{call.Request}";
    }

    /// <summary>Whether an operation's answer may be kept: a read, and not one of those that see deployments in flight.</summary>
    public static bool Keeps(string operation) => AwsSession.IsRead(operation) && !AlwaysLive.Contains(operation);

    /// <summary>Keeps a read's answer (nothing else is ever kept).</summary>
    public void Store(string key, string operation, object response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (!Keeps(operation))
        {
            return;
        }

        answers.GetOrAdd(key, _ => new ConcurrentQueue<Answer>()).Enqueue(new Answer(response, time.GetTimestamp()));
        Interlocked.Increment(ref stored);
    }

    /// <summary>The answer stored under <paramref name="key"/> when there is one young enough; it is removed (used once).</summary>
    public bool TryTake<TResponse>(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TResponse? response)
    {
        response = default;
        if (!answers.TryGetValue(key, out var queue) || !queue.TryDequeue(out var answer) || time.GetElapsedTime(answer.At) > MaxAge || answer.Response is not TResponse typed)
        {
            return false;
        }

        Interlocked.Increment(ref used);
        response = typed;
        return true;
    }

    /// <summary>Drops every answer (the build ended, or the early start was abandoned).</summary>
    public void Clear() => answers.Clear();

    private static string Identity(AwsConnectionSettings connection)
    {
        // Explicit credentials are LocalEcs's fixed ones (or a test's): their access key says who asks. Otherwise the
        // profile and the role decide which credentials the same process resolves (both runs read the same environment).
        var credentials = connection.Credentials switch
        {
            null => "default chain",
            BasicAWSCredentials basic => "key " + basic.GetCredentials().AccessKey,
            { } other => "credentials #" + RuntimeHelpers.GetHashCode(other).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        return $"{connection.EndpointUrl}|{connection.Region}|{connection.Profile}|{connection.AssumeRoleArn}|{connection.AssumeRoleExternalId}|{credentials}";
    }

    private sealed record Answer(object Response, long At);
}

/// <summary>
/// The call policy of a session that stores its reads' answers in an <see cref="AwsReadCache"/> (the early start) or
/// answers its reads from one (the preparation), around the session's <see cref="TransientFaultPolicy"/>. Errors are
/// never stored: a failed read fails where it was sent, and the preparation then sends it again and reports it.
/// </summary>
internal sealed class AwsReadCachePolicy(AwsCallPolicy inner, AwsConnectionSettings connection, AwsReadCache cache, bool answer, Action<string> answered) : AwsCallPolicy
{
    public override Task<TResponse> InvokeAsync<TResponse>(string service, string operation, Func<Task<TResponse>> send, CancellationToken cancellationToken) =>
        inner.InvokeAsync(service, operation, send, cancellationToken);

    public override async Task<TResponse> InvokeAsync<TResponse>(AwsCall request, Func<Task<TResponse>> send, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!AwsReadCache.Keeps(request.Operation))
        {
            return await inner.InvokeAsync(request, send, cancellationToken).ConfigureAwait(false);
        }

        var key = AwsReadCache.Key(connection, request);
        if (answer)
        {
            if (cache.TryTake<TResponse>(key, out var cached))
            {
                answered(request.Operation);
                return cached;
            }

            return await inner.InvokeAsync(request, send, cancellationToken).ConfigureAwait(false);
        }

        var response = await inner.InvokeAsync(request, send, cancellationToken).ConfigureAwait(false);
        if (response is not null)
        {
            cache.Store(key, request.Operation, response);
        }

        return response;
    }
}
