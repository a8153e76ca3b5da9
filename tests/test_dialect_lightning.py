"""Lightning (LightningCLI, Hydra) and NeMo dialects: detection, mapping, plan, rules, corpus."""

from __future__ import annotations

import csv
import re

import pytest

from steplint.frameworks import detect
from steplint.frameworks.base import Source
from steplint.engine import check_bytes
from steplint.values import Options
from steplint.findings import Severity
from steplint.interpolation import resolve
from steplint.loading import load_bytes, load_text
from steplint.plan import Context, derive

from .conftest import CORPUS, codes, lint, needs_corpus

LABELS = {"lightning-cli": {"lightning"}, "nemo-hydra": {"lightning", "nemo"}}


def corpus_files(labels):
    with open(CORPUS / "MANIFEST.tsv") as handle:
        return [r["file"] for r in csv.DictReader(handle, delimiter="\t") if r["dialect"] in labels]


def adapted(path_or_text, dataset_size=None, world_size=None, name="config.yaml"):
    if isinstance(path_or_text, str) and "\n" in path_or_text:
        document = load_text(name, path_or_text).documents[0]
    else:
        document = load_bytes(str(path_or_text), path_or_text.read_bytes()).documents[0]
    dialect = detect(document.data)
    result = dialect.adapt(resolve(document.data), Source(str(path_or_text)))
    plan = derive(result.run, result.semantics, Context(dataset_size=dataset_size, world_size=world_size))
    return dialect.name, result, plan


@needs_corpus
@pytest.mark.parametrize("label", sorted(LABELS))
def test_detection_rate(label):
    files = corpus_files({label})
    misses = []
    for name in files:
        loaded = load_bytes(name, (CORPUS / name).read_bytes())
        found = detect(loaded.documents[0].data) if loaded.documents else None
        if found is None or found.name not in LABELS[label]:
            misses.append((name, found and found.name))
    print(f"{label}: {len(files) - len(misses)}/{len(files)} detected; misses: {misses}")
    assert len(files) and (len(files) - len(misses)) / len(files) >= 0.95, misses


@needs_corpus
def test_nemo_files_are_nemo():
    for name in corpus_files({"nemo-hydra"}):
        loaded = load_bytes(name, (CORPUS / name).read_bytes())
        assert detect(loaded.documents[0].data).name == "nemo", name


@needs_corpus
def test_no_crash_and_no_error_on_the_corpus():
    for name in corpus_files(set(LABELS)):
        for context in (Context(), Context(dataset_size=50_000, world_size=8)):
            result = check_bytes(name, (CORPUS / name).read_bytes(), Options(context=context))
            assert result.error is None
            if context.world_size is None:  # with 8 ranks forced, Megatron's global batch 8 really does not split
                assert not [f for f in result.findings if f.severity >= Severity.ERROR], (name, result.findings)


@needs_corpus
def test_mapping_torchgeo_cli():
    name, a, plan = adapted(CORPUS / "microsoft__torchgeo/experiments/torchgeo/conf/eurosat.yaml", dataset_size=16200)
    assert name == "lightning"
    run = a.run
    assert (run.epochs.value, run.epochs.key) == (40, "trainer.max_epochs")
    assert (run.train_loader.batch_size.value, run.train_loader.batch_size.key) == (128, "data.init_args.batch_size")
    assert a.settings.flavour == "cli"
    assert plan.batches_per_epoch == 127 and plan.total_optimizer_steps == 40 * 127


@needs_corpus
def test_mapping_torchgeo_logging_and_disabled_validation():
    name, a, _ = adapted(CORPUS / "microsoft__torchgeo/experiments/ssl4eo/landsat/conf/"
                                  "ssl4eo_l_oli_tirs_toa_mocov2_resnet50.yaml")
    assert (a.run.logging.value, a.run.logging.key) == (5, "trainer.log_every_n_steps")
    assert a.settings.validation_disabled and a.run.eval is None


