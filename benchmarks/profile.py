"""Where steplint's time goes: a cProfile of `steplint check` on the generated corpus (one process),
the import cost of a cold start (`python -X importtime`), and the loader against PyYAML alone.

    python benchmarks/profile.py [--files 2000] [--python PATH] [--no-write]

Uses the same private environment as run.py (built from HEAD on first use) unless --python is
given; writes benchmarks/profile.md. cProfile inflates pure-Python code more than C code, so its
shares are indicative; the loader table is measured without a profiler (process time, best of 3).
"""

from __future__ import annotations

import argparse
import collections
import os
import pstats
import random
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import generate  # noqa: E402
import run as bench  # noqa: E402

# (label, filename suffix, function name): cumulative time of these, from the profile
STAGES = [
    ("load: YAML events -> tree + positions", "steplint/loading.py", "load_bytes"),
    ("detect: every dialect's score()", "steplint/frameworks/__init__.py", "detect"),
    ("interpolation: ${...}", "steplint/interpolation.py", "resolve"),
    ("adapt: dialect -> TrainingRun", "steplint/frameworks/", "adapt"),
    ("plan: derive", "steplint/plan.py", "derive"),
    ("plan: to_dict (for the report)", "steplint/plan.py", "to_dict"),
    ("rules: every check()", "/sl", "check"),
    ("findings: positions, selection", "steplint/engine.py", "_findings"),
    ("suppressions", "steplint/engine.py", "_suppress"),
    ("JSON report: file() + finish()", "steplint/report/json_format.py", ""),
    ("whole per-file pipeline (engine.check_bytes)", "steplint/engine.py", "check_bytes"),
]

LOADER = r"""
import json, os, sys, time, yaml
from steplint.loading import load_bytes
files = []
for root, dirs, names in os.walk(sys.argv[1]):
    for name in names:
        if name.endswith((".yaml", ".yml", ".json")):
            path = os.path.join(root, name)
            with open(path, "rb") as fh:
                files.append((path, fh.read()))
def events(path, raw):
    loader = yaml.CSafeLoader(raw.decode())
    while loader.check_event():
        loader.get_event()
    loader.dispose()
cases = [("steplint.loading.load_bytes (events -> values + positions)", load_bytes),
         ("PyYAML CSafeLoader yaml.load (json.loads for .json): the floor",
          lambda p, b: json.loads(b) if p.endswith(".json") else yaml.load(b, Loader=yaml.CSafeLoader)),
         ("PyYAML CSafeLoader events only (no tree)", events)]
for label, fn in cases:
    best = 1e9
    for _ in range(3):
        start = time.process_time()
        for path, raw in files:
            fn(path, raw)
        best = min(best, time.process_time() - start)
    print(f"{label}\t{best * 1000 / len(files):.3f}")
"""


def stage_table(stats: pstats.Stats) -> list[tuple[str, float, int]]:
    rows = []
    raw = stats.stats  # type: ignore[attr-defined]
    for label, suffix, func in STAGES:
        total, calls = 0.0, 0
        for (filename, _, name), (_, ncalls, _, cumtime, _) in raw.items():
            path = filename.replace(os.sep, "/")
            if suffix in path and (not func or name == func):
                if func == "" and name not in ("file", "finish"):
                    continue
                total += cumtime
                calls += ncalls
        rows.append((label, total, calls))
    return rows


def importtime(python: str, argv: list[str], runs: int = 7) -> tuple[float, list[tuple[str, float]], list[tuple[str, float]]]:
    samples = []
    for _ in range(runs):
        err = subprocess.run([python, "-X", "importtime", *argv], capture_output=True, text=True).stderr
        selfs = {}
        for line in err.splitlines():
            if not line.startswith("import time:") or "self [us]" in line:
                continue
            _, _self_us, _, name = line.split("|")[0], *line.split("|")
            selfs[name.strip()] = int(line.split(":")[1].split("|")[0])
        samples.append(selfs)
    names = set().union(*samples)
    median = {n: statistics.median(s.get(n, 0) for s in samples) for n in names}
    groups: collections.Counter = collections.Counter()
    for name, us in median.items():
        top = name.split(".")[0]
        if top in ("pydantic", "pydantic_core", "annotated_types", "typing_extensions", "typing_inspection"):
            top = "pydantic (+ pydantic_core, annotated_types, typing_extensions, typing_inspection)"
        elif top == "steplint":
            top = "steplint." + name.split(".")[1] if "." in name else "steplint"
        groups[top] += us / 1000
    singles = sorted(((n, us / 1000) for n, us in median.items()), key=lambda kv: -kv[1])[:15]
    return sum(median.values()) / 1000, groups.most_common(18), singles


