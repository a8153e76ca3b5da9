"""steplint's Lightning plan against the real Lightning Trainer, case by case.

tests/oracle/lightning_<version>.json was recorded by tests/oracle/record_lightning.py (real
`lightning.Trainer.fit` on CPU, one process). Each case is written here as the LightningCLI YAML a
user would write for it, run through steplint's pipeline with the case's dataset size, and every
recorded output is compared with the plan steplint reports (`COMPARED`), or the test says why it
has no plan counterpart (`NO_PLAN_COUNTERPART`). Where Lightning refused to run, the finding that
says so must be there.

`replay` below is a literal, micro-batch by micro-batch walk through Lightning's loop. It must give
the recorded validation runs and checkpoint writes exactly; the plan's counts (arithmetic, not a
walk) must then agree with it on many more configurations than were recorded.
"""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path
from typing import Optional

import pytest
import yaml

from steplint.frameworks import detect
from steplint.frameworks.base import Source
from steplint.frameworks.lightning.reader import LightningSettings, _saves_on_train_epoch_end, _val_check_batch
from steplint.findings import Severity
from steplint.interpolation import resolve
from steplint.loading import load_text
from steplint.plan import Context, derive

from .conftest import lint

ORACLE_DIR = Path(__file__).parent / "oracle"
TABLES = sorted(ORACLE_DIR.glob("lightning_*.json"))
CASES = [(json.loads(table.read_text()), case) for table in TABLES for case in json.loads(table.read_text())["cases"]]
IDS = [f"{table['version']}-{case['id']}" for table, case in CASES]
TRAINER_KEYS = ("max_epochs", "max_steps", "accumulate_grad_batches", "limit_train_batches",
                "val_check_interval", "check_val_every_n_epoch")
VALIDATION_KEYS = ("val_check_interval", "check_val_every_n_epoch")
# Cases where Lightning refused to run, and the steplint rule that predicts it.
REFUSED = {"MisconfigurationException": "SL457", "ValueError": "SL451"}

# Every recorded output, and the plan number it is compared with (record_lightning.py says what each means).
COMPARED = {
    "num_training_batches": "batches_per_epoch",
    "len_train_dataloader": "batches_per_epoch where limit_train_batches is not set (it limits the loader's length)",
    "estimated_stepping_batches": "total_optimizer_steps",
    "steps_taken": "optimizer_steps_taken",
    "global_step": "optimizer_steps_taken",
    "epochs_started": "epochs, rounded up",
    "current_epoch": "epochs, rounded up (Lightning counts the epoch max_steps cut short)",
    "sched_epoch_calls": "epochs, rounded down: an interval 'epoch' scheduler steps once per completed epoch",
    "sched_step_calls": "optimizer_steps_taken, with the scheduler's frequency 1",
    "save_steps_at": "checkpoint_count and first_checkpoint_step",
    "checkpoint_files": "checkpoint_count: save_top_k -1 keeps every write, each named by its own epoch and step",
    "val_runs": "eval_count and first_eval_step (the global step is its last column)",
    "val_steps_at": "eval_count and first_eval_step",
    "stop_message": "limited_by: which of max_epochs and max_steps stopped fit",
    "error": "the finding that predicts it (REFUSED)",
}
NO_PLAN_COUNTERPART = {
    "micro_batches": "the plan counts optimizer steps, not the micro-batches trained on",
    "warnings": "messages, not numbers",
}
# Cases whose plan says null instead of a recorded number, and why.
UNKNOWN_TO_THE_PLAN = {
    "evaluations without a validation key": "whether fit validates at all is decided by the LightningModule (a "
    "validation_step and a val dataloader), which a config does not hold; the plan counts evaluations only when "
    "the config sets val_check_interval or check_val_every_n_epoch",
    "sched_step_calls with lr_scheduler_step_frequency": "the scheduler's frequency is set in configure_optimizers, "
    "in code; the plan counts optimizer steps, which is the calls at frequency 1",
}


def as_cli_yaml(inputs: dict, fixed: dict) -> str:
    """The case as the LightningCLI config the recorder ran (the dataset size is passed on the command line)."""
    trainer = {k: v for k, v in fixed["trainer"].items() if k not in ("accelerator", "devices")}
    trainer.update({k: inputs[k] for k in TRAINER_KEYS if k in inputs})
    checkpoint = {k: inputs[k] for k in ("every_n_train_steps", "every_n_epochs") if k in inputs}
    if checkpoint:
        trainer["callbacks"] = [{"class_path": "lightning.pytorch.callbacks.ModelCheckpoint",
                                 "init_args": {"save_top_k": -1, **checkpoint}}]
    else:
        trainer["enable_checkpointing"] = False  # the recorder's setting when the case has no ModelCheckpoint
    config = {"trainer": trainer,
              "model": {"class_path": "tests.Tiny"},
              "data": {"class_path": "tests.TinyDataModule",
                       "init_args": {"batch_size": inputs["batch_size"], "drop_last": inputs["drop_last"]}}}
    return yaml.safe_dump(config, sort_keys=False)


