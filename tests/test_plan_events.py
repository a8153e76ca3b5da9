"""The plan's event counts against the frameworks' own predicates, evaluated step by step, for every
combination of the knobs that move events off the plain grid n, 2n...: one before the first step
(`start_events`: nanotron trainer.py `train` saves the initial state with save_initial_state; nanoGPT
train.py evaluates at iter_num 0), one at the first step (`first_step_events`: torchtitan
components/validate.py and metrics.py `step == 1 or step % freq == 0`), a grid one step later
(`shifted_events`: MaxText checkpoints and evaluates after 0-based steps 0, n, 2n..., that is 1-based
1 + n, 1 + 2n...; nanotron logs at `(iteration_step - 1) % interval == 0`), each with and without a
forced final one at the last step."""

from __future__ import annotations

import itertools

import pytest

from steplint.model import TrainingRun
from steplint.plan import Context, Semantics, derive

KNOBS = ("start_events", "first_step_events", "shifted_events")


def _plan(total: int, every: int, **semantics):
    run = TrainingRun.model_validate({"max_steps": {"value": total, "unit": "step"},
                                      "eval": {"value": every, "unit": "step"},
                                      "logging": {"value": every, "unit": "step"}})
    return derive(run, Semantics("x", **semantics), Context())


def _fired(total: int, every: int, knobs: set, final: bool) -> list[int]:
    """The optimizer steps after which the event fires (0: before the first), by the predicate."""
    def fires(step: int) -> bool:
        if "first_step_events" in knobs and step == 1:
            return True
        if final and step == total:
            return True
        if "shifted_events" in knobs:  # after 0-based step k with k % n == 0, k > 0: 1-based k + 1
            return step > 1 and (step - 1) % every == 0
        return step % every == 0
    return ([0] if "start_events" in knobs else []) + [s for s in range(1, total + 1) if fires(s)]


COMBINATIONS = [set(c) for r in range(1, len(KNOBS) + 1) for c in itertools.combinations(KNOBS, r)]


@pytest.mark.parametrize("knobs", COMBINATIONS, ids=lambda k: "+".join(sorted(k)))
@pytest.mark.parametrize("final", [False, True])
def test_counts_match_the_framework_predicate_step_by_step(knobs, final):
    for total, every in itertools.product(range(1, 40), range(1, 45)):
        steps = _fired(total, every, knobs, final)
        plan = _plan(total, every, **{k: ("eval", "logging") for k in knobs}, final_events=("eval",) if final else ())
        first = steps[0] if steps else None
        assert (plan.eval_count, plan.first_eval_step) == (len(steps), first), (knobs, final, total, every)
        logged = _fired(total, every, knobs, False)  # logging has no final event
        assert plan.logging_count == len(logged), (knobs, total, every)


def test_the_old_offset_grid_is_the_first_step_and_the_shifted_grid():
    # nanotron's logging, `(iteration_step - 1) % interval == 0`: 1, 31, 61, 91 of 100
    plan = _plan(100, 30, first_step_events=("logging",), shifted_events=("logging",))
    assert plan.logging_count == 4
    assert _plan(100, 30, shifted_events=("logging",)).logging_count == 3  # 31, 61, 91


def test_other_events_keep_their_grid():
    plan = _plan(100, 30, first_step_events=("logging",))
    assert (plan.eval_count, plan.first_eval_step) == (3, 30) and plan.logging_count == 4


def test_a_final_log_line_where_the_framework_writes_one():
    # mlx_lm/tuner/trainer.py: `if it % args.steps_per_report == 0 or it == args.iters`
    for total, every in itertools.product(range(1, 30), range(1, 35)):
        logged = [s for s in range(1, total + 1) if s % every == 0 or s == total]
        assert _plan(total, every, final_events=("logging",)).logging_count == len(logged), (total, every)
