"""The real corpus (../shared/corpus, several hundred configs from public projects): dialect
detection against the manifest's labels, and every finding pinned per file.

The snapshot (tests/snapshots/corpus.json) pins, for every file, the dialect and each finding as
(rule, severity, line, key path). A change in behaviour is a visible diff in review. After a
deliberate change, regenerate it with
    STEPLINT_UPDATE_SNAPSHOT=1 python -m pytest tests/test_corpus.py
and read the diff: a new warning on a real config is a false positive until shown otherwise.
"""

from __future__ import annotations

import csv
import functools
import json
import os
from collections import Counter
from pathlib import Path

from steplint.engine import check_bytes
from steplint.values import Options

from .conftest import CORPUS, needs_corpus

SNAPSHOT = Path(__file__).parent / "snapshots" / "corpus.json"
# Which dialects agree with each manifest label. `other` agrees with generic or any dialect that
# really fits (checked by the snapshot, file by file); `nemo-hydra` files are Lightning trainers.
AGREES = {
    "hf-trainer": {"hf-trainer"}, "axolotl": {"axolotl", "hf-trainer"}, "deepspeed": {"deepspeed"},
    "lightning-cli": {"lightning"}, "nemo-hydra": {"nemo", "lightning"}, "torchtune": {"torchtune"},
    "detectron2": {"detectron2"}, "composer": {"composer"}, "olmo": {"olmo", "composer"},
    "litgpt": {"litgpt"}, "gpt-neox": {"gpt-neox"},
}


def _manifest() -> dict[str, str]:
    with open(CORPUS / "MANIFEST.tsv", newline="") as handle:
        return {row["file"]: row["dialect"] for row in csv.DictReader(handle, delimiter="\t")}


@functools.lru_cache(maxsize=1)  # three tests read the same run of the whole corpus
def _run() -> dict[str, dict]:
    out = {}
    for name in sorted(_manifest()):
        result = check_bytes(str(CORPUS / name), (CORPUS / name).read_bytes(), Options())
        out[name] = {"dialect": result.dialect,
                     "findings": [[f.rule, f.severity.label, f.line, f.key_path] for f in result.findings]}
    return out


def _agrees(label: str, dialect) -> bool:
    if label == "other":
        return dialect is not None
    return dialect in AGREES[label]


@needs_corpus
def test_detection_agrees_with_the_labels():
    manifest, results = _manifest(), _run()
    agree = sum(_agrees(manifest[f], results[f]["dialect"]) for f in manifest)
    misses = sorted((manifest[f], results[f]["dialect"], f) for f in manifest if not _agrees(manifest[f], results[f]["dialect"]))
    rate = agree / len(manifest)
    print(f"detection agrees on {agree}/{len(manifest)} = {rate:.1%}; misses: {misses}")
    assert rate >= 0.95, misses
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    assert f"agrees with the manifest for {agree} of {len(manifest)} files ({rate:.1%})" in readme
    # no labelled file may be taken by a dialect of another framework
    wrong = [m for m in misses if m[1] is not None and m[0] != "other"]
    assert not wrong, wrong


@needs_corpus
def test_findings_match_the_reviewed_snapshot():
    results = _run()
    if os.environ.get("STEPLINT_UPDATE_SNAPSHOT"):
        SNAPSHOT.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
    expected = json.loads(SNAPSHOT.read_text())
    changed = {f: {"expected": expected.get(f), "got": results[f]} for f in results if expected.get(f) != results[f]}
    assert not changed, json.dumps(dict(list(changed.items())[:5]), indent=1) + \
        f"\n{len(changed)} files differ; see the module docstring to regenerate after review"


@needs_corpus
def test_findings_per_100_files_are_recorded_in_the_readme():
    results = _run()
    counts = Counter(f[1] for r in results.values() for f in r["findings"])
    per_100 = {level: round(100 * counts[level] / len(results), 1) for level in ("error", "warning", "info")}
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    line = (f"{per_100['error']} errors, {per_100['warning']} warnings and {per_100['info']} infos per 100 "
            f"corpus files")
    assert line in readme, f"update the README's corpus numbers to: {line}"