@needs_corpus
def test_mapping_hydra_template_fragments():
    base = CORPUS / "ashleve__lightning-hydra-template/configs"
    name, a, _ = adapted(base / "trainer/default.yaml")
    assert name == "lightning" and a.run.epochs.key == "max_epochs" and a.run.epochs.value == 10
    name, a, _ = adapted(base / "trainer/ddp.yaml")
    assert name == "lightning" and a.run.world_size.value == 4 and a.run.epochs is None  # composed: no default
    name, a, _ = adapted(base / "debug/limit.yaml", dataset_size=55_000)
    assert a.semantics.batch_limit_fraction == 0.01 and a.run.epochs.value == 3
    name, a, _ = adapted(base / "data/mnist.yaml")
    assert a.run.train_loader.batch_size.key == "batch_size"


@needs_corpus
def test_mapping_nemo_asr():
    name, a, _ = adapted(CORPUS / "NVIDIA__NeMo/examples/asr/conf/conformer/conformer_ctc_bpe.yaml")
    assert name == "nemo"
    run = a.run
    assert run.train_loader.batch_size.key == "model.train_ds.batch_size"
    assert (run.schedule.warmup.value, run.schedule.warmup.key) == (10000, "model.optim.sched.warmup_steps")
    assert run.schedule.name.value == "NoamAnnealing"
    assert run.epochs.value == 1000 and run.max_steps is None  # max_steps: -1 = no limit


@needs_corpus
def test_mapping_nemo_megatron_derives_accumulation():
    name, a, plan = adapted(CORPUS / "NVIDIA__NeMo/examples/nlp/language_modeling/conf/megatron_gpt_config.yaml")
    run = a.run
    assert (run.train_loader.batch_size.value, run.global_batch_size.value) == (4, 8)
    assert run.gradient_accumulation is None  # Megatron derives it at launch: 8 / (4 × 1) = 2
    assert any("gradient accumulation 2" in note for note in a.assumptions)
    assert run.max_steps.value == 100000 and run.epochs is None  # max_epochs: -1
    assert a.settings.megatron
    # the plan derives it the way Megatron will, at the world size the plan uses (--world-size wins)
    assert (plan.gradient_accumulation_steps, plan.global_batch_size) == (2, 8)
    assert lint(CORPUS.joinpath("NVIDIA__NeMo/examples/nlp/language_modeling/conf/megatron_gpt_config.yaml").read_text(),
                world_size=2).plan["gradient_accumulation_steps"] == 1
    # With 8 devices and tensor parallel 2: data-parallel 4, and global 8 is not a multiple of micro 4 × 4.
    text = (CORPUS / "NVIDIA__NeMo/examples/nlp/language_modeling/conf/megatron_gpt_config.yaml").read_text()
    text = text.replace("  devices: 1\n", "  devices: 8\n", 1).replace(
        "tensor_model_parallel_size: 1", "tensor_model_parallel_size: 2", 1)
    _, a, _ = adapted(text)
    assert a.run.world_size.value == 4 and a.run.gradient_accumulation is None
    assert "SL705" in codes(lint(text))  # 8 is not a multiple of micro 4 × data-parallel 4: Megatron refuses it (SL705 replaces SL303)


CLI = """
trainer:
  max_epochs: {epochs}
  accumulate_grad_batches: {ga}
  devices: 2
  callbacks:
    - class_path: lightning.pytorch.callbacks.ModelCheckpoint
      init_args: {{every_n_train_steps: {every}}}
data:
  class_path: my.DataModule
  init_args: {{batch_size: 8}}
"""


def test_plan_numbers_match_lightning_formulas():
    # frameworks.md §8.1 worked example: N=1000, B=8, P=2, GA=4, E=3 -> 500 per rank, 63 batches, 16 steps, 48
    _, a, plan = adapted(CLI.format(epochs=3, ga=4, every=10), dataset_size=1000)
    assert (plan.samples_per_rank, plan.batches_per_epoch, plan.optimizer_steps_per_epoch) == (500, 63, 16)
    assert plan.total_optimizer_steps == 48 and plan.checkpoint_count == 4


