namespace EcsBuildTasks.Core.Definitions;

/// <summary>
/// The Fargate task sizes (CPU units → allowed memory in MiB), from the ECS developer guide's task size table.
/// 8 and 16 vCPU need Linux platform version 1.4.0 or later.
/// </summary>
internal static class FargateSizes
{
    private static readonly (int Cpu, int[] Memory)[] Table =
    [
        (256, [512, 1024, 2048]),
        (512, Steps(1024, 4096, 1024)),
        (1024, Steps(2048, 8192, 1024)),
        (2048, Steps(4096, 16384, 1024)),
        (4096, Steps(8192, 30720, 1024)),
        (8192, Steps(16384, 61440, 4096)),
        (16384, Steps(32768, 122880, 8192)),
    ];

    public static IReadOnlyList<int> CpuValues { get; } = Table.Select(row => row.Cpu).ToArray();

    public static bool IsValidCpu(int cpu) => Array.Exists(Table, row => row.Cpu == cpu);

    /// <summary>The memory sizes allowed with <paramref name="cpu"/>, or empty when the CPU is not a Fargate size.</summary>
    public static IReadOnlyList<int> MemoryFor(int cpu) => Array.Find(Table, row => row.Cpu == cpu).Memory ?? [];

    /// <summary>The smallest CPU size that allows <paramref name="memory"/>, to suggest a fix.</summary>
    public static int? SmallestCpuFor(int memory) => Table.Where(row => row.Memory.Contains(memory)).Select(row => (int?)row.Cpu).FirstOrDefault();

    /// <summary>True for the sizes that need Linux platform version 1.4.0 or later.</summary>
    public static bool NeedsPlatform140(int cpu) => cpu >= 8192;

    /// <summary>A compact description of the allowed memory, e.g. "1024–4096 in steps of 1024".</summary>
    public static string DescribeMemory(int cpu)
    {
        var memory = MemoryFor(cpu);
        if (memory.Count <= 3)
        {
            return string.Join(", ", memory);
        }

        return $"{memory[0]}–{memory[^1]} in steps of {memory[1] - memory[0]}";
    }

    private static int[] Steps(int from, int to, int step) =>
        Enumerable.Range(0, ((to - from) / step) + 1).Select(i => from + (i * step)).ToArray();
}
