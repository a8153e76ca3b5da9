"""Batch shape (issue 11, item 5): a batch larger than the samples on a rank, an accumulation
longer than an epoch, and BatchNorm's last batch of 1 sample with and without the dataset size."""

from __future__ import annotations

import pytest

from steplint.findings import Severity
from steplint.plan import last_batch_size, samples_per_rank
from steplint.rules.sl301_batchnorm_without_drop_last import one_sample_residues

from .conftest import codes, lint

NATIVE = """\
steplint: 1
data: {{train_size: {n}, batch_size: {b}{drop}}}
distributed: {{world_size: {p}}}
run: {{epochs: 10}}
"""


def native(n: int, b: int, p: int, drop: bool = False) -> str:
    return NATIVE.format(n=n, b=b, p=p, drop=", drop_last: true" if drop else "")


def test_batch_larger_than_the_samples_on_a_rank_is_one_short_batch_per_epoch():
    result = lint(native(1000, 256, 8))
    [hit] = [f for f in result.findings if f.rule == "SL304"]
    assert hit.severity is Severity.WARNING and hit.key_path == "data.batch_size"
    assert "one batch of 125 samples, not 256" in hit.message and "N // batch_size gets 0 steps" in hit.message


def test_batch_that_fits_or_a_loader_that_drops_it_is_not_sl304():
    assert "SL304" not in codes(lint(native(1000, 125, 8)))  # exactly one full batch per rank
    dropped = lint(native(1000, 256, 8, drop=True))
    assert "SL304" not in codes(dropped) and "SL206" in codes(dropped)  # the empty loader is SL206's


def test_hf_on_several_ranks_completes_the_batch_so_no_sl304():
    config = "per_device_train_batch_size: 256\nnum_train_epochs: 3\nsave_strategy: epoch\n"
    assert "SL304" not in codes(lint(config, dataset_size=1000, world_size=8))
    # on one rank the DataLoader's one batch is the whole (smaller) dataset
    assert "SL304" in codes(lint(config, dataset_size=100, world_size=1))


LIGHTNING = "trainer:\n  max_epochs: 3\n  accumulate_grad_batches: 16\ndata:\n  batch_size: 8\n"
HF = "per_device_train_batch_size: 8\ngradient_accumulation_steps: 16\nnum_train_epochs: 3\n"
RESEARCH = "dataset_size: 80\nbatch_size: 8\ngrad_accum_steps: 16\nepochs: 3\nlr: 0.001\n"
TORCHTUNE = ("batch_size: 8\nepochs: 3\ngradient_accumulation_steps: 16\n"
             "model:\n  _component_: torchtune.models.qwen2_5.qwen2_5_0_5b\n")


@pytest.mark.parametrize("config,expected,severity", [
    (LIGHTNING, "SL305", Severity.WARNING),  # Lightning steps on the epoch's last batch
    (HF, "SL404", Severity.WARNING),  # so does the HF Trainer; its own rule says it
    (RESEARCH, "SL306", Severity.ERROR),  # the (i + 1) % accum loop never steps
    (TORCHTUNE, "SL471", Severity.ERROR),
])
def test_accumulation_longer_than_an_epoch_one_finding_per_framework(config, expected, severity):
    result = lint(config, dataset_size=80, framework_versions=(("transformers", "4.57"),))
    found = [f for f in result.findings if f.rule in ("SL305", "SL306", "SL404", "SL471")]
    assert [(f.rule, f.severity) for f in found] == [(expected, severity)], [f.to_dict() for f in result.findings]


def test_accumulation_that_fits_an_epoch_is_clean():
    for config in (LIGHTNING, RESEARCH):
        assert not {"SL305", "SL306"} & set(codes(lint(config.replace("16", "4"), dataset_size=80)))


@pytest.mark.parametrize("batch,world,sampler_drop", [(2, 1, False), (8, 1, False), (8, 3, False), (5, 4, False),
                                                      (8, 3, True), (4, 2, True)])
def test_the_sizes_named_for_a_last_batch_of_one_are_exactly_those_of_the_plan(batch, world, sampler_drop):
    span, low, high = one_sample_residues(batch, world, sampler_drop)
    for n in range(world, 4 * batch * world):
        per_rank = samples_per_rank(n, world, sampler_drop)
        assert (last_batch_size(per_rank, batch, False) == 1) == (low <= n % span <= high), n


def test_batchnorm_without_the_dataset_size_is_a_warning_worded_as_a_condition():
    config = "steplint: 1\ndata: {batch_size: 32}\ndistributed: {world_size: 4}\nrun: {epochs: 90}\n" \
             "model: {batchnorm: true}\n"
    [hit] = [f for f in lint(config).findings if f.rule == "SL301"]
    assert hit.severity is Severity.WARNING
    assert "if the dataset size N mod 128 is 1 to 4" in hit.message and "ceil(N / 4) is a multiple of 32" in hit.message
    # the size that would do it, given: the error
    [hit] = [f for f in lint(config, dataset_size=129).findings if f.rule == "SL301"]
    assert hit.severity is Severity.ERROR and "has 1 sample" in hit.message
    assert "SL301" not in codes(lint(config, dataset_size=128))
