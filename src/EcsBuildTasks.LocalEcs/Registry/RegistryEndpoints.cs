using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EcsBuildTasks.LocalEcs.Hosting;
using EcsBuildTasks.LocalEcs.Protocols;
using EcsBuildTasks.LocalEcs.State;
using Microsoft.AspNetCore.Http;

namespace EcsBuildTasks.LocalEcs.Registry;

/// <summary>
/// The OCI distribution API under <c>/v2/</c>, backed by ECR repositories: pushes need Basic <c>AWS:&lt;token&gt;</c> from
/// GetAuthorizationToken (401 with a Basic challenge otherwise, as ECR answers) and a repository created through the ECR
/// API (ECR hangs up on pushes to a missing repository; LocalEcs answers a clear NAME_UNKNOWN instead). The built-in
/// base image can be pulled anonymously: the .NET SDK only sends push credentials to the output registry.
/// Supports monolithic and chunked blob uploads, cross-repository mounts, manifests by tag and digest, and tag lists.
/// </summary>
internal sealed class RegistryEndpoints
{
    private static readonly HashSet<string> ManifestMediaTypes = new(StringComparer.Ordinal)
    {
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
    };

    private readonly LocalEcsRuntime runtime;
    private readonly Dictionary<string, UploadSession> uploads = new(StringComparer.Ordinal);
    private readonly Lock uploadsGate = new();

    public RegistryEndpoints(LocalEcsRuntime runtime)
    {
        this.runtime = runtime;
    }

    private BlobStore Blobs => runtime.Blobs;

    public async Task HandleAsync(HttpContext context)
    {
        context.Response.Headers["Docker-Distribution-API-Version"] = "registry/2.0";
        var request = context.Request;
        var path = request.Path.Value!;
        var rest = path.Length > 4 ? path[4..] : string.Empty;
        var authorized = runtime.Credentials.IsValid(request.Headers.Authorization.ToString(), runtime.RealTime.GetUtcNow());

        if (rest.Length == 0)
        {
            if (!authorized)
            {
                await ChallengeAsync(context);
                return;
            }

            await WriteJsonAsync(context, StatusCodes.Status200OK, new JsonObject());
            return;
        }

        if (!TryParse(rest, out var name, out var kind, out var reference))
        {
            await ErrorAsync(context, StatusCodes.Status404NotFound, "NAME_INVALID", "invalid repository name or path");
            return;
        }

        var isRead = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method);
        if (!authorized && !(isRead && name == BaseImage.Repository))
        {
            await ChallengeAsync(context);
            return;
        }

        bool repositoryExists;
        lock (runtime.State.Sync)
        {
            repositoryExists = runtime.State.Repositories.ContainsKey(name);
        }

        if (!repositoryExists)
        {
            // ECR drops the connection on pushes to a missing repository; a clear error helps more locally.
            await ErrorAsync(context, StatusCodes.Status404NotFound, "NAME_UNKNOWN", $"The repository with name '{name}' does not exist in the registry with id '{Account.Id}'. Create it with ecr create-repository first.");
            return;
        }

        if (RegistryDenial(context, name, kind, reference) is { } denial)
        {
            await ErrorAsync(context, StatusCodes.Status403Forbidden, "DENIED", denial);
            return;
        }

