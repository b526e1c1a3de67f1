#!/usr/bin/env python3
"""A solution publish of N services against one service (issue 14): do the ECS waits overlap?

LocalEcs runs at --time-scale 1 (simulated time is real time), so each ECS deployment takes the seconds it would take
on AWS's scale of LocalEcs's simulation (tasks provisioning, pulling, starting, turning healthy). One folder holds the
largest solution's projects (svc-01 … svc-NN, each an ASP.NET Core service of one task, Fargate 256/512); a solution
of the first N of them is published with `dotnet publish SolutionN.slnx -p:EcsDeploy=true` (MSBuild's parallelism,
the CLI's default -m), after a warm-up publish of the largest solution (restore, first build, services created), and
every measured publish deploys a new revision of each project it publishes (a changed Program.cs, so each really
compiles and pushes a new image).

Measured, in one run:
  single   `dotnet publish svc-01.csproj -p:EcsDeploy=true`: wall time T1 and its ECS wait w1 (`waitSeconds` in
           ecs-deployment.json); its build-and-push time b1 = T1 - w1 (everything but the wait: MSBuild, compile,
           publish, image push, preflight, registration, update).
  solution `dotnet publish SolutionN.slnx -p:EcsDeploy=true` for each N: wall time TN, each project's wait, how many of
           the waits went on at the same time, the combined result ecs-deployments.json.
Goal (issue 14): TN <= N x b1 + 1.2 x (the longest wait of the N): the waits overlap instead of adding up. One after
another would take about N x T1.

The tasks are src/EcsBuildTasks/bin (JIT compiled) unless --package NUPKG gives a packed package (ReadyToRun).

With the CLI's default -m (one node per core), MSBuild holds at most nodes + 1 builds running or waiting (3 on 2 cores),
so more services than that queue behind the first waits; `--offset` also publishes each size with
MSBUILDNODELIMITOFFSET set to what ECS7090 names (every wait overlaps), right after the default publish of that size.

Usage: tools/benchmarks/solution.py [--sizes 5 10] [--runs 1] [--package NUPKG] [--sequential N] [--offset]
  --sequential N: also publish the first N projects one after another (the real sum, instead of N x T1)
"""
import argparse, datetime, json, os, shutil, statistics, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import deploy  # noqa: E402  (the LocalEcs start, the trees and the environment of tools/benchmarks/deploy.py)

CONFIG = deploy.CONFIG


def write_solution(work, names, label):
    path = os.path.join(work, f"{label}.slnx")
    with open(path, "w") as f:
        f.write("<Solution>\n" + "".join(f'  <Project Path="{n}/{n}.csproj" />\n' for n in names) + "</Solution>\n")
    return path


def publish(target, cwd, env=None):
    started = time.perf_counter()
    result = subprocess.run(["dotnet", "publish", target, "-c", CONFIG, "-p:EcsDeploy=true", "-nodeReuse:false", "--no-restore"],
                            cwd=cwd, env=env or deploy.ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"dotnet publish {target} failed:\n{result.stdout[-6000:]}")
    return elapsed, result.stdout


def result_of(work, name):
    return deploy.result_of(os.path.join(work, name))


def instant(text):
    return datetime.datetime.fromisoformat(text)


