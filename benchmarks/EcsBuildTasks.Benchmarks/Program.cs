using BenchmarkDotNet.Running;
using EcsBuildTasks.Benchmarks;

// `-- traffic-shifting` runs the blue/green, canary and linear deployment benchmark; anything else goes to BenchmarkDotNet.
if (args is ["traffic-shifting", .. var rest])
{
    return await TrafficShiftingBenchmark.RunAsync(rest);
}

// `-- versioned` runs the 3-phase Versioned deployment benchmark.
if (args is ["versioned", .. var versionedArgs])
{
    return await VersionedBenchmark.RunAsync(versionedArgs);
}

BenchmarkSwitcher.FromAssembly(typeof(TrafficShiftingBenchmark).Assembly).Run(args);
return 0;
