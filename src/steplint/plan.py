"""Plan stage: the arithmetic the framework will do, as pure functions of the canonical model.

PyTorch semantics (checked against values recorded from torch, tests/oracle/):
    n_rank  = ceil(N / P)      DistributedSampler pads by repeating samples (floor(N / P) when it drops)
    L       = ceil(n_rank / B) batches per epoch on one rank (floor with the loader's drop_last)
    U       = ceil(L / GA)     optimizer steps per epoch (floor where the dialect's framework drops
                               or carries the short last accumulation group)
    T       = ceil(E × U)      total optimizer steps for E epochs, or max_steps, per the dialect;
                               ceil or floor(E × L / GA) where the groups run on across epoch ends
                               (MMEngine, ClassyVision: AccumulationRounding.RUN_CEIL / RUN_FLOOR)
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, fields
from enum import Enum
from typing import Any, Callable, Optional

from .datasets import training_set_size
from .model import Count, Duration, TrainingRun
from .units import Unit


class AccumulationRounding(str, Enum):
    """Optimizer steps per epoch when the micro-batches do not divide by the accumulation."""
    CEIL = "ceil"  # a step on the short last group
    FLOOR = "floor"  # the short last group is dropped or carried over, at least one step
    DROP = "drop"  # floor, and 0 when the loader is shorter than one group (torchtune, LitGPT)
    # The groups run on across epoch ends, counted over the whole run of E × L batches: ceil(E × L /
    # GA) steps, the run's last short group included (MMEngine optimizer_wrapper.py:345-346
    # should_update: `_inner_count % _accumulative_counts == 0 or _inner_count == _max_counts`,
    # _max_counts = max_epochs × len(loader): runner.py:1768-1771, loops.py:50), or floor(E × L / GA),
    # no step on it (ClassyVision classification_task.py:1083-1084 _should_do_step: `update_idx %
    # optimizer_period == optimizer_period - 1`, update_idx = num_updates // global batch, and
    # num_updates (:1143) is never reset). An epoch then takes floor(L / GA) or ceil(L / GA) steps.
    RUN_CEIL = "run_ceil"
    RUN_FLOOR = "run_floor"


# The roundings whose accumulation groups cross epoch ends (no whole number of steps per epoch).
ACROSS_EPOCHS = (AccumulationRounding.RUN_CEIL, AccumulationRounding.RUN_FLOOR)


class LimitPrecedence(str, Enum):
    FIRST = "first"  # the run stops at whichever of epochs and max_steps is reached first
    MAX_STEPS = "max_steps"  # a positive max_steps replaces epochs entirely (Hugging Face)


class FinalEventsAt(str, Enum):
    END = "end"  # the final events fire at the run's last step, whichever limit ends it (Hugging Face)
    # ... at max_steps when it is written: a run the epochs end first has none (verl fires them at
    # is_last_step = global_steps >= total_training_steps, and its loop stops after total_epochs)
    MAX_STEPS = "max_steps"


class Sharding(str, Enum):
    SAMPLER = "sampler"  # torch DistributedSampler deals samples
    # accelerate deals whole batches (BatchSamplerShard: ceil(batches / P), floor with drop_last;
    # the last batches are completed from the epoch's start) [S-ACC]
    ACCELERATE = "accelerate"


class WarmupRounding(str, Enum):
    CEIL = "ceil"
    FLOOR = "floor"


class AccumulationRemainder(str, Enum):
    LOADER = "loader"  # the micro-batches left in the loader
    # transformers 4.46-4.51 fetch len(dataset) % GA micro-batches for it, so an epoch can end with
    # micro-batches never trained on and fewer (even zero) optimizer steps than planned
    # [trainer.py _inner_training_loop, checked in tests/oracle/hf_trainer_4.51.3.json]
    DATASET = "dataset"


class Event(str, Enum):
    CHECKPOINT = "checkpoint"
    EVAL = "eval"
    LOGGING = "logging"
    WARMUP = "warmup"


# Semantics fields that hold a mode: each is converted to its enum when a Semantics is made, so an
# unknown mode is an error where it is written, never a silent fall-through to a default.
_MODES = {"accumulation_rounding": AccumulationRounding, "limit_precedence": LimitPrecedence,
          "final_events_at": FinalEventsAt, "sharding": Sharding, "warmup_rounding": WarmupRounding,
          "accumulation_remainder": AccumulationRemainder}


@dataclass(frozen=True)
class Semantics:
    """How the framework behind a dialect turns the numbers into a run (the plan's to honour)."""

    # "Framework: how it counts", shown in the plan; messages name the framework by the words before
    # the first ':', ',' or ';' (framework_name), never by the whole description.
    name: str
    accumulation_rounding: AccumulationRounding = AccumulationRounding.CEIL
    limit_precedence: LimitPrecedence = LimitPrecedence.FIRST
    # Lightning `limit_train_batches`: a whole number caps the batches of an epoch, a fraction keeps
    # int(L × fraction) of them [S-PL data_connector._parse_num_batches]. None = every batch.
    batch_limit_count: Optional[int] = None
    batch_limit_fraction: Optional[float] = None
    # torchtune `max_steps_per_epoch`: each epoch stops after this many optimizer steps.
    max_steps_per_epoch: Optional[int] = None
    # The config's batch size is global per optimizer step (Detectron2 IMS_PER_BATCH): the
    # per-rank batch is global / world size.
    batch_is_global: bool = False
    # One epoch passes over the dataset this many times, batching across the passes (WeNet's steps
    # mode repeats its data list max_epoch times before sharding and batching it): the plan's epoch
    # is that whole pass, a rank's samples ceil(cycles × N / P).
    dataset_cycles: Optional[int] = None
    # Tokens in one sample, for durations written in tokens (OLMo `2e12T`, Composer `tok`, LitGPT
    # `max_tokens`): the config's sequence length, assuming packed full-length sequences; tokens
    # per optimizer step = global batch × this. None: tokens are not converted to steps.
    tokens_per_sample: Optional[int] = None
    # LitGPT, GPT-NeoX (DeepSpeed): when the config sets no accumulation, it is derived from the
    # global batch: GA = global // world // micro-batch (floor) [S-LG fit, S-DS].
    accumulation_from_global: bool = False
    # LitGPT floors global // ranks // micro-batch into the accumulation without checking that it
    # divides (TrainArgs.gradient_accumulation_iters asserts only > 0): a global batch that does not
    # multiply out trains a smaller batch, silently. False: the framework refuses it (DeepSpeed
    # _batch_assertion, Megatron), or steplint cannot say.
    global_batch_floored: bool = False
    # ms-swift: with no accumulation written, GA = max(1, ceil(target / micro-batch / world)), so that
    # the global batch reaches the target [S-SWIFT swift/trainers/arguments.py TrainArgumentsMixin.__post_init__].
    accumulation_target_batch: Optional[int] = None
    # Per-rank batches with several ranks.
    sharding: Sharding = Sharding.SAMPLER
    # Events also fired at the run's last step when it does not fall on one (Hugging Face forces a
    # final save with the steps strategy, and a final evaluation from 5.4).
    final_events: tuple[Event, ...] = ()
    final_events_at: FinalEventsAt = FinalEventsAt.END
    # Events also fired once before the first optimizer step, at step 0 (nanotron saves the initial
    # state with save_initial_state; nanoGPT evaluates at iter_num 0); events also fired at the first
    # optimizer step, off their grid (torchtitan validates and logs at `step == 1 or step % freq ==
    # 0`); and events whose grid is one step later, after steps 1 + n, 1 + 2n... (a 0-based step
    # counter: MaxText checkpoints and evaluates after 0-based steps n, 2n...; with first_step_events
    # too, the grid 1, 1 + n, 1 + 2n... of nanotron's `(iteration_step - 1) % interval == 0`). A
    # framework's `cadence` counts its own events, these included.
    start_events: tuple[Event, ...] = ()
    first_step_events: tuple[Event, ...] = ()
    shifted_events: tuple[Event, ...] = ()
    # An interval in whole epochs also fires at the end of a truncated last epoch (HF strategies).
    epoch_end_events: bool = False
    # No periodic evaluation before this point (HF `eval_delay`).
    eval_delay: Optional[Duration] = None
    # A warmup given as a fraction of the run becomes whole steps with this rounding; a warmup the
    # framework computes itself may be capped (axolotl's implicit 3%: 100).
    warmup_rounding: WarmupRounding = WarmupRounding.CEIL
    warmup_cap: Optional[int] = None
    # How an epoch's last accumulation group is sized.
    accumulation_remainder: AccumulationRemainder = AccumulationRemainder.LOADER
    # fairseq `dataset.required_batch_size_multiple` M: an epoch's last batch is cut down to a multiple
    # of M, none of it kept when fewer than M samples are left for it. batch_by_size_vec
    # (data_utils_fast.pyx:80-81, :96-97) closes a batch only at `new_batch_sentences < bsz_mult or
    # new_batch_sentences % bsz_mult == 0`, so the epoch ends in a batch of the multiple and a tail of
    # the rest, and batch_by_size (data_utils.py:357-358) drops that tail: `if bsz_mult > 1 and
    # len(b[-1]) % bsz_mult != 0: b = b[:-1]`. The batch size itself is the reader's (B - B % M).
    batch_multiple: Optional[int] = None
    # Each epoch's last batch on a rank is skipped, full or not (fairseq `skip_remainder_batch`:
    # iterators.py:523-528 `total_num_itrs = len(itr) - 1; itr.take(total_num_itrs)`).
    last_batch_skipped: bool = False
    # An accumulation longer than an epoch's batches becomes 1 (PaddleClas engine.py `Engine.__init__`:
    # `if self.iter_per_epoch < self.update_freq: ... self.update_freq = 1`).
    accumulation_at_most_epoch: bool = False
    # What the config rules out, so that the plan counts none of it rather than "unknown":
    # checkpoints, evaluations, logging (HF `save_strategy: "no"`, Lightning `enable_checkpointing:
    # false`...), warmup (HF with no warmup written: its schedulers then have none).
    ruled_out: tuple[Event, ...] = ()
    # A framework whose checkpoint and eval cadence the interval arithmetic cannot express counts
    # them itself: plan -> {"checkpoint": (count, first step), "eval": (count, first step)}, None
    # where it cannot know (Lightning validates after micro-batches and saves on validation).
    cadence: Optional[Callable[[Any], dict]] = None

    def __post_init__(self) -> None:
        for name, mode in _MODES.items():
            value = getattr(self, name)
            if type(value) is not mode:
                object.__setattr__(self, name, mode(value))  # ValueError on an unknown mode
        for name in ("final_events", "ruled_out", "start_events", "first_step_events", "shifted_events"):
            events = getattr(self, name)
            if type(events) is not tuple or not all(type(e) is Event for e in events):
                object.__setattr__(self, name, tuple(Event(e) for e in events))

    @property
    def framework_name(self) -> str:
        """The framework in a few words, for messages: "GPT-NeoX (DeepSpeed)", "Hugging Face Trainer"."""
        return re.split(r"[:;,]", self.name, maxsplit=1)[0].strip()


PYTORCH = Semantics("PyTorch DataLoader + DistributedSampler, one optimizer step per accumulation group")


@dataclass(frozen=True)
class Context:
    """What the command line (or project config) knows that the file may not.

    The command line overrides the file; the project config only fills what the file lacks."""

    dataset_size: Optional[int] = None  # --dataset-size: overrides the file
    world_size: Optional[int] = None  # --world-size: overrides the file
    default_dataset_size: Optional[int] = None  # project config, when the file has none
    default_world_size: Optional[int] = None
    dataset_sizes: tuple[tuple[str, int], ...] = ()  # project config: dataset name -> N

    def dataset_size_for(self, run: TrainingRun) -> tuple[Optional[int], Optional[str]]:
        """(N, where it came from), or (None, None)."""
        if self.dataset_size:
            return self.dataset_size, "--dataset-size"
        if run.dataset_size:
            return run.dataset_size.value, _source_of(run.dataset_size)
        if run.dataset_name is not None:
            by_name = dict(self.dataset_sizes)
            if run.dataset_name.value in by_name:
                return by_name[run.dataset_name.value], f"project config (dataset {run.dataset_name.value})"
        if self.default_dataset_size:
            return self.default_dataset_size, "project config"
        known = training_set_size(run.dataset_name.value) if run.dataset_name is not None else None
        if known is not None:
            return known[0], f"config: {run.dataset_name.key} ({run.dataset_name.value}: {known[1]})"
        return None, None


def _source_of(leaf) -> str:
    """'config: max_train_samples', or how the reader derived it ('config: dataset (MNIST: 60000 ...)')."""
    where = f"config: {leaf.key}" if leaf.key else "config"
    return f"{where} ({leaf.note})" if leaf.note else where


# The Plan fields `Plan.bounds` may bound when they are unknown (each non-decreasing in N).
BOUNDED = ("dataset_size", "samples_per_rank", "batches_per_epoch", "optimizer_steps_per_epoch",
           "total_optimizer_steps", "warmup_steps", "schedule_end_step")


@dataclass
class Plan:
    """The run as the framework will do it. Fields with a label are rows of `steplint plan`'s table,
    in this order (planview.py); `to_dict` is the plan of the JSON reports.

    A value the config does not decide is None, and `bounds` then holds what it is known to be
    between whatever the dataset size: {field: (lower, upper)}, upper None when unbounded. Without
    N the run is still bounded: a dataset fills at least one optimizer step, and max_steps,
    max_steps_per_epoch, limit_train_batches or a sample limit the config sets (N <= that) cap it.
    `dataset_size_source` says where N came from ("--dataset-size", "project config", "config:
    data.class_path (...)"), or its upper bound ("at most 2000: config: max_samples (...)", the
    bound then in bounds["dataset_size"]).
    """

    semantics: str
    dataset_size: Optional[int] = field(default=None, metadata={"label": "dataset size (N)"})
    dataset_size_source: Optional[str] = field(default=None, metadata={"label": "dataset size from"})
    world_size: int = field(default=1, metadata={"label": "world size (ranks)"})
    micro_batch_size: Optional[int] = field(default=None, metadata={"label": "micro-batch per rank (B)"})
    gradient_accumulation_steps: int = field(default=1, metadata={"label": "gradient accumulation"})
    global_batch_size: Optional[int] = field(default=None, metadata={"label": "global batch (B × GA × ranks)"})
    samples_per_rank: Optional[int] = field(default=None, metadata={"label": "samples per rank per epoch"})
    batches_per_epoch: Optional[int] = field(default=None, metadata={"label": "batches per epoch (per rank)"})
    last_batch_size: Optional[int] = field(default=None, metadata={"label": "last batch size"})
    samples_dropped_per_epoch: Optional[int] = field(default=None, metadata={"label": "samples dropped per epoch"})
    samples_padded_per_epoch: Optional[int] = field(
        default=None, metadata={"label": "samples repeated per epoch (padding)"})
    optimizer_steps_per_epoch: Optional[int] = field(default=None, metadata={"label": "optimizer steps per epoch"})
    # L / GA where the accumulation groups cross epoch ends and L does not divide by GA (ACROSS_EPOCHS):
    # no epoch takes it, optimizer_steps_per_epoch is None (bounds: floor and ceil), and epochs
    # convert to steps through it (k epochs end after floor(k × L / GA) steps)
    epoch_in_steps: Optional[float] = None
    epochs: Optional[float] = field(default=None, metadata={"label": "epochs"})
    # what the framework plans (and sizes the schedule to)
    total_optimizer_steps: Optional[int] = field(default=None, metadata={"label": "total optimizer steps"})
    # what the run really takes, where the framework differs (shown only then)
    optimizer_steps_taken: Optional[int] = field(default=None, metadata={"label": "optimizer steps really taken"})
    # "epochs" or "max_steps": what ends the run
    limited_by: Optional[str] = field(default=None, metadata={"label": "run ends by"})
    warmup_steps: Optional[int] = field(default=None, metadata={"label": "warmup (optimizer steps)"})
    checkpoint_count: Optional[int] = field(default=None, metadata={"label": "checkpoints"})
    first_checkpoint_step: Optional[int] = field(default=None, metadata={"label": "first checkpoint at step"})
    eval_count: Optional[int] = field(default=None, metadata={"label": "evaluations"})
    first_eval_step: Optional[int] = field(default=None, metadata={"label": "first evaluation at step"})
    # where the LR schedule's horizon ends, in optimizer steps
    schedule_end_step: Optional[int] = field(default=None, metadata={"label": "LR schedule ends at step"})
    logging_count: Optional[int] = None
    tokens_per_step: Optional[int] = None  # global batch × sequence length (Semantics.tokens_per_sample)
    # {field: (lower, upper)} for the BOUNDED fields that are None; upper None = unbounded
    bounds: dict[str, tuple[int, Optional[int]]] = field(default_factory=dict)
    assumptions: list[str] = field(default_factory=list)
    # The events whose count is the framework's own (Semantics.cadence), for the rules; not reported.
    counted_by_framework: tuple[str, ...] = field(default=(), metadata={"internal": True})

    def to_dict(self) -> dict:
        # shallow on purpose (dataclasses.asdict deep-copies, a measurable cost per file)
        out = {name: getattr(self, name) for name in _PLAN_FIELDS}
        out["assumptions"] = list(self.assumptions)
        out["bounds"] = {name: list(pair) for name, pair in self.bounds.items()}
        return out

    def range_of(self, name: str) -> Optional[tuple[float, Optional[float]]]:
        """(lower, upper) of a BOUNDED field: (v, v) when known, its bounds, else None."""
        value = getattr(self, name)
        if value is not None:
            return value, value
        return self.bounds.get(name)

    def steps(self, duration: Optional[Duration], rounding: str = "ceil") -> Optional[float]:
        """A duration in optimizer steps, or None when the plan lacks what the conversion needs."""
        if duration is None:
            return None
        return to_steps(duration.value, duration.unit, self, rounding)


_PLAN_FIELDS = tuple(f.name for f in fields(Plan) if not f.metadata.get("internal"))


def to_steps(value: float, unit: Unit, plan: Plan, rounding: str = "ceil") -> Optional[float]:
    if unit is Unit.STEP:
        return value
    if unit is Unit.EPOCH:
        per_epoch = plan.optimizer_steps_per_epoch
        per_epoch = plan.epoch_in_steps if per_epoch is None else per_epoch
        return None if per_epoch is None else value * per_epoch
    if unit is Unit.BATCH:
        return value / plan.gradient_accumulation_steps
    if unit is Unit.SAMPLE:
        return None if not plan.global_batch_size else value / plan.global_batch_size
    if unit is Unit.DUR:
        if plan.total_optimizer_steps is None:
            return None
        scaled = value * plan.total_optimizer_steps
        return math.ceil(scaled - 1e-9) if rounding == "ceil" else math.floor(scaled + 1e-9)
    if unit is Unit.TOKEN and plan.tokens_per_step:  # set only when the dialect knows the sequence length
        return value / plan.tokens_per_step
    return None  # tokens need the sequence length and packing: not derivable from a config alone


def batches_per_epoch(samples: int, batch: int, drop_last: bool) -> int:
    """`len(DataLoader)` for a map-style dataset (torch BatchSampler.__len__)."""
    return samples // batch if drop_last else -(-samples // batch)


def samples_per_rank(n: int, world: int, sampler_drop_last: bool) -> int:
    """`len(DistributedSampler)` (torch/utils/data/distributed.py)."""
    if world == 1:
        return n
    if sampler_drop_last and n % world:
        return math.ceil((n - world) / world)
    return -(-n // world)


def last_batch_size(samples: int, batch: int, drop_last: bool) -> int:
    if samples == 0 or (drop_last and samples < batch):
        return 0
    remainder = samples % batch
    return batch if drop_last or remainder == 0 else remainder


def batches_made(samples: int, batch: int, drop_last: bool, multiple: Optional[int] = None) -> tuple[int, int, int]:
    """(batches, last batch size, samples cut from the last batch): `len(DataLoader)` and its last
    batch, that last batch cut down to a multiple of `multiple` (Semantics.batch_multiple) and dropped
    when that leaves nothing of it."""
    batches, last = batches_per_epoch(samples, batch, drop_last), last_batch_size(samples, batch, drop_last)
    cut = last % multiple if multiple and last else 0
    if cut and cut == last:  # nothing left of the last batch: the one before it ends the epoch
        batches -= 1
        return batches, (batch if batches else 0), cut
    return batches, last - cut, cut


def steps_per_epoch(batches: int, accumulation: int, rounding: AccumulationRounding) -> int:
    if type(rounding) is not AccumulationRounding:
        rounding = AccumulationRounding(rounding)
    if batches == 0:
        return 0
    if rounding is AccumulationRounding.DROP:  # torchtune: floor, and 0 when the loader is shorter than one group
        return batches // accumulation
    if rounding is AccumulationRounding.FLOOR:
        return max(batches // accumulation, 1)
    return -(-batches // accumulation)


def derive(run: TrainingRun, semantics: Semantics = PYTORCH, context: Context = Context()) -> Plan:
    n, source = context.dataset_size_for(run)
    most, least = run.dataset_size_at_most, run.dataset_size_at_least
    if n is None and most is not None and least is not None and least.value >= most.value:
        # `train[:4000]` of a dataset known to hold more rows: exactly 4000
        n, source = most.value, f"{_source_of(most)}; {_source_of(least)}"
    plan = _derive(run, semantics, context, n)
    plan.dataset_size_source = source
    if n is None:
        if run.dataset_size_at_most is not None:
            plan.dataset_size_source = f"at most {run.dataset_size_at_most.value}: {_source_of(run.dataset_size_at_most)}"
        if run.dataset_size_at_least is not None:
            plan.dataset_size_source = "; ".join(filter(None, (
                plan.dataset_size_source,
                f"at least {run.dataset_size_at_least.value}: {_source_of(run.dataset_size_at_least)}")))
        plan.bounds = _bounds(run, semantics, context, plan)
        total = plan.bounds.get("total_optimizer_steps")
        if total is not None and total[0] == total[1]:
            # the same run whatever N (max_steps below the fewest steps the epochs can take, or
            # epochs × max_steps_per_epoch): the run's length is known
            _known_total(run, semantics, plan, total[0])
    return plan


def _known_total(run: TrainingRun, semantics: Semantics, plan: Plan, total: int) -> None:
    plan.total_optimizer_steps = total
    if run.max_steps is not None and _whole(plan.steps(run.max_steps)) == total:
        plan.limited_by, plan.epochs = "max_steps", None  # how many epochs that is depends on N
    else:
        plan.limited_by = "epochs"
    del plan.bounds["total_optimizer_steps"]
    for name in ("warmup_steps", "schedule_end_step"):
        plan.bounds.pop(name, None)
    _events_of_run(run, semantics, plan)


# N standing for "as large as it gets": a value that still changes between it and half of it grows
# with N, so it has no upper bound.
_UNBOUNDED_N = 2**53


def _bounds(run: TrainingRun, semantics: Semantics, context: Context, plan: Plan) -> dict:
    """What the unknown values are between, whatever N is: every BOUNDED value is non-decreasing in
    N, so its bounds are its values at the smallest and the largest N. The smallest: one global
    batch (a dataset fills at least one optimizer step), or the config's sample limit if lower.
    The largest: the config's sample limit (N <= max_train_samples...), else none. One exception:
    the steps an epoch really takes where the last accumulation group is sized from the dataset
    (transformers 4.46-4.51) go up and down with N % GA, so they are not bounded."""
    most = run.dataset_size_at_most.value if run.dataset_size_at_most else None
    names = BOUNDED
    if plan.micro_batch_size is None:
        if most is not None:
            return {}
        # No batch size (token or length-bucketed batches): the step counts at the two ends still do
        # not depend on it. The smallest dataset is one batch of any size, an epoch of one batch; the
        # largest is capped (a per-epoch limit, max_steps) in steps. A stand-in batch of 1 gives both.
        names = tuple(n for n in BOUNDED if n not in ("dataset_size", "samples_per_rank"))
        run = run.model_copy(update={"train_loader": run.train_loader.model_copy(
            update={"batch_size": Count(value=1, note="stand-in: the step bounds hold for any batch")})})
    # a dataset fills at least one optimizer step: one global batch, or the rows a named public dataset has
    least = plan.global_batch_size or 1
    if run.dataset_size_at_least is not None:
        least = max(least, run.dataset_size_at_least.value)
    if most is not None:
        least = min(least, most)
    low = _derive(run, semantics, context, least, events=False)
    # Without a cap (a sample limit, max_steps, a per-epoch limit, a warmup cap) every value N
    # moves has no upper bound: the plan at the largest N is worth deriving only with one.
    capped = most is not None or run.max_steps is not None or semantics.max_steps_per_epoch is not None \
        or semantics.batch_limit_count is not None or semantics.warmup_cap is not None
    high = _derive(run, semantics, context, most or _UNBOUNDED_N, events=False) if capped else None
    half = _derive(run, semantics, context, _UNBOUNDED_N // 2, events=False) if capped and most is None else high
    out = {}
    for name in names:
        if getattr(plan, name) is not None or getattr(low, name) is None:
            continue
        if name == "optimizer_steps_per_epoch" and semantics.accumulation_remainder is AccumulationRemainder.DATASET:
            continue
        upper = getattr(high, name) if high is not None else None
        if high is not None and upper != getattr(half, name):
            upper = None
        out[name] = (getattr(low, name), upper)
    return out


def _derive(run: TrainingRun, semantics: Semantics, context: Context, n: Optional[int], events: bool = True) -> Plan:
    """The plan at dataset size `n`; without `events`, no checkpoint, evaluation or logging counts
    (no BOUNDED value depends on them)."""
    plan = Plan(semantics=semantics.name)
    if context.world_size:
        plan.world_size = context.world_size
    elif run.world_size:
        plan.world_size = run.world_size.value
    elif context.default_world_size:
        plan.world_size = context.default_world_size
    else:
        plan.assumptions.append("world size 1 (pass --world-size)")
    plan.dataset_size = n
    if n is not None and semantics.dataset_cycles:
        n *= semantics.dataset_cycles
    plan.gradient_accumulation_steps = run.gradient_accumulation.value if run.gradient_accumulation else 1
    if semantics.accumulation_from_global and run.gradient_accumulation is None:
        plan.gradient_accumulation_steps = _accumulation_from_global(run, plan) or 1
    target = semantics.accumulation_target_batch
    if target and run.gradient_accumulation is None and run.train_loader.batch_size:
        per_step = run.train_loader.batch_size.value * plan.world_size
        plan.gradient_accumulation_steps = max(1, -(-target // per_step))
        plan.assumptions.append(f"gradient accumulation {plan.gradient_accumulation_steps} = max(1, ceil({target} / "
                                f"{run.train_loader.batch_size.value} / {plan.world_size} ranks)): not written, the "
                                "framework derives it")
    loader = run.train_loader
    drop_last = bool(loader.drop_last and loader.drop_last.value)
    sampler_drop = bool(run.sampler_drop_last and run.sampler_drop_last.value)
    b = loader.batch_size.value if loader.batch_size else _per_rank_from_global(run, semantics, plan)
    if b:
        plan.micro_batch_size = b
        plan.global_batch_size = b * plan.gradient_accumulation_steps * plan.world_size
        if n is not None and semantics.sharding is Sharding.ACCELERATE and plan.world_size > 1:
            batches = _accelerate_shard(n, b, drop_last, plan, semantics.batch_multiple)
            batches = plan.batches_per_epoch = _limit_batches(batches, semantics)
        elif n is not None:
            n_rank = plan.samples_per_rank = samples_per_rank(n, plan.world_size, sampler_drop)
            batches, plan.last_batch_size, cut = batches_made(n_rank, b, drop_last, semantics.batch_multiple)
            sampler_dropped = n - n_rank * plan.world_size if sampler_drop else 0
            loader_dropped = ((n_rank - batches * b) if drop_last else cut) * plan.world_size
            plan.samples_dropped_per_epoch = sampler_dropped + loader_dropped
            plan.samples_padded_per_epoch = max(n_rank * plan.world_size - n, 0)
            batches = plan.batches_per_epoch = _limit_batches(batches, semantics)
        if n is not None and batches and semantics.last_batch_skipped:
            plan.samples_dropped_per_epoch += plan.last_batch_size * plan.world_size
            batches = plan.batches_per_epoch = batches - 1
            plan.last_batch_size = b if batches else 0
        if n is not None:
            if batches is not None and semantics.accumulation_at_most_epoch \
                    and 0 < batches < plan.gradient_accumulation_steps:
                plan.gradient_accumulation_steps = 1
                plan.global_batch_size = b * plan.world_size
            if batches is not None and semantics.accumulation_rounding in ACROSS_EPOCHS:
                _groups_across_epochs(plan, batches, semantics.accumulation_rounding)
            elif batches is not None:
                plan.optimizer_steps_per_epoch = steps_per_epoch(
                    batches, plan.gradient_accumulation_steps, semantics.accumulation_rounding)
                cap = semantics.max_steps_per_epoch
                if cap is not None and cap < plan.optimizer_steps_per_epoch:
                    plan.optimizer_steps_per_epoch = cap
    if semantics.tokens_per_sample:
        _tokens_per_step(run, semantics, plan)
    _total(run, semantics, plan)
    _events_of_run(run, semantics, plan, events)
    return plan


def _groups_across_epochs(plan: Plan, batches: int, rounding: AccumulationRounding) -> None:
    """Steps per epoch where the accumulation groups run on across epoch ends: L / GA when it divides,
    else none (an epoch takes floor or ceil of it, as the groups fall), and epochs convert through L / GA."""
    ga = plan.gradient_accumulation_steps
    if batches % ga == 0:
        plan.optimizer_steps_per_epoch = batches // ga
        return
    plan.epoch_in_steps = batches / ga
    plan.bounds["optimizer_steps_per_epoch"] = (batches // ga, -(-batches // ga))
    last = (", and the run's last short group steps too" if rounding is AccumulationRounding.RUN_CEIL
            else ", and a short group at the run's end never steps")
    plan.assumptions.append(f"accumulation groups of {ga} batches run on across epoch ends: an epoch of {batches} "
                            f"batches takes {batches // ga} or {-(-batches // ga)} optimizer steps, epoch k ends after "
                            f"floor(k × {batches} / {ga}) of them{last}")


def _events_of_run(run: TrainingRun, semantics: Semantics, plan: Plan, events: bool = True) -> None:
    """Everything that follows from the run's total: steps taken, warmup, schedule, and (with
    `events`) checkpoints, evaluations and logging."""
    plan.optimizer_steps_taken = plan.total_optimizer_steps
    _steps_really_taken(plan, semantics)
    plan.warmup_steps = _whole(plan.steps(run.schedule.warmup, semantics.warmup_rounding))
    plan.schedule_end_step = _whole(plan.steps(run.schedule.horizon))
    if semantics.warmup_cap is not None and plan.warmup_steps is not None:
        plan.warmup_steps = min(plan.warmup_steps, semantics.warmup_cap)
    if plan.warmup_steps is None and Event.WARMUP in semantics.ruled_out:
        plan.warmup_steps = 0
    if not events:
        return
    counted = semantics.cadence(plan) if semantics.cadence is not None else {}
    plan.counted_by_framework = tuple(counted)
    final = final_events(run, semantics, plan)
    plan.checkpoint_count, plan.first_checkpoint_step = _planned("checkpoint", run.checkpoint, plan, semantics, counted,
                                                                 final)
    plan.eval_count, plan.first_eval_step = _planned("eval", run.eval, plan, semantics, counted, final)
    plan.logging_count = 0 if Event.LOGGING in semantics.ruled_out else _logging_count(run, plan, semantics, final)


def final_events(run: TrainingRun, semantics: Semantics, plan: Plan) -> tuple[Event, ...]:
    """The events the framework fires at the end of this run: none where they fire at max_steps
    and the epochs end the run before it."""
    if semantics.final_events_at is FinalEventsAt.MAX_STEPS and run.max_steps is not None:
        limit, total = _whole(plan.steps(run.max_steps)), plan.total_optimizer_steps
        # the epochs ending exactly at max_steps still reach it (verl, fairseq: `num_updates >= max_update`)
        if (total < limit) if limit is not None and total is not None else plan.limited_by == "epochs":
            return ()
    return semantics.final_events


def _accelerate_shard(n: int, b: int, drop_last: bool, plan: Plan, multiple: Optional[int] = None) -> int:
    """accelerate `BatchSamplerShard.__len__` (even_batches, no split_batches) [S-ACC]: the global
    batches are dealt to the ranks; without drop_last the last ones are completed with samples
    from the start of the epoch, so every rank gets ceil(batches / P) full batches. The global
    batches are made first, the last one cut to `multiple` (Semantics.batch_multiple)."""
    world = plan.world_size
    batches_all, _, cut = batches_made(n, b, drop_last, multiple)
    kept = n - cut
    per_rank = batches_all // world if drop_last else -(-batches_all // world)
    plan.samples_per_rank = per_rank * b
    plan.last_batch_size = b if per_rank else 0
    seen = per_rank * b * world
    plan.samples_dropped_per_epoch = cut + max(kept - seen, 0)
    plan.samples_padded_per_epoch = max(seen - kept, 0)
    return per_rank


def steps_taken_per_epoch(plan: Plan, semantics: Semantics) -> Optional[int]:
    """Optimizer steps one epoch really takes when the framework sizes the last accumulation group
    from the dataset (transformers 4.46-4.51): `remainder = len(dataset) % GA` (GA when 0) micro-
    batches are fetched for it, and a step happens at every GA-th micro-batch and at the loader's
    last one. None when the semantics size it from the loader (the planned U is what happens)."""
    n, batches, ga = plan.dataset_size, plan.batches_per_epoch, plan.gradient_accumulation_steps
    if semantics.accumulation_remainder is not AccumulationRemainder.DATASET or n is None or not batches:
        return None
    fetched = min(batches, (batches // ga) * ga + (n % ga or ga))
    return fetched // ga + (1 if fetched == batches and batches % ga else 0)


def _planned(label: str, interval: Optional[Duration], plan: Plan, semantics: Semantics, counted: dict,
             final: tuple[Event, ...]) -> tuple[Optional[int], Optional[int]]:
    """(how many times, first step) of checkpoints or evaluations: none when the config rules them
    out, the framework's own count where its dialect gives one, else from the interval."""
    if label in semantics.ruled_out:
        return 0, None
    if label in counted:
        return counted[label]
    if plan.batches_per_epoch == 0:
        return None, None  # what a framework does with a loader without batches is its own (SL206 reports it)
    at_epoch_ends = _at_epoch_ends(label, interval, plan, semantics, final)
    return at_epoch_ends if at_epoch_ends is not None else _events(label, interval, plan, semantics, final)


def _at_epoch_ends(label: str, interval: Optional[Duration], plan: Plan, semantics: Semantics,
                   final: tuple[Event, ...]) -> Optional[tuple[int, Optional[int]]]:
    """(how many times, first step) of an event every k whole epochs where the accumulation groups
    cross epoch ends (Plan.epoch_in_steps): it fires at epochs k, 2k... of the E the run goes through,
    epoch j ending after floor(j × L / GA) steps and the last one at the run's end, and once more at
    the end when the framework forces it there. None where the plan's step grid says it: whole steps
    per epoch, a delay, an event off that grid (at the start, at the first step, one step later), or
    a run that max_steps ends."""
    if plan.epoch_in_steps is None or interval is None or interval.unit is not Unit.EPOCH \
            or plan.limited_by != "epochs":
        return None
    k, epochs, total = interval.value, plan.epochs, plan.total_optimizer_steps
    off_the_grid = (*semantics.start_events, *semantics.first_step_events, *semantics.shifted_events)
    if (label == "eval" and semantics.eval_delay is not None) or label in off_the_grid \
            or k <= 0 or k != int(k) or epochs is None or epochs != int(epochs) or total is None:
        return None
    periodic = int(epochs // k)
    last_on_end = periodic > 0 and periodic * k == epochs
    first = (total if k == epochs else math.floor(k * plan.epoch_in_steps + 1e-9)) if periodic else None
    if label in final and not last_on_end:
        return periodic + 1, first if periodic else total
    return periodic, first


def _events(label: str, interval: Optional[Duration], plan: Plan, semantics: Semantics, final: tuple[Event, ...]
            ) -> tuple[Optional[int], Optional[int]]:
    """(how many times, first step) a checkpoint or eval interval fires, with the framework's
    extra events: a forced one at the last step, one at the end of a truncated last epoch, and
    none before an eval delay (HF `DefaultFlowCallback`, `eval_delay`)."""
    every = plan.steps(interval)
    if plan.optimizer_steps_taken == 0 and plan.total_optimizer_steps and interval is not None:
        # no optimizer step ever: only the ends of the epochs looped over fire, at step 0
        return (int(plan.epochs), 0) if interval.unit is Unit.EPOCH and interval.value == 1 else (0, None)
    off_grid = _off_the_grid(label, every, plan, semantics, final)
    if off_grid is not None:
        return off_grid
    delay = plan.steps(semantics.eval_delay) if label == "eval" else None
    forced = label in final
    at_epoch_end = semantics.epoch_end_events and interval is not None and interval.unit is Unit.EPOCH
    if not (forced or at_epoch_end or delay):
        return _occurrences(every, plan)
    if every is None or every <= 0:
        return None, None
    first_k = max(math.ceil(delay / every - 1e-9), 1) if delay else 1
    first = math.ceil(first_k * every - 1e-9)
    total = plan.total_optimizer_steps
    if total is None:
        return None, first
    periodic = max(int(total // every + 1e-9) - first_k + 1, 0) if every >= 1 else (
        max(total - first + 1, 0))
    last = math.ceil((first_k + periodic - 1) * every - 1e-9) if periodic else None
    fires_at_end = forced or (at_epoch_end and (not delay or total >= delay - 1e-9))
    if fires_at_end and total > 0 and last != total:
        return periodic + 1, (first if periodic else total)
    return periodic, (first if periodic else None)


def _logging_count(run: TrainingRun, plan: Plan, semantics: Semantics, final: tuple[Event, ...]) -> Optional[int]:
    every = plan.steps(run.logging)
    found = _off_the_grid("logging", every, plan, semantics, final)
    if found is None:  # a final log line only where the framework writes one (mlx-lm: `or it == args.iters`)
        found = _events("logging", run.logging, plan, semantics, final) if Event.LOGGING in final \
            else _occurrences(every, plan)
    return found[0]


def _off_the_grid(label: str, every: Optional[float], plan: Plan, semantics: Semantics,
                  final: tuple[Event, ...]) -> Optional[tuple[Optional[int], Optional[int]]]:
    """(how many times, first step) of an event the framework also fires before the first step or at
    it, or on a grid one step later (Semantics.start_events, first_step_events, shifted_events); None
    for any other event. Step 0 is the one before the first step."""
    at_start, at_first = label in semantics.start_events, label in semantics.first_step_events
    shift = 1 if label in semantics.shifted_events else 0
    if not (at_start or at_first or shift):
        return None
    total = plan.total_optimizer_steps
    if every is None or every <= 0:
        return None, None
    if total is None:
        return None, 0 if at_start else 1 if at_first or every < 1 else shift + math.ceil(every - 1e-9)
    if total < 1:
        return (1, 0) if at_start else (0, None)
    if every < 1:  # every step
        return total + at_start, 0 if at_start else 1
    periodic = int((total - shift) // every + 1e-9)  # after steps shift + n, shift + 2n... up to the end
    grid_first = shift + math.ceil(every - 1e-9)
    count = periodic + at_start
    if at_first and not (periodic and grid_first == 1):
        count += 1
    last = shift + math.ceil(periodic * every - 1e-9) if periodic else (1 if at_first else None)
    forced = label in final and last != total
    count += forced
    fired = [step for step, fires in ((1, at_first), (grid_first, periodic > 0), (total, forced)) if fires]
    return count, 0 if at_start else min(fired, default=None)


def _steps_really_taken(plan: Plan, semantics: Semantics) -> None:
    """Where an epoch takes other than the planned optimizer steps (transformers 4.46-4.51 size its
    last accumulation group from the dataset: `steps_taken_per_epoch`), the plan shows the steps an
    epoch really takes; the run still stops at the planned total, so it goes through fewer epochs,
    or it never steps and loops over every planned epoch, ceil(total / planned per epoch), without
    a step. An empty loader takes none (checked in tests/oracle/hf_trainer_4.51.3.json)."""
    if plan.batches_per_epoch == 0:  # an empty loader: the frameworks stop before any step (SL206)
        plan.optimizer_steps_taken = 0
        return
    taken, total, planned = steps_taken_per_epoch(plan, semantics), plan.total_optimizer_steps, \
        plan.optimizer_steps_per_epoch
    if taken is None or total is None or not planned or taken == planned:
        return
    plan.optimizer_steps_per_epoch = taken
    if taken == 0:
        plan.optimizer_steps_taken, plan.epochs = 0, float(-(-total // planned))
    else:  # never fewer than planned (floor(L / GA) steps come before the last group)
        plan.epochs = total / taken


def _accumulation_from_global(run: TrainingRun, plan: Plan) -> Optional[int]:
    """LitGPT `fit` / DeepSpeed `_set_batch_related_parameters`: GA = global // world // micro (floor,
    unchecked in LitGPT; DeepSpeed then asserts the product). None when it would be 0."""
    if run.global_batch_size is None or run.train_loader.batch_size is None:
        return None
    ga = run.global_batch_size.value // plan.world_size // run.train_loader.batch_size.value
    return ga or None


def _tokens_per_step(run: TrainingRun, semantics: Semantics, plan: Plan) -> None:
    """Tokens per optimizer step = global batch × sequence length (OLMo `tokens_per_batch`)."""
    batch = plan.global_batch_size or (run.global_batch_size.value if run.global_batch_size else None)
    if batch and semantics.tokens_per_sample:
        plan.tokens_per_step = batch * semantics.tokens_per_sample
        plan.assumptions.append(f"tokens per step = global batch {batch} × sequence length "
                                f"{semantics.tokens_per_sample} (assumes packed full-length sequences)")


def _per_rank_from_global(run: TrainingRun, semantics: Semantics, plan: Plan) -> Optional[int]:
    """Detectron2-style global batch per optimizer step: each rank loads global / world."""
    if not semantics.batch_is_global or run.global_batch_size is None:
        return None
    per_rank, left = divmod(run.global_batch_size.value, plan.world_size * plan.gradient_accumulation_steps)
    return per_rank if per_rank and not left else None


def _limit_batches(batches: int, semantics: Semantics) -> Optional[int]:
    """Lightning `limit_train_batches` [S-PL _parse_num_batches]: min(L, int) or int(L × fraction);
    None when a fraction leaves no batch of a non-empty loader (Lightning refuses to start)."""
    if semantics.batch_limit_count is not None:
        return min(batches, semantics.batch_limit_count)
    if semantics.batch_limit_fraction is not None:
        limited = int(batches * semantics.batch_limit_fraction)
        return None if limited == 0 and batches > 0 and semantics.batch_limit_fraction > 0 else limited
    return batches


def _total(run: TrainingRun, semantics: Semantics, plan: Plan) -> None:
    per_epoch = plan.optimizer_steps_per_epoch
    from_epochs = from_steps = None
    if run.epochs is not None and (per_epoch is not None or plan.epoch_in_steps is not None):
        from_epochs = plan.steps(run.epochs)
        if from_epochs is not None:  # the run's short last group: a step (ceil) or none (ClassyVision)
            floor = semantics.accumulation_rounding is AccumulationRounding.RUN_FLOOR
            from_epochs = math.floor(from_epochs + 1e-9) if floor else math.ceil(from_epochs - 1e-9)
    if run.max_steps is not None and run.max_steps.unit is not Unit.DUR:
        from_steps = _whole(plan.steps(run.max_steps))
    if from_steps is not None and (semantics.limit_precedence is LimitPrecedence.MAX_STEPS or run.epochs is None):
        plan.total_optimizer_steps, plan.limited_by = from_steps, "max_steps"
    elif from_steps is not None and from_epochs is not None:
        plan.total_optimizer_steps = min(from_steps, from_epochs)
        plan.limited_by = "max_steps" if from_steps < from_epochs else "epochs"
    elif from_epochs is not None and run.max_steps is None:
        plan.total_optimizer_steps, plan.limited_by = from_epochs, "epochs"
    if plan.total_optimizer_steps is not None and per_epoch:
        plan.epochs = plan.total_optimizer_steps / per_epoch
    elif plan.limited_by == "max_steps" and plan.epoch_in_steps:
        plan.epochs = plan.total_optimizer_steps / plan.epoch_in_steps
    elif run.epochs is not None and run.epochs.unit is Unit.EPOCH and plan.limited_by != "max_steps":
        plan.epochs = run.epochs.value


def _whole(steps: Optional[float]) -> Optional[int]:
    return None if steps is None else math.ceil(steps - 1e-9)


def _occurrences(every: Optional[float], plan: Plan) -> tuple[Optional[int], Optional[int]]:
    """(how many times, first step) an interval fires in the run, counting only periodic events."""
    total = plan.total_optimizer_steps
    if every is None or every <= 0:
        return None, None
    first = math.ceil(every - 1e-9)
    if total is None:
        return None, first
    count = int(total // every + 1e-9) if every >= 1 else total
    return count, (first if first <= total else None)
