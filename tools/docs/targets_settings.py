#!/usr/bin/env python3
"""Regenerates the lines of nuget/build/EcsBuildTasks.targets that pass the project's Ecs* properties and items to the tasks.

The lines sit between marker comments (<!-- settings:begin --> ... <!-- settings:end -->, and the same for items), one
_EcsSetting (property) or _EcsItem (item type) per documented setting of the property catalogue
(src/EcsBuildTasks.Core/Settings/EcsProperties*.cs, in the order of Documented), except ReadByTargetsOnly. The inputs the
engine reads from the .NET SDK are written by hand outside the markers. DocumentationTests fail when the targets are out of
step with the catalogue.

Usage: tools/docs/targets_settings.py        (rewrites nuget/build/EcsBuildTasks.targets in place)
"""
import os, re, sys

sys.path.insert(0, os.path.dirname(__file__))
from readme_tables import ROOT, catalogue_sources  # noqa: E402


def documented():
    """(kind, name) of every documented setting, in the order of Documented; kind is P or I."""
    everything = "\n".join(catalogue_sources("src/EcsBuildTasks.Core/Settings", "EcsProperties").values())
    constants = dict(re.findall(r'public const string (\w+) = "([^"]+)";', everything))
    order = re.search(r"Documented \{ get; \} = \[([^\]]*)\]", everything).group(1)
    targets_only = re.search(r"ReadByTargetsOnly \{ get; \} = \[([^\]]*)\]", everything).group(1)
    skipped = {constants[name.strip()] for name in targets_only.split(",") if name.strip()}
    rows = []
    for array in re.findall(r"\.\.\s*(\w+)", order):
        body = re.search(rf"{array} =>\s*\[(.*?)\];", everything, re.S)
        rows += [(kind, constants[name]) for kind, name in re.findall(r'^\s+([PI])\((\w+),', body.group(1), re.M)]
    return [(kind, name) for kind, name in rows if name not in skipped]


def lines(kind):
    indent = " " * 6
    if kind == "P":
        return [f'{indent}<_EcsSetting Include="{name}" Value="$({name})" />' for k, name in documented() if k == "P"]
    # EcsDefinedIn: the file that defined each item (batched on the source item), so that a publish profile's item replaces the project's item of the same Include.
    return [f'{indent}<_EcsItem Include="@({name})" EcsItemType="{name}" EcsDefinedIn="%({name}.DefiningProjectFullPath)" />' for k, name in documented() if k == "I"]


def replace(text, name, block):
    pattern = re.compile(rf"(<!-- {name}:begin[^\n]*-->\n).*?([ \t]*<!-- {name}:end -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"the targets have no <!-- {name}:begin --> / <!-- {name}:end --> markers")
    return pattern.sub(lambda m: m.group(1) + "".join(line + "\n" for line in block) + m.group(2), text)


if __name__ == "__main__":
    path = os.path.join(ROOT, "nuget", "build", "EcsBuildTasks.targets")
    text = open(path).read()
    text = replace(text, "settings", lines("P"))
    text = replace(text, "items", lines("I"))
    open(path, "w").write(text)
