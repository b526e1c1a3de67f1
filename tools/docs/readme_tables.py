#!/usr/bin/env python3
"""Regenerates the README's properties and error-code tables from the engine's catalogues.

The tables sit between marker comments (<!-- properties:begin --> ... <!-- properties:end -->, and the same for codes).
Source of truth: src/EcsBuildTasks.Core/Settings/EcsProperties*.cs (Documented: the main file, then the other areas'
partial files) and src/EcsBuildTasks.Core/Diagnostics/DiagnosticCodes*.cs. DocumentationTests fail when the README is out
of step.

Usage: tools/docs/readme_tables.py        (rewrites README.md in place)
"""
import glob, os, re

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def catalogue(pattern, main):
    """The main file first (its order is the README's), then the areas' partial files."""
    files = sorted(glob.glob(os.path.join(ROOT, pattern)))
    first = os.path.join(ROOT, main)
    return "\n".join(open(f).read() for f in [first] + [f for f in files if f != first])


def properties_table():
    source = catalogue("src/EcsBuildTasks.Core/Settings/EcsProperties*.cs", "src/EcsBuildTasks.Core/Settings/EcsProperties.cs")
    constants = dict(re.findall(r'public const string (\w+) = "([^"]+)";', source))
    rows = re.findall(r'^\s+([PI])\((\w+), "((?:[^"\\]|\\.)*)", "((?:[^"\\]|\\.)*)"\),', source, re.M)
    lines = ["| Property | Description | Default |", "|---|---|---|"]
    lines += [f"| `{constants[name]}` | {desc} | {default} |" for kind, name, desc, default in rows if kind == "P"]
    lines += ["", "| Item | Description | Default |", "|---|---|---|"]
    lines += [f"| `{constants[name]}` | {desc} | {default} |" for kind, name, desc, default in rows if kind == "I"]
    return "\n".join(lines)


def codes_table():
    source = catalogue("src/EcsBuildTasks.Core/Diagnostics/DiagnosticCodes*.cs", "src/EcsBuildTasks.Core/Diagnostics/DiagnosticCodes.cs")
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
