using System.Text.RegularExpressions;
using EcsBuildTasks.Core.Diagnostics;

namespace EcsBuildTasks.Core.Settings;

/// <summary>
/// Values AWS or the SDK would refuse only late (after the push, the registration, or at the first request), checked
/// while the settings are read, so the dry run reports them and nothing changes in AWS.
/// </summary>
internal static partial class InputRules
{
    /// <summary><c>EcsRegion</c>, when set: the shape of an AWS region name (<c>us-east-1</c>, <c>eu-central-2</c>, <c>us-gov-west-1</c>, <c>us-isob-east-1</c>).</summary>
    public static string? Region(SettingsValues values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var region = values.Get(EcsProperties.Region);
        if (region is not null && !RegionName().IsMatch(region))
        {
            values.Diagnostics.Error(DiagnosticCodes.RegionInvalid, EcsProperties.Region,
                $"{EcsProperties.Region}='{region}' is not an AWS region name: it looks like us-east-1 or eu-central-2 (lower case: area, direction, number). The regions are listed by aws ec2 describe-regions.");
        }

        return region;
    }

    /// <summary><c>EcsImageTags</c>: each a Docker tag (<c>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}</c>), which the registry would refuse at push time.</summary>
    public static IReadOnlyList<string> ImageTags(SettingsValues values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var tags = values.List(EcsProperties.ImageTags);
        foreach (var tag in tags.Where(t => !DockerTag().IsMatch(t)))
        {
            values.Diagnostics.Error(DiagnosticCodes.ImageTagInvalid, EcsProperties.ImageTags,
                $"{EcsProperties.ImageTags} has '{tag}', which is not a Docker tag: up to 128 of a-z, A-Z, 0-9, '_', '.' and '-', not starting with '.' or '-'.");
        }

        return tags;
    }

    // area (2 letters), optional partition qualifiers (gov, iso, isob, ...), direction words, number: us-gov-west-1, ap-southeast-5.
    [GeneratedRegex("^[a-z]{2}(-[a-z]+){1,3}-[0-9]{1,2}$", RegexOptions.CultureInvariant)]
    private static partial Regex RegionName();

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex DockerTag();
}

/// <summary>CloudWatch Logs' rule for log group names (CreateLogGroup's <c>logGroupName</c> pattern).</summary>
internal static partial class LogGroupNames
{
    public static bool IsValid(string name) => name.Length is >= 1 and <= 512 && Allowed().IsMatch(name);

    [GeneratedRegex(@"^[\.\-_/#A-Za-z0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex Allowed();
}
