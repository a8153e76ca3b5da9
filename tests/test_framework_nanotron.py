"""nanotron: detection, the plan (global batch = micro-batch × accumulation × dp, the run ends at
train_steps, the end of the LR decay as lr_scheduler_builder computes it), SL660, and the real
example configs of huggingface/nanotron read in place."""

from __future__ import annotations

import pytest

from steplint.frameworks import detect

from .conftest import ROOT, SHARED, check_file, codes, lint, load_data

SAMPLES = ROOT / "sample_configs" / "nanotron"
NANOTRON = SHARED / "corpus-wild" / "huggingface__nanotron"
needs_wild = pytest.mark.skipif(not NANOTRON.is_dir(), reason="../shared/corpus-wild is absent (it sits beside the repo)")

CONFIG = """\
general: {{project: p}}
parallelism: {{dp: 8, tp: 1, pp: 1}}
tokens: {{train_steps: 1000, micro_batch_size: 4, batch_accumulation_per_replica: 2, sequence_length: 1024}}
checkpoints: {{checkpoints_path: ckpt, checkpoint_interval: 250{final}}}
optimizer:
  learning_rate_scheduler: {{learning_rate: 1.0e-3, lr_warmup_steps: 100, lr_warmup_style: linear,
                            lr_decay_style: cosine{decay}}}
"""


def test_the_plan_counts_as_nanotron_does():
    result = lint(CONFIG.format(final="", decay=""))
    assert result.dialect == "nanotron"
    plan = result.plan
    assert (plan["world_size"], plan["micro_batch_size"], plan["gradient_accumulation_steps"]) == (8, 4, 2)
    assert plan["global_batch_size"] == 64
    assert plan["total_optimizer_steps"] == 1000 and plan["limited_by"] == "max_steps"
    assert plan["warmup_steps"] == 100
    assert plan["checkpoint_count"] == 4 and plan["eval_count"] == 0
    assert plan["tokens_per_step"] == 64 * 1024
    assert plan["schedule_end_step"] is None  # no lr_decay_steps: the decay ends with the run
    assert not [f for f in result.findings if f.severity.label != "info"]


def test_the_decay_ends_at_its_start_plus_lr_decay_steps():
    # starts when the warmup ends (step 100), lasts 400: min_decay_lr from step 500 on, half the run
    result = lint(CONFIG.format(final="", decay=", lr_decay_steps: 400"))
    assert result.plan["schedule_end_step"] == 500 and "SL660" not in codes(result)  # a designed tail
    # lasts 100: min_decay_lr from step 200 on, 80% of the run
    [hit] = [f for f in lint(CONFIG.format(final="", decay=", lr_decay_steps: 100")).findings if f.rule == "SL660"]
    assert hit.severity.label == "warning" and "last 800 of the 1000 steps (80% of the run)" in hit.message
    # an explicit start replaces the warmup as the decay's start
    result = lint(CONFIG.format(final="", decay=", lr_decay_steps: 400, lr_decay_starting_step: 600"))
    assert result.plan["schedule_end_step"] == 1000 and "SL660" not in codes(result)


def test_a_decay_past_the_run_is_sl205():
    result = lint(CONFIG.format(final="", decay=", lr_decay_steps: 1900"))
    assert result.plan["schedule_end_step"] == 2000
    [hit] = [f for f in result.findings if f.rule == "SL205"]
    assert "stops at 50% of its schedule" in hit.message


def test_the_final_checkpoint_follows_save_final_state():
    long_interval = CONFIG.replace("checkpoint_interval: 250", "checkpoint_interval: 5000")
    forced = [f for f in lint(long_interval.format(final="", decay="")).findings if f.rule == "SL204"]
    assert forced and "only the final one, which nanotron forces" in forced[0].message
    off = [f for f in lint(long_interval.format(final=", save_final_state: false", decay="")).findings
           if f.rule == "SL204"]
    assert off and "final one" not in off[0].message


def test_the_initial_state_is_saved_before_the_first_step():
    # trainer.py `train`: `if self.config.checkpoints.save_initial_state and self.init_checkpoint_path is None:
    # self.save_checkpoint()` before the loop; then every checkpoint_interval, then save_final_state
    initial = CONFIG.replace("checkpoint_interval: 250", "checkpoint_interval: 250, save_initial_state: true")
    plan = lint(initial.format(final="", decay="")).plan
    assert (plan["checkpoint_count"], plan["first_checkpoint_step"]) == (5, 0)  # 0, 250, 500, 750, 1000
    long_interval = initial.replace("checkpoint_interval: 250", "checkpoint_interval: 5000")
    [hit] = [f for f in lint(long_interval.format(final="", decay="")).findings if f.rule == "SL204"]
    assert hit.message.endswith("no periodic checkpoint is ever saved (only the ones before the first step and at "
                                "the last step, which nanotron always runs)")
    [hit] = [f for f in lint(long_interval.format(final=", save_final_state: false", decay="")).findings
             if f.rule == "SL204"]
    assert hit.message.endswith("(only the one before the first step, which nanotron always runs)")
    # resuming: whether a checkpoint is found at resume_checkpoint_path decides it (serialize/main.py parse_ckpt_path)
    resumed = lint(initial.format(final=", resume_checkpoint_path: ckpt", decay="")).plan
    assert (resumed["checkpoint_count"], resumed["first_checkpoint_step"]) == (4, 250)


def test_samples():
    assert not check_file(SAMPLES / "good.yaml").findings
    assert sorted(codes(check_file(SAMPLES / "bad.yaml"))) == ["SL203", "SL204", "SL205"]


def test_other_frameworks_with_train_steps_are_not_nanotron():
    assert detect({"tokens": {"train_steps": 10}}) is None or detect({"tokens": {"train_steps": 10}}).name != "nanotron"
    assert lint("train_steps: 1000\nbatch_size: 4\n").dialect != "nanotron"


@needs_wild
def test_every_example_config_is_nanotron():
    files = sorted(NANOTRON.rglob("*.yaml"))
    assert len(files) == 16
    for path in files:
        assert detect(load_data(path)).name == "nanotron", path


@needs_wild
def test_the_tiny_llama_example_decays_in_15_of_2000_steps():
    result = check_file(NANOTRON / "examples/config_tiny_llama.yaml")
    plan = result.plan
    assert (plan["global_batch_size"], plan["total_optimizer_steps"], plan["schedule_end_step"]) == (12, 2000, 15)
    assert [f.rule for f in result.findings] == ["SL660"]


def test_logging_starts_at_the_first_iteration():
    # src/nanotron/trainer.py: `if (self.iteration_step - 1) % ...iteration_step_info_interval == 0`:
    # iterations 1, 301, 601, 901 of 1000
    text = CONFIG.format(final="", decay="") + "logging: {iteration_step_info_interval: 300}\n"
    assert lint(text).plan["logging_count"] == 4
    [hit] = [f for f in lint(text.replace("300}", "5000}")).findings if f.rule == "SL204"]
    assert "only the one at the first step, which nanotron always runs" in hit.message
