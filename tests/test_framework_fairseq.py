"""fairseq Hydra configs: updates, update_freq, token batches, the two cadences of saves and validation."""

from __future__ import annotations

import itertools

from steplint.findings import Severity

from .conftest import ROOT, check_file, codes, lint

SAMPLES = ROOT / "sample_configs" / "fairseq"

WAV2VEC_FINETUNE = """
# @package _group_
checkpoint:
  save_interval: 1000
  save_interval_updates: 50
  no_epoch_checkpoints: true
task:
  _name: audio_finetuning
  data: ???
dataset:
  max_tokens: 3200000
  validate_after_updates: 10000
  validate_interval: 1000
distributed_training:
  distributed_world_size: 2
optimization:
  max_update: 13000
  max_epoch: 50
  lr: [0.00005]
  update_freq: [4]
optimizer:
  _name: adam
lr_scheduler:
  _name: tri_stage
  phase_ratio: [0.1, 0.4, 0.5]
model:
  _name: wav2vec_ctc
"""


def test_recognised_and_read_as_updates():
    result = lint(WAV2VEC_FINETUNE)
    assert result.dialect == "fairseq"
    assert [f for f in result.findings if f.severity >= Severity.WARNING] == []
    plan = result.plan
    assert plan["world_size"] == 2 and plan["gradient_accumulation_steps"] == 4
    # max_tokens: no batches per epoch, so max_epoch cannot be placed and max_update is the bound
    assert plan["optimizer_steps_per_epoch"] is None
    # epoch-end saves every 1000 epochs cannot fire before max_epoch 50: the update cadence is the
    # only one; every mid-epoch save validates, and neither comes before validate_after_updates
    # (fairseq_cli/train.py validate_and_save: `do_save` needs `num_updates >=
    # cfg.dataset.validate_after_updates` for save_interval_updates, and so does `do_validate`)
    assert plan["first_checkpoint_step"] == 10000
    assert plan["first_eval_step"] == 10000


def test_update_cadences_beside_epoch_cadences_are_not_one_interval():
    text = WAV2VEC_FINETUNE.replace("  save_interval: 1000\n", "").replace("  validate_interval: 1000\n", "")
    result = lint(text)
    assert result.plan["checkpoint_count"] is None and result.plan["eval_count"] is None
    assert any("depends on the epoch length" in a for a in result.plan["assumptions"])


def test_default_inverse_sqrt_warmup_is_fairseqs_4000():
    result = check_file(SAMPLES / "bad_default_warmup.yaml")
    assert codes(result) == ["SL203"]
    assert "warmup (fairseq default lr_scheduler.warmup_updates for inverse_sqrt, not written) is 4000 steps but the run is 3000 steps" in result.findings[0].message
    explicit = lint((SAMPLES / "bad_default_warmup.yaml").read_text().replace(
        "  _name: inverse_sqrt\n", "  _name: inverse_sqrt\n  warmup_updates: 300\n"))
    assert codes(explicit) == []


def test_polynomial_decay_total_num_update():
    result = check_file(SAMPLES / "bad.yaml")
    assert [(f.rule, f.key_path) for f in result.findings] == [("SL766", "lr_scheduler.total_num_update")]
    assert "holds it for the last 20000 updates (50% of the run)" in result.findings[0].message
    longer = (SAMPLES / "bad.yaml").read_text().replace("total_num_update: 20000", "total_num_update: 80000")
    assert codes(lint(longer)) == ["SL205"]  # past the run: it never finishes decaying
    # max_epoch may end the run before update 20000: not certain without the dataset size
    with_epochs = (SAMPLES / "bad.yaml").read_text().replace("  max_update: 40000\n", "  max_update: 40000\n  max_epoch: 3\n")
    assert "SL766" not in codes(lint(with_epochs))
    assert "SL766" in codes(lint(with_epochs, dataset_size=1_000_000))  # 3 epochs of 31250 updates: 40000 ends it


