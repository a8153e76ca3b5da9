"""nanoGPT-style YAML: detection, the run as train.py counts it (steps at iterations 0..max_iters),
the schedule only with decay_lr, the checkpoint saved at evaluation time only with
always_save_checkpoint, and the findings that follow."""

from __future__ import annotations

from .conftest import ROOT, check_file, codes, lint

SAMPLES = ROOT / "sample_configs" / "nanogpt"

CONFIG = """\
out_dir: out
eval_iters: 200
eval_interval: {eval_interval}
always_save_checkpoint: {always}
batch_size: 12
gradient_accumulation_steps: 40
block_size: 1024
max_iters: {max_iters}
warmup_iters: 2000
lr_decay_iters: {decay}
decay_lr: {decay_lr}
"""


def config(max_iters=600000, decay=600000, eval_interval=2000, always="true", decay_lr="true"):
    return lint(CONFIG.format(max_iters=max_iters, decay=decay, eval_interval=eval_interval, always=always,
                              decay_lr=decay_lr))


def test_the_run_is_max_iters_plus_one_steps():
    result = config()
    assert result.dialect == "nanogpt"
    plan = result.plan
    assert plan["total_optimizer_steps"] == 600001 and plan["warmup_steps"] == 2000
    # the evaluation at the top of iterations 0, 2000, ..., 600000 (301, the first before any step); the
    # checkpoint at each but the one at iteration 0 (train.py: `if iter_num > 0`)
    assert plan["schedule_end_step"] == 600000
    assert (plan["eval_count"], plan["first_eval_step"], plan["checkpoint_count"], plan["first_checkpoint_step"]) \
        == (301, 0, 300, 2000)
    assert plan["tokens_per_step"] == 12 * 40 * 1024
    assert not result.findings


def test_the_checkpoint_follows_always_save_checkpoint():
    assert config(always="false").plan["checkpoint_count"] is None  # only when the val loss improves


def test_a_schedule_left_at_its_old_length():
    [hit] = config(max_iters=5000, eval_interval=500).findings
    assert hit.rule == "SL205" and "sized for 600000 steps (lr_decay_iters)" in hit.message
    assert config(max_iters=5000, eval_interval=500, decay_lr="false").findings == []  # a constant LR


def test_samples():
    assert not check_file(SAMPLES / "good.yaml").findings
    assert sorted(codes(check_file(SAMPLES / "bad.yaml"))) == ["SL203", "SL204", "SL204", "SL205"]


def test_a_config_with_only_max_iters_is_not_nanogpt():
    assert lint("max_iters: 1000\nbatch_size: 4\nlr: 0.1\n").dialect != "nanogpt"


def test_an_interval_past_max_iters_saves_nothing():
    # eval_interval 101 with max_iters 100: the only evaluation is at iteration 0, where train.py saves
    # no checkpoint (`if iter_num > 0`)
    plan = config(max_iters=100, decay=100, eval_interval=101).plan
    assert (plan["eval_count"], plan["checkpoint_count"]) == (1, 0)


def test_an_interval_of_max_iters_plus_one_evaluates_only_at_iteration_0():
    # train.py: `if iter_num % eval_interval == 0 and master_process:` at the top of iterations 0..max_iters,
    # the checkpoint inside it only `if iter_num > 0`: with eval_interval 101 and max_iters 100, no iteration
    # but 0 evaluates, though the interval (101) is not longer than the run (101 steps)
    hits = [f.message for f in config(max_iters=100, decay=100, eval_interval=101).findings if f.rule == "SL204"]
    assert hits == [
        "checkpoint every 101 steps but the run is 101 steps, and by nanoGPT's own count none falls within it: no "
        "periodic checkpoint is ever saved",
        "eval every 101 steps but the run is 101 steps, and by nanoGPT's own count none falls within it: no periodic "
        "evaluation ever runs (only the one before the first step, which nanoGPT always runs)"]
    assert not [f for f in config(max_iters=100, decay=100, eval_interval=100).findings if f.rule == "SL204"]


def test_an_interval_past_the_run_still_evaluates_at_iteration_0():
    [hit] = [f for f in config(max_iters=100, decay=100, eval_interval=500).findings
             if f.rule == "SL204" and f.message.startswith("eval")]
    assert hit.message.endswith("no periodic evaluation ever runs (only the one before the first step, which "
                                "nanoGPT always runs)")
