"""steplint benchmark: steplint vs yamllint vs two floors (PyYAML's parse, and compose plus one walk),
on the same generated files.

    python benchmarks/run.py            # full run (~6-10 min on 2 cores); writes results.md and results.json
    python benchmarks/run.py --quick    # a smoke run of the harness (~1 min), results not written by default

Everything runs as child processes of this script, one at a time; each child's wall time is
measured here and its CPU time and peak RSS come from os.wait4() on that one child, so no
measurement mixes two processes. Results are ratios against baselines measured in the same run
(steplint / yamllint, steplint / each floor, per-file cost / the walk floor's, cold-start ratios),
never absolute thresholds.

By default the tools run in a private virtual environment (benchmarks' own, under the temp dir):
steplint is installed non-editable from a snapshot of the committed HEAD (`git archive`; `--tree`
uses the working tree instead), yamllint at the pinned version, from the ordinary package index.
`--python PATH` uses an existing environment that already has both.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Optional

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import generate  # noqa: E402

YAMLLINT_VERSION = "1.38.0"
# yamllint's "relaxed" preset, also told to read .json so that it sees the same files as the others
YAMLLINT_CONFIG = "{extends: relaxed, yaml-files: ['*.yaml', '*.yml', '*.json']}"
MIB = 1024 * 1024

FLOOR = r"""
import json, os, sys, yaml
def files(top):
    if not os.path.isdir(top):
        yield top; return
    for root, dirs, names in os.walk(top):
        dirs.sort()
        for name in sorted(names):
            if name.lower().endswith((".yaml", ".yml", ".json")):
                yield os.path.join(root, name)
for path in files(sys.argv[1]):
    with open(path, "rb") as fh:
        if path.endswith(".json"):
            json.load(fh)
        else:
            yaml.load(fh, Loader=yaml.CSafeLoader)
"""

# The least steplint's loader must do per file (it builds values from libyaml's event stream, as
# here) and the least its pipeline must then do (look at every node once): read and decode the
# file, build plain dicts and lists from the C parser's events (scalars stay their text: no tag
# resolution, no positions, no limits), then one walk that collects every key path.
WALK_FLOOR = FLOOR.split("for path in files")[0] + r"""
MAPPING, SEQUENCE = yaml.MappingStartEvent, yaml.SequenceStartEvent
ENDS = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
VALUES = (yaml.ScalarEvent, yaml.AliasEvent, MAPPING, SEQUENCE)
def compose(text):
    documents, stack, keys, anchors = [], [], [], {}
    for event in yaml.parse(text, Loader=yaml.CSafeLoader):
        kind = type(event)
        if kind in ENDS:
            stack.pop(); keys.pop()
            continue
        if kind not in VALUES:
            continue
        if stack and keys[-1] is None and type(stack[-1]) is dict:
            keys[-1] = event.value  # a key (steplint's loader refuses non-scalar keys too)
            continue
        if kind is yaml.AliasEvent:
            value = anchors.get(event.anchor)
        else:
            value = event.value if kind is yaml.ScalarEvent else {} if kind is MAPPING else []
            if event.anchor is not None:
                anchors[event.anchor] = value
        if not stack:
            documents.append(value)
        elif keys[-1] is not None:
            stack[-1][keys[-1]] = value; keys[-1] = None
        else:
            stack[-1].append(value)
        if kind is MAPPING or kind is SEQUENCE:
            stack.append(value); keys.append(None)
    return documents
def walk(tree):
    paths, todo = [], [((), tree)]
    while todo:
        path, value = todo.pop()
        paths.append(path)
        if type(value) is dict:
            todo.extend((path + (key,), child) for key, child in value.items())
        elif type(value) is list:
            todo.extend((path + (index,), child) for index, child in enumerate(value))
    return paths
for path in files(sys.argv[1]):
    with open(path, "rb") as fh:
        raw = fh.read()
    documents = [json.loads(raw)] if path.endswith(".json") else compose(raw.decode("utf-8"))
    for document in documents:
        walk(document)