def test_zero_limits_mean_none_and_no_save_rules_out_checkpoints():
    text = ("optimization: {max_update: 0, max_epoch: 0, lr: [0.1]}\noptimizer: {_name: sgd}\n"
            "checkpoint: {no_save: true, save_interval_updates: 10}\ndataset: {batch_size: 8, disable_validation: true}\n")
    result = lint(text, dataset_size=1000)
    assert result.dialect == "fairseq"
    assert result.plan["total_optimizer_steps"] is None
    assert result.plan["checkpoint_count"] == 0 and result.plan["eval_count"] == 0
    assert [f for f in result.findings if f.severity >= Severity.WARNING] == []


def test_good_sample_is_quiet():
    assert check_file(SAMPLES / "good.yaml").findings == []


EPOCH_CADENCES = """
checkpoint:
  save_interval: 5
task:
  _name: translation
dataset:
  batch_size: 8
  validate_interval: 5
optimization:
  max_epoch: 2
  max_update: 100000
  lr: [0.0005]
optimizer:
  _name: adam
lr_scheduler:
  _name: fixed
model:
  _name: transformer
"""  # 1000 sentences in batches of 8: 125 updates an epoch


def test_no_final_save_or_validation_when_max_epoch_ends_the_run():
    # fairseq_cli/train.py validate_and_save: `do_save = (end_of_epoch and epoch % save_interval == 0)
    # or should_stop or ...` with `should_stop` only from `num_updates >= max_update`; epoch 2 is no
    # multiple of 5 and 250 updates never reach 100000: no save, no validation
    result = lint(EPOCH_CADENCES, dataset_size=1000)
    assert result.plan["total_optimizer_steps"] == 250
    assert (result.plan["checkpoint_count"], result.plan["eval_count"]) == (0, 0)
    assert [f.message.endswith(("no periodic checkpoint is ever saved", "no periodic evaluation ever runs"))
            for f in result.findings if f.rule == "SL204"] == [True, True]
    # max_update 200 ends the run inside epoch 2: should_stop saves and validates there
    stopped = lint(EPOCH_CADENCES.replace("max_update: 100000", "max_update: 200"), dataset_size=1000).plan
    assert (stopped["checkpoint_count"], stopped["first_checkpoint_step"], stopped["eval_count"]) == (1, 200, 1)


def test_tri_stage_phase_ratio_warmup_is_a_fraction_of_max_update():
    # tri_stage_lr_scheduler.py TriStageLRSchedule.__init__: with phase_ratio, `self.warmup_steps =
    # int(cfg.max_update * cfg.phase_ratio[0])` (warmup_steps is then ignored): int(13000 × 0.1)
    assert lint(WAV2VEC_FINETUNE).plan["warmup_steps"] == 1300
    both = WAV2VEC_FINETUNE.replace("  phase_ratio:", "  warmup_steps: 500\n  phase_ratio:")
    assert lint(both).plan["warmup_steps"] == 1300
    # a negative first ratio is no warmup (`update_step < self.warmup_steps` never holds), not a bad value,
    # and a product past any float is not read (it raised)
    negative = lint(WAV2VEC_FINETUNE.replace("[0.1, 0.4, 0.5]", "[-0.5, 1.0, 0.5]"))
    assert (negative.plan["warmup_steps"], codes(negative)) == (None, [])
    huge = WAV2VEC_FINETUNE.replace("[0.1, 0.4, 0.5]", "[1e300, -1e300, 1]").replace("max_update: 13000", "max_update: 1e10")
    assert lint(huge).error is None and lint(huge).plan["warmup_steps"] is None
    # of the max_update written, not of the run: max_epoch 1 of 4000 sentences in batches of 8 over
    # 2 GPUs, 4 per update, is ceil(ceil(500 / 2) / 4) = 63 updates, and the warmup never ends
    short = WAV2VEC_FINETUNE.replace("max_tokens: 3200000", "batch_size: 8").replace("max_epoch: 50", "max_epoch: 1")
    result = lint(short, dataset_size=4000)
    assert result.plan["total_optimizer_steps"] == 63
    assert ("SL203", "lr_scheduler.phase_ratio") in [(f.rule, f.key_path) for f in result.findings]


