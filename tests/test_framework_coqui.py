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
    # the save tests total_steps_done % 10000 before the increment (trainer.py train_step): it fires in the
    # 10001st batch, after its optimizer step
    assert plan["warmup_steps"] == 4000 and plan["first_checkpoint_step"] == 10001


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


def test_the_save_fires_in_the_batch_after_each_multiple_of_save_step():
    # trainer.py train_step: `if self.total_steps_done % self.config.save_step == 0 and self.total_steps_done != 0:`
    # is tested before `self.total_steps_done += 1`: 100 batches (total_steps_done 0..99) never save with save_step 100
    text = '{"run_name": "x", "epochs": 1, "batch_size": 10, "print_step": 5, "save_step": 100, "audio": {}}\n'
    assert lint(text, "config.json", dataset_size=1000).plan["checkpoint_count"] == 0
    # 2 epochs of 100 batches, 2 per optimizer step: total_steps_done 30, 60, ..., 180 save (6), the first in
    # batch 31 (0-based 30), after 15 optimizer steps
    accumulated = lint(text.replace('"save_step": 100', '"save_step": 30, "grad_accum_steps": 2')
                       .replace('"epochs": 1', '"epochs": 2'), "config.json", dataset_size=1000)
    assert (accumulated.plan["checkpoint_count"], accumulated.plan["first_checkpoint_step"]) == (6, 15)


def test_a_save_step_of_the_whole_run_is_sl204():
    # trainer.py train_step: `if self.total_steps_done % self.config.save_step == 0 and self.total_steps_done != 0:`
    # before `self.total_steps_done += 1`: 100 batches are total_steps_done 0..99, none a positive multiple of 100
    text = '{"run_name": "x", "epochs": 1, "batch_size": 10, "print_step": 5, "save_step": 100, "audio": {}}\n'
    [hit] = lint(text, "config.json", dataset_size=1000).findings
    assert hit.rule == "SL204" and hit.message == (
        "checkpoint every 100 batches (100 steps) but the run is 100 steps (1 epoch × 100), and by Coqui Trainer's "
        "own count none falls within it: no periodic checkpoint is ever saved")
    assert lint(text.replace('"save_step": 100', '"save_step": 99'), "config.json", dataset_size=1000).findings == []
    # with 3 batches per optimizer step the interval is 33.33 of the 34 steps, and still never fires
    accumulated = lint(text.replace('"save_step": 100', '"save_step": 100, "grad_accum_steps": 3'), "config.json",
                       dataset_size=1000)
    assert codes(accumulated) == ["SL204"]