def test_default_max_epochs_is_1000_only_for_a_standalone_trainer_block():
    _, a, _ = adapted("trainer:\n  accelerator: gpu\n  devices: 1\nmodel:\n  class_path: my.Model\n")
    assert a.run.epochs.value == 1000 and a.run.epochs.key == "trainer"
    _, a, _ = adapted("trainer:\n  accelerator: gpu\n  max_steps: 500\nmodel:\n  class_path: my.Model\n")
    assert a.run.epochs is None and a.run.max_steps.value == 500


def test_limit_train_batches_int_and_fraction():
    text = "trainer:\n  max_epochs: 3\n  limit_train_batches: {limit}\ndata:\n  batch_size: 8\n"
    assert adapted(text.format(limit=3), dataset_size=64)[2].batches_per_epoch == 3
    assert adapted(text.format(limit=0.5), dataset_size=100)[2].batches_per_epoch == 6
    assert adapted(text.format(limit="1.0"), dataset_size=64)[2].batches_per_epoch == 8


def test_val_check_interval_error_and_its_escape():
    text = "trainer:\n  max_epochs: 2\n  val_check_interval: 500\n{extra}data:\n  batch_size: 128\n"
    bad = lint(text.format(extra=""), dataset_size=50_000)
    assert [f.severity for f in bad.findings if f.rule == "SL451"] == [Severity.ERROR]
    assert "SL451" not in codes(lint(text.format(extra="  check_val_every_n_epoch: null\n"), dataset_size=50_000))
    assert "SL451" not in codes(lint(text.format(extra="  limit_val_batches: 0\n"), dataset_size=50_000))
    info = lint(text.format(extra=""))
    assert "SL451" not in codes(info)
    [undecided] = [f for f in info.findings if f.rule == "SL207"]
    assert "val_check_interval 500 (training batches) against the batches in an epoch" in undecided.message


def test_val_check_interval_past_limit_train_batches_is_an_error_without_the_dataset_size():
    """limit_train_batches: 100 caps every epoch at 100 batches whatever N: an int val_check_interval
    of 500 is refused at the start of fit for every dataset."""
    text = "trainer:\n  max_epochs: 2\n  val_check_interval: {every}\n  limit_train_batches: 100\ndata:\n  batch_size: 128\n"
    [hit] = [f for f in lint(text.format(every=500)).findings if f.rule == "SL451"]
    assert hit.severity is Severity.ERROR and "an epoch has at most 100 batches whatever the dataset size" in hit.message
    assert "SL451" not in codes(lint(text.format(every=50)))


def test_log_interval_rule_leaves_the_never_logged_case_to_sl204():
    text = "trainer:\n  max_epochs: {e}\n  log_every_n_steps: 50\ndata:\n  batch_size: 64\n"
    assert "SL452" in codes(lint(text.format(e=100), dataset_size=1000))
    result = lint(text.format(e=2), dataset_size=1000)
    assert "SL452" not in codes(result) and "SL204" in codes(result)


def test_no_checkpoint_rule_respects_save_last_and_train_time_interval():
    text = CLI.format(epochs=1, ga=1, every=1000)
    assert "SL453" in codes(lint(text, dataset_size=1000))
    assert "SL453" not in codes(lint(text.replace("{every_n_train_steps: 1000}",
                                                  "{every_n_train_steps: 1000, save_last: true}"), dataset_size=1000))


def test_a_checkpoint_that_never_fires_is_one_finding_not_two():
    # SL453 supersedes SL204 at the same key; with SL453 off, SL204 still reports it.
    text = CLI.format(epochs=1, ga=1, every=1000)
    assert [c for c in codes(lint(text, dataset_size=1000)) if c in ("SL204", "SL453")] == ["SL453"]
    assert [c for c in codes(lint(text, dataset_size=1000, ignore=("SL453",))) if c in ("SL204", "SL453")] == ["SL204"]
    saved_last = text.replace("{every_n_train_steps: 1000}", "{every_n_train_steps: 1000, save_last: true}")
    assert [c for c in codes(lint(saved_last, dataset_size=1000)) if c in ("SL204", "SL453")] == ["SL204"]


