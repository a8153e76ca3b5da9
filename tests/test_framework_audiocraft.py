"""AudioCraft solver configs: recognition, Hydra defaults of the solver group, the plan, its rules."""

from __future__ import annotations

import textwrap

import pytest

from steplint.findings import Severity
from steplint.frameworks import detect
from steplint.frameworks.base import Source
from steplint.plan import Context, derive

from .conftest import ROOT, SHARED, check_file, codes, lint, load_data

WILD = SHARED / "corpus-wild" / "facebookresearch__audiocraft" / "config"
needs_wild = pytest.mark.skipif(not WILD.is_dir(), reason="../shared/corpus-wild (audiocraft) is absent")
SAMPLES = ROOT / "sample_configs" / "audiocraft"


def adapted(path, **context):
    data = load_data(path)
    dialect = detect(data)
    result = dialect.adapt(data, Source(str(path)))
    return dialect.name, result, derive(result.run, result.semantics, Context(**context))


def write(root, name, text):
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


@needs_wild
def test_solver_configs_are_audiocraft_and_fragments_are_not_training_configs():
    solvers = [p for p in (WILD / "solver").rglob("*.yaml") if "evaluation" not in p.parts]
    assert len(solvers) == 27
    assert {p.name: detect(load_data(p)).name for p in solvers} == {p.name: "audiocraft" for p in solvers}
    # model, conditioner, dset and augmentation fragments, the root config.yaml and the evaluation
    # overrides hold no run: no dialect claims them, so they get no findings
    for group in ("model", "conditioner", "dset", "augmentations"):
        for path in (WILD / group).rglob("*.yaml"):
            assert check_file(path).dialect is None, path
    assert check_file(WILD / "config.yaml").dialect is None
    assert check_file(WILD / "solver/musicgen/evaluation/none.yaml").dialect is None


@needs_wild
def test_defaults_of_the_solver_group_are_merged_and_base_values_point_at_defaults():
    name, a, plan = adapted(WILD / "solver/musicgen/musicgen_base_32khz.yaml")
    run = a.run
    assert name == "audiocraft"
    assert (run.epochs.value, run.epochs.key) == (500, "optim.epochs")               # the file's own
    assert (run.global_batch_size.value, run.global_batch_size.key) == (192, "dataset.batch_size")
    assert (run.dataset_size.value, run.dataset_size.key) == (1_000_000, "defaults")  # musicgen/default
    assert a.semantics.max_steps_per_epoch == 2000                                    # musicgen/default
    assert (run.schedule.warmup.value, run.schedule.warmup.key) == (4000, "schedule.cosine.warmup")
    assert plan.optimizer_steps_per_epoch == 2000 and plan.total_optimizer_steps == 1_000_000
    assert plan.checkpoint_count == 500  # save_last: the latest state after every epoch
    assert any("musicgen/default <- default" in note for note in a.assumptions)


@needs_wild
def test_the_shared_base_is_read_as_nothing():
    result = check_file(WILD / "solver/default.yaml")
    assert result.dialect == "audiocraft" and result.findings == []


@needs_wild
def test_watermarking_schedule_is_reported_ignored_and_musicgen_schedule_is_read():
    result = check_file(WILD / "solver/watermark/default.yaml")
    assert codes(result) == ["SL731"]
    assert result.findings[0].key_path == "schedule.lr_scheduler"
    assert "watermark.py) builds no LR scheduler" in result.findings[0].message
    _, a, _ = adapted(WILD / "solver/watermark/default.yaml")
    assert a.run.schedule.warmup is None  # never applied, so never compared with the run
    # inherited from watermark/default through the defaults list
    assert codes(check_file(WILD / "solver/watermark/robustness.yaml")) == ["SL731"]
    assert "SL731" not in codes(check_file(WILD / "solver/musicgen/musicgen_base_32khz.yaml"))


@needs_wild
def test_evaluate_every_paces_only_the_metrics_stage():
    # musicgen/debug.yaml: 2 epochs, evaluate.every 25 from musicgen/default; validation runs every
    # epoch and the metrics stage at the last one, so nothing is missing
    _, a, _ = adapted(WILD / "solver/musicgen/debug.yaml")
    assert a.run.eval is None
    assert any("valid stage) runs after every epoch" in note for note in a.assumptions)
    assert [f for f in check_file(WILD / "solver/musicgen/debug.yaml").findings if f.severity >= Severity.WARNING] == []


