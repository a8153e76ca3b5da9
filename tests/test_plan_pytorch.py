"""The plan's loader arithmetic against values recorded from real PyTorch 2.13
(tests/oracle/record_pytorch.py -> tests/oracle/pytorch_dataloader.json: len(DataLoader) with and
without drop_last, DistributedSampler on world sizes 1, 2, 3, 4 and 8, every rank iterated)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from steplint.frameworks.base import PYTORCH
from steplint.model import TrainingRun
from steplint.plan import Context, derive

from .conftest import lint

TABLE = json.loads((Path(__file__).parent / "oracle" / "pytorch_dataloader.json").read_text())
CASES = TABLE["cases"]


def _run(case: dict) -> TrainingRun:
    return TrainingRun.model_validate({
        "dataset_size": {"value": case["N"]},
        "train_loader": {"batch_size": {"value": case["B"]}, "drop_last": {"value": case["drop_last"]}},
        **({"world_size": {"value": case["world_size"]}} if case["world_size"] else {}),
        **({"sampler_drop_last": {"value": case["sampler_drop_last"]}} if case["sampler_drop_last"] is not None else {}),
    })


def test_table_was_recorded_from_torch():
    assert TABLE["torch_version"].startswith("2.")
    assert len(CASES) > 3000


def test_every_recorded_case_matches():
    mismatches = []
    for case in CASES:
        plan = derive(_run(case), PYTORCH, Context())
        world = case["world_size"] or 1
        got = (plan.samples_per_rank, plan.batches_per_epoch, plan.last_batch_size or None,
               world * case["samples_yielded"])
        yielded_total = case["N"] - plan.samples_dropped_per_epoch + plan.samples_padded_per_epoch
        want = (case["samples_on_rank"], case["len_loader"], case["last_batch_size"], yielded_total)
        if got != want:
            mismatches.append((case, got, want))
    assert not mismatches, mismatches[:5]


@pytest.mark.parametrize("case", [c for c in CASES if c["N"] in (63, 1001) and c["B"] == 8 and c["rank"] in (None, 0)],
                         ids=lambda c: f"N{c['N']}-B{c['B']}-P{c['world_size']}-drop{c['drop_last']}-sdrop{c['sampler_drop_last']}")
def test_through_the_cli_pipeline(case):
    """The same numbers come out of the whole pipeline, from a config file."""
    lines = ["steplint: 1", f"data: {{train_size: {case['N']}, batch_size: {case['B']}, "
             f"drop_last: {str(case['drop_last']).lower()}}}", "run: {epochs: 2}"]
    if case["world_size"]:
        lines.append(f"distributed: {{world_size: {case['world_size']}, "
                     f"sampler_drop_last: {str(bool(case['sampler_drop_last'])).lower()}}}")
    plan = lint("\n".join(lines) + "\n").plan
    assert plan["batches_per_epoch"] == case["len_loader"]
    assert plan["samples_per_rank"] == case["samples_on_rank"]
    assert plan["total_optimizer_steps"] == 2 * case["len_loader"]


def test_seed_example():
    plan = lint("steplint: 1\ndata: {train_size: 50000, batch_size: 256}\nrun: {epochs: 90}\n").plan
    assert (plan["batches_per_epoch"], plan["total_optimizer_steps"], plan["last_batch_size"]) == (196, 17640, 80)


@pytest.mark.parametrize("n,b,p,ga,rounding,per_epoch", [
    (1000, 8, 2, 4, "ceil", 16),   # frameworks.md §8.1 worked example: L = 63, ceil(63/4)
    (1000, 8, 2, 4, "floor", 15),  # torchtune / HF <= 4.51 planning
    (33, 8, 1, 3, "ceil", 2),      # Lightning recorded: 5 batches, accumulate 3 -> 2 steps
    (10, 8, 1, 4, "floor", 1),     # never below one step per epoch
])
def test_accumulation_rounding(n, b, p, ga, rounding, per_epoch):
    from dataclasses import replace
    run = TrainingRun.model_validate({"dataset_size": {"value": n}, "train_loader": {"batch_size": {"value": b}},
                                      "world_size": {"value": p}, "gradient_accumulation": {"value": ga},
                                      "epochs": {"value": 3, "unit": "epoch"}})
    plan = derive(run, replace(PYTORCH, accumulation_rounding=rounding), Context())
    assert plan.optimizer_steps_per_epoch == per_epoch
    assert plan.total_optimizer_steps == 3 * per_epoch


def test_fractional_epochs_round_up():
    plan = lint("steplint: 1\ndata: {train_size: 64, batch_size: 8}\noptimizer: {gradient_accumulation: 3}\n"
                "run: {epochs: 1.5}\n").plan
    assert (plan["batches_per_epoch"], plan["optimizer_steps_per_epoch"], plan["total_optimizer_steps"]) == (8, 3, 5)


def test_first_limit_wins_and_intervals_count():
    plan = lint("steplint: 1\ndata: {train_size: 50000, batch_size: 256}\nrun: {epochs: 90, max_steps: 5000}\n"
                "checkpoint: 1000 steps\neval: 10 epochs\nschedule: {warmup: 0.1dur}\n").plan
    assert (plan["total_optimizer_steps"], plan["limited_by"]) == (5000, "max_steps")
    assert (plan["checkpoint_count"], plan["first_checkpoint_step"]) == (5, 1000)
    assert (plan["eval_count"], plan["first_eval_step"]) == (2, 1960)
    assert plan["warmup_steps"] == 500


def test_unknown_dataset_size_leaves_per_epoch_numbers_unknown():
    plan = lint("steplint: 1\ndata: {batch_size: 256}\nrun: {epochs: 90}\n").plan
    assert plan["batches_per_epoch"] is None and plan["total_optimizer_steps"] is None
    assert lint("steplint: 1\ndata: {batch_size: 256}\nrun: {epochs: 90}\n", dataset_size=50000).plan[
        "total_optimizer_steps"] == 17640


def test_semantics_refuses_a_mode_it_does_not_know():
    # An unknown mode used to fall through to the default silently (any unknown rounding was ceil).
    import pytest

    from steplint.plan import AccumulationRounding, Event, Semantics
    with pytest.raises(ValueError):
        Semantics("x", accumulation_rounding="flor")
    with pytest.raises(ValueError):
        Semantics("x", final_events=("checkpoints",))
    semantics = Semantics("x", accumulation_rounding="drop", ruled_out=("eval",))
    assert semantics.accumulation_rounding is AccumulationRounding.DROP and semantics.ruled_out == (Event.EVAL,)