def test_cli_scheduler_in_epochs_is_fine_and_in_steps_is_flagged():
    text = ("trainer:\n  max_epochs: 30\nmodel:\n  class_path: my.Model\nlr_scheduler:\n"
            "  class_path: torch.optim.lr_scheduler.CosineAnnealingLR\n  init_args:\n    T_max: {t}\n")
    assert "SL454" not in codes(lint(text.format(t=30)))
    result = lint(text.format(t=20000))
    assert "SL454" in codes(result) and "SL205" not in codes(result) and "SL102" not in codes(result)
    _, a, _ = adapted(text.format(t=30))
    assert a.run.schedule.horizon.value == 30 and a.run.schedule.horizon.unit.value == "epoch"
    steps_only = text.format(t=10000).replace("max_epochs: 30", "max_epochs: -1\n  max_steps: 10000")
    assert "SL454" in codes(lint(steps_only))


def test_checkpoint_on_validation_epochs_only_when_every_n_epochs_is_written():
    text = ("trainer:\n  max_epochs: 30\n  check_val_every_n_epoch: 5\n  callbacks:\n"
            "    - class_path: ModelCheckpoint\n      init_args: {args}\nmodel:\n  class_path: my.Model\n")
    assert "SL455" in codes(lint(text.format(args="{every_n_epochs: 2}")))
    assert "SL455" not in codes(lint(text.format(args="{every_n_epochs: 10}")))
    assert "SL455" not in codes(lint(text.format(args="{monitor: val_loss}")))  # default cadence
    assert "SL455" not in codes(lint(text.format(args="{every_n_epochs: 2, save_on_train_epoch_end: true}")))


def test_int_one_is_one_batch_but_float_one_is_everything():
    text = "trainer:\n  max_epochs: 3\n  limit_train_batches: {v}\nmodel:\n  class_path: my.Model\n"
    assert "SL456" in codes(lint(text.format(v=1)))
    assert "SL456" not in codes(lint(text.format(v="1.0")))


def test_validation_counted_over_the_run_with_check_val_every_n_epoch_none():
    # oracle pl-064: N=7, B=4 -> 2 batches; val_check_interval 3 over the whole run; 3 epochs: after
    # micro-batches 3 and 6 of the run, at global steps 3 and 6
    text = ("trainer:\n  max_epochs: 3\n  val_check_interval: 3\n  check_val_every_n_epoch: null\n"
            "data:\n  batch_size: 4\n")
    _, a, plan = adapted(text, dataset_size=7)
    assert (plan.eval_count, plan.first_eval_step) == (2, 3)


ISSUE_9 = """
trainer:
  max_epochs: 3
  val_check_interval: 0.5
  callbacks:
    - class_path: lightning.pytorch.callbacks.ModelCheckpoint
      init_args: {every_n_epochs: 1, save_top_k: -1%s}
data:
  class_path: my.DataModule
  init_args: {batch_size: 8}
"""


def test_float_val_check_interval_with_epoch_checkpoints_is_planned_as_lightning_runs_it(tmp_path):
    # issue 9 (oracle pl-075): N=33, B=8 -> 5 batches; validation every int(5 × 0.5) = 2 batches, at
    # steps 2, 4, 7, 9, 12, 14; every_n_epochs 1 then saves at the end of each validation: 6 checkpoints
    _, _, plan = adapted(ISSUE_9 % "", dataset_size=33)
    assert (plan.eval_count, plan.first_eval_step) == (6, 2)
    assert (plan.checkpoint_count, plan.first_checkpoint_step) == (6, 2)
    config = tmp_path / "cli.yaml"
    config.write_text(ISSUE_9 % "")
    from click.testing import CliRunner
    from steplint import cli
    table = CliRunner().invoke(cli.main, ["plan", str(config), "--dataset-size", "33"]).output
    rows = dict(re.findall(r"^  (\S.*?)\s{2,}(\S.*)$", table, re.M))
    assert (rows["evaluations"], rows["first evaluation at step"]) == ("6", "2"), table
    assert (rows["checkpoints"], rows["first checkpoint at step"]) == ("6", "2"), table


