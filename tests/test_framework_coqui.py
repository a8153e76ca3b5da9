"""Coqui TTS config.json: // comments, batch-counted intervals, per-epoch scheduler stepping."""

from __future__ import annotations

from steplint.findings import Severity

from .conftest import ROOT, check_file, codes, lint

SAMPLES = ROOT / "sample_configs" / "coqui"


def test_good_config_reads_and_plans():
    result = check_file(SAMPLES / "good.json", dataset_size=13_100, world_size=2)
    assert result.dialect == "coqui"
    assert [f for f in result.findings if f.severity >= Severity.WARNING] == []
    plan = result.plan
    # 6550 utterances per GPU in batches of 32: 205 batches, one optimizer step each
    assert plan["batches_per_epoch"] == 205 and plan["total_optimizer_steps"] == 205_000
    assert plan["warmup_steps"] == 4000 and plan["first_checkpoint_step"] == 10000


def test_per_epoch_stepping_makes_the_warmup_epochs():
    result = check_file(SAMPLES / "bad.json")
    assert [f.rule for f in result.findings if f.severity >= Severity.WARNING] == ["SL768"]
    assert "4000 counts epochs, not steps: the run is 1000 epochs" in result.findings[-1].message
    # SL768 replaces SL203 at the same key, with the dataset size too
    assert "SL203" not in codes(check_file(SAMPLES / "bad.json", dataset_size=13_100))


def test_unwritten_scheduler_after_epoch_is_not_guessed():
    text = ('{"run_name": "x", "epochs": 10, "batch_size": 8, "print_step": 5, "save_step": 100,\n'
            ' "lr_scheduler": "NoamLR", "lr_scheduler_params": {"warmup_steps": 4000}, "audio": {}}\n')
    result = lint(text, "config.json", dataset_size=800)
    assert result.plan["warmup_steps"] is None
    assert [f for f in result.findings if f.severity >= Severity.WARNING] == []


def test_save_step_counts_batches_and_checkpoint_false_rules_it_out():
    text = ('{"run_name": "x", "epochs": 2, "batch_size": 10, "grad_accum_steps": 2, "print_step": 5,\n'
            ' "save_step": 300, "audio": {}}\n')
    result = lint(text, "config.json", dataset_size=1000)
    # 100 batches an epoch, 50 optimizer steps; 200 batches in all < save_step 300
    assert codes(result) == ["SL204"] and "300 batches" in result.findings[0].message
    off = lint(text.replace('"audio": {}', '"audio": {}, "checkpoint": false'), "config.json", dataset_size=1000)
    assert codes(off) == [] and off.plan["checkpoint_count"] == 0
