"""MMF (facebookresearch/mmf): detection on corpus-wild, `includes:` merged before reading, MMF's
defaults (mmf/configs/defaults.yaml), max_epochs over max_updates, and SL700-SL702 on real configs."""

from __future__ import annotations

import csv

import pytest

from steplint.frameworks import detect

from .conftest import ROOT, SHARED, check_file, codes, lint

WILD = SHARED / "corpus-wild"
MMF = WILD / "facebookresearch__mmf"
SAMPLES = ROOT / "sample_configs" / "mmf"
needs_wild = pytest.mark.skipif(not MMF.is_dir(), reason="../shared/corpus-wild (MMF files) is absent")


def manifest(label: str) -> list[str]:
    with open(WILD / "MANIFEST.tsv", newline="") as handle:
        return [r["file"] for r in csv.DictReader(handle, delimiter="\t") if r["dialect"] == label]


def loud(result) -> list[str]:
    """The warnings and errors."""
    return [f.rule for f in result.findings if f.severity.name != "INFO"]


class _Plan:
    def __init__(self, plan: dict) -> None:
        self.__dict__.update(plan)


def _plan(result) -> _Plan:
    return _Plan(result.plan or {})


def dialect_of(path) -> str | None:
    from steplint.interpolation import resolve
    from steplint.loading import load_bytes
    documents = load_bytes(str(path), path.read_bytes()).documents
    if not documents or not isinstance(documents[0].data, dict):
        return None
    return getattr(detect(resolve(documents[0].data)), "name", None)


@needs_wild
def test_every_mmf_file_in_corpus_wild_is_read_as_mmf_and_no_other_label_is():
    files = manifest("mmf")
    assert len(files) == 67
    assert [f for f in files if dialect_of(WILD / f) != "mmf"] == []
    with open(WILD / "MANIFEST.tsv", newline="") as handle:
        others = [r["file"] for r in csv.DictReader(handle, delimiter="\t") if r["dialect"] != "mmf"]
    assert [f for f in others if dialect_of(WILD / f) == "mmf"] == []


@needs_wild
def test_model_and_dataset_fragments_get_no_findings():
    for name in ("mmf/configs/models/mmbt/defaults.yaml", "mmf/configs/datasets/coco/ocr_en.yaml",
                 "projects/unit/configs/vqa2_dataset_cfg.yaml"):
        result = check_file(MMF / name)
        assert result.dialect == "mmf" and result.findings == [], (name, result.findings)
        assert _plan(result).total_optimizer_steps is None


@needs_wild
def test_an_includes_only_file_is_read_through_what_it_includes():
    # pretrain.yaml is `includes: [./defaults.yaml]`: max_updates 11000, batch 480, warmup 1000
    plan = _plan(check_file(MMF / "projects/vilbert/configs/masked_vqa2/pretrain.yaml"))
    assert (plan.total_optimizer_steps, plan.global_batch_size, plan.warmup_steps, plan.checkpoint_count) == \
        (11000, 480, 1000, 11)


@needs_wild
def test_a_schedule_longer_than_the_run_in_a_real_config():
    result = check_file(MMF / "projects/vilbert/configs/mmimdb/defaults.yaml")
    assert codes(result) == ["SL205"]
    assert "88000" in result.findings[0].message and "60000" in result.findings[0].message


@needs_wild
def test_real_configs_whose_scheduler_or_warmup_mmf_never_builds():
    vizwiz = check_file(MMF / "projects/others/mmf_bert/configs/vizwiz/defaults.yaml")
    assert codes(vizwiz) == ["SL700"] and vizwiz.findings[0].key_path == "scheduler.type"
    lxmert = check_file(MMF / "projects/lxmert/configs/defaults.yaml")
    assert loud(lxmert) == ["SL700"]
    assert [f.key_path for f in lxmert.findings if f.rule == "SL700"] == ["training.use_warmup"]


@needs_wild
def test_real_configs_with_keys_mmf_no_longer_reads():
    m4c = check_file(MMF / "projects/m4c_captioner/configs/m4c_captioner/coco/defaults.yaml")
    assert codes(m4c) == ["SL701"] and "22000" in m4c.findings[0].message
    assert _plan(m4c).total_optimizer_steps == 22000  # max_iterations 24000 is not the run's length
    clevr = check_file(MMF / "projects/others/cnn_lstm/clevr/defaults.yaml")
    assert codes(clevr) == ["SL701"] and clevr.findings[0].key_path == "training.snapshot_interval"


