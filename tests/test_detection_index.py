"""The framework index (src/steplint/frameworks/index.json) is what detection and lazy import rely
on: it must be the packages' own, and each dialect's triggers must be a necessary condition of its
score, or a document would silently go unrecognised. Checked on every document steplint is tested
with: the shared corpora, the sample configs and the catalogue's examples."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from steplint import catalogue, frameworks
from steplint.frameworks import DIALECTS, build_index, detect, index
from steplint.frameworks.base import describe, key_names
from steplint.loading import load_bytes

from .conftest import ROOT, SHARED


def test_the_index_file_is_the_packages_own():
    written = json.loads((ROOT / "src" / "steplint" / "frameworks" / frameworks.INDEX_FILE).read_text())
    assert written == build_index(), "index.json is out of date: run `python -m steplint.frameworks`"


def test_the_index_lists_every_dialect_in_the_order_ties_are_broken():
    assert [e.dialect for e in index()] == list(DIALECTS)


def _documents():
    """(where, document) for every mapping document steplint's tests and corpora hold."""
    paths = sorted(p for p in (ROOT / "sample_configs").rglob("*") if p.is_file())
    for corpus in ("corpus", "corpus-wild"):
        if (SHARED / corpus).is_dir():
            paths += sorted(p for p in (SHARED / corpus).rglob("*") if p.is_file() and p.name != "MANIFEST.tsv")
    for path in paths:
        for document in load_bytes(str(path), path.read_bytes()[:2_000_000]).documents:
            if isinstance(document.data, dict):
                yield str(path.relative_to(path.parents[1])), document
    for doc in catalogue.load().values():
        for n, example in enumerate([*doc.bad, *doc.good]):
            for document in load_bytes(example.filename, example.config.encode()).documents:
                if isinstance(document.data, dict):
                    yield f"{doc.code} example {n}", document


def test_a_dialect_scores_only_documents_that_hold_one_of_its_triggers():
    missed, checked = [], 0
    for where, document in _documents():
        describe(None, None, 0)
        keys = {k for k in key_names(document.data) if isinstance(k, str)}  # every key, walked
        for d in DIALECTS.values():
            if d.triggers is not None and keys.isdisjoint(d.triggers) and d.score(document.data) > 0:
                missed.append(f"{where}: {d.name}")
        checked += 1
    assert checked > 300
    assert not missed, "scored without a trigger (add the key to the dialect's triggers): " + ", ".join(missed[:20])


def test_detection_through_the_index_is_detection_by_every_dialect():
    differ = []
    for where, document in _documents():
        best, best_score = None, 0.0
        for d in DIALECTS.values():
            score = d.score(document.data)
            if score > best_score:
                best, best_score = d, score
        found = detect(document.data, loaded=document)
        if found is not best:
            differ.append(f"{where}: {found and found.name} for {best and best.name}")
    assert not differ, ", ".join(differ[:20])


@pytest.mark.parametrize("config, imported, not_imported", [
    ("per_device_train_batch_size: 8\nnum_train_epochs: 3\nlearning_rate: 2.0e-5\n", "hf", "kohya"),
    ("SOLVER:\n  MAX_ITER: 1000\n  IMS_PER_BATCH: 16\n", "detectron2", "torchtune"),
])
def test_a_run_imports_only_the_frameworks_its_documents_name(tmp_path, config, imported, not_imported):
    path = tmp_path / "train.yaml"
    path.write_text(config)
    script = ("import sys; from steplint.engine import check_bytes; from steplint.values import Options; "
              f"check_bytes({str(path)!r}, open({str(path)!r}, 'rb').read(), Options()); "
              "print(' '.join(m.split('.')[2] for m in sys.modules if m.startswith('steplint.frameworks.') "
              "and m.count('.') == 2))")
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.split()
    assert imported in loaded and not_imported not in loaded
    assert len(set(loaded) - {"base"}) < len(frameworks.package_names()) // 2