        switch (kind)
        {
            case "tags":
                await TagsAsync(context, name);
                break;
            case "manifests":
                await ManifestAsync(context, name, reference!);
                break;
            case "blobs":
                await BlobAsync(context, name, reference!);
                break;
            case "uploads":
                await UploadAsync(context, name, reference);
                break;
        }
    }

    /// <summary>
    /// ECR authorises each registry request for the identity that obtained the token (push: InitiateLayerUpload,
    /// UploadLayerPart, CompleteLayerUpload, PutImage; pull: BatchGetImage, GetDownloadUrlForLayer); reads of the
    /// built-in base image need nothing, with or without a token.
    /// </summary>
    private string? RegistryDenial(HttpContext context, string name, string kind, string? reference)
    {
        if (name == BaseImage.Repository && (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)))
        {
            // The built-in base image stands in for a public registry (mcr.microsoft.com): no IAM policy names it.
            return null;
        }

        var (valid, accessKeyId) = runtime.Credentials.Owner(context.Request.Headers.Authorization.ToString(), runtime.RealTime.GetUtcNow());
        var actions = Iam.Authorization.Tables.EcrActions.Registry(kind, context.Request.Method, reference is not null, context.Request.Query.ContainsKey("digest"));
        if (!valid || actions.Length == 0)
        {
            return null;
        }

        string? arn;
        lock (runtime.State.Sync)
        {
            arn = runtime.State.Repositories.GetValueOrDefault(name)?.Arn;
        }

        return arn is null ? null : runtime.Authorizer.AuthorizeRegistry(accessKeyId, actions, arn, runtime.State, runtime.Clock.Now);
    }

    /// <summary>Splits <c>name/…/manifests/ref</c>, <c>name/blobs/digest</c>, <c>name/blobs/uploads/[id]</c>, <c>name/tags/list</c>.</summary>
    private static bool TryParse(string rest, out string name, out string kind, out string? reference)
    {
        name = string.Empty;
        kind = string.Empty;
        reference = null;
        int at;
        if ((at = rest.LastIndexOf("/blobs/uploads", StringComparison.Ordinal)) > 0)
        {
            kind = "uploads";
            var tail = rest[(at + "/blobs/uploads".Length)..].Trim('/');
            reference = tail.Length == 0 ? null : tail;
        }
        else if ((at = rest.LastIndexOf("/manifests/", StringComparison.Ordinal)) > 0)
        {
            kind = "manifests";
            reference = rest[(at + "/manifests/".Length)..];
        }
        else if ((at = rest.LastIndexOf("/blobs/", StringComparison.Ordinal)) > 0)
        {
            kind = "blobs";
            reference = rest[(at + "/blobs/".Length)..];
        }
        else if (rest.EndsWith("/tags/list", StringComparison.Ordinal))
        {
            kind = "tags";
            at = rest.Length - "/tags/list".Length;
        }
        else
        {
            return false;
        }

        name = rest[..at];
        return name.Length > 0 && (kind is "uploads" or "tags" || !string.IsNullOrEmpty(reference));
    }

    private async Task TagsAsync(HttpContext context, string name)
    {
        JsonArray tags;
        lock (runtime.State.Sync)
        {
            tags = runtime.State.Repositories[name].Tags2Digest.Keys.Order(StringComparer.Ordinal).ToJsonArray();
        }

        await WriteJsonAsync(context, StatusCodes.Status200OK, new JsonObject { ["name"] = name, ["tags"] = tags });
    }

    private async Task ManifestAsync(HttpContext context, string name, string reference)
    {
        var request = context.Request;
        if (HttpMethods.IsPut(request.Method))
        {
            await PutManifestAsync(context, name, reference);
            return;
        }

        string? digest;
        EcrImage? image = null;
        lock (runtime.State.Sync)
        {
            var repository = runtime.State.Repositories[name];
            digest = BlobStore.IsDigest(reference) ? reference : repository.Tags2Digest.GetValueOrDefault(reference);
            if (digest is not null && repository.Images.TryGetValue(digest, out image) && HttpMethods.IsGet(request.Method))
            {
                image.LastPulledAt = runtime.Clock.Now;
            }

            if (image is not null && HttpMethods.IsDelete(request.Method))
            {
                repository.Images.Remove(digest!);
                foreach (var tag in repository.Tags2Digest.Where(t => t.Value == digest).Select(t => t.Key).ToList())
                {
                    repository.Tags2Digest.Remove(tag);
                }
            }
        }

        if (image is null)
        {
            await ErrorAsync(context, StatusCodes.Status404NotFound, "MANIFEST_UNKNOWN", $"Requested image not found: {name}:{reference}");
            return;
        }

        if (HttpMethods.IsDelete(request.Method))
        {
            await runtime.PersistAsync();
            context.Response.StatusCode = StatusCodes.Status202Accepted;
            return;
        }

        var bytes = Blobs.Get(image.Digest)!;
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = image.MediaType;
        context.Response.ContentLength = bytes.Length;
        context.Response.Headers["Docker-Content-Digest"] = image.Digest;
        if (HttpMethods.IsGet(request.Method))
        {
            await context.Response.Body.WriteAsync(bytes);
        }
    }

    private async Task PutManifestAsync(HttpContext context, string name, string reference)
    {
        byte[] bytes;
        try
        {
            bytes = await RequestLimits.ReadBodyAsync(context.Request, RequestLimits.ManifestBytes, context.RequestAborted);
        }
        catch (RequestTooLargeException e)
        {
            await TooLargeAsync(context, e);
            return;
        }

        var digest = BlobStore.DigestOf(bytes);
        if (BlobStore.IsDigest(reference) && reference != digest)
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, "DIGEST_INVALID", $"manifest digest {digest} does not match {reference}");
            return;
        }

        JsonObject manifest;
        try
        {
            if (!System.Text.Unicode.Utf8.IsValid(bytes))
            {
                throw new JsonException("not valid UTF-8");
            }

            manifest = JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { MaxDepth = RequestLimits.MaxDepth }) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException e)
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, "MANIFEST_INVALID", "manifest invalid: " + e.Message);
            return;
        }

        var mediaType = manifest.Str("mediaType") ?? context.Request.ContentType?.Split(';')[0].Trim() ?? string.Empty;
        if (!ManifestMediaTypes.Contains(mediaType))
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, "MANIFEST_INVALID", $"unsupported manifest media type '{mediaType}'");
            return;
        }

        var isIndex = manifest["manifests"] is JsonArray;
        var references = isIndex
            ? manifest.Objects("manifests").Select(m => m.Str("digest") ?? string.Empty).ToList()
            : new[] { manifest.Obj("config")?.Str("digest") }.Concat(manifest.Objects("layers").Select(l => l.Str("digest"))).Select(d => d ?? string.Empty).ToList();
        var size = isIndex ? bytes.Length : manifest.Objects("layers").Sum(l => (long)(l.Int("size") ?? 0));

        string? problem = null;
        lock (runtime.State.Sync)
        {
            var repository = runtime.State.Repositories[name];
            var missing = references.FirstOrDefault(r => isIndex ? !repository.Images.ContainsKey(r) : !repository.Blobs.Contains(r) || !Blobs.Exists(r));
            if (missing is not null)
            {
                problem = $"blob unknown to registry: {missing}";
            }
            else if (!BlobStore.IsDigest(reference) && repository.ImageTagMutability == "IMMUTABLE"
                && repository.Tags2Digest.TryGetValue(reference, out var existing) && existing != digest)
            {
                problem = $"The image tag '{reference}' already exists in the '{name}' repository and cannot be overwritten because the repository is immutable.";
            }
            else
            {
                Blobs.Put(bytes);
                if (!repository.Images.TryGetValue(digest, out var image))
                {
                    image = new EcrImage { Digest = digest, MediaType = mediaType, PushedAt = runtime.Clock.Now, References = references };
                    repository.Images[digest] = image;
                }

                image.SizeInBytes = size;
                image.ArtifactMediaType = isIndex ? null : manifest.Obj("config")?.Str("mediaType");
                if (!BlobStore.IsDigest(reference))
                {
                    repository.Tags2Digest[reference] = digest;
                }
            }
        }

        if (problem is not null)
        {
            var code = problem.StartsWith("blob", StringComparison.Ordinal) ? "MANIFEST_BLOB_UNKNOWN" : "TAG_INVALID";
            await ErrorAsync(context, StatusCodes.Status400BadRequest, code, problem);
            return;
        }

        await runtime.PersistAsync();
        context.Response.StatusCode = StatusCodes.Status201Created;
        context.Response.Headers.Location = $"/v2/{name}/manifests/{digest}";
        context.Response.Headers["Docker-Content-Digest"] = digest;
    }

    private async Task BlobAsync(HttpContext context, string name, string digest)
    {
        bool present;
        lock (runtime.State.Sync)
        {
            present = runtime.State.Repositories[name].Blobs.Contains(digest) && Blobs.Exists(digest);
        }

        if (!present)
        {
            await ErrorAsync(context, StatusCodes.Status404NotFound, "BLOB_UNKNOWN", $"blob unknown to registry: {digest}");
            return;
        }

        context.Response.Headers["Docker-Content-Digest"] = digest;
        context.Response.ContentType = "application/octet-stream";
        if (HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.ContentLength = Blobs.Size(digest);
            return;
        }

        await using var content = Blobs.OpenRead(digest)!;
        context.Response.ContentLength = content.Length;
        await content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    private async Task UploadAsync(HttpContext context, string name, string? uploadId)
    {
        var request = context.Request;
        if (uploadId is null)
        {
            if (!HttpMethods.IsPost(request.Method))
            {
                await ErrorAsync(context, StatusCodes.Status405MethodNotAllowed, "UNSUPPORTED", "use POST to start an upload");
                return;
            }

            var mount = request.Query["mount"].ToString();
            var from = request.Query["from"].ToString();
            if (mount.Length > 0 && TryMount(name, mount, from))
            {
                await runtime.PersistAsync();
                context.Response.StatusCode = StatusCodes.Status201Created;
                context.Response.Headers.Location = $"/v2/{name}/blobs/{mount}";
                context.Response.Headers["Docker-Content-Digest"] = mount;
                return;
            }

            var session = new UploadSession(name, runtime.RealTime.GetUtcNow(), Blobs.BeginUpload());
            var monolithicDigest = request.Query["digest"].ToString();
            if (monolithicDigest.Length > 0)
            {
                if (await AppendAsync(context, session))
                {
                    await CompleteAsync(context, name, session, monolithicDigest);
                }

                return;
            }

            File.Create(session.File).Dispose();
            lock (uploadsGate)
            {
                // Clients that give up leave their uploads behind; forget those after a day.
                foreach (var abandoned in uploads.Values.Where(u => runtime.RealTime.GetUtcNow() - u.StartedAt > TimeSpan.FromDays(1)).ToList())
                {
                    uploads.Remove(abandoned.Id);
                    abandoned.Discard();
                }

                uploads[session.Id] = session;
            }

            AcceptedUpload(context, name, session);
            return;
        }

        UploadSession? upload;
        lock (uploadsGate)
        {
            uploads.TryGetValue(uploadId, out upload);
        }

        if (upload is null || upload.Repository != name)
        {
            await ErrorAsync(context, StatusCodes.Status404NotFound, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry");
            return;
        }

        if (HttpMethods.IsGet(request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            SetUploadHeaders(context, name, upload);
            return;
        }

        if (HttpMethods.IsDelete(request.Method))
        {
            Forget(upload);
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        if (HttpMethods.IsPatch(request.Method))
        {
            var range = request.Headers.ContentRange.ToString();
            if (range.Length > 0 && !RangeStartsAt(range, upload.Length))
            {
                context.Response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
                SetUploadHeaders(context, name, upload);
                return;
            }

            if (await AppendAsync(context, upload))
            {
                AcceptedUpload(context, name, upload);
            }

            return;
        }

        if (HttpMethods.IsPut(request.Method))
        {
            if (await AppendAsync(context, upload))
            {
                Forget(upload, discard: false);
                await CompleteAsync(context, name, upload, request.Query["digest"].ToString());
            }

            return;
        }

        await ErrorAsync(context, StatusCodes.Status405MethodNotAllowed, "UNSUPPORTED", "unsupported upload method");
    }

    /// <summary>
    /// Streams the request body onto the upload's file, hashing it on the way; no more than
    /// <see cref="RequestLimits.BlobBytes"/> in all. On failure (too large, the client gone) the upload is forgotten and
    /// false returned, with the answer written when there is still someone to answer.
    /// </summary>
    private async Task<bool> AppendAsync(HttpContext context, UploadSession upload)
    {
        await upload.Gate.WaitAsync(context.RequestAborted);
        try
        {
            RequestLimits.Limit(context.Request, RequestLimits.BlobBytes - upload.Length);
            await using var file = new FileStream(upload.File, FileMode.Append, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true);
            var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(64 * 1024);
            try
            {
                int read;
                while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
                {
                    if (upload.Length + read > RequestLimits.BlobBytes)
                    {
                        throw new RequestTooLargeException(RequestLimits.BlobBytes, null);
                    }

                    await file.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
                    upload.Add(buffer.AsSpan(0, read));
                }
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            }

            return true;
        }
        catch (RequestTooLargeException e)
        {
            Forget(upload);
            await TooLargeAsync(context, e);
            return false;
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or BadHttpRequestException)
        {
            // The client went away or sent a broken body (Kestrel's own limit included): this upload cannot go on.
            Forget(upload);
            if (e is BadHttpRequestException bad && !context.Response.HasStarted)
            {
                context.Response.Headers.Connection = "close";
                await ErrorAsync(context, bad.StatusCode, bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "SIZE_INVALID" : "BLOB_UPLOAD_INVALID", bad.Message);
            }

            return false;
        }
        finally
        {
            upload.Gate.Release();
        }
    }

    private void Forget(UploadSession upload, bool discard = true)
    {
        lock (uploadsGate)
        {
            uploads.Remove(upload.Id);
        }

        if (discard)
        {
            upload.Discard();
        }
    }

    private bool TryMount(string name, string digest, string from)
    {
        lock (runtime.State.Sync)
        {
            var state = runtime.State;
            var source = from.Length > 0 ? state.Repositories.GetValueOrDefault(from) : null;
            if (source is null || !source.Blobs.Contains(digest) || !Blobs.Exists(digest))
            {
                return false;
            }

            state.Repositories[name].Blobs.Add(digest);
            return true;
        }
    }

    private async Task CompleteAsync(HttpContext context, string name, UploadSession upload, string digest)
    {
        var actual = upload.Digest();
        if (digest.Length == 0 || actual != digest)
        {
            upload.Discard();
            await ErrorAsync(context, StatusCodes.Status400BadRequest, "DIGEST_INVALID", $"provided digest did not match uploaded content (got {actual})");
            return;
        }

        Blobs.Commit(upload.File, digest);
        lock (runtime.State.Sync)
        {
            runtime.State.Repositories[name].Blobs.Add(digest);
        }

        await runtime.PersistAsync();
        context.Response.StatusCode = StatusCodes.Status201Created;
        context.Response.Headers.Location = $"/v2/{name}/blobs/{digest}";
        context.Response.Headers["Docker-Content-Digest"] = digest;
    }

    private static Task TooLargeAsync(HttpContext context, RequestTooLargeException e)
    {
        context.Response.Headers.Connection = "close";
        return ErrorAsync(context, StatusCodes.Status413PayloadTooLarge, "SIZE_INVALID", e.Message);
    }

    private static void AcceptedUpload(HttpContext context, string name, UploadSession upload)
    {
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        SetUploadHeaders(context, name, upload);
    }

    private static void SetUploadHeaders(HttpContext context, string name, UploadSession upload)
    {
        context.Response.Headers.Location = $"/v2/{name}/blobs/uploads/{upload.Id}";
        context.Response.Headers["Docker-Upload-UUID"] = upload.Id;
        context.Response.Headers.Range = "0-" + Math.Max(0, upload.Length - 1).ToString(CultureInfo.InvariantCulture);
        context.Response.ContentLength = 0;
    }

    private static bool RangeStartsAt(string contentRange, long expected)
    {
        var value = contentRange.StartsWith("bytes ", StringComparison.Ordinal) ? contentRange[6..] : contentRange;
        var dash = value.IndexOf('-', StringComparison.Ordinal);
        return dash > 0 && long.TryParse(value[..dash], NumberStyles.Integer, CultureInfo.InvariantCulture, out var start) && start == expected;
    }

    private async Task ChallengeAsync(HttpContext context)
    {
        context.Response.Headers.WWWAuthenticate = $"Basic realm=\"http://{runtime.RegistryHost}/\",service=\"ecr.amazonaws.com\"";
        await ErrorAsync(context, StatusCodes.Status401Unauthorized, "UNAUTHORIZED", "authentication required: use Basic AWS:<token> with a token from ecr get-authorization-token");
    }

    private static Task ErrorAsync(HttpContext context, int status, string code, string message) =>
        WriteJsonAsync(context, status, new JsonObject
        {
            ["errors"] = new JsonArray(new JsonObject { ["code"] = code, ["message"] = message }),
        });

    private static async Task WriteJsonAsync(HttpContext context, int status, JsonObject body)
    {
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.ContentLength = bytes.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await context.Response.Body.WriteAsync(bytes);
        }
    }

    /// <summary>An upload in progress: a file that grows with each chunk, and the running SHA-256 of what it holds.</summary>
    private sealed class UploadSession(string repository, DateTimeOffset startedAt, string file)
    {
        private readonly System.Security.Cryptography.IncrementalHash hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        private long length;

        public string Id { get; } = Guid.NewGuid().ToString();

        public string Repository { get; } = repository;

        public DateTimeOffset StartedAt { get; } = startedAt;

        public string File { get; } = file;

        /// <summary>One chunk at a time: PATCHes of one upload are appended in order.</summary>
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public long Length => Interlocked.Read(ref length);

        public void Add(ReadOnlySpan<byte> chunk)
        {
            hash.AppendData(chunk);
            Interlocked.Add(ref length, chunk.Length);
        }

        public string Digest() => "sha256:" + Convert.ToHexStringLower(hash.GetCurrentHash());

        public void Discard() => BlobStore.Discard(File);
    }
}
