"""SL301 batchnorm-without-drop-last: BatchNorm and a train loader that keeps a short last batch."""

from __future__ import annotations

from typing import Iterator, Optional

from ..findings import Hit, Severity
from ..plan import Sharding
from .context import RuleContext

CODE = "SL301"


def check(ctx: RuleContext) -> Iterator[Hit]:
    run, plan = ctx.run, ctx.plan
    if run.batchnorm is None or not run.batchnorm.value:
        return
    drop = run.train_loader.drop_last
    if drop is not None and drop.value:
        return
    key = drop.key if drop is not None else run.batchnorm.key
    sampler_drop = bool(run.sampler_drop_last and run.sampler_drop_last.value)
    setting = "drop_last is false" if drop is not None else "drop_last is not set (default false)"
    last, batch = plan.last_batch_size, plan.micro_batch_size
    if last is None or batch is None:
        if batch is not None and plan.world_size > 1 and ctx.semantics.sharding is Sharding.ACCELERATE:
            return  # accelerate completes the last batch on every rank: no short batch whatever N is
        if batch == 1:
            return  # every batch is one sample, drop_last or not: as with N known, not this rule's finding
        yield ctx.hit(f"the model uses BatchNorm and {setting}: {_condition(batch, plan.world_size, sampler_drop)}",
                      key, run.batchnorm.key)
        return
    if last == batch:
        return  # the samples on a rank divide evenly: every batch is full
    where = "on each rank " if plan.world_size > 1 else ""
    if last == 1:
        yield ctx.hit(f"the model uses BatchNorm and {setting}: the last batch {where}has 1 sample "
                      f"({plan.samples_per_rank} = {plan.batches_per_epoch - 1} × {batch} + 1), BatchNorm raises "
                      f"'Expected more than 1 value per channel when training'", key, run.batchnorm.key,
                      severity=Severity.ERROR)
    else:
        yield ctx.hit(f"the model uses BatchNorm and {setting}: the last batch {where}has {last} of {batch} samples "
                      f"({plan.samples_per_rank} samples), noisy batch statistics once per epoch", key, run.batchnorm.key)


def one_sample_residues(batch: int, world: int, sampler_drop: bool) -> tuple[int, int, int]:
    """(span, low, high): a rank's last batch has 1 sample exactly when N mod span is in low..high
    (batch >= 2). One rank: N mod B = 1. P ranks, DistributedSampler padding to ceil(N / P) = kB + 1:
    kBP < N <= kBP + P; dropping to floor(N / P) = kB + 1: (kB + 1)P <= N < (kB + 2)P."""
    if world == 1:
        return batch, 1, 1
    return batch * world, *((world, 2 * world - 1) if sampler_drop else (1, world))


def _condition(batch: Optional[int], world: int, sampler_drop: bool) -> str:
    """Which dataset sizes N give a last batch of 1 sample, as a condition: the size is not known."""
    if batch is None:
        return ("unless the dataset size N divides into full batches, the last batch of each epoch is short, "
                "and if it has 1 sample PyTorch's BatchNorm raises 'Expected more than 1 value per channel when "
                "training' (BatchNorm1d, or any BatchNorm after pooling) (pass --dataset-size to check)")
    span, low, high = one_sample_residues(batch, world, sampler_drop)
    if world == 1:
        which = f"N mod {batch} = 1 (on one rank: N = {batch + 1}, {2 * batch + 1}, ...)"
    else:
        which = (f"N mod {span} is {low} to {high} ({batch} per batch × {world} ranks; "
                 f"N = {span + low}..{span + high}, ...)")
    full = f"unless N is a multiple of {batch}" if world == 1 else \
        f"unless {'floor' if sampler_drop else 'ceil'}(N / {world}) is a multiple of {batch}"
    return (f"if the dataset size {which}, the last batch has 1 sample, on which PyTorch's BatchNorm raises "
            f"'Expected more than 1 value per channel when training' (BatchNorm1d, or any BatchNorm after "
            f"pooling) at the end of the first epoch; {full} the last batch is short and its statistics noisy "
            f"(pass --dataset-size to check)")