@pytest.mark.parametrize("change,why", [
    (", monitor: val_loss", "what is written depends on the metric"),
    (", save_last: true", "last.ckpt at every epoch or validation end"),
    (", every_n_train_steps: '${oc.env:STEPS}'", "a trigger steplint cannot read"),
])
def test_checkpoints_the_config_does_not_decide_are_unknown(change, why):
    _, _, plan = adapted(ISSUE_9 % change, dataset_size=33)
    assert (plan.checkpoint_count, plan.first_checkpoint_step) == (None, None), why
    assert plan.eval_count == 6


def test_evaluations_the_config_does_not_decide_are_unknown():
    text = ISSUE_9 % ""
    assert adapted(text.replace("  val_check_interval: 0.5\n", ""), dataset_size=33)[2].eval_count is None
    timed = adapted(text.replace("0.5", "'00:00:10:00'"), dataset_size=33)[2]  # time-based validation
    assert (timed.eval_count, timed.first_eval_step, timed.checkpoint_count) == (None, None, None)
    two = text.replace("    - class_path", "    - class_path: lightning.pytorch.callbacks.ModelCheckpoint\n"
                                           "      init_args: {every_n_train_steps: 2}\n    - class_path", 1)
    assert adapted(two, dataset_size=33)[2].checkpoint_count is None  # two callbacks, two cadences
    unbounded = adapted(text.replace("max_epochs: 3", "max_epochs: -1"), dataset_size=33)[2]
    assert (unbounded.eval_count, unbounded.first_eval_step) == (None, 2)
    assert (unbounded.checkpoint_count, unbounded.first_checkpoint_step) == (None, 2)


def test_checkpoints_on_too_many_validations_to_walk_give_the_first_one_only():
    from steplint.frameworks.lightning.reader import CADENCE_LIMIT
    text = (ISSUE_9 % "").replace("0.5", "2").replace("batch_size: 8", "batch_size: 1").replace("max_epochs: 3",
                                                                                                  "max_epochs: 10")
    plan = adapted(text, dataset_size=CADENCE_LIMIT // 4)[2]  # 10 epochs, a validation every 2 batches
    assert (plan.eval_count, plan.first_eval_step) == (5 * CADENCE_LIMIT // 4, 2)
    assert (plan.checkpoint_count, plan.first_checkpoint_step) == (None, 2)
    plan = adapted(text, dataset_size=1000)[2]
    assert (plan.checkpoint_count, plan.first_checkpoint_step) == (5000, 2)


@needs_corpus
def test_megatron_nemo_validates_in_steps_of_the_one_epoch_its_loader_spans():
    text = (CORPUS / "NVIDIA__NeMo/examples/nlp/language_modeling/conf/megatron_gpt_config.yaml").read_text()
    for dataset_size in (None, 10000):  # the loader is sized from max_steps, not from the dataset
        plan = adapted(text, dataset_size=dataset_size)[2]
        assert (plan.total_optimizer_steps, plan.eval_count, plan.first_eval_step) == (100000, 1000, 100)


def test_bad_values_give_findings_not_tracebacks():
    for text in ("trainer:\n  max_epochs: abc\n  accumulate_grad_batches: {0: 4}\n  devices: auto\n",
                 "trainer:\n  val_check_interval: '00:01:00:00'\n  check_val_every_n_epoch: 1.5\n",
                 "trainer: [1, 2]\nmodel: {class_path: x}\n",
                 "trainer:\n  callbacks: {a: 1, b: [1]}\n  limit_train_batches: true\n",
                 "exp_manager: {}\nmodel:\n  micro_batch_size: 0\n  global_batch_size: x\ntrainer: {devices: 4}\n"):
        result = lint(text, dataset_size=100, world_size=2)
        assert result.error is None