"""
# Commands that must succeed (the floors must read every file); the linters exit 1 on findings.
MUST_SUCCEED = ("floor", "walk_floor", "walk_floor_one", "import_deps", "import_yaml", "python")


# ----------------------------------------------------------------------------------------------
# measuring one child

SPAWNER = r"""
import json, os, sys, time
for line in sys.stdin:
    req = json.loads(line)
    actions = [(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
               (os.POSIX_SPAWN_OPEN, 1, req["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
               (os.POSIX_SPAWN_OPEN, 2, req["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)]
    start = time.perf_counter()
    pid = os.posix_spawn(req["argv"][0], req["argv"], req["env"], file_actions=actions)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    print(json.dumps({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "maxrss_kib": usage.ru_maxrss,
                      "rc": os.waitstatus_to_exitcode(status)}), flush=True)
"""


class Spawner:
    """A minimal helper process (python -I -S, started before this script grows) that starts each
    measured child and reaps it with os.wait4. Why not here: a child's ru_maxrss includes the memory
    of the process it was forked or vforked from, so children of this (large) process would all
    report this process's peak. The helper's own footprint is the floor of what it can resolve."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-I", "-S", "-c", SPAWNER], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, bufsize=1)
        self.errfile = tempfile.NamedTemporaryFile(prefix="steplint-bench-stderr-", delete=False).name

    def run(self, argv: list[str], env: dict, stdout_path: str = os.devnull) -> dict:
        request = {"argv": argv, "env": env, "stdout": stdout_path, "stderr": self.errfile}
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        result = json.loads(self.proc.stdout.readline())
        with open(self.errfile, errors="replace") as fh:
            result["stderr"] = fh.read()[-500:]
        result["maxrss_mib"] = result.pop("maxrss_kib") / 1024
        return result

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait()
        os.unlink(self.errfile)


_spawner: Optional[Spawner] = None


def measure(argv: list[str], env: dict, stdout_path: str = os.devnull) -> dict:
    """Run argv to completion: wall seconds, CPU seconds (user + sys, with its reaped workers) and
    peak RSS (of its largest process) of that one child."""
    assert _spawner is not None, "main() starts the spawner"
    return _spawner.run(argv, env, stdout_path)


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            with open(f"/proc/{p}/task/{p}/children") as fh:
                todo.extend(int(c) for c in fh.read().split())
        except OSError:
            pass
    return out


def _memory(pid: int) -> tuple[int, int]:
    """(Rss, Pss) in KiB of one process, from smaps_rollup (Pss shares forked pages fairly)."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


def tree_memory(argv: list[str], env: dict, interval: float = 0.02) -> dict:
    """Peak summed RSS and PSS over the child and all its descendants (worker processes), sampled
    every `interval` s. An untimed run of its own: the sampling costs CPU."""
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    peak_rss = peak_pss = processes = 0
    while proc.poll() is None:
        pids = _descendants(proc.pid)
        total = [_memory(p) for p in pids]
        peak_rss = max(peak_rss, sum(r for r, _ in total))
        peak_pss = max(peak_pss, sum(p for _, p in total))
        processes = max(processes, len(pids))
        time.sleep(interval)
    return {"peak_rss_mib": peak_rss / 1024, "peak_pss_mib": peak_pss / 1024, "processes": processes}


def repeat(commands: dict[str, list[str]], env: dict, runs: int, ok_rc=(0, 1)) -> dict[str, dict]:
    """Run each command `runs` times, interleaved so background load hits all alike, in an order
    reversed every other round (a, b, c, c, b, a...): in a fixed order a command's place in the round
    showed in its time (compare.py A B put B at 1.13x A, and B A put A at 1.07x B)."""
    samples: dict[str, list[dict]] = {name: [] for name in commands}
    order = list(commands.items())
    for round_ in range(runs):
        for name, argv in (order if round_ % 2 == 0 else order[::-1]):
            m = measure(argv, env)
            allowed = (0,) if name in MUST_SUCCEED else ok_rc
            if m["rc"] not in allowed:
                raise SystemExit(f"benchmark: {name} exited {m['rc']}: {' '.join(argv)}\n{m['stderr']}")
            samples[name].append(m)
    return {name: summarize(s) for name, s in samples.items()}


def summarize(samples: list[dict]) -> dict:
    walls = [s["wall"] for s in samples]
    return {"runs": len(samples), "wall_median": statistics.median(walls), "wall_min": min(walls),
            "wall_max": max(walls), "cpu_median": statistics.median(s["cpu"] for s in samples),
            "maxrss_mib": max(s["maxrss_mib"] for s in samples), "walls": [round(w, 4) for w in walls]}


# ----------------------------------------------------------------------------------------------
# environment

def one_per_dialect(corpus: str, target_dir: str) -> int:
    """Copies the first file of each dialect of a generated corpus: the start-up baseline of the
    per-file cost (it imports the framework packages the whole corpus makes steplint import, as they
    load lazily). Returns how many files."""
    seen: set[str] = set()
    with open(os.path.join(corpus, "MANIFEST.tsv"), encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row["dialect"] not in seen:
                seen.add(row["dialect"])
                target = os.path.join(target_dir, row["file"])
                os.makedirs(os.path.dirname(target), exist_ok=True)
                shutil.copyfile(os.path.join(corpus, row["file"]), target)
    return len(seen)


def run_quiet(argv: list[str], **kw) -> str:
    return subprocess.run(argv, check=True, capture_output=True, text=True, **kw).stdout


def setup_venv(work: str, use_tree: bool) -> str:
    """A private venv with steplint (non-editable, from HEAD or the tree) and the pinned yamllint."""
    venv = os.path.join(tempfile.gettempdir(), "steplint-bench-venv")
    python = os.path.join(venv, "bin", "python")
    if not os.path.exists(python):
        print(f"setting up {venv} ...", flush=True)
        run_quiet([sys.executable, "-m", "venv", venv])
    pip = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    src = os.path.join(work, "src-snapshot")
    if use_tree:
        shutil.copytree(REPO, src, ignore=shutil.ignore_patterns(".git", "__pycache__", "*.egg-info", "build"))
    else:
        os.makedirs(src)
        archive = subprocess.run(["git", "-C", REPO, "archive", "HEAD"], check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", src], input=archive, check=True)
    run_quiet(pip + [f"yamllint=={YAMLLINT_VERSION}"])
    run_quiet(pip + ["--force-reinstall", "--no-deps", src])
    run_quiet(pip + [src])  # dependencies, if the first install of this venv
    return python


def versions(python: str) -> dict:
    code = ("import json, sys, yaml, steplint, platform; from importlib.metadata import version;"
            "print(json.dumps({'python': platform.python_version(), 'pyyaml': yaml.__version__,"
            "'libyaml': yaml.__with_libyaml__, 'steplint': steplint.__version__,"
            "'yamllint': version('yamllint'), 'pydantic': version('pydantic'), 'click': version('click'),"
            "'omegaconf': version('omegaconf')}))")
    info = json.loads(run_quiet([python, "-c", code]))
    try:
        commit = run_quiet(["git", "-C", REPO, "rev-parse", "--short", "HEAD"]).strip()
    except (subprocess.CalledProcessError, FileNotFoundError):
        commit = "unknown"
    info.update({"commit": commit, "machine": platform.machine(), "cpus": os.cpu_count(),
                 "system": f"{platform.system()} {platform.release()}"})
    return info


# ----------------------------------------------------------------------------------------------
# the run

def fmt_s(x: float) -> str:
    return f"{x:.3f}" if x < 10 else f"{x:.1f}"


def linear_fit(xs: list[float], ys: list[float]) -> dict:
    """Least squares y = a + b x, and how far the points are from the line (relative)."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else 0.0
    a = my - b * mx
    worst = max(abs(y - (a + b * x)) / y for x, y in zip(xs, ys)) if all(ys) else 0.0
    return {"intercept_s": a, "slope": b, "max_rel_residual": worst}


def sanity(python_bin: str, corpus: str, env: dict, work: str) -> dict:
    """One untimed steplint run with its JSON kept: what it detected and found, per generated dialect."""
    out = os.path.join(work, "steplint-corpus.json")
    measure([python_bin, "check", corpus, "--format", "json"], env, stdout_path=out)
    with open(out) as fh:
        report = json.load(fh)
    manifest = {}
    with open(os.path.join(corpus, "MANIFEST.tsv")) as fh:
        next(fh)
        for line in fh:
            rel, dialect, fault = line.rstrip("\n").split("\t")
            manifest[os.path.join(corpus, rel)] = (dialect, fault)
    flagged = {f["path"] for f in report["findings"] if f["severity"] in ("warning", "error")}
    rows: dict[str, dict] = {}
    for f in report["files"]:
        dialect, fault = manifest[f["path"]]
        row = rows.setdefault(dialect, {"files": 0, "detected_as": {}, "faulty": 0, "faulty_flagged": 0,
                                        "clean": 0, "clean_flagged": 0})
        row["files"] += 1
        row["detected_as"][str(f["dialect"])] = row["detected_as"].get(str(f["dialect"]), 0) + 1
        kind = "clean" if fault == "clean" else "faulty"
        row[kind] += 1
        row[kind + "_flagged"] += f["path"] in flagged
    syntax = sum(1 for f in report["findings"] if f["rule"] == "SL001")
    return {"summary": report["summary"], "syntax_errors": syntax, "by_dialect": rows}


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="steplint vs yamllint vs the parse floor and the walk floor")
    parser.add_argument("--quick", action="store_true", help="small sizes and few repeats (a smoke test)")
    parser.add_argument("--python", help="use this interpreter's environment (must have steplint and yamllint)")
    parser.add_argument("--tree", action="store_true", help="install steplint from the working tree, not HEAD")
    parser.add_argument("--out", default=HERE, help="where results.md and results.json go (default: benchmarks/)")
    parser.add_argument("--no-write", action="store_true", help="print the table only")
    args = parser.parse_args(argv)

    global _spawner
    _spawner = Spawner()  # first, while this process is small
    quick = args.quick
    corpus_sizes = [50, 200, 500] if quick else [200, 2000, 20000]
    main_size = corpus_sizes[1]
    big_sizes = [("1 KB", 1024), ("100 KB", 100 * 1024), ("1 MB", MIB)] if quick else \
        [("1 KB", 1024), ("100 KB", 100 * 1024), ("1 MB", MIB), ("5 MB", 5 * MIB)]
    runs_main, runs_cold, runs_small = (2, 5, 2) if quick else (3, 15, 5)
    write = not args.no_write and not quick

    work = tempfile.mkdtemp(prefix="steplint-bench-")
    try:
        t0 = time.perf_counter()
        python = args.python or setup_venv(work, args.tree)
        bindir = os.path.dirname(python)
        steplint, yamllint = os.path.join(bindir, "steplint"), os.path.join(bindir, "yamllint")
        for tool in (steplint, yamllint):
            if not os.path.exists(tool):
                raise SystemExit(f"benchmark: {tool} not found (install steplint and yamllint=={YAMLLINT_VERSION})")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "STEPLINT"))}
        env.update({"NO_COLOR": "1", "LC_ALL": "C.UTF-8"})
        info = versions(python)
        info["load_average_start"] = os.getloadavg()
        print(f"steplint {info['steplint']} ({info['commit']}), yamllint {info['yamllint']}, PyYAML {info['pyyaml']} "
              f"(libyaml {info['libyaml']}), Python {info['python']}, {info['cpus']} CPUs; work dir {work}", flush=True)

        # ---- generate (outside the repository, removed at the end)
        corpora = {}
        for n in corpus_sizes:
            corpora[n] = os.path.join(work, f"corpus-{n}")
            generate.generate_corpus(corpora[n], n, seed=0)
        bigs = {}
        for label, size in big_sizes:
            path = os.path.join(work, f"big-{label.replace(' ', '')}.yaml")
            with open(path, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(generate.big_config(size, seed=1))
            bigs[label] = path
        one = os.path.join(work, "one.yaml")
        _, text = generate.generic(random.Random(7), None)
        with open(one, "w", encoding="utf-8") as fh:
            fh.write(text)
        start_dir = os.path.join(work, "one-per-dialect")
        start_files = one_per_dialect(corpora[main_size], start_dir)
        print(f"generated in {time.perf_counter() - t0:.0f}s", flush=True)

        def st(target: str, *extra: str) -> list[str]:
            return [steplint, "check", target, "--format", "json", *extra]

        def yl(target: str) -> list[str]:
            return [yamllint, "-d", YAMLLINT_CONFIG, target]

        def fl(target: str) -> list[str]:
            return [python, "-c", FLOOR, target]

        def wf(target: str) -> list[str]:
            return [python, "-c", WALK_FLOOR, target]

        # ---- warm up: page cache for every input, .pyc files for every tool
        for target in list(corpora.values()) + list(bigs.values()):
            measure(fl(target), env)
        for argv in ([steplint, "check", one], yl(one), [python, "-c", "import yaml"]):
            measure(argv, env)
        checked = sanity(steplint, corpora[main_size], env, work)
        big_checked = {}
        for label, path in bigs.items():
            res = subprocess.run(st(path), capture_output=True, text=True, env=env)
            report = json.loads(res.stdout)
            big_checked[label] = {"dialect": report["files"][0]["dialect"],
                                  "rules": sorted({f["rule"] for f in report["findings"]}),
                                  "bytes": os.path.getsize(path)}

        results: dict = {"environment": info, "quick": quick, "yamllint_config": YAMLLINT_CONFIG}

        # ---- cold start on one ~60-line file
        print("cold start ...", flush=True)
        # What issue 2's required dependencies cost before steplint does anything: importing them and
        # defining one pydantic model (the first model makes pydantic import the rest of itself). The
        # floor under any steplint cold start, since the canonical model is pydantic.
        deps = ("import yaml, click; from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator\n"
                "class M(BaseModel):\n    x: int = 0")
        cold = repeat({"steplint": [steplint, "check", one], "yamllint": [yamllint, one],
                       "import_deps": [python, "-c", deps],
                       "import_yaml": [python, "-c", "import yaml"], "python": [python, "-c", "pass"]}, env, runs_cold)
        results["cold_start"] = {"file_lines": text.count("\n"), **cold}

        # ---- the main corpus: the tools side by side. The one-file runs of --jobs 1 and of the walk
        # floor are each one's start-up, interleaved with the rest: the per-file cost is what remains.
        print(f"corpus of {main_size} files ...", flush=True)
        main_res = repeat({"steplint": st(corpora[main_size]), "steplint_j1": st(corpora[main_size], "--jobs", "1"),
                           "yamllint": yl(corpora[main_size]), "floor": fl(corpora[main_size]),
                           "walk_floor": wf(corpora[main_size]), "steplint_j1_one": st(start_dir, "--jobs", "1"),
                           "walk_floor_one": wf(start_dir)}, env, runs_main)
        results["corpus"] = {"files": main_size, "start_files": start_files, "bytes": dir_bytes(corpora[main_size]),
                             **main_res}

        # ---- scaling with the number of files
        print("scaling (files) ...", flush=True)
        scaling = {main_size: main_res}
        for n in corpus_sizes:
            if n == main_size:
                continue
            small = n < main_size
            tools = {"steplint": st(corpora[n]), "steplint_j1": st(corpora[n], "--jobs", "1"), "floor": fl(corpora[n]),
                     "walk_floor": wf(corpora[n])}
            if small:
                tools["yamllint"] = yl(corpora[n])
            scaling[n] = repeat(tools, env, runs_small if small else 1)
        results["scaling_files"] = {str(n): scaling[n] for n in sorted(scaling)}

        # ---- scaling with the size of one file
        print("scaling (file size) ...", flush=True)
        sizes = {}
        for label, path in bigs.items():
            huge = os.path.getsize(path) > 2 * MIB
            sizes[label] = {"bytes": os.path.getsize(path), "lines": sum(1 for _ in open(path)),
                            **repeat({"steplint": st(path), "floor": fl(path), "walk_floor": wf(path), "yamllint": yl(path)},
                                     env, 1 if huge else 3)}
        results["scaling_size"] = sizes

        # ---- memory of the whole process tree (steplint starts worker processes), untimed runs
        print("memory of the process tree ...", flush=True)
        results["tree_memory"] = {
            **{f"{n} files": tree_memory(st(corpora[n]), env) for n in corpus_sizes},
            **{f"{n} files, --jobs 1": tree_memory(st(corpora[n], "--jobs", "1"), env) for n in corpus_sizes},
            f"{big_sizes[-1][0]} file": tree_memory(st(bigs[big_sizes[-1][0]]), env)}

        results["sanity"] = {"corpus": checked, "big_files": big_checked}
        info["load_average_end"] = os.getloadavg()
        results["elapsed_s"] = time.perf_counter() - t0

        analyse(results)
        table = render(results)
        print(table)
        if write:
            with open(os.path.join(args.out, "results.md"), "w", encoding="utf-8") as fh:
                fh.write(table)
            with open(os.path.join(args.out, "results.json"), "w", encoding="utf-8") as fh:
                json.dump(results, fh, indent=1, sort_keys=True)
                fh.write("\n")
            print(f"wrote {os.path.join(args.out, 'results.md')} and results.json")
        return 0
    finally:
        _spawner.close()
        shutil.rmtree(work, ignore_errors=True)


def dir_bytes(top: str) -> int:
    return sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(top) for f in fs
               if f.endswith((".yaml", ".yml", ".json")))


