"""The plan's optimizer steps against the frameworks' own loops, replayed batch by batch, where the
accumulation groups run on across epoch ends (AccumulationRounding.RUN_CEIL / RUN_FLOOR)."""

from __future__ import annotations

import itertools

from steplint.model import TrainingRun
from steplint.plan import Context, Semantics, derive

from .conftest import lint


def _mmengine_steps(epochs: int, batches: int, counts: int) -> int:
    """open-mmlab/mmengine @ 25434293: runner.py:1768-1771 initialize_count_status(model,
    train_loop.iter, train_loop.max_iters), loops.py:50 `_max_iters = _max_epochs * len(dataloader)`;
    optimizer_wrapper.py:221 `_inner_count += 1` in backward, :345-346 should_update:
    `_inner_count % _accumulative_counts == 0 or _inner_count == _max_counts`."""
    inner, max_counts, steps = 0, epochs * batches, 0
    for _epoch in range(epochs):
        for _batch in range(batches):
            inner += 1
            steps += inner % counts == 0 or inner == max_counts
    return steps


def _classy_vision_steps(epochs: int, batches: int, period: int, global_batch: int = 8) -> int:
    """facebookresearch/ClassyVision @ 08a82e88: classification_task.py:1083-1084 _should_do_step
    `update_idx % optimizer_period == optimizer_period - 1`, update_idx = num_updates // global
    batch; :1143 `num_updates += get_global_batchsize()` after every train step, never reset."""
    num_updates, steps = 0, 0
    for _epoch in range(epochs):
        for _batch in range(batches):
            steps += (num_updates // global_batch) % period == period - 1
            num_updates += global_batch
    return steps


def _plan(epochs: int, batches: int, ga: int, rounding: str):
    run = TrainingRun.model_validate({"epochs": {"value": epochs, "unit": "epoch"}, "dataset_size": {"value": batches},
                                      "train_loader": {"batch_size": {"value": 1}},
                                      "gradient_accumulation": {"value": ga}})
    return derive(run, Semantics("x", accumulation_rounding=rounding), Context(world_size=1))


def test_whole_run_accumulation_matches_the_frameworks_step_by_step():
    for epochs, batches, ga in itertools.product(range(1, 9), range(1, 23), range(1, 11)):
        ceil, floor = _plan(epochs, batches, ga, "run_ceil"), _plan(epochs, batches, ga, "run_floor")
        assert ceil.total_optimizer_steps == _mmengine_steps(epochs, batches, ga), (epochs, batches, ga)
        assert floor.total_optimizer_steps == _classy_vision_steps(epochs, batches, ga), (epochs, batches, ga)
        for plan in (ceil, floor):
            assert plan.epochs == epochs
            if batches % ga:  # no epoch takes L / GA steps: unknown, between floor and ceil
                assert plan.optimizer_steps_per_epoch is None
                assert plan.bounds["optimizer_steps_per_epoch"] == (batches // ga, -(-batches // ga))
                assert any("run on across epoch ends" in line for line in plan.assumptions)
            else:
                assert plan.optimizer_steps_per_epoch == batches // ga and not plan.bounds


def test_a_warmup_in_epochs_converts_through_the_batches():
    run = TrainingRun.model_validate({"epochs": {"value": 4, "unit": "epoch"}, "dataset_size": {"value": 10},
                                      "train_loader": {"batch_size": {"value": 1}},
                                      "gradient_accumulation": {"value": 4},
                                      "schedule": {"warmup": {"value": 2, "unit": "epoch"}}})
    plan = derive(run, Semantics("x", accumulation_rounding="run_ceil"), Context(world_size=1))
    # two epochs of 10 batches are 20 batches: 5 steps, where per-epoch rounding said 2 × ceil(10 / 4) = 6
    assert (plan.warmup_steps, plan.total_optimizer_steps) == (5, 10)


MMENGINE = """
train_cfg: {type: EpochBasedTrainLoop, max_epochs: 3}
train_dataloader: {batch_size: 2, dataset: {type: X}}
optim_wrapper: {type: OptimWrapper, accumulative_counts: 4}
"""


def test_mmengine_epoch_loop_counts_its_groups_over_the_run():
    # 3 epochs of 25 batches (50 samples, batches of 2) = 75 iterations: ceil(75 / 4) = 19 steps
    # (should_update), where 3 × ceil(25 / 4) = 21
    plan = lint(MMENGINE, "c.yaml", dataset_size=50, world_size=1).plan
    assert plan["total_optimizer_steps"] == _mmengine_steps(3, 25, 4) == 19
    assert plan["optimizer_steps_per_epoch"] is None and plan["bounds"]["optimizer_steps_per_epoch"] == [6, 7]


CLASSY = """{"num_epochs": 3, "simulated_global_batchsize": 8,
 "dataset": {"train": {"name": "synthetic_image", "batchsize_per_replica": 2, "num_samples": 50}},
 "loss": {"name": "CrossEntropyLoss"}, "model": {"name": "resnet"}}"""


def test_classy_vision_counts_its_groups_over_the_run():
    # 3 epochs of 25 batches, a step every 4: floor(75 / 4) = 18 (_should_do_step; per-epoch floor says
    # 3 × 6 = 18 too); 4 epochs: floor(100 / 4) = 25, not 4 × 6 = 24
    plan = lint(CLASSY, "c.json", world_size=1).plan
    assert plan["total_optimizer_steps"] == _classy_vision_steps(3, 25, 4) == 18
    four = lint(CLASSY.replace('"num_epochs": 3', '"num_epochs": 4'), "c.json", world_size=1).plan
    assert four["total_optimizer_steps"] == _classy_vision_steps(4, 25, 4) == 25


def test_an_epoch_end_event_falls_after_the_steps_taken_by_then():
    # ClassyVision: a test phase after every train phase (test_phase_period 1), and a step only when a
    # group completes (classification_task.py:1083-1084): after epoch 1 of 25 batches, 6 steps of 4
    text = CLASSY.replace('"num_epochs": 3,', '"num_epochs": 3, "test_phase_period": 1,').replace(
        '"train": {', '"test": {"name": "synthetic_image", "batchsize_per_replica": 2}, "train": {')
    plan = lint(text, "c.json", world_size=1).plan
    steps_after_epoch_1 = _classy_vision_steps(1, 25, 4)
    assert (plan["eval_count"], plan["first_eval_step"]) == (3, steps_after_epoch_1) == (3, 6)


def test_epoch_end_events_against_the_replayed_steps():
    """An evaluation after every k epochs (and at the end): the first after the steps epochs 1..k
    took (0 where a group is longer: before any step), one every k epochs."""
    for epochs, batches, ga, k in itertools.product(range(1, 7), range(1, 23), range(1, 11), (1, 2, 3)):
        for rounding, replay in (("run_ceil", _mmengine_steps), ("run_floor", _classy_vision_steps)):
            run = TrainingRun.model_validate({"epochs": {"value": epochs, "unit": "epoch"},
                                              "dataset_size": {"value": batches},
                                              "train_loader": {"batch_size": {"value": 1}},
                                              "gradient_accumulation": {"value": ga},
                                              "eval": {"value": k, "unit": "epoch"}})
            plan = derive(run, Semantics("x", accumulation_rounding=rounding, final_events=("eval",)),
                          Context(world_size=1))
            # after epoch j the steps so far: the run's last epoch ends after all of them (MMEngine's
            # step on the short group comes in its last iteration, before the epoch-end hooks)
            after = [replay(epochs, batches, ga) if j == epochs else (j * batches) // ga for j in range(1, epochs + 1)]
            fired = [after[j - 1] for j in range(1, epochs + 1) if j % k == 0 or j == epochs]
            assert (plan.eval_count, plan.first_eval_step) == (len(fired), fired[0]), (rounding, epochs, batches, ga, k)
