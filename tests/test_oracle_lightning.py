"""steplint's Lightning plan against the real Lightning Trainer, case by case.

tests/oracle/lightning_<version>.json was recorded by tests/oracle/record_lightning.py (real
`lightning.Trainer.fit` on CPU, one process). Each case is written here as the LightningCLI YAML a
user would write for it, run through steplint's pipeline with the case's dataset size, and
compared: batches per epoch (`num_training_batches`), total optimizer steps
(`estimated_stepping_batches` and the steps really taken), the global step of every checkpoint
write, every validation run (epoch, batch in epoch, batch in run, global step), and, where
Lightning refused to run, the finding that says so.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from steplint.dialects import detect
from steplint.dialects.base import Source
from steplint.dialects.lightning import events, settings_of
from steplint.findings import Severity
from steplint.interpolation import resolve
from steplint.loading import load_text
from steplint.plan import Context, derive

from .conftest import lint

ORACLE_DIR = Path(__file__).parent / "oracle"
TABLES = sorted(ORACLE_DIR.glob("lightning_*.json"))
CASES = [(table.stem, case) for table in TABLES for case in json.loads(table.read_text())["cases"]]
TRAINER_KEYS = ("max_epochs", "max_steps", "accumulate_grad_batches", "limit_train_batches",
                "val_check_interval", "check_val_every_n_epoch")
# Cases where Lightning refused to run, and the steplint rule that predicts it.
REFUSED = {"MisconfigurationException": "SL457", "ValueError": "SL451"}


def as_cli_yaml(inputs: dict) -> str:
    """The case as a LightningCLI config (the dataset size is passed on the command line)."""
    trainer = {k: inputs[k] for k in TRAINER_KEYS if k in inputs}
    checkpoint = {k: inputs[k] for k in ("every_n_train_steps", "every_n_epochs") if k in inputs}
    if checkpoint:
        trainer["callbacks"] = [{"class_path": "lightning.pytorch.callbacks.ModelCheckpoint",
                                 "init_args": {"save_top_k": -1, **checkpoint}}]
    config = {"trainer": trainer,
              "model": {"class_path": "tests.Tiny"},
              "data": {"class_path": "tests.TinyDataModule",
                       "init_args": {"batch_size": inputs["batch_size"], "drop_last": inputs["drop_last"]}}}
    return yaml.safe_dump(config, sort_keys=False)


def steplint_view(inputs: dict):
    text = as_cli_yaml(inputs)
    document = load_text("case.yaml", text).documents[0]
    dialect = detect(document.data)
    assert dialect is not None and dialect.name == "lightning", text
    adapted = dialect.adapt(resolve(document.data), Source("case.yaml"))
    plan = derive(adapted.run, adapted.semantics, Context(dataset_size=inputs["dataset_size"]))
    return text, plan, settings_of(adapted.semantics)


def test_the_oracle_is_there():
    assert TABLES, "tests/oracle/lightning_*.json is missing"


@pytest.mark.parametrize("table,case", CASES, ids=[f"{t}-{c['id']}" for t, c in CASES])
def test_case(table, case):
    inputs, out = case["inputs"], case["outputs"]
    text, plan, settings = steplint_view(inputs)
    error = out.get("error")
    if error:
        code = REFUSED[error["type"]]
        result = lint(text, dataset_size=inputs["dataset_size"])
        found = [f for f in result.findings if f.rule == code and f.severity is Severity.ERROR]
        assert found, (error, [f.to_dict() for f in result.findings])
        return
    if out["len_train_dataloader"] == 0:  # an empty loader: Lightning stops with "No training batches"
        assert plan.batches_per_epoch == 0
        result = lint(text, dataset_size=inputs["dataset_size"])
        assert "SL206" in [f.rule for f in result.findings]
        return
    assert plan.batches_per_epoch == out["num_training_batches"]
    assert plan.total_optimizer_steps == out["estimated_stepping_batches"]
    assert plan.total_optimizer_steps == out["steps_taken"] == out["global_step"]
    replay = events(plan.batches_per_epoch, plan.gradient_accumulation_steps, settings,
                    inputs.get("max_epochs"), inputs.get("max_steps"))
    assert replay is not None
    assert [list(v) for v in replay.validations] == out["val_runs"]
    assert replay.saves == out["save_steps_at"]
    if "every_n_train_steps" in inputs:
        assert plan.checkpoint_count == len(out["save_steps_at"])
        if out["save_steps_at"]:
            assert plan.first_checkpoint_step == out["save_steps_at"][0]


@pytest.mark.parametrize("table,case", [(t, c) for t, c in CASES if not c["outputs"].get("error")],
                         ids=[f"{t}-{c['id']}" for t, c in CASES if not c["outputs"].get("error")])
def test_no_error_finding_where_lightning_ran(table, case):
    """Precision: steplint must not predict a refusal for a config Lightning ran."""
    text, _, _ = steplint_view(case["inputs"])
    result = lint(text, dataset_size=case["inputs"]["dataset_size"])
    errors = [f for f in result.findings if f.severity is Severity.ERROR and f.rule.startswith("SL45")]
    assert not errors, [f.to_dict() for f in errors]