RUN = """\
training:
  batch_size: 64
  update_frequency: 4
  lr_scheduler: true
{extra}
scheduler:
  type: warmup_cosine
  params: {{num_warmup_steps: 100, num_training_steps: "${{training.max_updates}}"}}
"""


def test_defaults_and_counting():
    result = lint(RUN.format(extra="  max_updates: 5000"), dataset_size=6400)
    plan = _plan(result)
    # global 64 over one rank, 4 batches per update: 100 batches an epoch -> 25 updates
    assert (plan.micro_batch_size, plan.gradient_accumulation_steps, plan.total_optimizer_steps) == (64, 4, 5000)
    assert plan.optimizer_steps_per_epoch == 25
    assert (plan.checkpoint_count, plan.eval_count, plan.logging_count) == (5, 5, 50)  # 1000, 1000, 100
    assert plan.schedule_end_step == 5000


def test_the_short_last_group_of_an_epoch_is_an_update():
    plan = _plan(lint(RUN.format(extra="  max_epochs: 2"), dataset_size=6464))  # 101 batches
    assert plan.optimizer_steps_per_epoch == 26 and plan.total_optimizer_steps == 52


def test_max_epochs_wins_over_max_updates():
    plan = _plan(lint(RUN.format(extra="  max_epochs: 3\n  max_updates: 10"), dataset_size=6400))
    assert plan.total_optimizer_steps == 75  # get_max_updates favours max_epochs


def test_batch_size_is_global_and_batch_size_per_device_overrides_it():
    assert _plan(lint(RUN.format(extra=""), world_size=8)).micro_batch_size == 8
    assert _plan(lint(RUN.format(extra="  batch_size_per_device: 16"), world_size=8)).micro_batch_size == 16


def test_an_includes_child_sets_max_updates_that_the_included_scheduler_reads(tmp_path):
    (tmp_path / "base.yaml").write_text(RUN.format(extra="  max_updates: 5000"))
    (tmp_path / "child.yaml").write_text("includes: [base.yaml]\ntraining:\n  max_updates: 2000\n")
    result = check_file(tmp_path / "child.yaml")
    assert result.dialect == "mmf"
    assert (_plan(result).total_optimizer_steps, _plan(result).schedule_end_step) == (2000, 2000)
    assert codes(result) == []


def test_a_missing_include_is_said_not_guessed(tmp_path):
    (tmp_path / "child.yaml").write_text("includes: [nowhere.yaml]\ntraining:\n  max_updates: 2000\n")
    result = check_file(tmp_path / "child.yaml")
    assert any("nowhere.yaml" in a for a in _plan(result).assumptions)
    assert _plan(result).total_optimizer_steps == 2000


def test_an_include_cycle_stops(tmp_path):
    (tmp_path / "a.yaml").write_text("includes: [b.yaml]\ntraining: {max_updates: 100}\n")
    (tmp_path / "b.yaml").write_text("includes: [a.yaml]\ntraining: {batch_size: 8}\n")
    result = check_file(tmp_path / "a.yaml")
    assert _plan(result).total_optimizer_steps == 100 and _plan(result).global_batch_size == 8


def test_the_scheduler_is_read_only_when_mmf_builds_it():
    off = lint(RUN.format(extra="  max_updates: 5000").replace("lr_scheduler: true", "lr_scheduler: false"))
    assert _plan(off).warmup_steps is None and codes(off) == ["SL700"]


def test_no_run_length_at_all_is_refused_at_start():
    result = lint("training:\n  max_updates: null\n  max_epochs: null\n  batch_size: 8\n  update_frequency: 1\n"
                  "evaluation: {metrics: [accuracy]}\n")
    assert loud(result) == ["SL702"]


def test_samples():
    assert check_file(SAMPLES / "good.yaml").findings == []
    assert codes(check_file(SAMPLES / "bad.yaml")) == ["SL700", "SL701"]
    # ${training.max_updates} resolved in MMF's defaults (22000) against a max_epochs run of 3 × 266 updates
    assert codes(check_file(SAMPLES / "bad_max_epochs.yaml", dataset_size=8500)) == ["SL205"]


