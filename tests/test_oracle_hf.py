"""steplint's plan for Hugging Face Trainer configs against what the real Trainer did.

tests/oracle/hf_trainer_<version>.json were recorded by tests/oracle/record_hf.py: for each case
a tiny model was trained with the real `transformers.Trainer` on CPU. Here every case becomes the
YAML a user would write (its TrainingArguments keys, plus the recorder's fixed ones), steplint
plans it with `--framework-version transformers=<version>` and the recorded dataset size, and the
numbers must agree. Cases the Trainer refused with an error must give a finding instead.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import yaml

from steplint.findings import Severity

from .conftest import lint

ORACLE = Path(__file__).parent / "oracle"
TABLES = sorted(ORACLE.glob("hf_trainer_*.json"))

# Which finding reproduces which error of the real Trainer (by a piece of its message).
ERROR_RULES = {
    "max_steps must be set to a positive value if dataloader does not have a length": "SL206",
    "warmup_steps must be of type int": "SL407",
    "unexpected keyword argument 'warmup_ratio'": "SL409",
    "must be an integer if bigger than 1": "SL003",
    "load_best_model_at_end requires": "SL401",
}
WARMUP_FREE = ("constant", "reduce_lr_on_plateau")
# Cases that cannot agree, and why (none today: keep this table empty unless the recording is wrong).
KNOWN_DIFFERENCES: dict[tuple[str, str], str] = {}


def _cases():
    for table in TABLES:
        data = json.loads(table.read_text())
        for case in data["cases"]:
            yield pytest.param(data["version"], data["fixed"]["training_arguments"], case,
                               id=f"{data['version']}-{case['id']}")


def config_text(fixed: dict, inputs: dict) -> str:
    """The YAML a user would write for this case."""
    args = {k: v for k, v in fixed.items() if k in ("learning_rate", "logging_strategy", "per_device_eval_batch_size",
                                                    "seed", "report_to")}
    args.update({k: v for k, v in inputs.items() if k != "dataset_size"})
    args["output_dir"] = "out"
    return yaml.safe_dump(args, sort_keys=False)


def _plan(version: str, fixed: dict, case: dict):
    inputs = case["inputs"]
    result = lint(config_text(fixed, inputs), "train.yaml", dataset_size=inputs["dataset_size"],
                  framework_versions=(("transformers", version),))
    return result


# Every recorded output, and what it is compared with (record_hf.py says what each one means).
COMPARED = {
    "len_train_dataloader": "batches_per_epoch",
    "max_steps": "total_optimizer_steps (the Trainer's own plan, state.max_steps)",
    "steps_taken": "optimizer_steps_taken",
    "final_global_step": "optimizer_steps_taken",
    "epochs_started": "epochs, rounded up",
    "save_steps_at": "checkpoint_count and first_checkpoint_step",
    "eval_steps_at": "eval_count and first_eval_step",
    "warmup_steps_computed": "warmup_steps, for the schedulers that warm up",
    "warmup_end_step": "warmup_steps where the run reaches the peak, else warmup_steps >= the steps taken",
    "micro_batches": "no plan number (the plan counts optimizer steps): it tells where SL413 must fire",
    "error": "the finding that predicts it (ERROR_RULES)",
}
NO_PLAN_COUNTERPART = {
    "final_epoch": "state.epoch counts the micro-batches of a cut-short last epoch (1.8 = 1 + 4/5 of 5 batches); "
                   "the plan counts epochs in optimizer steps (1.5 = 3 steps of 2): the two differ by design",
    "checkpoint_dirs": "the distinct steps of save_steps_at (two saves at one step share a folder); the plan "
                       "counts saves, compared above",
    "lr_after_steps_head": "the learning-rate values themselves: the plan holds where warmup and decay end, not "
                           "the curve (its peak step is warmup_end_step, compared above)",
    "warnings": "log messages, not numbers",
}


def test_every_recorded_output_is_compared_or_said_not_to_be():
    for table in TABLES:
        for case in json.loads(table.read_text())["cases"]:
            assert set(case["outputs"]) == set(COMPARED) | set(NO_PLAN_COUNTERPART), case["id"]


@pytest.mark.skipif(not TABLES, reason="no recorded Hugging Face tables in tests/oracle")
@pytest.mark.parametrize("version,fixed,case", list(_cases()))
def test_plan_matches_the_real_trainer(version, fixed, case):
    if (version, case["id"]) in KNOWN_DIFFERENCES:
        pytest.skip(KNOWN_DIFFERENCES[(version, case["id"])])
    result = _plan(version, fixed, case)
    assert result.dialect == "hf-trainer", result.dialect
    plan, out, inputs = result.plan, case["outputs"], case["inputs"]
    assert f"transformers {'.'.join(version.split('.')[:2])}" in plan["semantics"]
    error = out.get("error")
    if error is not None:
        wanted = next((code for text, code in ERROR_RULES.items() if text in error["message"]), None)
        assert wanted is not None, f"no rule is mapped to the Trainer's error: {error['message']}"
        serious = [f for f in result.findings if f.rule == wanted and f.severity >= Severity.WARNING]
        assert serious, (f"the Trainer raised {error['type']}: {error['message'][:120]}; steplint said "
                         f"{[(f.rule, f.severity.label, f.message) for f in result.findings]}")
        if out.get("len_train_dataloader") is not None:
            assert plan["batches_per_epoch"] == out["len_train_dataloader"]
        return
    assert plan["batches_per_epoch"] == out["len_train_dataloader"], "batches per epoch"
    assert plan["total_optimizer_steps"] == out["max_steps"], "planned optimizer steps"
    assert plan["optimizer_steps_taken"] == out["steps_taken"] == out["final_global_step"], "steps taken"
    if out["len_train_dataloader"] == 0:
        # nothing to train on: the Trainer starts one epoch, finds no batch and stops; the plan has no
        # epochs for a loader without batches (null), and SL206 says why
        assert plan["epochs"] is None and out["epochs_started"] == 1
    else:
        assert math.ceil(plan["epochs"] - 1e-9) == out["epochs_started"], f"epochs: {plan['epochs']}"
    warms_up = str(inputs.get("lr_scheduler_type", "linear")) not in WARMUP_FREE
    if warms_up:
        assert plan["warmup_steps"] == out["warmup_steps_computed"], "warmup steps"
    else:  # the Trainer computes a warmup, but a constant LR never warms up: the plan says 0
        assert plan["warmup_steps"] == out["warmup_end_step"] == 0, "warmup (ignored by the scheduler)"
    if out["warmup_end_step"] is None:  # the LR never reached its peak
        assert plan["warmup_steps"] >= out["steps_taken"], "a warmup that outlasts the run"
    else:
        assert plan["warmup_steps"] == out["warmup_end_step"], "the step the LR peaks"
    saves, evals = out["save_steps_at"], out["eval_steps_at"]
    assert plan["checkpoint_count"] == len(saves), f"checkpoints at {saves}"
    assert plan["first_checkpoint_step"] == (saves[0] if saves else None), f"checkpoints at {saves}"
    assert plan["eval_count"] == len(evals), f"evaluations at {evals}"
    assert plan["first_eval_step"] == (evals[0] if evals else None), f"evaluations at {evals}"
    found = [f.rule for f in result.findings]
    if out["len_train_dataloader"] == 0:
        assert "SL206" in found, "an epoch without a batch must be reported"
    elif out["steps_taken"] == 0:
        # transformers 4.46-4.51 fetched too few micro-batches for the last accumulation group
        assert "SL413" in found and version.startswith("4.5"), "a run that never steps must be reported"
    elif out["micro_batches"] is not None and "SL413" in found:
        # SL413 only when micro-batches were really skipped: fewer than the epochs looped over hold
        full = out["epochs_started"] * out["len_train_dataloader"]
        assert out["micro_batches"] < full, "SL413 without skipped micro-batches"


@pytest.mark.skipif(not TABLES, reason="no recorded Hugging Face tables in tests/oracle")
def test_every_table_is_used():
    versions = {json.loads(t.read_text())["version"] for t in TABLES}
    assert {"4.51.3", "4.57.1", "5.23.0"} <= versions
