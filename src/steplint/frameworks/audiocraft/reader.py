"""AudioCraft solver configs (`config/solver/**.yaml`: `optim.epochs`, `optim.updates_per_epoch`,
`dataset.batch_size`, `checkpoint.save_every`; Hydra `defaults:` composition).

What AudioCraft does with the numbers (facebookresearch/audiocraft @ 896ec7c4,
audiocraft/solvers/base.py `StandardSolver`, audiocraft/train.py, audiocraft/solvers/builders.py):

* One update = one optimizer step on one batch (no accumulation). An epoch is
  `optim.updates_per_epoch` updates when that is set, else `len(train loader)`; the loop also stops
  when the loader runs out (`common_train_valid`). `total_updates = updates_per_epoch × epochs`
  (`StandardSolver.__init__`) sizes the cosine / polynomial schedules: their horizon is the run
  only when no epoch runs out of batches first.
* The run is `optim.epochs` epochs (`run`, `should_stop_training`).
* `dataset.batch_size` is global: train.py asserts it divides by the world size and divides it.
  `dataset.train.batch_size` replaces it for the train loader (builders.py `get_audio_datasets`:
  `kwargs = {**dataset_cfg, **split_kwargs}`), and is divided the same way (train.py `get_solver`).
  The train set's length is `dataset.train.num_samples` (else `dataset.num_samples`):
  `AudioDataset.__len__` returns num_samples and `get_loader` takes a random subset of that size.
* `checkpoint.save_every` counts epochs (`save_checkpoints`: `epoch % save_every == 0`, 0/null off);
  `checkpoint.save_last` (default true) rewrites the latest checkpoint after every epoch.
* The valid stage (validation loss) runs after every epoch (`run_epoch`); `evaluate.every` paces
  only the metrics stage, in epochs, which the last epoch always runs (`should_run_stage`).
* `schedule.<lr_scheduler>.warmup` counts updates. Only the musicgen, audiogen, magnet,
  audio_magnet, jasco and lm solvers build an LR scheduler (musicgen.py `build_model`:
  `builders.get_lr_scheduler`); compression, diffusion and watermarking never do.
* `???` is OmegaConf's mandatory missing value: unset.

Composition: a solver config names its bases in `defaults:` (`musicgen/default`, relative to the
`solver` group, or `/solver/default`), merged in list order with this file at `_self_` (last when
not written), mappings key by key. steplint follows those entries of the `solver` group from the
config tree the file sits in (at most 10 files deep, cycles stopped); other groups (`/model`,
`/dset`, `/conditioner`) hold no time settings and are not read. A value that only a base sets is
reported at this file's `defaults` line.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Any, Optional

from ...loading import KeyPath
from ...named_files import deep_merge, read_named
from ...units import Unit, to_number
from ..base import Adapted, Dialect, RunBuilder, Semantics, Source, find, value_at

MAX_DEPTH = 10
MISSING = "???"
# solvers whose build_model calls builders.get_lr_scheduler (musicgen.py and its subclasses)
SCHEDULED_SOLVERS = frozenset({"musicgen", "audiogen", "magnet", "audio_magnet", "jasco", "lm"})
KNOWN_SOLVERS = SCHEDULED_SOLVERS | {"compression", "diffusion", "watermarking"}
WARMUP_SCHEDULERS = ("cosine", "polynomial_decay", "inverse_sqrt", "linear_warmup")
SOLVER_SECTIONS = ("optim", "dataset", "checkpoint", "schedule", "evaluate", "generate")


@dataclass(frozen=True)
class AudioCraftSettings:
    solver: Optional[str] = None
    solver_key: Optional[str] = None
    lr_scheduler: Optional[str] = None
    lr_scheduler_key: Optional[str] = None
    save_every: Optional[int] = None
    save_every_key: Optional[str] = None
    save_last: bool = True
    epochs: Optional[float] = None
    epochs_key: Optional[str] = None


def _solver_base(entry: Any) -> Optional[str]:
    """The `solver`-group option a defaults entry names (`musicgen/default`, `/solver/default`), or None."""
    if not isinstance(entry, str) or not entry.strip() or entry.strip() == "_self_":
        return None
    name = entry.strip()
    if name.startswith("/"):
        return name[len("/solver/"):] if name.startswith("/solver/") else None
    return name


def _is_defaults_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(e, (str, dict)) for e in value)


class _Composer:
    def __init__(self, source: Source) -> None:
        self.notes: list[str] = []
        self.files: list[str] = []
        path = source.path
        real = os.path.realpath(path) if path and os.path.isfile(path) else None
        self.start = real
        self.solver_dir = _solver_dir(real) if real else None

    def compose(self, data: dict) -> dict:
        return self._compose(data, {self.start} if self.start else set(), 0)

    def _compose(self, data: dict, seen: set, depth: int) -> dict:
        defaults = data.get("defaults")
        own = {k: v for k, v in data.items() if k != "defaults"}
        if not _is_defaults_list(defaults):
            return own
        bases = [(e, _solver_base(e)) for e in defaults]
        if not any(name for _, name in bases):
            return own
        if self.solver_dir is None:
            self.notes.append("defaults not read: the file is not inside an AudioCraft config/solver folder, "
                              "so the values its bases set are unknown")
            return own
        merged: dict = {}
        self_done = False
        for entry, name in bases:
            if isinstance(entry, str) and entry.strip() == "_self_":
                merged, self_done = deep_merge(merged, own), True  # OmegaConf.merge: mappings key by key
                continue
            if name is None:
                continue
            path = os.path.join(self.solver_dir, *name.split("/")) + ".yaml"
            real = os.path.realpath(path)
            if depth >= MAX_DEPTH:
                self.notes.append(f"defaults deeper than {MAX_DEPTH} files: {entry!r} not read")
                continue
            if real in seen:
                self.notes.append(f"defaults entry {entry!r} includes itself (a cycle): not read again")
                continue
            named = read_named(path)
            if named.problem:
                self.notes.append(f"defaults entry {entry!r} {named.problem}: the keys it sets are unknown")
                continue
            self.files.append(name)
            merged = deep_merge(merged, self._compose(named.data, seen | {real}, depth + 1))
        return merged if self_done else deep_merge(merged, own)


def _solver_dir(real_path: str) -> Optional[str]:
    """The `solver` group folder the file sits in (the innermost ancestor named `solver`)."""
    parts = real_path.split(os.sep)
    for i in range(len(parts) - 2, 0, -1):
        if parts[i] == "solver":
            return os.sep.join(parts[: i + 1])
    return None


def _sections(data: dict) -> int:
    return sum(isinstance(data.get(k), dict) for k in SOLVER_SECTIONS)


class AudioCraft(Dialect):
    name = "audiocraft"
    description = ("AudioCraft solver configs (optim.epochs, optim.updates_per_epoch, dataset.batch_size, "
                   "checkpoint.save_every; Hydra defaults of the solver group)")
    triggers = frozenset({"solver", "compression_model_checkpoint", "optim", "defaults"})

    def score(self, data: dict) -> float:
        optim = data.get("optim")
        if isinstance(data.get("solver"), str) and (_sections(data) or _is_defaults_list(data.get("defaults"))):
            return 0.9
        if "compression_model_checkpoint" in data and (_sections(data) or "defaults" in data):
            return 0.9
        if isinstance(optim, dict) and "updates_per_epoch" in optim and "epochs" in optim:
            return 0.85
        defaults = data.get("defaults")
        if _is_defaults_list(defaults) and ("sample_rate" in data or "channels" in data):
            groups = {str(k).replace("override ", "").strip() for e in defaults if isinstance(e, dict) for k in e}
            if groups & {"/dset", "/model", "/conditioner"} or any(
                    isinstance(e, str) and e.startswith("/solver/") for e in defaults):
                return 0.85
        return 0.0

    def adapt(self, data: dict, source: Source) -> Adapted:
        composer = _Composer(source)
        merged = composer.compose(data)
        b = RunBuilder(strict=False)
        b.assumptions.extend(composer.notes)
        if composer.files:
            b.assumptions.append("merged with defaults " + " <- ".join(composer.files))

        def where(*path: str) -> tuple[KeyPath, Optional[str]]:
            if find(data, path) is None:
                return ("defaults",), f"{'.'.join(path)} from the defaults"
            return tuple(path), None

        def get(*path: str) -> Any:
            node = value_at(merged, *path)
            return None if node == MISSING else node

        def number(*path: str) -> Optional[float]:
            """A finite number at the merged path, else None."""
            value = None if isinstance(get(*path), bool) else to_number(get(*path))
            return value if value is not None and math.isfinite(value) else None

        settings: dict[str, Any] = {}
        if merged.get("solver") == MISSING:
            # solver/default.yaml, the base every solver config composes: run alone it is refused
            # (OmegaConf MissingMandatoryValue), so nothing in it is a run to check
            b.assumptions.append("the base shared by every AudioCraft solver (solver: ???): read through the "
                                 "solver configs that compose it, not on its own")
            return b.build(Semantics("AudioCraft: the shared solver base (solver: ???)"), AudioCraftSettings())
        solver = get("solver")
        if isinstance(solver, str):
            settings.update(solver=solver, solver_key=".".join(where("solver")[0]))
        epochs = get("optim", "epochs")
        if number("optim", "epochs") is not None:
            path, note = where("optim", "epochs")
            b.duration("epochs", epochs, path, Unit.EPOCH, note=note)
            if b.has("epochs"):
                settings.update(epochs=b.get("epochs")["value"], epochs_key=b.get("epochs")["key"])
        updates = number("optim", "updates_per_epoch")
        cap = int(updates) if updates and updates > 0 and updates == int(updates) else None
        if cap:
            b.assumptions.append(f"each epoch is optim.updates_per_epoch = {cap} updates (fewer only if the "
                                 f"train loader runs out first); AudioCraft sizes its LR schedule to "
                                 f"{cap} × optim.epochs")
        for key_path in (("dataset", "train", "num_samples"), ("dataset", "num_samples")):
            if number(*key_path):
                path, note = where(*key_path)
                b.count("dataset_size", get(*key_path), path, note=note)
                break
        # builders.py `get_audio_datasets`: `kwargs = {**dataset_cfg, **split_kwargs}` (the train split's
        # batch_size first), then `batch_size = kwargs.pop('batch_size', None)` for the train loader
        for key_path in (("dataset", "train", "batch_size"), ("dataset", "batch_size")):
            if number(*key_path):
                path, note = where(*key_path)
                b.count("global_batch_size", get(*key_path), path, note=note)
                break

        save_last = get("checkpoint", "save_last")
        settings["save_last"] = save_last is not False  # solvers/default.yaml: save_last: true
        save_every = number("checkpoint", "save_every")
        if save_every and save_every > 0:
            path, note = where("checkpoint", "save_every")
            settings.update(save_every=int(save_every), save_every_key=".".join(path))
        if save_last is True:
            # the latest state is rewritten after every epoch; save_every only keeps extra copies
            b.duration("checkpoint", 1, where("checkpoint", "save_last")[0], Unit.EPOCH,
                       note="checkpoint.save_last: the latest state after every epoch")
        elif save_last is False and save_every and save_every > 0:
            path, note = where("checkpoint", "save_every")
            b.duration("checkpoint", get("checkpoint", "save_every"), path, Unit.EPOCH, note=note)
        # the valid stage (validation loss) runs after every epoch; evaluate.every only paces the extra
        # metrics stage (and the last epoch always has it), so it is not the run's evaluation interval
        b.assumptions.append("validation (the valid stage) runs after every epoch; evaluate.every paces the "
                             "metrics stage, which also runs at the last epoch")

        scheduler = get("schedule", "lr_scheduler")
        if isinstance(scheduler, str) and scheduler:
            settings.update(lr_scheduler=scheduler, lr_scheduler_key=".".join(where("schedule", "lr_scheduler")[0]))
        builds_scheduler = not isinstance(solver, str) or solver in SCHEDULED_SOLVERS
        if isinstance(scheduler, str) and builds_scheduler:
            b.name("schedule.name", scheduler, where("schedule", "lr_scheduler")[0])
            b.name("schedule.stepped_per", "step", where("schedule", "lr_scheduler")[0])
            if scheduler in WARMUP_SCHEDULERS and number("schedule", scheduler, "warmup") is not None:
                path, note = where("schedule", scheduler, "warmup")
                b.duration("schedule.warmup", get("schedule", scheduler, "warmup"), path, Unit.STEP, note=note,
                           zero_is_unset=True)
            epochs_value = number("optim", "epochs")
            if scheduler in ("cosine", "polynomial_decay") and cap and epochs_value and epochs_value > 0 \
                    and epochs_value == int(epochs_value):
                # base.py `StandardSolver.__init__`: `total_updates = train_updates_per_epoch * optim.epochs`,
                # updates_per_epoch when set; builders.py `get_lr_scheduler`: total_steps=total_updates. An
                # epoch whose loader runs out first takes fewer updates (`common_train_valid`)
                path, note = where("optim", "updates_per_epoch")
                total = f"total_updates = optim.updates_per_epoch {cap} × optim.epochs {int(epochs_value)}"
                b.duration("schedule.horizon", cap * int(epochs_value), path, Unit.STEP,
                           note=f"{total}; {note}" if note else total)
            if scheduler == "step" and number("schedule", "step", "step_size"):
                path, note = where("schedule", "step", "step_size")
                b.duration("schedule.step_size", get("schedule", "step", "step_size"), path, Unit.STEP, note=note)
        semantics = Semantics(
            "AudioCraft: one update per batch, optim.updates_per_epoch updates per epoch (else the loader's "
            "length), dataset.train.batch_size (else dataset.batch_size) global; validation and the latest checkpoint (save_last) after every "
            "epoch",
            batch_is_global=True, max_steps_per_epoch=cap,
            final_events=("checkpoint",) if save_last is True else ())
        return b.build(semantics, AudioCraftSettings(**settings))
