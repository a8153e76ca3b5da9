"""WeNet training configs: per-GPU static batches, accum_grad floored, steps mode with save_interval."""

from __future__ import annotations

from steplint.findings import Severity

from .conftest import ROOT, check_file, codes, lint

SAMPLES = ROOT / "sample_configs" / "wenet"


def test_good_sample_plans():
    result = check_file(SAMPLES / "good.yaml", dataset_size=120_098, world_size=8)
    assert result.dialect == "wenet"
    assert [f for f in result.findings if f.severity >= Severity.WARNING] == []
    plan = result.plan
    # 15013 utterances per GPU in batches of 16: 939 batches, a step every 4: 234 (the last 3 take none)
    assert plan["batches_per_epoch"] == 939 and plan["optimizer_steps_per_epoch"] == 234
    assert plan["total_optimizer_steps"] == 234 * 240 and plan["warmup_steps"] == 25000


def test_bad_sample_warmup_past_the_run():
    result = check_file(SAMPLES / "bad.yaml", dataset_size=20_000, world_size=4)
    assert codes(result) == ["SL203"]
    assert "the run is 1560 steps (20 epochs × 78)" in result.findings[0].message


def test_dynamic_batches_and_steps_mode():
    base = (SAMPLES / "good.yaml").read_text()
    dynamic = lint(base.replace("batch_type: 'static'", "batch_type: 'dynamic'"), dataset_size=120_098)
    assert dynamic.plan["micro_batch_size"] is None  # batches filled by length
    steps = lint(base + "save_interval: 5000\n", dataset_size=120_098, world_size=8)
    assert steps.plan["first_checkpoint_step"] == 5000 and steps.plan["first_eval_step"] == 5000
    # the default WarmupLR warmup when scheduler_conf omits it
    default = lint(base.replace("    warmup_steps: 25000        # optimizer steps\n", "    {}\n").replace(
        "scheduler_conf:\n    {}\n", "scheduler_conf: {}\n"), dataset_size=120_098, world_size=8)
    assert default.plan["warmup_steps"] == 25000


def test_espnet2_configs_are_not_wenet():
    espnet = "encoder: conformer\nencoder_conf: {output_size: 256}\nmax_epoch: 50\nbatch_type: numel\nbatch_bins: 1000\n" \
             "keep_nbest_models: 10\n"
    assert lint(espnet).dialect == "espnet2"
