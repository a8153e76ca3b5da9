"""The plan's event counts against the frameworks' own predicates, evaluated step by step: an event
that also fires at the first step (torchtitan components/validate.py and metrics.py: `step == 1 or
step % freq == 0`), one on a grid from the first step (nanotron trainer.py: `(iteration_step - 1) %
interval == 0`), each with and without a forced final one at the last step."""

from __future__ import annotations

import itertools

import pytest

from steplint.model import TrainingRun
from steplint.plan import Context, Semantics, derive


def _plan(total: int, every: int, **semantics):
    run = TrainingRun.model_validate({"max_steps": {"value": total, "unit": "step"},
                                      "eval": {"value": every, "unit": "step"},
                                      "logging": {"value": every, "unit": "step"}})
    return derive(run, Semantics("x", **semantics), Context())


PREDICATES = {
    "first_step_events": lambda step, n: step == 1 or step % n == 0,
    "offset_events": lambda step, n: (step - 1) % n == 0,
}


@pytest.mark.parametrize("knob", PREDICATES)
@pytest.mark.parametrize("final", [False, True])
def test_counts_match_the_framework_predicate_step_by_step(knob, final):
    fires = PREDICATES[knob]
    for total, every in itertools.product(range(1, 40), range(1, 45)):
        steps = [s for s in range(1, total + 1) if fires(s, every) or final and s == total]
        plan = _plan(total, every, **{knob: ("eval", "logging")}, final_events=("eval",) if final else ())
        assert (plan.eval_count, plan.first_eval_step) == (len(steps), steps[0]), (knob, final, total, every)
        logged = [s for s in range(1, total + 1) if fires(s, every)]  # logging has no final event
        assert plan.logging_count == len(logged), (knob, total, every)


def test_other_events_keep_their_grid():
    plan = _plan(100, 30, first_step_events=("logging",))
    assert (plan.eval_count, plan.first_eval_step) == (3, 30) and plan.logging_count == 4


def test_a_final_log_line_where_the_framework_writes_one():
    # mlx_lm/tuner/trainer.py: `if it % args.steps_per_report == 0 or it == args.iters`
    for total, every in itertools.product(range(1, 30), range(1, 35)):
        logged = [s for s in range(1, total + 1) if s % every == 0 or s == total]
        assert _plan(total, every, final_events=("logging",)).logging_count == len(logged), (total, every)
