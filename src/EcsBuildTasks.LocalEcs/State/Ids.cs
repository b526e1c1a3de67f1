using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace EcsBuildTasks.LocalEcs.State;

/// <summary>Identifiers in the formats AWS uses.</summary>
internal static class Ids
{
    /// <summary>32 lower-case hex digits, like ECS task ids.</summary>
    public static string Hex32() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static string Hex(int length) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes((length + 1) / 2))[..length];

    /// <summary>A 19-digit decimal number, like the ids of ECS deployments (<c>ecs-svc/…</c>).</summary>
    public static string Digits(int length)
    {
        var builder = new StringBuilder(length);
        builder.Append((char)('1' + RandomNumberGenerator.GetInt32(9)));
        while (builder.Length < length)
        {
            builder.Append((char)('0' + RandomNumberGenerator.GetInt32(10)));
        }

        return builder.ToString();
    }

    /// <summary>Alphanumeric ids like service deployment or Cloud Map ids.</summary>
    public static string Alphanumeric(int length)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        return string.Create(length, alphabet, (span, a) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = a[RandomNumberGenerator.GetInt32(a.Length)];
            }
        });
    }

    /// <summary>A hex id derived from a seed, so default resources keep their ids across resets and restarts.</summary>
    public static string StableHex(string seed, int length) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(seed)))[..length];

    public static string MacAddress()
    {
        var bytes = RandomNumberGenerator.GetBytes(5);
        return "0e:" + string.Join(':', bytes.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
    }

    /// <summary>The address at <paramref name="offset"/> within an IPv4 CIDR block.</summary>
    public static string AddressInCidr(string cidr, int offset)
    {
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        var bytes = IPAddress.Parse(slash < 0 ? cidr : cidr[..slash]).GetAddressBytes();
        var value = ((uint)bytes[0] << 24 | (uint)bytes[1] << 16 | (uint)bytes[2] << 8 | bytes[3]) + (uint)offset;
        return new IPAddress([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]).ToString();
    }
}