def analyse(r: dict) -> None:
    c, cold = r["corpus"], r["cold_start"]
    st, j1, yl, fl, wk = c["steplint"], c["steplint_j1"], c["yamllint"], c["floor"], c["walk_floor"]
    # per file: the run on the corpus less the same command on one file per dialect (its start-up), per further file
    start_files = c.get("start_files", 1)
    per_file = {name: {unit: (c[name][unit + "_median"] - c[name + "_one"][unit + "_median"]) / (c["files"] - start_files) * 1000
                       for unit in ("wall", "cpu")} for name in ("steplint_j1", "walk_floor")}
    ratios = {
        "yamllint_over_steplint_wall": yl["wall_median"] / st["wall_median"],
        "yamllint_over_steplint_cpu": yl["cpu_median"] / st["cpu_median"],
        "yamllint_over_steplint_j1_wall": yl["wall_median"] / j1["wall_median"],
        "steplint_over_floor_wall": st["wall_median"] / fl["wall_median"],
        "steplint_over_floor_cpu": st["cpu_median"] / fl["cpu_median"],
        "steplint_j1_over_floor_wall": j1["wall_median"] / fl["wall_median"],
        "steplint_j1_over_floor_cpu": j1["cpu_median"] / fl["cpu_median"],
        "steplint_over_walk_wall": st["wall_median"] / wk["wall_median"],
        "steplint_over_walk_cpu": st["cpu_median"] / wk["cpu_median"],
        "steplint_j1_over_walk_wall": j1["wall_median"] / wk["wall_median"],
        "steplint_j1_over_walk_cpu": j1["cpu_median"] / wk["cpu_median"],
        "per_file_j1_over_walk_wall": per_file["steplint_j1"]["wall"] / per_file["walk_floor"]["wall"],
        "per_file_j1_over_walk_cpu": per_file["steplint_j1"]["cpu"] / per_file["walk_floor"]["cpu"],
        "parallel_speedup_wall": j1["wall_median"] / st["wall_median"],
        "cold_steplint_over_yamllint": cold["steplint"]["wall_median"] / cold["yamllint"]["wall_median"],
        "cold_steplint_over_yamllint_cpu": cold["steplint"]["cpu_median"] / cold["yamllint"]["cpu_median"],
        "cold_steplint_over_import_yaml": cold["steplint"]["wall_median"] / cold["import_yaml"]["wall_median"],
        "cold_steplint_over_import_deps": cold["steplint"]["wall_median"] / cold["import_deps"]["wall_median"],
        "cold_import_deps_over_yamllint": cold["import_deps"]["wall_median"] / cold["yamllint"]["wall_median"],
    }
    files = sorted(int(n) for n in r["scaling_files"])
    start = cold["steplint"]["wall_median"]
    fits = {}
    for tool in ("steplint", "steplint_j1", "floor", "walk_floor"):
        walls = [r["scaling_files"][str(n)][tool]["wall_median"] for n in files]
        fits[tool] = linear_fit([float(n) for n in files], walls)
        fits[tool]["ms_per_file_after_startup"] = {str(n): (w - start) / n * 1000 for n, w in zip(files, walls)}
    sizes = r["scaling_size"]
    size_fits = {}
    for tool in ("steplint", "floor", "walk_floor", "yamllint"):
        size_fits[tool] = linear_fit([sizes[k]["bytes"] / MIB for k in sizes], [sizes[k][tool]["wall_median"] for k in sizes])
        size_fits[tool]["s_per_mib_after_startup"] = {
            k: (sizes[k][tool]["wall_median"] - sizes["1 KB"][tool]["wall_median"]) / (sizes[k]["bytes"] / MIB)
            for k in sizes if sizes[k]["bytes"] >= 100 * 1024}
    tree = r["tree_memory"]
    mem = [tree[f"{n} files"]["peak_pss_mib"] for n in files]
    mem_j1 = [tree[f"{n} files, --jobs 1"]["peak_pss_mib"] for n in files]
    procs = [tree[f"{n} files"]["processes"] for n in files]
    same = [m for m, p in zip(mem, procs) if p == procs[-1]]  # below 64 files steplint runs in one process

    def is_flat(values: list[float]) -> bool:
        return max(values) - min(values) < 0.15 * min(values) + 5

    flat = is_flat(mem_j1) and is_flat(same)
    n_main = f"{c['files']:,} files"
    targets = [
        (f"steplint ≥ 10× faster than yamllint ({n_main}, wall)",
         f"{ratios['yamllint_over_steplint_wall']:.1f}× (CPU {ratios['yamllint_over_steplint_cpu']:.1f}×; "
         f"--jobs 1: {ratios['yamllint_over_steplint_j1_wall']:.1f}×)", ratios["yamllint_over_steplint_wall"] >= 10),
        (f"steplint ≤ 3× the parse floor ({n_main}, wall)",
         f"{ratios['steplint_over_floor_wall']:.1f}× (--jobs 1: {ratios['steplint_j1_over_floor_wall']:.1f}× wall, "
         f"{ratios['steplint_j1_over_floor_cpu']:.1f}× CPU)", ratios["steplint_over_floor_wall"] <= 3),
        (f"steplint --jobs 1 per-file cost ≤ 2× the walk floor's ({n_main}, each one's start-up subtracted)",
         f"{ratios['per_file_j1_over_walk_wall']:.1f}× wall, {ratios['per_file_j1_over_walk_cpu']:.1f}× CPU "
         f"({per_file['steplint_j1']['cpu']:.3f} vs {per_file['walk_floor']['cpu']:.3f} ms CPU per file); whole run: "
         f"{ratios['steplint_j1_over_walk_wall']:.1f}× wall, {ratios['steplint_j1_over_walk_cpu']:.1f}× CPU; "
         f"default (parallel) run: {ratios['steplint_over_walk_wall']:.1f}× wall, {ratios['steplint_over_walk_cpu']:.1f}× CPU",
         max(ratios["per_file_j1_over_walk_wall"], ratios["per_file_j1_over_walk_cpu"]) <= 2),
        ("cold start no slower than yamllint", f"{ratios['cold_steplint_over_yamllint']:.2f}× yamllint's "
         f"({cold['steplint']['wall_median'] * 1000:.0f} vs {cold['yamllint']['wall_median'] * 1000:.0f} ms; "
         f"the required dependencies alone, with one pydantic model: {ratios['cold_import_deps_over_yamllint']:.2f}×; "
         f"steplint over those: {ratios['cold_steplint_over_import_deps']:.2f}×)",
         ratios["cold_steplint_over_yamllint"] <= 1.0),
        ("peak memory < 80 MiB on the corpus (all processes, PSS)",
         f"{tree[f'{files[1]} files']['peak_pss_mib']:.0f} MiB ({tree[f'{files[1]} files']['processes']} processes; "
         f"--jobs 1: {tree[f'{files[1]} files, --jobs 1']['peak_pss_mib']:.0f} MiB)",
         tree[f"{files[1]} files"]["peak_pss_mib"] < 80),
        ("peak memory independent of the number of files",
         " → ".join(f"{m:.0f}" for m in mem) + " MiB (--jobs 1: " + " → ".join(f"{m:.0f}" for m in mem_j1)
         + f") for {' / '.join(f'{n:,}' for n in files)} files (processes: {' / '.join(map(str, procs))})", flat),
    ]
    r["analysis"] = {"ratios": ratios, "per_file_ms": per_file, "fit_files": fits, "fit_size": size_fits,
                     "targets": [{"target": t, "measured": m, "met": ok} for t, m, ok in targets]}


