"""mlx-lm fine-tuning configs: detection, the run in optimizer updates (iters counts iterations; an
update every grad_accumulation_steps), intervals in iterations, the LR schedule in updates (a warmup
joined to the named schedule), and the findings that follow."""

from __future__ import annotations

from steplint.frameworks import detect
from steplint.units import Unit

from .conftest import ROOT, check_file, codes, lint

SAMPLES = ROOT / "sample_configs" / "mlx_lm"

CONFIG = """\
model: mlx-community/Llama-3.2-1B-Instruct-bf16
train: true
fine_tune_type: lora
data: mlx-community/WikiSQL
batch_size: 4
iters: {iters}
grad_accumulation_steps: {accumulation}
steps_per_eval: 200
save_every: 100
{schedule}"""


def config(iters=1000, accumulation=1, schedule=""):
    return lint(CONFIG.format(iters=iters, accumulation=accumulation, schedule=schedule))


def test_iterations_and_updates():
    result = config(iters=1001, accumulation=4)
    assert result.dialect == "mlx-lm"
    plan = result.plan
    assert plan["total_optimizer_steps"] == 250  # the last partial group is never applied
    assert (plan["micro_batch_size"], plan["gradient_accumulation_steps"], plan["global_batch_size"]) == (4, 4, 16)
    # on the iteration grid (mlx_lm/tuner/trainer.py `train`): saves at 100..1000 and after the loop (1001);
    # validations at it 1, 200..1000 and at it == iters (1001)
    assert (plan["checkpoint_count"], plan["eval_count"]) == (11, 7)
    assert not result.findings


def test_defaults_apply_to_keys_the_file_leaves_out():
    plan = lint("model: m\nfine_tune_type: lora\nadapter_path: adapters\nval_batches: 25\n").plan
    assert plan["total_optimizer_steps"] == 1000 and plan["micro_batch_size"] == 4
    # saves at 100..1000 (the one after the loop at 1000 too); validations at 1, 200, ..., 1000
    assert (plan["checkpoint_count"], plan["first_checkpoint_step"], plan["eval_count"]) == (10, 100, 6)


def test_the_schedule_counts_updates():
    sized = "lr_schedule: {name: cosine_decay, warmup: 100, arguments: [1.0e-5, 1000, 1.0e-7]}\n"
    result = config(accumulation=4, schedule=sized)
    assert result.plan["schedule_end_step"] == 1101 and result.plan["warmup_steps"] == 100
    [hit] = result.findings
    assert hit.rule == "SL205" and "the run is 250 steps" in hit.message
    fitted = "lr_schedule: {name: cosine_decay, warmup: 100, arguments: [1.0e-5, 149, 1.0e-7]}\n"
    assert config(accumulation=4, schedule=fitted).findings == []
    # a schedule with no length of its own (exponential_decay) is not compared with the run
    assert config(accumulation=4, schedule="lr_schedule: {name: exponential_decay, arguments: [1.0e-5, 0.99]}\n"
                  ).plan["schedule_end_step"] is None


def test_samples():
    assert not check_file(SAMPLES / "good.yaml").findings
    assert sorted(codes(check_file(SAMPLES / "bad.yaml"))) == ["SL204", "SL205"]


def test_other_configs_with_a_model_and_iters_are_not_mlx_lm():
    assert detect({"model": "resnet50", "iters": 1000, "batch_size": 4}) is None or \
        detect({"model": "resnet50", "iters": 1000, "batch_size": 4}).name != "mlx-lm"


def test_the_iteration_grid_counts_match_the_trainer_predicates_and_cost_nothing_for_huge_iters():
    # mlx_lm/tuner/trainer.py `train`: validation at `it == 1 or it % steps_per_eval == 0 or it == iters`;
    # saves at `it % steps_per_save == 0` and once after the loop
    import itertools

    from steplint.frameworks.base import RunBuilder
    from steplint.frameworks.mlx_lm.hooks import _cadence
    for iters, every, accumulation in itertools.product(range(1, 60), range(1, 25), (1, 2, 3)):
        b = RunBuilder()
        b.duration("eval", every, ("steps_per_eval",), Unit.BATCH)
        b.duration("checkpoint", every, ("save_every",), Unit.BATCH)
        evals = [i for i in range(1, iters + 1) if i == 1 or i % every == 0 or i == iters]
        saves = [i for i in range(1, iters + 1) if i % every == 0] + ([iters] if iters % every else [])
        assert _cadence(b, iters, accumulation) == {"eval": (len(evals), max(evals[0] // accumulation, 1)),
                                                    "checkpoint": (len(saves), max(saves[0] // accumulation, 1))}
    assert lint("model: m\nfine_tune_type: lora\niters: 1000000000000000\nsteps_per_eval: 1\n").plan["eval_count"] \
        == 10**15
