namespace EcsBuildTasks.LocalEcs.Hosting;

/// <summary>
/// The credential scope of a SigV4 signature (<c>Credential=AKID/20260101/us-east-1/ecs/aws4_request</c>), from the
/// Authorization header (never from a presigned URL: a web page could send one, see <see cref="RequestRouter"/>).
/// LocalEcs accepts any credentials; it only needs the region and the service.
/// </summary>
internal sealed record SigV4Scope(string AccessKeyId, string Region, string Service)
{
    public static SigV4Scope? FromHeader(string? authorization)
    {
        if (string.IsNullOrEmpty(authorization) || !authorization.StartsWith("AWS4-HMAC-SHA256", StringComparison.Ordinal))
        {
            return null;
        }

        var start = authorization.IndexOf("Credential=", StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        start += "Credential=".Length;
        var end = authorization.IndexOfAny([',', ' '], start);
        return FromCredential(end < 0 ? authorization[start..] : authorization[start..end]);
    }

    public static SigV4Scope? FromCredential(string? credential)
    {
        var parts = credential?.Split('/');
        return parts is { Length: 5 } && parts[4] == "aws4_request" && parts[2].Length > 0
            ? new SigV4Scope(parts[0], parts[2], parts[3])
            : null;
    }
}
