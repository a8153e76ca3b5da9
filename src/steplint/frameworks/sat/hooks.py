"""What the sat profile cannot say as data: SAT's default of 10000 iterations when neither
train_iters nor epochs is set, and its refusal of both (sat/arguments.py), a warmup that is a fraction of lr_decay_iters
(deepspeed_training.py get_learning_rate_scheduler), and that nothing is saved without args.save."""

from __future__ import annotations

from ..base import RunBuilder, Source
from ...units import Unit, to_number


def adapt(data: dict, b: RunBuilder, source: Source) -> dict:
    args = data.get("args") if isinstance(data.get("args"), dict) else {}
    if args.get("train_iters") is not None and args.get("epochs") is not None:
        b.invalid(("args", "epochs"), args["epochs"], "is set beside train_iters: SAT stops before training "
                   "(sat/arguments.py: assert ... 'only one of train_iters and epochs should be set.')")
    if args.get("train_iters") is None and args.get("epochs") is None and not b.has("max_steps"):
        b.duration("max_steps", 10000, ("args",), Unit.STEP, note="SwissArmyTransformer default train_iters")
    warmup, decay = to_number(args.get("warmup", 0.01)), to_number(args.get("lr_decay_iters"))
    if decay is not None and decay > 0 and warmup is not None and warmup > 0:
        b.duration("schedule.warmup", warmup * decay, ("args", "warmup") if "warmup" in args else ("args",),
                   Unit.STEP, note=f"warmup {warmup} × lr_decay_iters {decay:g}")
    ruled_out = () if args.get("save") not in (None, "") else ("checkpoint",)
    return {"ruled_out": ruled_out, "final_events": () if ruled_out else ("checkpoint",)}
