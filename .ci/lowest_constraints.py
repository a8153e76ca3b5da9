"""Print a pip constraints file that pins every dependency, test extras included, to the lower bound
pyproject.toml declares for it, so CI can prove those bounds are true."""

import re
import sys
import tomllib

with open(sys.argv[1] if len(sys.argv) > 1 else "pyproject.toml", "rb") as handle:
    project = tomllib.load(handle)["project"]
requirements = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
for requirement in requirements:
    found = re.match(r"\s*([A-Za-z0-9._-]+)\s*(?:\[[^\]]*\])?\s*([^;]*)", requirement)
    name, specifiers = found.group(1), found.group(2)
    lower = re.search(r">=\s*([^,\s]+)", specifiers)
    if lower is None:
        sys.exit(f"{requirement!r} has no lower bound: pyproject.toml must state one for every dependency")
    print(f"{name}=={lower.group(1)}")
