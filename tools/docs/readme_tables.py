#!/usr/bin/env python3
"""Regenerates the README's properties and error-code tables from the engine's catalogues.

The tables sit between marker comments (<!-- properties:begin --> ... <!-- properties:end -->, and the same for codes).
Source of truth: src/EcsBuildTasks.Core/Settings/EcsProperties*.cs (Documented, in its order) and
src/EcsBuildTasks.Core/Diagnostics/DiagnosticCodes*.cs (one file per area). DocumentationTests fail when the README is out of step.

Usage: tools/docs/readme_tables.py        (rewrites README.md in place)
"""
import os, re

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def catalogue_sources(directory, stem):
    """The catalogue's files: Name.cs and its per-area partials Name.Area.cs."""
    folder = os.path.join(ROOT, directory)
    names = sorted(f for f in os.listdir(folder) if f == f"{stem}.cs" or (f.startswith(stem + ".") and f.endswith(".cs")))
    return {name: open(os.path.join(folder, name)).read() for name in names}


def properties_table():
    sources = catalogue_sources("src/EcsBuildTasks.Core/Settings", "EcsProperties")
    everything = "\n".join(sources.values())
    constants = dict(re.findall(r'public const string (\w+) = "([^"]+)";', everything))
    # Rows in the order Documented concatenates the per-area arrays (e.g. [.. CoreSettings, .. TrafficShiftingSettings]).
    order = re.search(r"Documented \{ get; \} = \[([^\]]*)\]", everything).group(1)
    rows = []
    for array in re.findall(r"\.\.\s*(\w+)", order):
        body = re.search(rf"{array} =>\s*\[(.*?)\];", everything, re.S)
        if body:
            rows += re.findall(r'^\s+([PI])\((\w+), "((?:[^"\\]|\\.)*)", "((?:[^"\\]|\\.)*)"\),', body.group(1), re.M)
    lines = ["| Property | Description | Default |", "|---|---|---|"]
    lines += [f"| `{constants[name]}` | {desc} | {default} |" for kind, name, desc, default in rows if kind == "P"]
    lines += ["", "| Item | Description | Default |", "|---|---|---|"]
    lines += [f"| `{constants[name]}` | {desc} | {default} |" for kind, name, desc, default in rows if kind == "I"]
    return "\n".join(lines)


def codes_table():
    source = "\n".join(catalogue_sources("src/EcsBuildTasks.Core/Diagnostics", "DiagnosticCodes").values())
    lines = ["| Code | Meaning |", "|---|---|"]
    lines += [f"| {code} | {title} |" for code, title in sorted(re.findall(r'new\("(ECS\d{4})", "([^"]+)"\)', source))]
    return "\n".join(lines)


def replace(text, name, table):
    pattern = re.compile(rf"(<!-- {name}:begin -->\n).*?(<!-- {name}:end -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"README.md has no <!-- {name}:begin --> / <!-- {name}:end --> markers")
    return pattern.sub(lambda m: m.group(1) + table + "\n" + m.group(2), text)


if __name__ == "__main__":
    path = os.path.join(ROOT, "README.md")
    text = open(path).read()
    text = replace(text, "properties", properties_table())
    text = replace(text, "codes", codes_table())
    open(path, "w").write(text)
