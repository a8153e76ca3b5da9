"""What a change did to steplint's per-file cost: two or more commits measured in the same run.

    python benchmarks/compare.py                  # HEAD~1 against HEAD
    python benchmarks/compare.py 216c505 HEAD --runs 10

This VM's speed drifts by up to 30 % between runs of `run.py` minutes apart, so a per-file figure
from an earlier day says little about a change. Here each commit is installed, non-editable, from
`git archive` into its own virtual environment, and the per-file measure of `run.py` (`--jobs 1`
on the generated 2,000-file corpus, less the same command on one file per dialect; CPU, median of
interleaved repeats) is taken for every commit and for the walk floor in the same repeats.
Nothing is written to the repository.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import generate  # noqa: E402
import run  # noqa: E402


def install(rev: str, work: str) -> str:
    """A virtual environment holding steplint at `rev` (its dependencies from the package index)."""
    sha = subprocess.run(["git", "-C", run.REPO, "rev-parse", "--short", rev], check=True, capture_output=True,
                         text=True).stdout.strip()
    venv = os.path.join(tempfile.gettempdir(), f"steplint-compare-{sha}")
    python = os.path.join(venv, "bin", "python")
    if not os.path.exists(python):
        run.run_quiet([sys.executable, "-m", "venv", venv])
    src = os.path.join(work, f"src-{sha}")
    os.makedirs(src)
    archive = subprocess.run(["git", "-C", run.REPO, "archive", sha], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", src], input=archive, check=True)
    run.run_quiet([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--force-reinstall", src])
    return python


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="per-file cost of several commits, in one interleaved run")
    parser.add_argument("revs", nargs="*", default=["HEAD~1", "HEAD"], help="commits (default: HEAD~1 HEAD)")
    parser.add_argument("--runs", type=int, default=8, help="interleaved repeats (default 8)")
    parser.add_argument("--files", type=int, default=2000, help="files in the generated corpus (default 2000)")
    args = parser.parse_args(argv)
    if len(args.revs) < 2:
        parser.error("give at least two commits")

    run._spawner = run.Spawner()  # first, while this process is small (run.measure needs it)
    work = tempfile.mkdtemp(prefix="steplint-compare-")
    try:
        pythons = {rev: install(rev, work) for rev in args.revs}
        corpus, start = os.path.join(work, "corpus"), os.path.join(work, "one-per-dialect")
        generate.generate_corpus(corpus, args.files, seed=0)
        start_files = run.one_per_dialect(corpus, start)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "STEPLINT"))}
        env.update({"NO_COLOR": "1", "LC_ALL": "C.UTF-8"})
        floor_python = pythons[args.revs[0]]
        commands = {"walk floor": [floor_python, "-c", run.WALK_FLOOR, corpus],
                    "walk floor, start-up": [floor_python, "-c", run.WALK_FLOOR, start]}
        for rev, python in pythons.items():
            steplint = [os.path.join(os.path.dirname(python), "steplint"), "check", "--format", "json", "--jobs", "1"]
            commands[rev] = steplint + [corpus]
            commands[rev + ", start-up"] = steplint + [start]
        for argv in commands.values():  # warm up: page cache, .pyc files
            run.measure(argv, env)
        results = run.repeat(commands, env, args.runs)

        def per_file(name: str) -> float:
            return (results[name]["cpu_median"] - results[name + ", start-up"]["cpu_median"]) \
                / (args.files - start_files) * 1000

        floor = per_file("walk floor")
        first = per_file(args.revs[0])
        print(f"per file after start-up, --jobs 1, CPU (median of {args.runs} interleaved runs; "
              f"load average now {os.getloadavg()[0]:.2f}):")
        print(f"  {'walk floor':24} {floor:.3f} ms")
        for rev in args.revs:
            cost = per_file(rev)
            print(f"  {rev:24} {cost:.3f} ms = {cost / floor:.2f}x the walk floor, {cost / first:.2f}x {args.revs[0]}")
    finally:
        run._spawner.close()
        import shutil
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
