#!/usr/bin/env python3
"""Records which methods of the tasks a deployment runs, for the package's partial ReadyToRun.

Publishes a small web project against LocalEcs (instant mode) with the tasks built from source (IL only, so every
method of ours the deployment runs is compiled by the JIT) and the runtime's JIT summary on
(DOTNET_JitDisasmSummary=1, printed to the build's output): a first deploy, an unchanged redeploy, a changed one and a
dry run, each in one MSBuild process (-m:1). The methods of EcsBuildTasks*, the AWS SDK assemblies and System.IO.Hashing that the JIT
compiled are written, one `Namespace.Type+Nested:Method` a line, to nuget/ReadyToRun/deploy-methods.txt; packing turns
the list into a .mibc profile (tools/ReadyToRunProfile) and precompiles only those methods (crossgen2 --partial).

Record it again when the deploy path changes much (the pack fails when a fifth of the names no longer exist).

LocalEcs's own methods, from its start to the last request, go to nuget/ReadyToRun/localecs-methods.txt (its partial
ReadyToRun in the package, issue 18: LocalEcs's first answer).

Usage: tools/benchmarks/hot-methods.py [--out nuget/ReadyToRun/deploy-methods.txt] [--localecs-out nuget/ReadyToRun/localecs-methods.txt]
"""
import argparse, os, re, shutil, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import deploy  # noqa: E402  (the benchmark's LocalEcs and project helpers)

# The MSBuild task assembly's own types (namespace EcsBuildTasks): left to the JIT, see tools/ReadyToRunProfile.
TASK_LAYER = re.compile(r"EcsBuildTasks\.[^.]+$")
PATTERN = re.compile(r"JIT compiled ((?:EcsBuildTasks|Amazon|ThirdParty|System\.IO\.Hashing)\.[^:\s]+):([^(\s]+)\(")
LOCALECS_PATTERN = re.compile(r"JIT compiled (EcsBuildTasks\.LocalEcs\.[^:\s]+):([^(\s]+)\(")


def strip_generics(name):
    while True:
        stripped = re.sub(r"\[[^\[\]]*\]", "", name)
        if stripped == name:
            return name
        name = stripped


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=os.path.join(deploy.ROOT, "nuget", "ReadyToRun", "deploy-methods.txt"))
    parser.add_argument("--localecs-out", default=os.path.join(deploy.ROOT, "nuget", "ReadyToRun", "localecs-methods.txt"))
    args = parser.parse_args()
    subprocess.run(["dotnet", "build", os.path.join(deploy.ROOT, "src", "EcsBuildTasks.LocalEcs"), "-c", deploy.CONFIG, "-v:q", "-nologo"], check=True, env=deploy.ENV)
    tree = deploy.Tree("this", deploy.ROOT)
    deploy.TREES.append(tree)
    work = tempfile.mkdtemp(prefix="ecs-hot-methods-")
    methods = set()
    try:
        tree.prepare("source", work)
        # LocalEcs's own methods, from its start to the last request of these deployments (its partial ReadyToRun).
        localecs_jit = os.path.join(work, "localecs-jit.txt")
        process, port = deploy.start_localecs(0, work, dict(deploy.ENV, DOTNET_JitDisasmSummary="1", DOTNET_TieredPGO="0", DOTNET_JitStdOutFile=localecs_jit))
        try:
            directory = os.path.join(work, "hot")
            deploy.project(directory, "hot", port)
            env = dict(deploy.ENV, DOTNET_JitDisasmSummary="1", DOTNET_TieredPGO="0")
            publish = ["dotnet", "publish", "-c", deploy.CONFIG, "-p:EcsDeploy=true", "-nodeReuse:false", "-m:1"]
            runs = [("first deploy", publish, 0), ("unchanged redeploy", publish, 0), ("changed redeploy", publish, 1), ("dry run", publish + ["-p:EcsDryRun=true"], 2)]
            for label, command, revision in runs:
                deploy.write_program(directory, revision)
                _, output = deploy.run(command, directory, env)
                found = {f"{strip_generics(m.group(1))}:{strip_generics(m.group(2))}" for m in PATTERN.finditer(output) if not TASK_LAYER.match(strip_generics(m.group(1)))}
                print(f"{label}: {len(found)} methods of ours compiled by the JIT")
                methods |= found
        finally:
            process.terminate()
            process.wait()
        with open(localecs_jit, errors="replace") as f:
            localecs = {f"{strip_generics(m.group(1))}:{strip_generics(m.group(2))}" for m in LOCALECS_PATTERN.finditer(f.read())}
        print(f"LocalEcs: {len(localecs)} of its methods compiled by the JIT from its start to the last request")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    with open(args.localecs_out, "w") as f:
        f.write("# Methods LocalEcs runs to start and to serve the deployments of tools/benchmarks/hot-methods.py: the package\n")
        f.write("# precompiles these (partial ReadyToRun) and leaves the rest to the JIT. Recorded by tools/benchmarks/hot-methods.py.\n")
        for method in sorted(localecs):
            f.write(method + "\n")
    print(f"{len(localecs)} methods written to {args.localecs_out}")
    with open(args.out, "w") as f:
        f.write("# Methods a deployment runs (first deploy, unchanged and changed redeploy, dry run against LocalEcs): the package\n")
        f.write("# precompiles these (partial ReadyToRun) and leaves the rest to the JIT. Recorded by tools/benchmarks/hot-methods.py.\n")
        for method in sorted(methods):
            f.write(method + "\n")
    print(f"{len(methods)} methods written to {args.out}")


if __name__ == "__main__":
    main()
