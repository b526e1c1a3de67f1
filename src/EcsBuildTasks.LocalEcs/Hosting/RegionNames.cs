using System.Text.RegularExpressions;

namespace EcsBuildTasks.LocalEcs.Hosting;

/// <summary>
/// Which credential-scope regions LocalEcs serves: any name shaped like an AWS region code (<c>us-east-1</c>,
/// <c>us-gov-west-1</c>, <c>eusc-de-east-1</c>), so new regions work without a LocalEcs update, but not typos such as
/// <c>useast1</c> or <c>US-EAST-1</c>, and not junk a client would never be able to call AWS with.
/// </summary>
internal static partial class RegionNames
{
    public static bool IsValid(string region) => region.Length <= 32 && Pattern().IsMatch(region);

    [GeneratedRegex("^[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
