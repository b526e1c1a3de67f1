using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace EcsBuildTasks.LocalEcs.Registry;

/// <summary>
/// ECR authorization tokens: GetAuthorizationToken issues <c>base64("AWS:" + password)</c> valid for 12 hours, and the
/// registry accepts Basic <c>AWS:password</c> while it is valid. Kept in memory only: like ECR's, tokens are short-lived
/// and a restarted server simply asks clients for a new one.
/// </summary>
internal sealed class RegistryCredentials
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);
    private readonly ConcurrentDictionary<string, (DateTimeOffset ExpiresAt, string? AccessKeyId)> passwords = new(StringComparer.Ordinal);

    /// <summary>
    /// Issues a password. It is valid for <see cref="Lifetime"/> of real time (<paramref name="realNow"/>): with time
    /// compressed, 12 simulated hours would pass in minutes. The reported expiry is simulated time, so it is never later
    /// than the real one and clients refresh in time.
    /// </summary>
    /// <param name="accessKeyId">Whose token it is: registry requests made with it are authorised as that access key's, as ECR does.</param>
    public (string Password, DateTimeOffset ExpiresAt) Issue(DateTimeOffset simulatedNow, DateTimeOffset realNow, string? accessKeyId = null)
    {
        var password = "localecs-" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');
        passwords[password] = (realNow + Lifetime, accessKeyId);
        return (password, simulatedNow + Lifetime);
    }

    public static string Encode(string password) => Convert.ToBase64String(Encoding.UTF8.GetBytes("AWS:" + password));

    /// <summary>Checks a Basic authorization header value (<c>Basic base64(AWS:password)</c>) at real time <paramref name="realNow"/>.</summary>
    public bool IsValid(string? authorization, DateTimeOffset realNow) => Owner(authorization, realNow).Valid;

    /// <summary>Whether a Basic authorization is valid at <paramref name="realNow"/>, and the access key that obtained its token.</summary>
    public (bool Valid, string? AccessKeyId) Owner(string? authorization, DateTimeOffset realNow)
    {
        if (authorization is null || !authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return (false, null);
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..].Trim()));
        }
        catch (FormatException)
        {
            return (false, null);
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && decoded[..colon] == "AWS" && passwords.TryGetValue(decoded[(colon + 1)..], out var issued) && issued.ExpiresAt > realNow
            ? (true, issued.AccessKeyId)
            : (false, null);
    }

    public void Clear() => passwords.Clear();
}
