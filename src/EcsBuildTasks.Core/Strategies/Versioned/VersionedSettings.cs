using System.Globalization;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Features.VersionedServices;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Strategies.Versioned;

/// <summary>The versioned strategies' own settings: <c>EcsPhase</c> items, <c>EcsKeepVersions</c>, and their checks.</summary>
internal static class VersionedSettings
{
    private const int MaxCount = 5000;

    /// <summary><c>EcsKeepVersions</c> (ECS4103 below 1 or not a number).</summary>
    /// <summary>
    /// What the swaps on versioned services (VersionedBlueGreen, DnsBlueGreen) read alike: whether the old version is
    /// downsized after the swap (<c>EcsDownsizeOldService</c>, default true) and the versions kept; the phase settings,
    /// which a swap does not use, are warned about with <paramref name="alsoUnused"/>.
    /// </summary>
    public static (bool DownsizeOld, int KeepVersions) Swap(SettingsValues values, string strategy, params (string Name, object? Value)[] alsoUnused)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(alsoUnused);
        UnusedSettings.Warn(values.Diagnostics, strategy, [
            (EcsProperties.PhaseItem, values.Items(EcsProperties.PhaseItem).Count > 0 ? values.Items(EcsProperties.PhaseItem).Count : null),
            (EcsProperties.ResizeStrategy, values.Get(EcsProperties.ResizeStrategy)),
            .. alsoUnused]);
        return (values.Bool(EcsProperties.DownsizeOldService) ?? true, KeepVersions(values));
    }

    public static int KeepVersions(SettingsValues values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var text = values.Get(EcsProperties.KeepVersions);
        if (text is null)
        {
            return VersionedServicesStrategy.DefaultKeepVersions;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var keep) || keep < 1 || keep > 100)
        {
            values.Error(DiagnosticCodes.KeepVersionsInvalid, EcsProperties.KeepVersions,
                $"{EcsProperties.KeepVersions}='{text}': keep at least 1 old version (at most 100), so that a rollback has a version to return to.");
            return VersionedServicesStrategy.DefaultKeepVersions;
        }

        return keep;
    }

    /// <summary>The <c>EcsPhase</c> items in order, each checked on its own (ECS4100); a phase without a gate of its own gets the project's.</summary>
    public static List<VersionPhase> Phases(SettingsValues values, VerificationSettings projectGate)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(projectGate);
        var phases = new List<VersionPhase>();
        foreach (var item in values.UniqueItems(EcsProperties.PhaseItem))
        {
            var subject = $"{EcsProperties.PhaseItem} '{item.Include}'";
            var valid = true;
            var count = values.MetadataInt(item, subject, "Count", 0, MaxCount, DiagnosticCodes.PhaseInvalid, ref valid);
            double? percent = null;
            if (item.Get("Percent") is { } text)
            {
                if (double.TryParse(text.TrimEnd('%'), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && parsed is >= 1 and <= 100)
                {
                    percent = parsed;
                }
                else
                {
                    valid = values.Error(DiagnosticCodes.PhaseInvalid, subject, $"{subject} has Percent='{text}', which is not a number from 1 to 100.");
                }
            }

            if (valid && (count is null) == (percent is null))
            {
                valid = values.Error(DiagnosticCodes.PhaseInvalid, subject, $"{subject} needs exactly one of Count (tasks of the new version) or Percent (of the target count), e.g. Percent=\"25\".");
            }

            var urls = new List<Uri>();
            foreach (var url in SettingsValues.SplitList(item.Get("VerifyUrl")))
            {
                if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
                {
                    urls.Add(uri);
                }
                else
                {
                    valid = values.Error(DiagnosticCodes.VerifyUrlInvalid, subject, $"{subject} has VerifyUrl '{url}', which is not an absolute http or https URL.");
                }
            }

            var alarms = SettingsValues.SplitList(item.Get("VerifyAlarm"));
            var pause = values.MetadataInt(item, subject, "PauseMinutes", 0, 1440, DiagnosticCodes.PhaseInvalid, ref valid) ?? 0;
            if (!valid)
            {
                continue;
            }

            var gate = urls.Count > 0 || alarms.Count > 0 ? projectGate with { Urls = urls, Alarms = alarms } : projectGate.Enabled ? projectGate : null;
            phases.Add(new VersionPhase(item.Include, count, percent, gate, pause));
        }

        return phases;
    }

    /// <summary>Phases must grow and end at the whole target (ECS4101), and counts fit in it (ECS4102).</summary>
    public static void CheckPhases(IReadOnlyList<VersionPhase> phases, bool given, int? target, DiagnosticCollection diagnostics)
    {
        ArgumentNullException.ThrowIfNull(phases);
        ArgumentNullException.ThrowIfNull(diagnostics);
        if (!given || phases.Count == 0)
        {
            return;
        }

        foreach (var phase in phases.Where(p => p.Count > target))
        {
            diagnostics.Error(DiagnosticCodes.PhaseCountAboveTarget, $"{EcsProperties.PhaseItem} '{phase.Name}'",
                string.Create(CultureInfo.InvariantCulture, $"{EcsProperties.PhaseItem} '{phase.Name}' has Count={phase.Count}, above the target count {EcsProperties.DesiredCount}={target}."));
        }

        for (var i = 1; i < phases.Count; i++)
        {
            var (before, after) = (phases[i - 1], phases[i]);
            var down = target is { } t
                ? PhasePlan.NewCount(after, t) < PhasePlan.NewCount(before, t)
                : (before.Count is { } b && after.Count < b) || (before.Percent is { } p && after.Percent < p);
            if (down)
            {
                diagnostics.Error(DiagnosticCodes.PhasesDoNotReachTarget, $"{EcsProperties.PhaseItem} '{after.Name}'",
                    $"{EcsProperties.PhaseItem} '{after.Name}' ({after.Describe()}) is smaller than '{before.Name}' ({before.Describe()}) before it: phases only grow the new version.");
            }
        }

        var last = phases[^1];
        var complete = last.Percent is >= 100 || (last.Count is { } count && target == count);
        if (!complete)
        {
            diagnostics.Error(DiagnosticCodes.PhasesDoNotReachTarget, $"{EcsProperties.PhaseItem} '{last.Name}'",
                $"The last {EcsProperties.PhaseItem} '{last.Name}' ({last.Describe()}) does not reach the whole target: end with Percent=\"100\"{(target is null ? $" (or a Count equal to {EcsProperties.DesiredCount})" : string.Create(CultureInfo.InvariantCulture, $" or Count=\"{target}\""))}.");
        }
    }
}
