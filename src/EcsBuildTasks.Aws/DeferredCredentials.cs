using Amazon.Runtime;

namespace EcsBuildTasks.Aws;

/// <summary>
/// Credentials resolved on first use and then shared: creating clients never touches the credential files,
/// the network or STS, and every client of a factory signs with the same source. A failed resolution is not
/// cached, so a transient failure (metadata endpoint, SSO cache) can succeed on the next call.
/// </summary>
internal sealed class DeferredCredentials : AWSCredentials
{
    private readonly Func<AWSCredentials> resolve;
    private readonly Lock gate = new();
    private AWSCredentials? resolved;

    public DeferredCredentials(Func<AWSCredentials> resolve)
    {
        this.resolve = resolve;
    }

    public override DateTime? Expiration
    {
        get => Volatile.Read(ref resolved)?.Expiration;
        set => throw new NotSupportedException("The expiration of deferred credentials comes from their source.");
    }

    public override ImmutableCredentials GetCredentials() => Source.GetCredentials();

    public override Task<ImmutableCredentials> GetCredentialsAsync() => Source.GetCredentialsAsync();

    /// <summary>Never prints keys: the type name only.</summary>
    public override string ToString() => nameof(DeferredCredentials);

    private AWSCredentials Source
    {
        get
        {
            var current = Volatile.Read(ref resolved);
            if (current is not null)
            {
                return current;
            }

            lock (gate)
            {
                return resolved ??= resolve();
            }
        }
    }
}
