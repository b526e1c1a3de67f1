using System.Diagnostics;
using System.Globalization;

namespace EcsBuildTasks.LocalEcs.Hosting;

/// <summary>
/// Tells whether a process that held a lease is still the same running process: a process id alone is not enough,
/// because ids are reused, so a lease remembers the process's start time and a process with another start time is a
/// different one. Zombies (exited, not yet reaped by their parent) count as gone.
/// </summary>
internal static class ProcessIdentity
{
    /// <summary>An opaque start mark of the running process <paramref name="processId"/>, or null when none runs.</summary>
    public static string? StartMark(int processId)
    {
        if (processId <= 0)
        {
            return null;
        }

        if (OperatingSystem.IsLinux())
        {
            return LinuxStartMark(processId);
        }

        try
        {
            using var process = Process.GetProcessById(processId);
            return process.HasExited ? null : process.StartTime.ToUniversalTime().Ticks.ToString(CultureInfo.InvariantCulture);
        }
        catch (ArgumentException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Running, but not ours to inspect: treat it as alive with an unknown start.
            return "running";
        }
    }

    /// <summary>Whether <paramref name="processId"/> is still the process that had <paramref name="startMark"/>.</summary>
    public static bool IsSameProcessRunning(int processId, string startMark) => StartMark(processId) == startMark;

    /// <summary>/proc/&lt;pid&gt;/stat: the state (field 3) and the start time in clock ticks since boot (field 22).</summary>
    private static string? LinuxStartMark(int processId)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{processId.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        // The command name (field 2) is in parentheses and may itself hold spaces or ')': split after its last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 20 || fields[0] is "Z" or "X")
        {
            return null;
        }

        return fields[19];
    }
}
