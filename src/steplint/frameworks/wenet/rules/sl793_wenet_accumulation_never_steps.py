"""SL793 wenet-accumulation-never-steps: a WeNet epoch with fewer batches than accum_grad.

wenet-e2e/wenet @ 01546996: in epoch mode (no save_interval) wenet/bin/train.py:144-157 calls
Executor.train once per epoch, whose `for batch_idx, batch_dict in enumerate(train_data_loader)`
(wenet/utils/executor.py:60) counts batch_idx from 0 again; update_parameter_and_lr steps the optimizer
only `elif (batch_idx + 1) % accum_grad == 0` (wenet/utils/train_utils.py:762), and an epoch ends in
executor.cv and save_model (train.py:162-174), with no step and no zero_grad. An epoch of fewer batches
than accum_grad never steps: the gradients pile up and the weights never change. The plan counts it
as 0 optimizer steps (accumulation_rounding: drop).

How many batches an epoch has depends on the loader workers, which the command line sets: torch's
DataLoader shards an IterDataPipe over world_size × num_workers (torch/utils/data/dataloader.py
_sharding_worker_init_fn), and WeNet batches after that shard (wenet/dataset/datapipes.py:443-444 shard,
wenet/dataset/dataset.py:136-139 batch), so each worker makes its own last batch. One worker makes the
plan's ceil(n / batch_size); W workers up to W - 1 more; never more than the n utterances of the GPU.
Certain, an error, only when a GPU's utterances are fewer than accum_grad; else an info that names the
number of workers from which an epoch steps. With --train_engine deepspeed DeepSpeed counts its own
accumulation across epochs (and WeNet asserts it equals accum_grad, train_utils.py:314-315)."""

from __future__ import annotations

from typing import Iterator, Optional

from ..settings import WenetSettings
from ....findings import Hit, Severity
from ....rules.context import RuleContext, num

CODE = "SL793"
_ENGINE = ", with WeNet's default torch_ddp engine or torch_fsdp (DeepSpeed counts its accumulation across epochs)"


def batches_with_workers(utterances: int, batch: int, workers: int) -> int:
    """A GPU's batches when `workers` loader workers share its utterances round robin (the shard
    filter deals the i-th to worker i mod workers): each batches its own share, last batch short."""
    share, more = divmod(utterances, workers)
    return more * -(-(share + 1) // batch) + (workers - more) * -(-share // batch)


# Worker counts tried, one by one (more workers can make fewer batches: 6 utterances in batches of 2 are
# 4 batches with 2 workers, 3 with 3), so an accum_grad of 10**8 is no 10**8-step search.
MOST_WORKERS = 1024


def workers_to_step(utterances: int, batch: int, accumulation: int) -> Optional[int]:
    """The fewest loader workers, up to MOST_WORKERS, with which a GPU's epoch reaches accumulation
    batches (one step); None when none of those does."""
    # every worker with an utterance makes a batch, so accumulation workers always do
    for workers in range(1, min(accumulation, utterances, MOST_WORKERS) + 1):
        if batches_with_workers(utterances, batch, workers) >= accumulation:
            return workers
    return None


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: WenetSettings = ctx.settings
    plan, run = ctx.plan, ctx.run
    batches, ga, n = plan.batches_per_epoch, plan.gradient_accumulation_steps, plan.samples_per_rank
    # steps mode never restarts batch_idx; 0 batches is SL206; no static batch_size, no batch count
    if s.steps_mode or run.gradient_accumulation is None or run.epochs is None or not batches or batches >= ga \
            or not n or not plan.micro_batch_size:
        return
    epochs = run.epochs.value
    none = (f"none of the {num(epochs)} epoch{'' if epochs == 1 else 's'} takes an optimizer step: the model is "
            "never updated, and every epoch's checkpoint holds the initial weights")
    rule = (f"WeNet steps the optimizer only when (batch_idx + 1) % {ga} == 0, batch_idx restarting at 0 every epoch "
            "and no step at an epoch's end")
    keys = (run.gradient_accumulation.key, run.train_loader.batch_size.key if run.train_loader.batch_size else None)
    gpus = f"{plan.dataset_size} / {plan.world_size} GPUs" if plan.world_size > 1 else f"{plan.dataset_size} utterances"
    if n < ga:
        yield ctx.hit(f"each GPU gets at most {n} utterances an epoch ({gpus}), fewer than accum_grad {ga}: an epoch "
                      f"has {batches} batch{'' if batches == 1 else 'es'} per GPU with one loader worker and at most "
                      f"{n} whatever --num_workers, and {rule}, so {none}{_ENGINE}", *keys)
        return
    workers = workers_to_step(n, plan.micro_batch_size, ga)
    below = f"with --num_workers below {workers}" if workers else f"with any --num_workers up to {MOST_WORKERS:,}"
    yield ctx.hit(f"an epoch has {batches} batches per GPU with one loader worker ({n} utterances / batch_size "
                  f"{plan.micro_batch_size}) but accum_grad is {ga}: {rule}, so {below} {none} (each loader worker "
                  f"batches its own share of a GPU's utterances and ends on its own short batch, so more workers make "
                  f"more batches){_ENGINE}", *keys,
                  severity=Severity.INFO)