def test_each_evaluation_also_saves_a_checkpoint():
    # mmf/trainers/core/training_loop.py `run_training_epoch` calls early_stop_callback.on_validation_end
    # after every evaluation; mmf/utils/early_stopping.py `__call__` then saves (update_best True or
    # False) unless its patience has run out: checkpoints at 100, 200 and 300 despite checkpoint_interval
    result = lint(RUN.format(extra="  max_updates: 300\n  evaluation_interval: 100\n  checkpoint_interval: 100000"))
    plan = _plan(result)
    assert (plan.checkpoint_count, plan.first_checkpoint_step) == (3, 100)
    assert "SL204" not in codes(result)
    # a checkpoint_interval shorter than the evaluations stays the cadence
    plan = _plan(lint(RUN.format(extra="  max_updates: 300\n  evaluation_interval: 200\n  checkpoint_interval: 50")))
    assert (plan.checkpoint_count, plan.first_checkpoint_step) == (6, 50)


def test_the_pythia_warmup_defaults_to_1000_updates():
    # mmf/configs/defaults.yaml: training.warmup_iterations 1000, read by the pythia scheduler's
    # lr_lambda_update when training.use_warmup is true
    text = "training:\n  max_updates: 500\n  lr_scheduler: true\n  use_warmup: true\n  batch_size: 32\n"
    result = lint(text)
    assert result.plan["warmup_steps"] == 1000 and "SL203" in codes(result)
    assert lint(text.replace("use_warmup: true", "use_warmup: false")).plan["warmup_steps"] is None


def test_max_epochs_or_max_updates_of_zero_or_below_trains_nothing():
    # mmf/utils/general.py:354 get_max_updates: `if config_max_epochs is not None:` max_updates =
    # ceil(len(train_loader) / update_freq) * config_max_epochs (max_updates ignored), so 0 gives 0 and -1 a negative
    # count (-1 is no "off"); training_loop.py:55 `while self.num_updates < self.max_updates` then never runs
    for epochs in (0, -1):
        result = lint(RUN.format(extra=f"  max_epochs: {epochs}\n  max_updates: 5000"), dataset_size=6400)
        hit = next(f for f in result.findings if f.rule == "SL003")
        assert loud(result) == ["SL003"] and hit.key_path == "training.max_epochs"
        assert (f"MMF favours max_epochs over max_updates and trains ceil(len(train_loader) / update_frequency) × "
                f"{epochs} updates: the training loop never starts and nothing trains") in hit.message
    # max_epochs null (defaults.yaml): max_updates is the run, and 0 or below is no update either
    for updates in (0, -1):
        result = lint(RUN.format(extra=f"  max_epochs: null\n  max_updates: {updates}"), dataset_size=6400)
        hit = next(f for f in result.findings if f.rule == "SL003")
        assert loud(result) == ["SL003"] and hit.key_path == "training.max_updates"
        assert "the training loop never starts and nothing trains" in hit.message
    # a max_updates of 0 beside a positive max_epochs is ignored (max_epochs wins)
    assert "SL003" not in codes(lint(RUN.format(extra="  max_epochs: 200\n  max_updates: 0"), dataset_size=6400))


def test_a_reference_to_max_updates_not_written_resolves_to_mmf_default(tmp_path):
    # mmf/utils/configuration.py Configuration.__init__: the user config is merged over mmf/configs/defaults.yaml
    # (training.max_updates: 22000, line 19; no model or dataset default config sets training.*) and resolved
    # after (`OmegaConf.to_container(self.config, resolve=True)`): `${training.max_updates}` is 22000
    plain = lint(RUN.format(extra=""), dataset_size=6400)
    assert plain.plan["schedule_end_step"] == 22000 and loud(plain) == []
    assert any("num_training_steps = 22000" in a and "defaults.yaml" in a for a in plain.plan["assumptions"])
    # max_epochs sets the run (3 × 2500 updates) but the schedule still reads the default max_updates
    epochs = lint(RUN.format(extra="  max_epochs: 3"), dataset_size=640000)
    assert loud(epochs) == ["SL205"]
    hit = next(f for f in epochs.findings if f.rule == "SL205")
    assert "sized for 22000 steps" in hit.message and "7500" in hit.message
    # the file's own max_updates (or an included one) wins, as OmegaConf.merge makes it
    (tmp_path / "base.yaml").write_text(RUN.format(extra=""))
    (tmp_path / "child.yaml").write_text("includes: [base.yaml]\ntraining:\n  max_updates: 2000\n")
    assert check_file(tmp_path / "child.yaml").plan["schedule_end_step"] == 2000