@needs_wild
def test_no_error_on_any_audiocraft_file():
    for path in WILD.rglob("*.yaml"):
        result = check_file(path, dataset_size=10_000, world_size=8)
        assert result.error is None
        assert not [f for f in result.findings if f.severity >= Severity.ERROR], path


def test_self_position_decides_who_wins(tmp_path):
    write(tmp_path, "config/solver/x/default.yaml", """
        solver: musicgen
        optim: {epochs: 100, updates_per_epoch: 50}
        dataset: {batch_size: 8}
        """)
    last = write(tmp_path, "config/solver/x/child.yaml", """
        defaults: [x/default]
        optim: {epochs: 3}
        """)
    first = write(tmp_path, "config/solver/x/child_first.yaml", """
        defaults: [_self_, x/default]
        solver: musicgen
        optim: {epochs: 3}
        """)
    assert adapted(last)[1].run.epochs.value == 3      # _self_ is last when not written
    assert adapted(first)[1].run.epochs.value == 100   # written first, the base overrides it


def test_absolute_solver_entries_cycles_and_files_outside_a_solver_tree(tmp_path):
    write(tmp_path, "config/solver/default.yaml", "optim: {updates_per_epoch: 40}\ncheckpoint: {save_last: true}\n")
    child = write(tmp_path, "config/solver/y/run.yaml", """
        defaults: [/solver/default, y/run, _self_]
        solver: musicgen
        optim: {epochs: 2}
        """)
    _, a, plan = adapted(child)
    assert a.semantics.max_steps_per_epoch == 40
    assert any("includes itself" in note for note in a.assumptions)
    alone = write(tmp_path, "elsewhere/run.yaml", "defaults: [/solver/default]\nsolver: musicgen\noptim: {epochs: 2}\n")
    _, a, _ = adapted(alone)
    assert a.semantics.max_steps_per_epoch is None
    assert any("not inside an AudioCraft config/solver folder" in note for note in a.assumptions)


def test_warmup_longer_than_the_bounded_run_is_an_error_without_the_dataset_size():
    result = lint("""
solver: musicgen
dataset: {batch_size: 16}
optim: {epochs: 2, updates_per_epoch: 10}
schedule: {lr_scheduler: inverse_sqrt, inverse_sqrt: {warmup: 3000}}
""")
    assert codes(result) == ["SL203"]
    assert "at most 20 steps" in result.findings[0].message


def test_the_train_split_batch_size_wins_and_the_schedule_is_sized_to_updates_per_epoch():
    # solvers/builders.py get_audio_datasets: `kwargs = {**dataset_cfg, **split_kwargs}`, `batch_size =
    # kwargs.pop('batch_size', None)`: the train loader has batches of 256, ceil(100000 / 256) = 391 of them, so
    # each epoch stops at 391 < 1000 updates (base.py common_train_valid: the loader runs out); base.py
    # StandardSolver.__init__ `total_updates = train_updates_per_epoch * epochs` = 1000 × 50 sizes the cosine
    # schedule (builders.py get_lr_scheduler: total_steps=total_updates)
    result = lint("""
solver: musicgen
dataset: {batch_size: 64, num_samples: 100000, train: {batch_size: 256}}
optim: {epochs: 50, updates_per_epoch: 1000}
schedule: {lr_scheduler: cosine, cosine: {warmup: 30000}}
""")
    plan = result.plan
    assert (plan["micro_batch_size"], plan["optimizer_steps_per_epoch"], plan["total_optimizer_steps"]) == (256, 391,
                                                                                                         19550)
    assert (plan["warmup_steps"], plan["schedule_end_step"]) == (30000, 50000)
    assert sorted(codes(result)) == ["SL203", "SL205"]


def test_save_every_zero_or_null_is_off_and_save_last_false_leaves_only_save_every():
    off = lint("solver: musicgen\ndataset: {batch_size: 16}\ncheckpoint: {save_every: 0, save_last: true}\n"
               "optim: {epochs: 2, updates_per_epoch: 10}\n")
    assert [f for f in off.findings if f.severity >= Severity.WARNING] == []
    only = lint("solver: musicgen\ndataset: {batch_size: 16}\ncheckpoint: {save_every: 5, save_last: false}\n"
                "optim: {epochs: 2, updates_per_epoch: 10}\n")
    assert codes(only) == ["SL204"] and "no periodic checkpoint" in only.findings[0].message


def test_samples():
    assert [f for f in check_file(SAMPLES / "good.yaml").findings if f.severity >= Severity.WARNING] == []
    assert sorted(codes(check_file(SAMPLES / "bad.yaml"))) == ["SL203", "SL730"]