def cold_ladder(python: str, one: str, env: dict, runs: int = 11) -> list[tuple[str, float]]:
    """Minimum wall time of growing import sets: what each layer adds to a cold start."""
    import time
    steps = [("python -c pass", ["-c", "pass"]), ("import yaml", ["-c", "import yaml"]),
             ("import click", ["-c", "import click"]), ("from pydantic import BaseModel", ["-c", "from pydantic import BaseModel"]),
             ("import steplint.model (pydantic + the canonical models)", ["-c", "import steplint.model"]),
             ("import steplint.engine (+ dialects, rules, loading)", ["-c", "import steplint.engine"]),
             ("steplint --version (cli only)", ["-m", "steplint", "--version"]),
             ("steplint check one.yaml", ["-m", "steplint", "check", one]),
             ("yamllint one.yaml", ["-m", "yamllint", one])]
    best = {label: float("inf") for label, _ in steps}
    for _ in range(runs):
        for label, args in steps:
            start = time.perf_counter()
            subprocess.run([python, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
            best[label] = min(best[label], time.perf_counter() - start)
    return [(label, best[label] * 1000) for label, _ in steps]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="profile steplint on the generated corpus and at cold start")
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--python", help="interpreter whose environment has steplint (default: run.py's venv)")
    parser.add_argument("--tree", action="store_true", help="with the default venv: install the working tree")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    work = tempfile.mkdtemp(prefix="steplint-profile-")
    try:
        python = args.python or bench.setup_venv(work, args.tree)
        info = bench.versions(python)
        corpus = os.path.join(work, "corpus")
        generate.generate_corpus(corpus, args.files, seed=0)
        one = os.path.join(work, "one.yaml")
        with open(one, "w", encoding="utf-8") as fh:
            fh.write(generate.generic(random.Random(7), None)[1])
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "STEPLINT"))}
        prof = os.path.join(work, "corpus.prof")
        subprocess.run([python, "-m", "cProfile", "-o", prof, "-m", "steplint", "check", corpus, "--format", "json",
                        "--jobs", "1"], stdout=subprocess.DEVNULL, env=env, check=False)
        stats = pstats.Stats(prof)
        total = stats.total_tt  # type: ignore[attr-defined]
        out = ["# Where steplint's time goes", "",
               f"steplint {info['steplint']} (commit {info['commit']}), Python {info['python']}, pydantic "
               f"{info['pydantic']}, PyYAML {info['pyyaml']}. Produced by `python benchmarks/profile.py`.", "",
               f"## cProfile of `steplint check CORPUS --format json --jobs 1` on {args.files:,} generated files", "",
               f"Total under the profiler: {total:.2f} s (the profiler roughly doubles pure-Python time).", "",
               "| stage | cumulative (s) | share of total | calls |", "|---|---|---|---|"]
        for label, t, calls in stage_table(stats):
            out.append(f"| {label} | {t:.2f} | {t / total * 100:.0f} % | {calls:,} |")
        out += ["", "Top functions by own time:", "", "| own time (s) | calls | function |", "|---|---|---|"]
        ranked = sorted(stats.stats.items(), key=lambda kv: -kv[1][2])[:25]  # type: ignore[attr-defined]
        for (filename, line, name), (_, ncalls, tottime, _, _) in ranked:
            short = filename.split("site-packages/")[-1].split("lib/python3")[-1]
            out.append(f"| {tottime:.3f} | {ncalls:,} | `{short}:{line}({name})` |")
        loader = subprocess.run([python, "-c", LOADER, corpus], capture_output=True, text=True, env=env, check=True).stdout
        out += ["", "## The loader alone, no profiler (process time, best of 3)", "", "| loader | ms per file |", "|---|---|"]
        for line in loader.strip().splitlines():
            label, ms = line.split("\t")
            out.append(f"| {label} | {float(ms):.3f} |")
        out += ["", "## Cold start, layer by layer (minimum wall time of 11 runs, no profiler)", "",
                "| command | ms |", "|---|---|"]
        out += [f"| `{label}` | {ms:.0f} |" for label, ms in cold_ladder(python, one, env)]
        total_ms, groups, singles = importtime(python, ["-m", "steplint", "check", one])
        out += ["", "## Cold start: `python -X importtime -m steplint check one.yaml` (median of 7, self times)", "",
                f"Sum of import self times: {total_ms:.0f} ms (importtime adds its own overhead).", "",
                "| package | import self time (ms) |", "|---|---|"]
        # importlib.metadata (with email, csv, zipfile, socket) comes from pydantic's plugin loader,
        # hmac/_hashlib from pydantic.types (secrets): check `python -X importtime` for the parents
        out += [f"| {name} | {ms:.1f} |" for name, ms in groups]
        out += ["", "Largest single modules (self time; a steplint module's self time includes building its "
                "pydantic models and dataclasses and compiling its regexes):", "", "| module | ms |", "|---|---|"]
        out += [f"| {name} | {ms:.1f} |" for name, ms in singles]
        text = "\n".join(out) + "\n"
        print(text)
        if not args.no_write:
            with open(os.path.join(HERE, "profile.md"), "w", encoding="utf-8") as fh:
                fh.write(text)
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
