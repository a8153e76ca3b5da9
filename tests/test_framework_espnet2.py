"""ESPnet2 training configs: batch_type decides which batch key is read; accum_grad floors; the
num_iters_per_epoch bound."""

from __future__ import annotations

import pytest

from steplint.findings import Severity

from .conftest import ROOT, check_file, codes, lint

SAMPLES = ROOT / "sample_configs" / "espnet2"
BASE = "encoder: conformer\nencoder_conf: {output_size: 256}\noptim: adam\noptim_conf: {lr: 0.002}\n" \
       "keep_nbest_models: 10\n"


def test_samples():
    good = check_file(SAMPLES / "good.yaml")
    assert good.dialect == "espnet2"
    assert [f for f in good.findings if f.severity >= Severity.WARNING] == []
    bad = check_file(SAMPLES / "bad.yaml")
    assert [(f.rule, f.key_path) for f in bad.findings] == [("SL203", "scheduler_conf.warmup_steps"),
                                                            ("SL767", "batch_bins")]
    assert "at most 1000 steps" in bad.findings[0].message


@pytest.mark.parametrize("extra,expected", [
    ("batch_bins: 1000\n", ["SL767"]),                       # folded by default: batch_size is read
    ("batch_type: folded\nbatch_bins: 1000\n", ["SL767"]),
    ("batch_type: numel\nbatch_bins: 1000\n", []),
    ("batch_type: numel\nbatch_size: 64\n", ["SL767"]),      # numel fills batch_bins (default 1000000)
    ("batch_type: length\nbatch_size: 64\nbatch_bins: 9000\n", []),
    ("batch_type: sorted\nbatch_size: 64\n", []),
])
def test_which_batch_key_the_batch_type_reads(extra, expected):
    assert codes(lint(BASE + "max_epoch: 10\n" + extra)) == expected


def test_sorted_batches_are_global_and_accum_grad_floors():
    result = lint(BASE + "max_epoch: 3\nbatch_type: sorted\nbatch_size: 32\naccum_grad: 3\n",
                  dataset_size=1000, world_size=2)
    plan = result.plan
    # 32 utterances per iteration over both GPUs: 16 each; 500 per rank -> 32 iterations; a step every
    # 3 of them, the last 2 iterations of each epoch take none
    assert plan["micro_batch_size"] == 16 and plan["batches_per_epoch"] == 32
    assert plan["optimizer_steps_per_epoch"] == 10 and plan["total_optimizer_steps"] == 30


def test_default_warmup_of_warmuplr_and_max_epoch():
    result = lint(BASE + "scheduler: warmuplr\nnum_iters_per_epoch: 100\n")
    # 40 epochs (the default) of at most 100 steps: 4000 < WarmupLR's default 25000
    assert codes(result) == ["SL203"] and "at most 4000 steps" in result.findings[0].message


def test_wenet_configs_are_not_espnet2():
    wenet = ("encoder: conformer\nencoder_conf: {output_size: 256}\noptim: adam\noptim_conf: {lr: 0.001}\n"
             "dataset_conf: {batch_conf: {batch_type: static, batch_size: 16}}\nmax_epoch: 240\naccum_grad: 4\n"
             "keep_nbest_models: 10\n")
    assert lint(wenet).dialect != "espnet2"
