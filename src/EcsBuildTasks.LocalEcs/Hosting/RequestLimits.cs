using System.Buffers;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace EcsBuildTasks.LocalEcs.Hosting;

/// <summary>
/// How much LocalEcs reads from one request, checked before parsing and before authentication (docs/reliability.md has
/// the reasons). Bodies are read up to the limit and never further: a client that announces or streams more gets 413 and
/// LocalEcs's memory stays bounded whatever it sends.
/// </summary>
internal static class RequestLimits
{
    /// <summary>
    /// AWS JSON 1.0/1.1 and RPC v2 CBOR bodies. The largest request the served operations take on AWS is PutLogEvents'
    /// batch of 1 MiB of messages (plus 26 bytes an event, up to 10,000 events); JSON framing and escaping can double it.
    /// </summary>
    public const long JsonBodyBytes = 4 * 1024 * 1024;

    /// <summary>AWS Query and EC2 Query form bodies (and XML bodies): 1 MiB, the largest Query POST these services document (CloudWatch's).</summary>
    public const long QueryBodyBytes = 1024 * 1024;

    /// <summary>Control API bodies are a handful of members.</summary>
    public const long ControlBodyBytes = 64 * 1024;

    /// <summary>Image manifests and indexes: 4 MiB, the size the OCI distribution spec asks registries to accept (ECR's limit).</summary>
    public const long ManifestBytes = 4 * 1024 * 1024;

    /// <summary>One registry blob (a layer): ECR's layer size limit, 52,000 MiB. Blobs are streamed to disk, never held in memory.</summary>
    public const long BlobBytes = 52_000L * 1024 * 1024;

    /// <summary>
    /// Nesting of any request document (JSON, CBOR, XML, Query names). AWS's deepest inputs (a task definition's
    /// container → log configuration → secret options, a lifecycle hook's details) are far below; the recursive readers
    /// and writers stay far from the stack's end.
    /// </summary>
    public const int MaxDepth = 64;

    /// <summary>Query list indexes (<c>member.N</c>, <c>Filter.N</c>): AWS's longest Query input lists hold a few hundred entries.</summary>
    public const int MaxQueryListIndex = 10_000;

    /// <summary>Query parameters in one request.</summary>
    public const int MaxQueryParameters = 10_000;

    /// <summary>
    /// Reads the whole body if it is at most <paramref name="limit"/> bytes; throws <see cref="RequestTooLargeException"/>
    /// as soon as the announced length or the bytes read exceed it (the rest is never read).
    /// </summary>
    public static async Task<byte[]> ReadBodyAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        Limit(request, limit);
        if (request.ContentLength is 0)
        {
            return [];
        }

        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(request.ContentLength ?? 4096, 64 * 1024));
        while (true)
        {
            var memory = buffer.GetMemory(16 * 1024);
            var read = await request.Body.ReadAsync(memory, cancellationToken);
            if (read == 0)
            {
                return buffer.WrittenSpan.ToArray();
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > limit)
            {
                throw new RequestTooLargeException(limit, null);
            }
        }
    }

    /// <summary>Refuses an announced length over <paramref name="limit"/> and tells the server to stop reading past it.</summary>
    public static void Limit(HttpRequest request, long limit)
    {
        if (request.ContentLength is { } announced && announced > limit)
        {
            throw new RequestTooLargeException(limit, announced);
        }

        var feature = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
        {
            // Kestrel then fails the read itself one byte past the limit (chunked bodies have no announced length).
            feature.MaxRequestBodySize = limit + 1;
        }
    }
}

/// <summary>A request body over LocalEcs's limit for its protocol (HTTP 413).</summary>
internal sealed class RequestTooLargeException : Exception
{
    public RequestTooLargeException(long limit, long? announced)
        : base(announced is { } a
            ? string.Create(CultureInfo.InvariantCulture, $"The request body of {a} bytes is larger than the {Size(limit)} LocalEcs accepts for this kind of request.")
            : string.Create(CultureInfo.InvariantCulture, $"The request body is larger than the {Size(limit)} LocalEcs accepts for this kind of request."))
    {
        Limit = limit;
    }

    public RequestTooLargeException()
    {
    }

    public RequestTooLargeException(string message)
        : base(message)
    {
    }

    public RequestTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public long Limit { get; }

    private static string Size(long bytes) =>
        bytes >= 1024 * 1024
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024 * 1024)} MiB ({bytes} bytes)")
            : string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes");
}
