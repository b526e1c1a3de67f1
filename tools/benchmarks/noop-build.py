#!/usr/bin/env python3
"""Measures what EcsBuildTasks costs a project that does not deploy.

Three copies of the same ASP.NET Core project are built once, then a no-op incremental `dotnet build` of each is timed
N times, interleaved (A, B, C, A, B, C, ...) so machine noise hits all three alike:
  plain      no EcsBuildTasks at all
  package    EcsBuildTasks imported (props, targets, task assembly), EcsDeploy unset
  deployoff  EcsBuildTasks imported with EcsDeploy=false set explicitly
Prints medians and the ratios package/plain and deployoff/plain. Goal: ratio <= 1.02.

Usage: tools/benchmarks/noop-build.py [--runs 15] [--configuration Release]
"""
import argparse, os, resource, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PROGRAM = 'var app = WebApplication.CreateSlimBuilder(args).Build();\napp.MapGet("/", () => "hello");\napp.Run();\n'


def project(imports: bool, extra: str, configuration: str) -> str:
    task_assembly = os.path.join(ROOT, "src", "EcsBuildTasks", "bin", configuration, "net10.0", "EcsBuildTasks.dll")
    props = f'<Import Project="{ROOT}/nuget/build/EcsBuildTasks.props" />' if imports else ""
    targets = f'<Import Project="{ROOT}/nuget/build/EcsBuildTasks.targets" />' if imports else ""
    return f"""<Project Sdk="Microsoft.NET.Sdk.Web">
  {props}
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <ContainerRepository>bench</ContainerRepository>
    <EcsBuildTasksAssembly>{task_assembly}</EcsBuildTasksAssembly>
    <EcsCluster>prod</EcsCluster>
    <EcsCpu>512</EcsCpu>
    <EcsMemory>1024</EcsMemory>
    {extra}
  </PropertyGroup>
  {targets}
</Project>
"""


def cpu_of_children():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(cmd, cwd):
    """Returns (wall seconds, CPU seconds of the whole process tree). CPU time is far less disturbed by other load."""
    cpu_before = cpu_of_children()
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed in {cwd}:\n{result.stdout}")
    return elapsed, cpu_of_children() - cpu_before


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--configuration", default="Release")
    args = parser.parse_args()

    subprocess.run(["dotnet", "build", os.path.join(ROOT, "src", "EcsBuildTasks"), "-c", args.configuration, "-v:q", "-nologo"], check=True)
    work = tempfile.mkdtemp(prefix="ecs-noop-bench-")
    variants = {"plain": (False, ""), "package": (True, ""), "deployoff": (True, "<EcsDeploy>false</EcsDeploy>")}
    try:
        for name, (imports, extra) in variants.items():
            directory = os.path.join(work, name)
            os.makedirs(directory)
            with open(os.path.join(directory, "bench.csproj"), "w") as f:
                f.write(project(imports, extra, args.configuration))
            with open(os.path.join(directory, "Program.cs"), "w") as f:
                f.write(PROGRAM)
            run(["dotnet", "build", "-c", args.configuration, "-nologo", "-v:q"], directory)  # restore + first build
            run(["dotnet", "build", "-c", args.configuration, "-nologo", "-v:q", "--no-restore"], directory)  # warm-up

        wall = {name: [] for name in variants}
        cpu = {name: [] for name in variants}
        build = ["dotnet", "build", "-c", args.configuration, "-nologo", "-v:q", "--no-restore", "-nodeReuse:false"]
        for _ in range(args.runs):
            for name in variants:
                w, c = run(build, os.path.join(work, name))
                wall[name].append(w)
                cpu[name].append(c)

        print(f"runs per variant: {args.runs} (interleaved), no-op `{' '.join(build)}`")
        for label, series in (("wall", wall), ("cpu", cpu)):
            for name, values in series.items():
                print(f"  {label} {name:10s} median {statistics.median(values):.3f} s  min {min(values):.3f} s  max {max(values):.3f} s")
        for label, series in (("wall", wall), ("cpu", cpu)):
            for name in ("package", "deployoff"):
                median_ratio = statistics.median(series[name]) / statistics.median(series["plain"])
                min_ratio = min(series[name]) / min(series["plain"])
                print(f"ratio {label} {name}/plain: median {median_ratio:.3f}, min {min_ratio:.3f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
