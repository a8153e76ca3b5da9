"""mistral-finetune TrainArgs YAML and SwissArmyTransformer (CogVideo sat) --base YAML: detection of
their corpus-wild files, the plan numbers from each framework's defaults, and SL706."""

from __future__ import annotations

import pytest

from .conftest import ROOT, SHARED, check_file, codes, lint

WILD = SHARED / "corpus-wild"
MISTRAL = WILD / "mistralai__mistral-finetune" / "example" / "7B.yaml"
SAT = WILD / "THUDM__CogVideo" / "sat" / "configs" / "sft.yaml"
SAMPLES = ROOT / "sample_configs"


@pytest.mark.skipif(not MISTRAL.is_file(), reason="../shared/corpus-wild (mistral-finetune) is absent")
def test_the_upstream_mistral_example_is_refused_at_start_as_written():
    result = check_file(MISTRAL)
    assert result.dialect == "mistral-finetune"
    assert codes(result) == ["SL706"] and result.findings[0].key_path == "no_eval"
    plan = result.plan
    # 300 steps; pct_start 0.05 of them warm up; eval and checkpoint every 100 (and at the last step)
    assert (plan["total_optimizer_steps"], plan["warmup_steps"], plan["checkpoint_count"], plan["eval_count"]) == \
        (300, 15, 3, 3)
    assert plan["tokens_per_step"] == 32768


MISTRAL_RUN = """\
data: {{instruct_data: /d/train.jsonl}}
model_id_or_path: /m/7b
run_dir: /r
seq_len: 4096
{extra}
"""


def test_mistral_defaults_no_eval_and_a_final_checkpoint():
    result = lint(MISTRAL_RUN.format(extra="ckpt_freq: 30\neval_freq: 10\nnum_microbatches: 4"))
    plan = result.plan
    # max_steps 100 by default; no_eval is true by default, so eval_freq is not read
    assert (plan["total_optimizer_steps"], plan["gradient_accumulation_steps"], plan["warmup_steps"]) == (100, 4, 5)
    assert plan["eval_count"] == 0 and plan["checkpoint_count"] == 4  # 30, 60, 90 and the last step
    assert codes(result) == []


def test_mistral_frequencies_of_zero_leave_the_last_step():
    # train.py `_train`: `(args.ckpt_freq > 0 and state.step % args.ckpt_freq == 0) or is_last_step`
    plan = lint(MISTRAL_RUN.format(extra="max_steps: 300\nno_eval: false")).plan  # both frequencies default to 0
    assert (plan["checkpoint_count"], plan["first_checkpoint_step"], plan["eval_count"]) == (1, 300, 1)


def test_mistral_no_ckpt_rules_out_checkpoints_and_bad_counts_are_refused():
    assert lint(MISTRAL_RUN.format(extra="max_steps: 50\nno_ckpt: true")).plan["checkpoint_count"] == 0
    result = lint(MISTRAL_RUN.format(extra="max_steps: 50\nnum_microbatches: 0\nnum_ckpt_keep: 0"))
    assert codes(result) == ["SL706", "SL706"]


@pytest.mark.skipif(not SAT.is_file(), reason="../shared/corpus-wild (CogVideo sat) is absent")
def test_cogvideo_sat_sft_is_read_as_sat_and_adds_up():
    result = check_file(SAT)
    assert result.dialect == "sat" and result.findings == []
    plan = result.plan
    # deepspeed's train_micro_batch_size_per_gpu is the batch; warmup 0.01 × 1000 iterations
    assert (plan["total_optimizer_steps"], plan["micro_batch_size"], plan["warmup_steps"]) == (1000, 2, 10)
    assert (plan["checkpoint_count"], plan["eval_count"]) == (2, 10)


SAT_RUN = """\
args:
  experiment_name: x
  mode: finetune
  train_data: [d]
{extra}
deepspeed: {{train_micro_batch_size_per_gpu: 4}}
"""


def test_sat_defaults_and_no_save_directory():
    plan = lint(SAT_RUN.format(extra="  log_interval: 10")).plan
    # no train_iters or epochs: SAT runs 10000 iterations; no args.save: nothing is saved
    assert (plan["total_optimizer_steps"], plan["checkpoint_count"], plan["warmup_steps"]) == (10000, 0, 100)


def test_sat_warmup_is_a_fraction_of_lr_decay_iters():
    result = lint(SAT_RUN.format(extra="  train_iters: 1000\n  lr_decay_iters: 4000\n  warmup: 0.5"))
    assert result.plan["warmup_steps"] == 2000 and {"SL203", "SL205"} <= set(codes(result))


def test_sat_refuses_train_iters_beside_epochs():
    # sat/arguments.py `get_args`: assert (args.train_iters is None) or (args.epochs is None)
    result = lint(SAT_RUN.format(extra="  train_iters: 1000\n  epochs: 3"))
    [refused] = [f for f in result.findings if f.rule == "SL003"]
    assert refused.key_path == "args.epochs" and "only one of train_iters and epochs" in refused.message
    assert "SL003" not in codes(lint(SAT_RUN.format(extra="  epochs: 3")))


@pytest.mark.parametrize("folder", ["mistral_finetune", "sat"])
def test_samples(folder):
    assert check_file(SAMPLES / folder / "good.yaml").findings == []
    assert codes(check_file(SAMPLES / folder / "bad.yaml"))
