"""Detectron2 dialect: detection, _BASE_ chains, mapping, rules, corpus."""

from __future__ import annotations

import ast
import csv

import pytest

from steplint.frameworks import detect
from steplint.frameworks.base import Source
from steplint.frameworks.detectron2.reader import _literal
from steplint.engine import check_bytes
from steplint.values import Options
from steplint.findings import Severity
from steplint.interpolation import resolve
from steplint.loading import load_bytes
from steplint.plan import Context, derive

from .conftest import CORPUS, codes, lint, needs_corpus


def files():
    with open(CORPUS / "MANIFEST.tsv") as handle:
        return [r["file"] for r in csv.DictReader(handle, delimiter="\t") if r["dialect"] == "detectron2"]


def adapted(path, dataset_size=None, world_size=None):
    document = load_bytes(str(path), path.read_bytes()).documents[0]
    dialect = detect(document.data)
    result = dialect.adapt(resolve(document.data), Source(str(path)))
    return dialect.name, result, derive(result.run, result.semantics, Context(dataset_size, world_size))


def check(path, **context):
    return check_bytes(str(path), path.read_bytes(), Options(context=Context(**context)))


@needs_corpus
def test_detection_rate():
    names = files()
    misses = [n for n in names if detect(load_bytes(n, (CORPUS / n).read_bytes()).documents[0].data).name != "detectron2"]
    print(f"detectron2: {len(names) - len(misses)}/{len(names)} detected; misses: {misses}")
    assert (len(names) - len(misses)) / len(names) >= 0.95


@needs_corpus
def test_no_crash_and_no_warning_on_the_corpus():
    for name in files():
        assert not [f for f in check(CORPUS / name).findings if f.severity >= Severity.WARNING], name
        assert check(CORPUS / name, dataset_size=118_287, world_size=8).error is None


@needs_corpus
def test_base_chain_is_merged_and_base_keys_point_at_the_base_line():
    path = CORPUS / "facebookresearch__detectron2/configs/COCO-Detection/faster_rcnn_R_50_FPN_3x.yaml"
    name, a, plan = adapted(path, dataset_size=118_287, world_size=8)
    run = a.run
    assert name == "detectron2"
    assert (run.max_steps.value, run.max_steps.key) == (270000, "SOLVER.MAX_ITER")  # the child's value wins
    assert run.schedule.milestones.values == [210000, 250000] and run.schedule.milestones.key == "SOLVER.STEPS"
    assert (run.global_batch_size.value, run.global_batch_size.key) == (16, "_BASE_")  # only in Base-RCNN-FPN
    assert plan.micro_batch_size == 2 and plan.total_optimizer_steps == 270000
    assert any("Base-RCNN-FPN.yaml" in note for note in a.assumptions)


@needs_corpus
def test_two_level_chain():
    path = CORPUS / "facebookresearch__detectron2/projects/PointSup/configs/implicit_pointrend_R_50_FPN_3x_point_sup_point_aug_coco.yaml"
    _, a, _ = adapted(path)
    assert a.run.max_steps.value == 270000 and a.run.max_steps.key == "_BASE_"


@needs_corpus
def test_world_size_rule_on_a_base_only_key():
    path = CORPUS / "facebookresearch__detectron2/configs/COCO-Detection/faster_rcnn_R_50_FPN_3x.yaml"
    [hit] = [f for f in check(path, world_size=6).findings if f.rule == "SL480"]
    assert hit.line == 1 and hit.key_path == "_BASE_" and hit.severity is Severity.ERROR
    assert "SL480" not in codes(check(path, world_size=8))


def test_missing_base_is_unknown_not_an_error(tmp_path):
    config = tmp_path / "child.yaml"
    config.write_text("_BASE_: nowhere.yaml\nSOLVER:\n  MAX_ITER: 100\n  STEPS: (200,)\n")
    name, a, _ = adapted(config)
    assert name == "detectron2" and a.run.max_steps.value == 100
    assert any("not found" in note for note in a.assumptions)
    result = check(config)
    assert result.error is None and "SL205" in codes(result)


def test_cycle_and_depth_limit(tmp_path):
    (tmp_path / "a.yaml").write_text("_BASE_: b.yaml\nSOLVER:\n  MAX_ITER: 10\n")
    (tmp_path / "b.yaml").write_text("_BASE_: a.yaml\nSOLVER:\n  WARMUP_ITERS: 20\n")
    name, a, _ = adapted(tmp_path / "a.yaml")
    assert a.run.max_steps.value == 10 and a.run.schedule.warmup.value == 20
    assert any("cycle" in note for note in a.assumptions)
    assert "SL203" in codes(check(tmp_path / "a.yaml"))  # warmup 20 (from b.yaml) >= MAX_ITER 10
    for i in range(15):
        (tmp_path / f"d{i}.yaml").write_text(f"_BASE_: d{i + 1}.yaml\nSOLVER:\n  IMS_PER_BATCH: 8\n")
    (tmp_path / "d15.yaml").write_text("SOLVER:\n  MAX_ITER: 5\n")
    _, a, _ = adapted(tmp_path / "d0.yaml")
    assert a.run.max_steps is None and any("deeper than" in note for note in a.assumptions)


def test_steps_and_warmup_past_max_iter(tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text("SOLVER:\n  IMS_PER_BATCH: 16\n  MAX_ITER: 5000\n  STEPS: (60000, 80000)\n  WARMUP_ITERS: 6000\n")
    result = check(config)
    assert {"SL205", "SL203"} <= set(codes(result))
    assert [f.line for f in result.findings if f.rule == "SL205"] == [4]


def test_reference_world_size(tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text("SOLVER:\n  IMS_PER_BATCH: 10\n  REFERENCE_WORLD_SIZE: 4\n  MAX_ITER: 500\n")
    assert "SL480" in codes(check(config))


def test_bad_values_do_not_crash(tmp_path):
    for i, text in enumerate(("_BASE_: [1]\nSOLVER: {STEPS: '(1,', MAX_ITER: x}\n",
                              "_BASE_: /dev/null\nSOLVER: {IMS_PER_BATCH: 0, STEPS: [a]}\n",
                              "SOLVER: {MAX_ITER: -1, CHECKPOINT_PERIOD: 1e400}\nMODEL: {}\n")):
        config = tmp_path / f"bad{i}.yaml"
        config.write_text(text)
        assert check(config, world_size=3).error is None
    assert lint("SOLVER: {MAX_ITER: 10, STEPS: (20,)}\n").error is None


@pytest.mark.parametrize("text", ["WarmupMultiStepLR", " WarmupCosineLR ", "if", "match", "inf", "None", "True", "False",
                                  "(60000, 80000)", "(5)", "[1, 2]", "0.02", "1_000", "x.y", "(1,", ""])
def test_yacs_text_is_read_as_literal_eval_reads_it(text):
    """yacs keeps the text literal_eval refuses; the reader skips compiling a plain name, which
    literal_eval always refuses unless it is True, False or None."""
    try:
        expected = ast.literal_eval(text.strip())
    except (ValueError, SyntaxError):
        expected = text
    value = _literal(text)
    assert value == expected and type(value) is type(expected)
