#!/usr/bin/env python3
"""How long LocalEcs takes from `dotnet exec` to its first answer, as a publish with EcsTarget=local starts it.

Each run starts LocalEcs on a free port with a fresh state file (as the build does: `dotnet exec
EcsBuildTasks.LocalEcs.dll --port P --state-file F`), then asks its health endpoint every 5 ms; the time is from the
process start to the first HTTP answer, and to the first answered ECS request (ListClusters, the JSON protocol). Runs
alternate between the variants given, so machine noise hits them alike.

Usage: tools/benchmarks/localecs-start.py [--runs 10] [--assembly PATH]... [--env NAME=VALUE]...
  --assembly: EcsBuildTasks.LocalEcs.dll to start (repeatable; default src/EcsBuildTasks.LocalEcs/bin/Release/net10.0)
"""
import argparse, json, os, shutil, socket, statistics, subprocess, tempfile, time, urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEFAULT = os.path.join(ROOT, "src", "EcsBuildTasks.LocalEcs", "bin", "Release", "net10.0", "EcsBuildTasks.LocalEcs.dll")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def first_answer(assembly, env, work):
    port = free_port()
    state = os.path.join(work, f"state-{port}.json")
    started = time.perf_counter()
    process = subprocess.Popen(["dotnet", "exec", assembly, "--port", str(port), "--state-file", state], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    try:
        health = None
        while time.perf_counter() - started < 30:
            try:
                urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}/_localecs/health", headers={"LocalEcs-Control": "1"}), timeout=1)
                health = time.perf_counter() - started
                break
            except OSError:
                time.sleep(0.005)
        if health is None:
            raise SystemExit(f"LocalEcs ({assembly}) did not answer within 30 s")
        request = urllib.request.Request(f"http://127.0.0.1:{port}/", data=b"{}", headers={
            "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AmazonEC2ContainerServiceV20141113.ListClusters",
            "Authorization": "AWS4-HMAC-SHA256 Credential=localecs/20260101/us-east-1/ecs/aws4_request, SignedHeaders=host, Signature=0"})
        json.load(urllib.request.urlopen(request, timeout=10))
        return health, time.perf_counter() - started
    finally:
        process.terminate()
        process.wait()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--assembly", action="append", default=[])
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE", help="a variant: the default assembly with this environment variable")
    args = parser.parse_args()
    variants = [(path, os.path.abspath(path), {}) for path in (args.assembly or [DEFAULT])]
    for assignment in args.env:
        name, value = assignment.split("=", 1)
        variants.append((f"{os.path.basename(variants[0][1])} with {assignment}", variants[0][1], {name: value}))
    work = tempfile.mkdtemp(prefix="localecs-start-")
    results = {label: [] for label, _, _ in variants}
    try:
        for _ in range(args.runs):
            for label, assembly, extra in variants:
                results[label].append(first_answer(assembly, dict(os.environ, **extra), work))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for label, values in results.items():
        health = [h for h, _ in values]
        ecs = [e for _, e in values]
        print(f"{label}: first answer median {statistics.median(health):.3f} s (min {min(health):.3f}, max {max(health):.3f}); "
              f"first ECS answer median {statistics.median(ecs):.3f} s (min {min(ecs):.3f}, max {max(ecs):.3f}); {args.runs} starts")


if __name__ == "__main__":
    main()