def test_skip_remainder_batch_drops_the_short_last_group():
    # 800 sentences in batches of 8: 100 batches an epoch; update_freq 3
    text = EPOCH_CADENCES.replace("  max_epoch: 2\n", "  max_epoch: 2\n  update_freq: [3]\n")
    assert lint(text, dataset_size=800).plan["optimizer_steps_per_epoch"] == 34  # ceil: the last group of 1 updates
    # fairseq/data/iterators.py GroupedIterator: `total_num_itrs = int(math.floor(len(iterable) /
    # float(chunk_size)))` with skip_remainder_batch: floor(100 / 3) = 33
    skipped = text.replace("  update_freq: [3]\n", "  update_freq: [3]\n  skip_remainder_batch: true\n")
    plan = lint(skipped, dataset_size=800).plan
    assert (plan["optimizer_steps_per_epoch"], plan["total_optimizer_steps"]) == (33, 66)
    # and none at all when an epoch has fewer batches than update_freq: 2 batches of 8, floor(2 / 3) = 0
    assert lint(skipped, dataset_size=16).plan["optimizer_steps_per_epoch"] == 0


def test_mid_epoch_saves_wait_for_validate_after_updates():
    # fairseq_cli/train.py validate_and_save: `save_interval_updates > 0 and num_updates %
    # save_interval_updates == 0 and num_updates >= cfg.dataset.validate_after_updates`: saves at
    # 10000, 10050, ..., 13000 (max_update, on the grid): 61, not 260 from update 50
    text = WAV2VEC_FINETUNE.replace("max_tokens: 3200000", "batch_size: 8")
    plan = lint(text, dataset_size=1_000_000).plan  # 15625 updates an epoch: max_update ends the run
    assert plan["total_optimizer_steps"] == 13000
    assert (plan["checkpoint_count"], plan["first_checkpoint_step"]) == (61, 10000)
    assert (plan["eval_count"], plan["first_eval_step"]) == (61, 10000)
    # off the grid: saves at 10000 ... 12950 and should_stop's at 13000 (`do_save or should_stop`)
    plan = lint(text.replace("save_interval_updates: 50", "save_interval_updates: 3000"), dataset_size=1_000_000).plan
    assert (plan["checkpoint_count"], plan["first_checkpoint_step"]) == (2, 12000)
    # validate_after_updates past max_update: do_validate never holds (the run stops at 13000), the
    # save at max_update still happens
    late = lint(text.replace("validate_after_updates: 10000", "validate_after_updates: 20000"),
                dataset_size=1_000_000).plan
    assert (late["eval_count"], late["checkpoint_count"], late["first_checkpoint_step"]) == (0, 1, 13000)


def test_batches_end_at_multiples_of_required_batch_size_multiple():
    text = EPOCH_CADENCES.replace("batch_size: 8", "batch_size: 10").replace(
        "  save_interval: 5\n", "  save_interval: 5\n  save_interval_updates: 110\n").replace("max_epoch: 2", "max_epoch: 1")
    # fairseq/data/data_utils_fast.pyx batch_by_size_vec ends a batch only where `new_batch_sentences %
    # bsz_mult == 0` (or below bsz_mult), bsz_mult = required_batch_size_multiple, default 8
    # (fairseq/dataclass/configs.py DatasetConfig): batch_size 10 makes batches of 8, 125 of 1000 sentences
    result = lint(text, dataset_size=1000)
    assert (result.plan["micro_batch_size"], result.plan["batches_per_epoch"]) == (8, 125)
    assert (result.plan["checkpoint_count"], result.plan["first_checkpoint_step"]) == (1, 110)
    assert "SL204" not in codes(result)  # 110 updates fit in the 125
    exact = lint(text.replace("batch_size: 10", "batch_size: 10\n  required_batch_size_multiple: 1"), dataset_size=1000)
    assert exact.plan["batches_per_epoch"] == 100 and "SL204" in codes(exact)
    # below the multiple every batch holds 4, and data_utils.py batch_by_size drops the last (4 % 8 != 0)
    small = lint(text.replace("batch_size: 10", "batch_size: 4"), dataset_size=1000)
    assert small.plan["micro_batch_size"] == 4
    assert any("drops each epoch's last batch" in a for a in small.plan["assumptions"])


