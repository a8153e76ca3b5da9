"""PaddleOCR: detection (and that no corpus file is claimed), epochs and the per-card batch, the
evaluation grid of eval_batch_step [start, interval], `latest` every epoch, SL637 and SL638."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from steplint.frameworks.paddleocr.hooks import evaluations

from .conftest import read_with, CORPUS, ROOT, SHARED, check_file, codes, lint

SAMPLES = ROOT / "sample_configs" / "paddleocr"
WILD = SHARED / "corpus-wild"

CONFIG = """\
Global:
  epoch_num: {epochs}
  print_batch_step: 10
  save_epoch_step: {save}
  eval_batch_step: {eval}
Architecture: {{model_type: rec, algorithm: CRNN}}
Train:
  loader: {{shuffle: true, batch_size_per_card: 64, drop_last: true}}
"""


def plan_of(result) -> SimpleNamespace:
    return SimpleNamespace(**result.plan)


def config(epochs=10, save=3, eval="[0, 2000]", **options):
    return lint(CONFIG.format(epochs=epochs, save=save, eval=eval), **options)


@pytest.mark.parametrize("root", [CORPUS, WILD], ids=["corpus", "corpus-wild"])
def test_no_corpus_file_is_read_as_paddleocr(root):
    assert [file for file, _, read in read_with(root) if read == "paddleocr"] == []


def test_the_evaluation_grid_starts_after_start():
    # g (0-based) > start and (g - start) % interval == 0; reported as the step count g + 1
    assert evaluations(10000, 0, 2000) == (4, 2001)        # g = 2000, 4000, 6000, 8000
    assert evaluations(10000, 3000, 2000) == (3, 5001)     # g = 5000, 7000, 9000
    assert evaluations(5000, 3000, 2000) == (0, None)      # g = 5000 is past the last, 4999
    assert evaluations(2000, 0, 2000) == (0, None)         # the interval equal to the run: never
    assert evaluations(None, 500, 100) == (None, 601)       # g = 600


def test_the_plan():
    plan = plan_of(config(dataset_size=64000))  # 1000 iterations an epoch, 10 epochs
    assert (plan.micro_batch_size, plan.optimizer_steps_per_epoch, plan.total_optimizer_steps) == (64, 1000, 10000)
    assert (plan.eval_count, plan.first_eval_step) == (4, 2001)
    assert plan.checkpoint_count == 10  # `latest` every epoch, whatever save_epoch_step says


def test_a_large_save_epoch_step_only_keeps_latest_and_is_no_finding():
    assert [f for f in config(save=1200, dataset_size=64000).findings if f.severity.name != "INFO"] == []


def test_sl637_needs_the_run_length_and_a_grid_past_its_end():
    assert "SL637" in codes(config(dataset_size=6400))        # 1000 iterations, first evaluation at g = 2000
    assert "SL637" not in codes(config(dataset_size=64000))
    assert "SL637" not in codes(config())                     # unknown without the dataset size
    assert "SL637" in codes(config(eval="[9500, 1000]", dataset_size=64000))   # g = 10500 > 9999


def test_sl638_zero_intervals():
    assert "SL638" in codes(config(save=0))
    assert "SL638" in codes(config(eval="[0, 0]"))
    assert "SL638" not in codes(config())


def test_samples():
    assert check_file(SAMPLES / "rec_svtr_good.yml", dataset_size=256000).findings == []
    assert sorted(codes(check_file(SAMPLES / "det_finetune_bad.yml", dataset_size=800))) == ["SL637", "SL638"]


def test_eval_batch_epoch_replaces_the_grid_and_is_not_read():
    result = config(dataset_size=6400).plan  # 1000 iterations: [0, 2000] never fires
    assert result["eval_count"] == 0
    text = CONFIG.format(epochs=10, save=3, eval="[0, 2000]").replace("  print_batch_step: 10",
                                                                    "  print_batch_step: 10\n  eval_batch_epoch: 1")
    later = lint(text, dataset_size=6400)
    assert later.plan["eval_count"] is None and "SL637" not in codes(later)


def test_a_fractional_eval_start_never_evaluates():
    # tools/program.py `train`: `global_step > start_eval_step and (global_step - start_eval_step) %
    # eval_batch_step == 0` never holds for a whole global_step when start_eval_step is fractional
    assert evaluations(10000, 0.5, 2000) == (0, None)
    assert evaluations(10000, 1.0e30, 2000) == (0, None)
    assert evaluations(10000, 0, 2000) == (4, 2001)  # g = 2000, 4000, 6000, 8000 (after g + 1 steps)
