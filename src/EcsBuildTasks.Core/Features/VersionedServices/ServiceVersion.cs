using System.Globalization;
using EcsBuildTasks.Aws.ECS.Model;
using EcsService = EcsBuildTasks.Aws.ECS.Model.Service;

namespace EcsBuildTasks.Core.Features.VersionedServices;

/// <summary>
/// One version of a versioned service: the ECS service <c>&lt;name&gt;__&lt;N&gt;</c> (or the plain <c>&lt;name&gt;</c>,
/// adopted as version 0), as described when the versions were found.
/// </summary>
internal sealed record ServiceVersion(int Number, EcsService Service)
{
    public string Name => Service.ServiceName!;

    public int DesiredCount => Service.DesiredCount ?? 0;

    public int RunningCount => Service.RunningCount ?? 0;

    /// <summary>True for a service under the plain name that the package did not create as a version.</summary>
    public bool IsAdopted => Number == 0 && Tag(VersionTags.Version) is null;

    /// <summary>BLUE (serves production) or GREEN (stage), for VersionedBlueGreen; null otherwise.</summary>
    public string? Colour => Tag(VersionTags.Colour);

    /// <summary>True while a deployment is moving tasks to this version (set when it is created, cleared when it serves).</summary>
    public bool IsDeploying => Service.Status == "ACTIVE" && Tag(VersionTags.State) == VersionTags.Deploying;

    /// <summary>The target groups this version's tasks register with.</summary>
    public IReadOnlyList<string> TargetGroups => [.. (Service.LoadBalancers ?? []).Select(l => l.TargetGroupArn).OfType<string>()];

    /// <summary>The versions and counts to restore when this version's deployment is rolled back (recorded when it was created).</summary>
    public IReadOnlyList<VersionCount> RollbackTo => VersionCount.Parse(Tag(VersionTags.RollbackTo));

    public string? Tag(string key) => (Service.Tags ?? []).Find(t => t.Key == key)?.Value;

    public string Describe() => string.Create(CultureInfo.InvariantCulture, $"{Name} ({DesiredCount} task(s))");
}

/// <summary>A version's desired count, as a deployment found it (and a rollback restores it).</summary>
internal sealed record VersionCount(string Name, int Count)
{
    /// <summary><c>web__3=2,web__2=0</c>: compact enough for a 256-character tag value.</summary>
    public static string Format(IEnumerable<VersionCount> counts) => string.Join(',', counts.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Name}={c.Count}")));

    public static IReadOnlyList<VersionCount> Parse(string? text)
    {
        var counts = new List<VersionCount>();
        foreach (var part in (text ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.LastIndexOf('=');
            if (equals > 0 && int.TryParse(part[(equals + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            {
                counts.Add(new VersionCount(part[..equals], count));
            }
        }

        return counts;
    }
}

/// <summary>The tags the package puts on the versions it creates (how it finds them again, and what a rollback needs).</summary>
internal static class VersionTags
{
    /// <summary>The project's service name, shared by every version.</summary>
    public const string Service = "ecsbuildtasks:versioned-service";

    /// <summary>The version number N.</summary>
    public const string Version = "ecsbuildtasks:version";

    /// <summary><see cref="Deploying"/> while a deployment moves tasks to the version, <see cref="Serving"/> once it has.</summary>
    public const string State = "ecsbuildtasks:state";

    public const string Deploying = "deploying";

    public const string Serving = "serving";

    /// <summary>The versions and counts before this version was deployed (<see cref="VersionCount.Format"/>).</summary>
    public const string RollbackTo = "ecsbuildtasks:rollback-to";

    /// <summary>VersionedBlueGreen: <see cref="Blue"/> behind production, <see cref="Green"/> behind stage.</summary>
    public const string Colour = "ecsbuildtasks:colour";

    public const string Blue = "BLUE";

    public const string Green = "GREEN";

    /// <summary>
    /// Harness's colour tag on blue/green versions (BLUE serves, GREEN stands by). Versions taken over from Harness carry
    /// it; the package then keeps it in step with its own, so that what still reads it stays true.
    /// </summary>
    public const string HarnessColour = "BG_VERSION";

    public static Tag Of(string key, string value) => new() { Key = key, Value = value };

    /// <summary>The colour tags of a version of <paramref name="set"/>: the package's, and Harness's when a version of the set carries it.</summary>
    public static Tag[] Colours(VersionSet set, string colour)
    {
        ArgumentNullException.ThrowIfNull(set);
        return set.Versions.Any(v => v.Tag(HarnessColour) is not null) ? [Of(Colour, colour), Of(HarnessColour, colour)] : [Of(Colour, colour)];
    }
}