def _fairseq_batches(n: int, max_sentences: int, bsz_mult: int) -> list[int]:
    """The batch sizes fairseq makes of n sentences with dataset.batch_size and no max_tokens: a
    line-by-line replay of facebookresearch/fairseq @ 3d262bb2 fairseq/data/data_utils_fast.pyx:20-103
    batch_by_size_vec (max_tokens -1, so only the sentence count and bsz_mult decide), then
    fairseq/data/data_utils.py:357-358 batch_by_size: `if bsz_mult > 1 and len(b[-1]) % bsz_mult != 0:
    b = b[:-1]`."""
    if n == 0:
        return []
    ends = [0] * n
    batch_start = batches_count = 0
    for pos in range(n):
        new_batch_end = pos + 1
        new_batch_sentences = new_batch_end - batch_start
        overflow = new_batch_sentences > max_sentences > 0
        size_matches_with_bsz_mult = new_batch_sentences < bsz_mult or new_batch_sentences % bsz_mult == 0
        if overflow:
            batch_start = ends[batches_count]
            batches_count += 1
        if overflow or size_matches_with_bsz_mult:
            ends[batches_count] = new_batch_end
    if ends[batches_count] != n:
        batches_count += 1
    cuts = [0] + ends[:batches_count]
    sizes = [b - a for a, b in zip(cuts, cuts[1:] + [n])]
    sizes = [s for s in sizes if s]  # np.split at the last end n gives an empty tail
    if bsz_mult > 1 and sizes[-1] % bsz_mult != 0:
        sizes = sizes[:-1]
    return sizes


def test_the_plan_makes_the_batches_fairseq_makes():
    template = EPOCH_CADENCES.replace("batch_size: 8", "batch_size: {b}\n  required_batch_size_multiple: {m}")
    for b, m in [(10, 8), (8, 8), (16, 8), (4, 8), (7, 8), (1, 8), (12, 5), (9, 3), (6, 1), (3, 3)]:
        text = template.format(b=b, m=m)
        for n in list(range(1, 70)) + [999, 1000, 1001]:
            made = _fairseq_batches(n, b, m)
            plan = lint(text, dataset_size=n, world_size=1).plan
            assert plan["batches_per_epoch"] == len(made), (b, m, n, made)
            assert plan["last_batch_size"] == (made[-1] if made else 0), (b, m, n, made)
            assert plan["samples_dropped_per_epoch"] == n - sum(made), (b, m, n, made)
            assert all(size == plan["micro_batch_size"] for size in made[:-1]), (b, m, n, made)
            # iterators.py:645 ShardedIterator: each of 3 GPUs gets ceil(batches / 3), padded with empty ones
            dealt = lint(text, dataset_size=n, world_size=3).plan
            assert dealt["batches_per_epoch"] == -(-len(made) // 3), (b, m, n, made)


def test_skip_remainder_batch_drops_each_gpus_last_batch_and_the_short_last_group():
    # fairseq/data/iterators.py:523-528 EpochBatchIterator with skip_remainder_batch: `total_num_itrs =
    # len(itr) - 1` (the last batch on each GPU, full or not), then :587-588 GroupedIterator: `int(math.floor(
    # len(iterable) / float(chunk_size)))` updates
    template = EPOCH_CADENCES.replace("max_epoch: 2", "max_epoch: 1\n  skip_remainder_batch: true\n  update_freq: [{ga}]")
    for ga, world, n in itertools.product((1, 2, 3, 5), (1, 2, 3), list(range(1, 60)) + [1000]):
        per_gpu = -(-len(_fairseq_batches(n, 8, 8)) // world)  # iterators.py:645 ShardedIterator
        plan = lint(template.format(ga=ga), dataset_size=n, world_size=world).plan
        assert plan["batches_per_epoch"] == max(per_gpu - 1, 0), (ga, world, n)
        assert plan["total_optimizer_steps"] == max(per_gpu - 1, 0) // ga, (ga, world, n)
