#!/usr/bin/env python3
"""Measures what a deployment costs on top of the image push, against LocalEcs.

1. Overhead: `dotnet publish -t:PublishContainer` (the SDK's push alone, credentials handed in by hand) against
   `dotnet publish -p:EcsDeploy=true` (preflight, ECR, push, registration, service update, waiting), interleaved,
   each run with a changed source file so both really build and push a new image. LocalEcs runs in instant mode
   (--time-scale 0), so ECS itself takes no time and the difference is the tool's own cost.
2. AWS requests of a first deploy, an unchanged redeploy and a changed one (from ecs-deployment.json).
3. How fast the build notices that a deployment finished: LocalEcs at --time-scale 1 (simulated time = real time);
   the service deployment's finishedAt (LocalEcs) against the result's finishedAt (the build).

The tasks are those of the package (`dotnet pack nuget/EcsBuildTasks.csproj`, ReadyToRun for linux-x64), as users get
them; `--tasks source` uses src/EcsBuildTasks/bin instead (JIT compiled), to see what the precompilation saves.

`--compare DIR` measures another checkout of the repository (e.g. a clone at an older commit) in the same run: its
tasks and targets deploy a third project, interleaved with the other two (plain, this tree, the other tree), against
the same LocalEcs, so a change's cost is seen without the machine's drift between two runs.

`--package NUPKG` (and `--compare-package NUPKG`) use packages packed already; `--env DOTNET_ReadyToRun=0` runs every
publish without precompiled code; `--breakdown N` adds N deploys at detailed verbosity and prints where their time went.

Usage: tools/benchmarks/deploy.py [--runs 10] [--latency-runs 5] [--tasks package|source] [--compare DIR] [--package NUPKG]
       [--compare-package NUPKG] [--env NAME=VALUE] [--breakdown N] [--localecs DLL]
"""
import argparse, base64, datetime, glob, json, os, shutil, socket, statistics, subprocess, sys, tempfile, time, urllib.request, zipfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CONFIG = "Release"
TREES = []  # this tree first, then the one given with --compare
LOCALECS = os.path.join(ROOT, "src", "EcsBuildTasks.LocalEcs", "bin", CONFIG, "net10.0", "EcsBuildTasks.LocalEcs.dll")
ENV = dict(os.environ, DOTNET_CLI_TELEMETRY_OPTOUT="1", DOTNET_NOLOGO="1", MSBUILDDISABLENODEREUSE="1", DOTNET_CLI_USE_MSBUILD_SERVER="0",
           AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1", AWS_EC2_METADATA_DISABLED="true",
           AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null", AWS_PAGER="")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_localecs(time_scale, state_dir):
    port = free_port()
    process = subprocess.Popen(["dotnet", LOCALECS, "--port", str(port), "--time-scale", str(time_scale), "--state-file", os.path.join(state_dir, "state.json")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            urllib.request.urlopen(urllib.request.Request(f"http://localhost:{port}/_localecs/health", headers={"LocalEcs-Control": "1"}), timeout=1)
            return process, port
        except OSError:
            time.sleep(0.1)
    process.kill()
    sys.exit("LocalEcs did not start")


class Tree:
    """A checkout whose targets and tasks deploy a project: this repository, or the one given with --compare."""

    def __init__(self, label, root, package=None):
        self.label, self.root, self.package = label, os.path.abspath(root), package
        self.tasks = os.path.join(self.root, "src", "EcsBuildTasks", "bin", CONFIG, "net10.0", "EcsBuildTasks.dll")

    def prepare(self, tasks_kind, work):
        if tasks_kind == "package" and self.package:
            package_file = self.package                # packed already (a pack takes minutes on a busy machine)
        else:
            subprocess.run(["dotnet", "build", os.path.join(self.root, "src", "EcsBuildTasks"), "-c", CONFIG, "-v:q", "-nologo"], check=True, env=ENV)
        if tasks_kind == "package":
            if not self.package:
                feed = os.path.join(work, f"feed-{self.label}")
                subprocess.run(["dotnet", "pack", os.path.join(self.root, "nuget", "EcsBuildTasks.csproj"), "-c", CONFIG, "-o", feed, "-v:q", "-nologo"], check=True, env=ENV)
                package_file = glob.glob(os.path.join(feed, "EcsBuildTasks.*[0-9].nupkg"))[0]
            with zipfile.ZipFile(package_file) as package:
                package.extractall(os.path.join(work, f"package-{self.label}"))
            self.tasks = os.path.join(work, f"package-{self.label}", "tasks", "net10.0", "EcsBuildTasks.dll")
        print(f"tasks ({self.label}): {self.tasks}")


def project(directory, name, port, tree=None):
    tree = tree or TREES[0]
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, f"{name}.csproj"), "w") as f:
        f.write(f"""<Project Sdk="Microsoft.NET.Sdk.Web">
  <Import Project="{tree.root}/nuget/build/EcsBuildTasks.props" />
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <ContainerRepository>{name}</ContainerRepository>
    <ContainerBaseImage>localhost:{port}/localecs/base:latest</ContainerBaseImage>
    <ContainerImageTags>bench</ContainerImageTags>
    <EcsBuildTasksAssembly>{tree.tasks}</EcsBuildTasksAssembly>
    <EcsTarget>local</EcsTarget>
    <EcsEndpointUrl>http://localhost:{port}</EcsEndpointUrl>
    <EcsCluster>bench</EcsCluster>
    <EcsCpu>256</EcsCpu>
    <EcsMemory>512</EcsMemory>
    <EcsExecutionRoleArn>arn:aws:iam::123456789012:role/ecsTaskExecutionRole</EcsExecutionRoleArn>
  </PropertyGroup>
  <Import Project="{tree.root}/nuget/build/EcsBuildTasks.targets" />
</Project>
""")
    write_program(directory, 0)


def write_program(directory, revision):
    with open(os.path.join(directory, "Program.cs"), "w") as f:
        f.write(f'var app = WebApplication.CreateSlimBuilder(args).Build();\napp.MapGet("/", () => "revision {revision}");\napp.Run();\n')


def run(cmd, cwd, env=ENV):
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{result.stdout[-4000:]}")
    return elapsed, result.stdout


def aws(port, *args):
    out = subprocess.run(["aws", "--endpoint-url", f"http://localhost:{port}", "--output", "json", *args], env=ENV, stdout=subprocess.PIPE, check=True, text=True).stdout
    return json.loads(out) if out.strip() else None


def result_of(directory):
    with open(os.path.join(directory, "bin", CONFIG, "net10.0", "publish", "ecs-deployment.json")) as f:
        return json.load(f)


def overhead(runs, work):
    process, port = start_localecs(0, work)
    try:
        plain = os.path.join(work, "plain")
        project(plain, "plain", port)
        deploys = {tree.label: os.path.join(work, f"deploy-{tree.label}") for tree in TREES}
        for tree in TREES:
            project(deploys[tree.label], f"deploy-{tree.label}", port, tree)
        aws(port, "ecr", "create-repository", "--repository-name", "plain")
        token = aws(port, "ecr", "get-authorization-token")["authorizationData"][0]["authorizationToken"]
        password = base64.b64decode(token).decode().split(":", 1)[1]
        push_env = dict(ENV, DOTNET_CONTAINER_PUSH_REGISTRY_UNAME="AWS", DOTNET_CONTAINER_PUSH_REGISTRY_PWORD=password)
        plain_cmd = ["dotnet", "publish", "-c", CONFIG, "-t:PublishContainer", f"-p:ContainerRegistry=localhost:{port}", "-nodeReuse:false"]
        deploy_cmd = ["dotnet", "publish", "-c", CONFIG, "-p:EcsDeploy=true", "-nodeReuse:false"]
        run(plain_cmd, plain, push_env)          # restore, first build, first push
        for directory in deploys.values():
            run(deploy_cmd, directory)           # first deploy creates repository and service
        times = {"plain": [], **{label: [] for label in deploys}}
        calls = {label: [] for label in deploys}
        for i in range(1, runs + 1):
            write_program(plain, i)
            times["plain"].append(run(plain_cmd, plain, push_env)[0])
            for label, directory in deploys.items():
                write_program(directory, i)
                times[label].append(run(deploy_cmd, directory)[0])
                calls[label].append(result_of(directory)["apiCalls"])
        mp = statistics.median(times["plain"])
        print(f"overhead: {runs} interleaved runs, each with a changed Program.cs (new image), LocalEcs --time-scale 0")
        print(f"  dotnet publish -t:PublishContainer   median {mp:.2f} s  (min {min(times['plain']):.2f}, max {max(times['plain']):.2f})")
        for label in deploys:
            md = statistics.median(times[label])
            name = "" if len(deploys) == 1 else f" ({label})"
            print(f"  dotnet publish -p:EcsDeploy=true{name}  median {md:.2f} s  (min {min(times[label]):.2f}, max {max(times[label]):.2f})")
            print(f"  added by EcsDeploy{name}: median {md - mp:+.2f} s, min-to-min {min(times[label]) - min(times['plain']):+.2f} s; AWS requests per changed deploy: {statistics.median(calls[label]):.0f}")

        for tree in TREES:
            counts = os.path.join(work, f"counts-{tree.label}")
            project(counts, f"counts-{tree.label}", port, tree)
            run(deploy_cmd, counts)
            first = result_of(counts)["apiCalls"]
            run(deploy_cmd, counts)
            unchanged = result_of(counts)
            write_program(counts, 99)
            run(deploy_cmd, counts)
            changed = result_of(counts)["apiCalls"]
            name = "" if len(TREES) == 1 else f" ({tree.label})"
            print(f"AWS requests{name}: first deploy {first}, unchanged redeploy {unchanged['apiCalls']} ({unchanged['status']}), changed redeploy {changed}")
    finally:
        process.terminate()
        process.wait()


def breakdown(runs, work):
    """Where a changed deploy's time goes: the tasks' timing lines (EcsTask, detailed verbosity) and MSBuild's summary of targets."""
    if runs == 0:
        return
    process, port = start_localecs(0, os.path.join(work, "breakdown-state"))
    try:
        for tree in TREES:
            directory = os.path.join(work, f"breakdown-{tree.label}")
            project(directory, f"breakdown-{tree.label}", port, tree)
            command = ["dotnet", "publish", "-c", CONFIG, "-p:EcsDeploy=true", "-nodeReuse:false", "-v:d", "-clp:PerformanceSummary"]
            run(command, directory)
            for i in range(1, runs + 1):
                write_program(directory, 100 + i)
                _, output = run(command, directory)
                print(f"breakdown ({tree.label}), run {i}:")
                for line in output.splitlines():
                    if "EcsBuildTasks: timing:" in line:
                        print("  " + line.strip())
                in_targets = False
                for line in output.splitlines():
                    if "Target Performance Summary" in line:
                        in_targets = True
                    elif "Task Performance Summary" in line:
                        in_targets = False
                    elif in_targets and ("Ecs" in line or "PublishContainer" in line or "_ContainerPush" in line or "CoreCompile" in line):
                        print("  target: " + line.strip())
    finally:
        process.terminate()
        process.wait()


def latency(runs, work):
    if runs == 0:
        return
    process, port = start_localecs(1, os.path.join(work, "latency-state"))
    try:
        directories = {tree.label: os.path.join(work, f"latency-{tree.label}") for tree in TREES}
        for tree in TREES:
            project(directories[tree.label], f"latency-{tree.label}", port, tree)
            run(["dotnet", "publish", "-c", CONFIG, "-p:EcsDeploy=true", "-nodeReuse:false"], directories[tree.label])
        delays = {label: [] for label in directories}
        for i in range(1, runs + 1):
            for label, directory in directories.items():
                write_program(directory, i)
                run(["dotnet", "publish", "-c", CONFIG, "-p:EcsDeploy=true", "-nodeReuse:false"], directory)
                result = result_of(directory)
                deployment = aws(port, "ecs", "describe-service-deployments", "--service-deployment-arns", result["serviceDeploymentArn"])["serviceDeployments"][0]
                finished = deployment["finishedAt"]
                finished = datetime.datetime.fromisoformat(finished) if isinstance(finished, str) else datetime.datetime.fromtimestamp(finished, datetime.timezone.utc)
                noticed = datetime.datetime.fromisoformat(result["finishedAt"])
                delays[label].append((noticed - finished).total_seconds())
        for label, values in delays.items():
            name = "" if len(delays) == 1 else f" ({label})"
            print(f"notice delay{name} (LocalEcs --time-scale 1, {runs} deployments): median {statistics.median(values):.2f} s, max {max(values):.2f} s: {', '.join(f'{d:.2f}' for d in values)}")
    finally:
        process.terminate()
        process.wait()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--latency-runs", type=int, default=5)
    parser.add_argument("--tasks", choices=["package", "source"], default="package")
    parser.add_argument("--compare", metavar="DIR", help="another checkout of the repository, measured in the same run (labelled 'other'; this tree is 'this')")
    parser.add_argument("--package", metavar="NUPKG", help="with --tasks package: this tree's package, packed already (instead of packing it here)")
    parser.add_argument("--compare-package", metavar="NUPKG", help="with --tasks package: the other tree's package, packed already")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE", help="an environment variable for every publish (e.g. DOTNET_ReadyToRun=0)")
    parser.add_argument("--breakdown", type=int, default=0, metavar="N", help="N more deploys per tree at detailed verbosity, printing the tasks' timing lines")
    parser.add_argument("--localecs", metavar="DLL", help="the LocalEcs both trees deploy to (default: this tree's build); with --compare of a tree older than "
                        "LocalEcs's control header (issue 16), that tree's LocalEcs, which both understand")
    args = parser.parse_args()
    if args.localecs:
        global LOCALECS
        LOCALECS = os.path.abspath(args.localecs)
    for assignment in args.env:
        name, value = assignment.split("=", 1)
        ENV[name] = value
    TREES.append(Tree("this", ROOT, args.package))
    if args.compare:
        TREES.append(Tree("other", args.compare, args.compare_package))
    subprocess.run(["dotnet", "build", os.path.join(ROOT, "src", "EcsBuildTasks.LocalEcs"), "-c", CONFIG, "-v:q", "-nologo"], check=True, env=ENV)
    work = tempfile.mkdtemp(prefix="ecs-deploy-bench-")
    try:
        for tree in TREES:
            tree.prepare(args.tasks, work)
        overhead(args.runs, work)
        breakdown(args.breakdown, work)
        latency(args.latency_runs, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