TOOLS = {"steplint": "`steplint check DIR --format json`", "steplint_j1": "`steplint check DIR --format json --jobs 1`",
         "yamllint": "`yamllint -d relaxed DIR`", "floor": "parse floor (PyYAML CSafeLoader / json.load)",
         "walk_floor": "walk floor (libyaml events → tree / json.load, then one walk)"}


def render(r: dict) -> str:
    e, a, c, cold = r["environment"], r["analysis"], r["corpus"], r["cold_start"]
    ratios = a["ratios"]
    out = ["# steplint benchmark results", "",
           f"steplint {e['steplint']} (commit {e['commit']}) vs yamllint {e['yamllint']} vs PyYAML {e['pyyaml']} "
           f"C loader (libyaml: {e['libyaml']}); Python {e['python']}, pydantic {e['pydantic']}, click {e['click']}; "
           f"{e['cpus']} CPUs, {e['system']}. Load average {e['load_average_start'][0]:.2f} at the start, "
           f"{e['load_average_end'][0]:.2f} at the end (other work on the machine inflates wall times; CPU times "
           f"are steadier); the run took {r['elapsed_s']:.0f} s. Produced by `python benchmarks/run.py"
           f"{' --quick' if r['quick'] else ''}`. Times are medians of interleaved repeats; CPU is user+sys of "
           "the child and its reaped children (os.wait4); yamllint reads .json too "
           f"(`-d \"{r['yamllint_config']}\"`) so that all tools read the same files.", "",
           "## Targets", "", "| target | measured | met |", "|---|---|---|"]
    out += [f"| {t['target']} | {t['measured']} | {'yes' if t['met'] else '**no**'} |" for t in a["targets"]]
    out += ["", f"## Corpus: {c['files']:,} generated configs ({c['bytes'] / MIB:.1f} MiB, 10 dialects, 30 % faulty)", "",
            "| tool | wall (s, median) | CPU (s) | files/s | peak RSS, largest process (MiB) | wall vs steplint |",
            "|---|---|---|---|---|---|"]
    for name in ("steplint", "steplint_j1", "yamllint", "floor", "walk_floor"):
        m = c[name]
        out.append(f"| {TOOLS[name]} | {fmt_s(m['wall_median'])} | {fmt_s(m['cpu_median'])} | "
                   f"{c['files'] / m['wall_median']:,.0f} | {m['maxrss_mib']:.0f} | "
                   f"{m['wall_median'] / c['steplint']['wall_median']:.2f}× |")
    out += ["", f"Ratios: yamllint/steplint {ratios['yamllint_over_steplint_wall']:.2f}× wall, "
                f"{ratios['yamllint_over_steplint_cpu']:.2f}× CPU; steplint/floor {ratios['steplint_over_floor_wall']:.2f}× "
                f"wall, {ratios['steplint_over_floor_cpu']:.2f}× CPU; steplint --jobs 1/floor "
                f"{ratios['steplint_j1_over_floor_wall']:.2f}× wall, {ratios['steplint_j1_over_floor_cpu']:.2f}× CPU; "
                f"steplint/walk floor {ratios['steplint_over_walk_wall']:.2f}× wall, {ratios['steplint_over_walk_cpu']:.2f}× "
                f"CPU; steplint --jobs 1/walk floor {ratios['steplint_j1_over_walk_wall']:.2f}× wall, "
                f"{ratios['steplint_j1_over_walk_cpu']:.2f}× CPU; parallel speed-up {ratios['parallel_speedup_wall']:.2f}×.", "",
            f"Per-file cost: each command on the {c['files']:,} files less the same command on one file of each of the "
            f"{c.get('start_files', 1)} dialects (its start-up: steplint imports a framework's package when a file first "
            "needs it; in the same interleaved repeats), per further file.", "",
            f"| command | {c['files']:,} files: wall (s) | CPU (s) | start-up files: wall (s) | CPU (s) | "
            "per file: wall (ms) | CPU (ms) |", "|---|---|---|---|---|---|---|"]
    for name in ("steplint_j1", "walk_floor"):
        m, one, pf = c[name], c[name + "_one"], a["per_file_ms"][name]
        out.append(f"| {TOOLS[name]} | {fmt_s(m['wall_median'])} | {fmt_s(m['cpu_median'])} | "
                   f"{fmt_s(one['wall_median'])} | {fmt_s(one['cpu_median'])} | {pf['wall']:.3f} | {pf['cpu']:.3f} |")
    out += [f"| ratio | {ratios['steplint_j1_over_walk_wall']:.2f}× | {ratios['steplint_j1_over_walk_cpu']:.2f}× | "
            f"{c['steplint_j1_one']['wall_median'] / c['walk_floor_one']['wall_median']:.2f}× | "
            f"{c['steplint_j1_one']['cpu_median'] / c['walk_floor_one']['cpu_median']:.2f}× | "
            f"**{ratios['per_file_j1_over_walk_wall']:.2f}×** | **{ratios['per_file_j1_over_walk_cpu']:.2f}×** |", "",
            f"## Cold start: one {cold['file_lines']}-line config, {cold['steplint']['runs']} runs each", "",
            "| command | wall (ms, median) | min | max | CPU (ms) | peak RSS (MiB) |", "|---|---|---|---|---|---|"]
    for name, label in (("steplint", "`steplint check one.yaml`"), ("yamllint", "`yamllint one.yaml`"),
                        ("import_deps", "PyYAML, click and pydantic imported, one pydantic model defined"),
                        ("import_yaml", "`python -c \"import yaml\"`"), ("python", "`python -c pass`")):
        m = cold[name]
        out.append(f"| {label} | {m['wall_median'] * 1000:.0f} | {m['wall_min'] * 1000:.0f} | {m['wall_max'] * 1000:.0f} | "
                   f"{m['cpu_median'] * 1000:.0f} | {m['maxrss_mib']:.0f} |")
    out += ["", f"Ratios: steplint/yamllint {ratios['cold_steplint_over_yamllint']:.2f}× wall "
                f"({ratios['cold_steplint_over_yamllint_cpu']:.2f}× CPU), steplint/`import yaml` "
                f"{ratios['cold_steplint_over_import_yaml']:.2f}×, steplint/its required dependencies "
                f"(PyYAML, click, pydantic with one model) {ratios['cold_steplint_over_import_deps']:.2f}×, those/yamllint "
                f"{ratios['cold_import_deps_over_yamllint']:.2f}×.", "",
            "## Scaling with the number of files", "",
            "| files | steplint (s) | --jobs 1 (s) | --jobs 1 ms/file after start-up | floor (s) | steplint/floor | "
            "--jobs 1/floor | walk floor (s) | --jobs 1/walk floor | yamllint (s) | yamllint/steplint |",
            "|---|---|---|---|---|---|---|---|---|---|---|"]
    fj = a["fit_files"]["steplint_j1"]
    for n, m in sorted(r["scaling_files"].items(), key=lambda kv: int(kv[0])):
        s, j, f, w, y = m["steplint"], m["steplint_j1"], m["floor"], m["walk_floor"], m.get("yamllint")
        out.append(f"| {int(n):,} | {fmt_s(s['wall_median'])} | {fmt_s(j['wall_median'])} | "
                   f"{fj['ms_per_file_after_startup'][n]:.2f} | {fmt_s(f['wall_median'])} | "
                   f"{s['wall_median'] / f['wall_median']:.2f}× | {j['wall_median'] / f['wall_median']:.2f}× | "
                   f"{fmt_s(w['wall_median'])} | {j['wall_median'] / w['wall_median']:.2f}× | "
                   + (f"{fmt_s(y['wall_median'])} | {y['wall_median'] / s['wall_median']:.1f}× |" if y
                      else "not run (time budget) | |"))
    out.append("")
    for tool in ("steplint", "steplint_j1", "floor", "walk_floor"):
        f = a["fit_files"][tool]
        out.append(f"- linear fit of {TOOLS[tool]}: t = {f['intercept_s']:.3f} s + {f['slope'] * 1000:.3f} ms × files; "
                   f"worst point {f['max_rel_residual'] * 100:.1f} % off the line.")
    out += ["", "## Scaling with the size of one file", "",
            "| file | lines | steplint (s) | peak RSS (MiB) | floor (s) | floor RSS (MiB) | steplint/floor | walk floor (s) | "
            "steplint/walk floor | yamllint (s) | yamllint/steplint |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for label, m in r["scaling_size"].items():
        s, f, w, y = m["steplint"], m["floor"], m["walk_floor"], m["yamllint"]
        out.append(f"| {label} ({m['bytes']:,} B) | {m['lines']:,} | {fmt_s(s['wall_median'])} | {s['maxrss_mib']:.0f} | "
                   f"{fmt_s(f['wall_median'])} | {f['maxrss_mib']:.0f} | {s['wall_median'] / f['wall_median']:.2f}× | "
                   f"{fmt_s(w['wall_median'])} | {s['wall_median'] / w['wall_median']:.2f}× | "
                   f"{fmt_s(y['wall_median'])} | {y['wall_median'] / s['wall_median']:.1f}× |")
    out.append("")
    for tool in ("steplint", "floor", "walk_floor", "yamllint"):
        f = a["fit_size"][tool]
        per = ", ".join(f"{k} {v:.2f}" for k, v in f["s_per_mib_after_startup"].items())
        out.append(f"- {tool.replace('_', ' ')}: t = {f['intercept_s']:.3f} s + {f['slope']:.3f} s/MiB, worst point "
                   f"{f['max_rel_residual'] * 100:.1f} % off the line; s/MiB beyond the 1 KB run: {per}.")
    out += ["", "## Memory of the whole process tree (untimed runs, sampled every 20 ms)", "",
            "| run | processes | peak PSS, summed (MiB) | peak RSS, summed (MiB) |", "|---|---|---|---|"]
    for label, m in r["tree_memory"].items():
        out.append(f"| steplint, {label} | {m['processes']} | {m['peak_pss_mib']:.0f} | {m['peak_rss_mib']:.0f} |")
    out += ["", "## What steplint made of the corpus (one untimed run)", "",
            "| generated as | files | detected as | faulty flagged (warning+) | clean flagged (warning+) |",
            "|---|---|---|---|---|"]
    for dialect, row in sorted(r["sanity"]["corpus"]["by_dialect"].items()):
        det = ", ".join(f"{k} {v}" for k, v in sorted(row["detected_as"].items(), key=lambda kv: -kv[1]))
        out.append(f"| {dialect} | {row['files']} | {det} | {row['faulty_flagged']}/{row['faulty']} | "
                   f"{row['clean_flagged']}/{row['clean']} |")
    summ = r["sanity"]["corpus"]["summary"]
    out += ["", f"Summary: {summ}; SL001 (syntax) findings: {r['sanity']['corpus']['syntax_errors']}. Big files: " + "; ".join(
        f"{k}: dialect {v['dialect']}, rules {', '.join(v['rules']) or 'none'}" for k, v in r["sanity"]["big_files"].items())
        + " (SL005 would mean the file was refused, not checked).", ""]
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
