using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Build.Framework;

namespace EcsBuildTasks;

/// <summary>
/// The process a build's LocalEcs lease follows: the MSBuild process the project builds in, or, when the task runs in a
/// task host of its own (Visual Studio and msbuild.exe run our .NET tasks that way, one short-lived process per task),
/// the process that started the task host.
/// </summary>
internal static class BuildProcess
{
    public static int Id(IBuildEngine buildEngine) =>
        IsTaskHost(buildEngine) ? ParentProcessId() ?? Environment.ProcessId : Environment.ProcessId;

    /// <summary>Whether the task runs in a task host, which ends with the task (and disposes what the task registered).</summary>
    public static bool IsTaskHost(IBuildEngine buildEngine) => buildEngine.GetType().Name == "OutOfProcTaskHostNode";

    private static int? ParentProcessId()
    {
        if (OperatingSystem.IsWindows())
        {
            using var self = System.Diagnostics.Process.GetCurrentProcess();
            var information = default(ProcessBasicInformation);
            return NativeMethods.NtQueryInformationProcess(self.Handle, 0, ref information, Marshal.SizeOf<ProcessBasicInformation>(), out _) == 0
                ? (int)information.InheritedFromUniqueProcessId
                : null;
        }

        try
        {
            // /proc/self/stat: "pid (comm) state ppid ..."; comm may hold spaces, so split after its last ')'.
            var stat = File.ReadAllText("/proc/self/stat");
            var fields = stat[(stat.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct ProcessBasicInformation
    {
        public nint ExitStatus;
        public nint PebBaseAddress;
        public nint AffinityMask;
        public nint BasePriority;
        public nint UniqueProcessId;
        public nint InheritedFromUniqueProcessId;
    }

    private static class NativeMethods
    {
        [DllImport("ntdll.dll")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
        public static extern int NtQueryInformationProcess(nint processHandle, int processInformationClass, ref ProcessBasicInformation processInformation, int processInformationLength, out int returnLength);
    }
}