def most_at_once(intervals):
    """How many of the intervals (start, end) overlap at the busiest instant."""
    events = sorted([(s, 1) for s, _ in intervals] + [(e, -1) for _, e in intervals])
    busiest = current = 0
    for _, change in events:
        current += change
        busiest = max(busiest, current)
    return busiest


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[5, 10])
    parser.add_argument("--runs", type=int, default=1, help="measured publishes of each solution (a new revision each)")
    parser.add_argument("--package", metavar="NUPKG", help="the package's tasks (ReadyToRun) instead of src/EcsBuildTasks/bin")
    parser.add_argument("--sequential", type=int, default=0, metavar="N", help="also publish the first N projects one after another")
    parser.add_argument("--offset", action="store_true", help="also publish each size with MSBUILDNODELIMITOFFSET set so that every wait overlaps")
    args = parser.parse_args()
    largest = max(args.sizes + [args.sequential])
    subprocess.run(["dotnet", "build", os.path.join(deploy.ROOT, "src", "EcsBuildTasks.LocalEcs"), "-c", CONFIG, "-v:q", "-nologo"], check=True, env=deploy.ENV)
    tree = deploy.Tree("this", deploy.ROOT, args.package)
    work = tempfile.mkdtemp(prefix="ecs-solution-bench-")
    process = None
    try:
        tree.prepare("package" if args.package else "source", work)
        process, port = deploy.start_localecs(1, work)
        names = [f"svc-{i:02d}" for i in range(1, largest + 1)]
        for name in names:
            deploy.project(os.path.join(work, name), name, port, tree)
        solutions = {n: write_solution(work, names[:n], f"Solution{n}") for n in args.sizes}
        everything = write_solution(work, names, "Everything")
        subprocess.run(["dotnet", "restore", everything, "-v:q", "-nologo"], cwd=work, env=deploy.ENV, check=True, stdout=subprocess.DEVNULL)
        warm, _ = publish(everything, work)
        print(f"warm-up: {largest} services created in one solution publish, {warm:.1f} s (not counted)")

        revision = 1
        deploy.write_program(os.path.join(work, names[0]), revision)
        t1, _ = publish(os.path.join(names[0], f"{names[0]}.csproj"), work)
        single = result_of(work, names[0])
        w1 = single["waitSeconds"]
        b1 = t1 - w1
        print(f"single service: T1 {t1:.1f} s = build-and-push b1 {b1:.1f} s + ECS wait w1 {w1:.1f} s ({single['status']})")

        if args.sequential:
            revision += 1
            total = 0.0
            for name in names[:args.sequential]:
                deploy.write_program(os.path.join(work, name), revision)
                elapsed, _ = publish(os.path.join(name, f"{name}.csproj"), work)
                total += elapsed
            print(f"one after another: {args.sequential} services, {total:.1f} s (N x T1 estimate {args.sequential * t1:.1f} s)")

        nodes = os.cpu_count() or 1
        variants = [None]
        if args.offset:
            # What ECS7090 names: MSBuild holds 1 (-m:1), 3 (-m:2) or nodes + 2 requests at once, plus the offset.
            held = 1 if nodes <= 1 else 3 if nodes == 2 else nodes + 2
            variants.append(lambda n: dict(deploy.ENV, MSBUILDNODELIMITOFFSET=str(max(0, n - held))))
        for n, env_of in [(n, v) for n in args.sizes for v in variants]:
            walls, rows = [], []
            env = env_of(n) if env_of else None
            label = "" if env is None else f" with MSBUILDNODELIMITOFFSET={env['MSBUILDNODELIMITOFFSET']}"
            for _ in range(args.runs):
                revision += 1
                for name in names[:n]:
                    deploy.write_program(os.path.join(work, name), revision)
                wall, output = publish(solutions[n], work, env)
                results = [result_of(work, name) for name in names[:n]]
                statuses = {r["status"] for r in results}
                if statuses != {"succeeded"}:
                    sys.exit(f"Solution{n}: not every service deployed a new revision: {statuses}\n{output[-4000:]}")
                combined = json.load(open(os.path.join(work, "ecs-deployments.json")))
                waits = [r["waitSeconds"] for r in results]
                intervals = [(instant(r["finishedAt"]) - datetime.timedelta(seconds=r["waitSeconds"]), instant(r["finishedAt"])) for r in results]
                span = (max(e for _, e in intervals) - min(s for s, _ in intervals)).total_seconds()
                bound = n * b1 + 1.2 * max(waits)
                walls.append(wall)
                rows.append((wall, sum(waits), max(waits), span, most_at_once(intervals), bound, combined["succeeded"], "ECS7090" in output))
            wall, waits_sum, longest, span, at_once, bound, listed, warned = rows[walls.index(statistics.median(walls))] if len(rows) % 2 else rows[0]
            print(f"solution of {n}{label}: T{n} {statistics.median(walls):.1f} s (runs: {', '.join(f'{w:.1f}' for w in walls)}); "
                  f"waits: sum {waits_sum:.1f} s, longest {longest:.1f} s, all within {span:.1f} s, up to {at_once} at once; "
                  f"goal N x b1 + 1.2 x longest = {bound:.1f} s: ratio {statistics.median(walls) / bound:.2f} "
                  f"({'met' if statistics.median(walls) <= bound else 'NOT met'}); one after another ~ N x T1 = {n * t1:.1f} s "
                  f"({statistics.median(walls) / (n * t1):.2f} of it); combined result lists {listed} succeeded; ECS7090 {'said' if warned else 'not said'}")
    finally:
        if process is not None:
            process.terminate()
            process.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