def steplint_view(text: str, dataset_size: int):
    document = load_text("case.yaml", text).documents[0]
    dialect = detect(document.data)
    assert dialect is not None and dialect.name == "lightning", text
    adapted = dialect.adapt(resolve(document.data), Source("case.yaml"))
    plan = derive(adapted.run, adapted.semantics, Context(dataset_size=dataset_size))
    return plan, adapted.settings


def replay(nb: int, ga: int, settings: LightningSettings, max_epochs: Optional[int], max_steps: Optional[int]):
    """(validation runs as (epoch, batches in epoch, batches in run, global step), global step of each
    checkpoint write), walking Lightning's loop one micro-batch at a time: `_should_check_val_fx`,
    `ModelCheckpoint.on_train_batch_end / on_validation_end / on_train_epoch_end`,
    `_should_skip_saving_checkpoint` (`_last_global_step_saved` starts at 0: never a save at step 0)."""
    epochs = max_epochs if max_epochs and max_epochs > 0 else -(-max_steps // -(-nb // ga))
    vcb = _val_check_batch(nb, settings)
    cv = settings.check_val_every_n_epoch
    ckpt = settings.checkpoints[0] if settings.checkpoints else None
    every_steps = ckpt.every_n_train_steps if ckpt else None
    every_epochs = ckpt.epochs_every if ckpt else 0
    on_epoch_end = _saves_on_train_epoch_end(settings, ckpt, vcb) if ckpt else False
    validations, saves = [], []
    step = total_batches = 0

    def save() -> None:
        if step != (saves[-1] if saves else 0):
            saves.append(step)

    for epoch in range(epochs):
        validates = vcb is not None and (cv is None or (epoch + 1) % cv == 0)
        stopped = False
        for j in range(1, nb + 1):
            total_batches += 1
            if j % ga == 0 or j == nb:
                step += 1
                if every_steps and step % every_steps == 0:
                    save()
            if validates and (j % vcb == 0 if cv is not None else total_batches % vcb == 0):
                validations.append((epoch, j, total_batches, step))
                if ckpt and not on_epoch_end and every_epochs and (epoch + 1) % every_epochs == 0:
                    save()
            if max_steps and step >= max_steps:
                stopped = True
                break
        if ckpt and on_epoch_end and every_epochs and (epoch + 1) % every_epochs == 0:
            save()
        if stopped:
            break
    return validations, saves


def test_the_oracle_is_there():
    assert TABLES, "tests/oracle/lightning_*.json is missing"


def test_every_recorded_output_is_compared_or_said_not_to_be():
    for _, case in CASES:
        assert set(case["outputs"]) == set(COMPARED) | set(NO_PLAN_COUNTERPART), case["id"]


@pytest.mark.parametrize("table,case", CASES, ids=IDS)
def test_case(table, case):
    inputs, out = case["inputs"], case["outputs"]
    text = as_cli_yaml(inputs, table["fixed"])
    plan, settings = steplint_view(text, inputs["dataset_size"])
    error = out.get("error")
    if error:
        code = REFUSED[error["type"]]
        result = lint(text, dataset_size=inputs["dataset_size"])
        found = [f for f in result.findings if f.rule == code and f.severity is Severity.ERROR]
        assert found, (error, [f.to_dict() for f in result.findings])
        return
    if out["len_train_dataloader"] == 0:  # an empty loader: Lightning stops with "No training batches"
        assert plan.batches_per_epoch == 0 and plan.optimizer_steps_taken == out["steps_taken"] == 0
        assert (plan.checkpoint_count, plan.eval_count) == (0, 0) == (len(out["save_steps_at"]), len(out["val_runs"]))
        assert "SL206" in [f.rule for f in lint(text, dataset_size=inputs["dataset_size"]).findings]
        return
    assert plan.batches_per_epoch == out["num_training_batches"]
    if "limit_train_batches" not in inputs:
        assert plan.batches_per_epoch == out["len_train_dataloader"]
    assert plan.total_optimizer_steps == out["estimated_stepping_batches"]
    assert plan.optimizer_steps_taken == out["steps_taken"] == out["global_step"]
    assert math.ceil(plan.epochs - 1e-9) == out["epochs_started"] == out["current_epoch"]
    assert math.floor(plan.epochs + 1e-9) == out["sched_epoch_calls"]
    if "lr_scheduler_step_frequency" not in inputs:  # else: UNKNOWN_TO_THE_PLAN
        assert plan.optimizer_steps_taken == out["sched_step_calls"]
    stopped_by = {"epochs": "`max_epochs=", "max_steps": "`max_steps="}[plan.limited_by]
    assert stopped_by in out["stop_message"], (plan.limited_by, out["stop_message"])

    saves = out["save_steps_at"]
    assert plan.checkpoint_count == len(saves) == len(out["checkpoint_files"]), saves
    assert plan.first_checkpoint_step == (saves[0] if saves else None), saves
    validations = out["val_steps_at"]
    assert validations == [run[3] for run in out["val_runs"]]
    if any(key in inputs for key in VALIDATION_KEYS):
        assert plan.eval_count == len(validations), validations
        assert plan.first_eval_step == (validations[0] if validations else None), validations
    else:  # UNKNOWN_TO_THE_PLAN: whether the module validates is not in the config
        assert (plan.eval_count, plan.first_eval_step) == (None, None)

    # the reference walk gives exactly what Lightning did
    walked, written = replay(plan.batches_per_epoch, plan.gradient_accumulation_steps, settings,
                             inputs.get("max_epochs"), inputs.get("max_steps"))
    assert [list(v) for v in walked] == out["val_runs"]
    assert written == saves


@pytest.mark.parametrize("table,case", [(t, c) for t, c in CASES if not c["outputs"].get("error")],
                         ids=[i for i, (_, c) in zip(IDS, CASES) if not c["outputs"].get("error")])
def test_no_error_finding_where_lightning_ran(table, case):
    """Precision: steplint must not predict a refusal for a config Lightning ran."""
    result = lint(as_cli_yaml(case["inputs"], table["fixed"]), dataset_size=case["inputs"]["dataset_size"])
    errors = [f for f in result.findings if f.severity is Severity.ERROR and f.rule.startswith("SL45")]
    assert not errors, [f.to_dict() for f in errors]


# -- beyond the recorded cases: the plan's arithmetic against the walk ---------------------------------

def _grid():
    """Configurations Lightning runs (no val_check_interval longer than an epoch with a per-epoch count)."""
    checkpoints = [None, {"every_n_train_steps": 2}, {"every_n_train_steps": 5}, {"every_n_epochs": 1},
                   {"every_n_epochs": 2}, {"every_n_epochs": 1, "save_on_train_epoch_end": True},
                   {"every_n_epochs": 1, "save_on_train_epoch_end": False}, {}]
    for nb, ga, length, (vci, cv), ckpt in itertools.product(
            (1, 2, 5, 7, 12), (1, 2, 3, 5), ({"max_epochs": 3}, {"max_steps": 7}, {"max_epochs": 2, "max_steps": 4}),
            ((None, 2), (2, 1), (3, 1), (1, 3), (0.5, 1), (0.3, 2), (1.0, 1), (4, None), (0.25, 1)), checkpoints):
        if isinstance(vci, int) and cv is not None and vci > nb:
            continue
        trainer = {"accumulate_grad_batches": ga, "check_val_every_n_epoch": cv, **length}
        if vci is not None:
            trainer["val_check_interval"] = vci
        if ckpt is None:
            trainer["enable_checkpointing"] = False
        else:
            trainer["callbacks"] = [{"class_path": "lightning.pytorch.callbacks.ModelCheckpoint",
                                     "init_args": {"save_top_k": -1, **ckpt}}]
        yield nb, trainer


@pytest.mark.parametrize("chunk", range(4))
def test_plan_counts_agree_with_the_walk_beyond_the_recorded_cases(chunk):
    grid = list(_grid())
    for nb, trainer in grid[chunk::4]:
        text = yaml.safe_dump({"trainer": trainer, "model": {"class_path": "tests.Tiny"},
                               "data": {"class_path": "tests.Data", "init_args": {"batch_size": 1}}})
        plan, settings = steplint_view(text, nb)
        walked, written = replay(nb, trainer["accumulate_grad_batches"], settings, trainer.get("max_epochs"),
                                 trainer.get("max_steps"))
        steps = [v[3] for v in walked]
        assert (plan.eval_count, plan.first_eval_step) == (len(steps), steps[0] if steps else None), (text, steps)
        assert (plan.checkpoint_count, plan.first_checkpoint_step) == (len(written), written[0] if written else None), \
            (text, written)
