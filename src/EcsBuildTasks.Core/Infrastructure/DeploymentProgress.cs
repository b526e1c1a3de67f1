using System.Globalization;
using System.Text;

namespace EcsBuildTasks.Core.Infrastructure;

/// <summary>
/// Where a deployment in progress stands, for a live display (the terminal logger's status line): what it is doing
/// now, the new revision's tasks, its share of production traffic, and the clock. The display redraws it between
/// updates, so elapsed time and the time left of a bake move on without a new poll.
/// </summary>
/// <param name="Service">The service (or versioned service) deployed.</param>
/// <param name="Activity">The stage, phase or step it is in (<c>PRODUCTION_TRAFFIC_SHIFT</c>, <c>phase 2/3 50%</c>).</param>
/// <param name="StartedAt">When the deployment began: elapsed time counts from here.</param>
internal sealed record DeploymentProgress(string Service, string Activity, DateTimeOffset StartedAt)
{
    /// <summary>The new revision's (or version's) running tasks.</summary>
    public int? Running { get; init; }

    /// <summary>The tasks it should run.</summary>
    public int? Desired { get; init; }

    /// <summary>The new revision's share of production traffic, in percent (null when the strategy shifts none).</summary>
    public double? TrafficPercent { get; init; }

    /// <summary>When the bake (or pause) under way ends; null outside one.</summary>
    public DateTimeOffset? BakeEndsAt { get; init; }

    /// <summary>
    /// One line without escape codes: <c>orders · BAKE_TIME · running 2/2 · traffic 100% · 3:05 · bake 6:55 left</c>.
    /// </summary>
    public string Line(DateTimeOffset now)
    {
        var builder = new StringBuilder();
        builder.Append(Service).Append(" · ").Append(Activity);
        if (Running is { } running && Desired is { } desired)
        {
            builder.Append(CultureInfo.InvariantCulture, $" · running {running}/{desired}");
        }

        if (TrafficPercent is { } traffic)
        {
            builder.Append(CultureInfo.InvariantCulture, $" · traffic {traffic:0.#}%");
        }

        builder.Append(" · ").Append(Clock(now - StartedAt));
        if (BakeEndsAt is { } ends)
        {
            builder.Append(" · bake ").Append(Clock(ends - now)).Append(" left");
        }

        return builder.ToString();
    }

    /// <summary><c>m:ss</c> (negative spans show as 0:00).</summary>
    public static string Clock(TimeSpan span)
    {
        var seconds = Math.Max(0, (long)span.TotalSeconds);
        return string.Create(CultureInfo.InvariantCulture, $"{seconds / 60}:{seconds % 60:00}");
    }
}
