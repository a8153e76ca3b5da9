"""What the mlx-lm profile cannot say as data: the run in optimizer updates, floor(iters /
grad_accumulation_steps) (an update happens when it % grad_accumulation_steps == 0, so a last partial
group is never applied), and where the LR schedule ends: a warmup joined to the named mlx.optimizers
schedule at warmup + 1, which then runs its own length [mlx-lm mlx_lm/tuner/trainer.py `train`,
mlx_lm/tuner/utils.py `build_schedule`; mlx optimizers/schedulers.py `cosine_decay(init, decay_steps,
end)`, `linear_schedule(init, end, steps)`, `join_schedules`]."""

from __future__ import annotations


from ..base import RunBuilder, Source
from ...units import Unit, whole_number

DEFAULT_ITERS = 1000  # lora.py CONFIG_DEFAULTS
# schedule name -> the index of its length in `arguments`
LENGTH_ARGUMENT = {"cosine_decay": 1, "linear_schedule": 2}




def adapt(data: dict, b: RunBuilder, source: Source) -> dict:
    iters = whole_number(data.get("iters", DEFAULT_ITERS))
    accumulation = whole_number(data.get("grad_accumulation_steps", 1)) or 1
    if iters is not None and iters > 0 and accumulation >= 1:
        updates = iters // accumulation
        note = None if "iters" in data else "mlx-lm default iters 1000"
        if accumulation > 1:
            note = f"floor({iters} iterations / {accumulation})"
        b.duration("max_steps", updates, ("iters",) if "iters" in data else (), Unit.STEP, note=note)
    schedule = data.get("lr_schedule")
    if isinstance(schedule, dict) and isinstance(schedule.get("arguments"), list):
        name = schedule.get("name")
        index = LENGTH_ARGUMENT.get(name) if isinstance(name, str) else None
        arguments = schedule["arguments"]
        length = whole_number(arguments[index]) if index is not None and len(arguments) > index else None
        warmup = whole_number(schedule.get("warmup", 0)) or 0
        if length is not None and length > 0 and warmup >= 0:
            end = warmup + 1 + length if warmup else length
            b.duration("schedule.horizon", end, ("lr_schedule", "arguments", index), Unit.STEP,
                       note=f"warmup {warmup} + 1 + {length}" if warmup else None)
    if iters is None or iters <= 0 or accumulation < 1:
        return {}
    return {"cadence": lambda plan: _cadence(b, iters, accumulation)}


def _cadence(b: RunBuilder, iters: int, accumulation: int) -> dict:
    """Saves and validations fire on the iteration grid, not the update grid, whatever the dataset
    (mlx_lm/tuner/trainer.py `train`: a validation at `it == 1 or it % args.steps_per_eval == 0 or
    it == args.iters`, the adapters saved at `it % args.save_every == 0` and once more after the
    loop): (count, first optimizer step), the step being the updates done by that iteration."""
    counted = {}
    for label, extra in (("eval", True), ("checkpoint", False)):
        leaf = b.get(label)
        every = leaf["value"] if leaf else None
        if not isinstance(every, int) or every < 1:
            continue
        periodic = iters // every  # it = every, 2 × every, ... up to iters
        if extra:  # and it == 1, it == iters, where those are off the grid
            count = periodic + (every > 1) + (iters % every != 0 and iters != 1)
            first = 1
        else:  # and the save after the loop, unless the last iteration saved already
            count = periodic + (iters % every != 0)
            first = every if periodic else iters
        counted[label] = (count, max(first // accumulation, 1))
    return counted
