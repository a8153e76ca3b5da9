"""The project config's `key-map` as steplint first read it (hand-written), kept as the reference that
`profile.profile_from_key_map` must reproduce (tests/test_profiles.py). A team's own keys, mapped
onto canonical fields:

    [tool.steplint.key-map]
    "trainer.ckpt_every" = { field = "checkpoint", unit = "step" }

Mapped keys override what the dialect read, go through the same validation (SL003 at the key),
and make a document a training config even when no dialect recognises it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Optional

from steplint.loading import KeyPath
from steplint.units import Unit, parse_unit

if TYPE_CHECKING:
    from steplint.frameworks.base import Adapted

# The canonical fields the first key map could target, with the kind of value each one holds.
MAPPABLE_FIELDS = {
    "dataset_size": "count", "world_size": "count", "gradient_accumulation": "count",
    "global_batch_size": "count", "train_loader.batch_size": "count", "train_loader.drop_last": "flag",
    "sampler_drop_last": "flag", "batchnorm": "flag", "epochs": "duration", "max_steps": "duration",
    "total_steps": "duration", "checkpoint": "duration", "eval": "duration", "logging": "duration",
    "schedule.warmup": "duration", "schedule.horizon": "duration", "schedule.step_size": "duration",
    "schedule.stepped_per": "name", "schedule.name": "name",
}
_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_DEFAULT_UNIT = {"epochs": Unit.EPOCH}

KeyMap = tuple[tuple[str, str, Optional[str]], ...]  # (dotted key path, canonical field, unit)


def parse_key_path(dotted: str) -> KeyPath:
    return tuple(int(index) if index else name for name, index in _PART.findall(dotted))


def lookup(data: Any, path: KeyPath) -> tuple[bool, Any]:
    node = data
    for part in path:
        if isinstance(part, int) and isinstance(node, list) and part < len(node):
            node = node[part]
        elif isinstance(part, str) and isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return False, None
    return True, node


def mentions(data: Any, key_map: KeyMap) -> bool:
    return any(lookup(data, parse_key_path(key))[0] for key, _, _ in key_map)


def overlay(adapted: "Adapted", data: Any, key_map: KeyMap) -> "Adapted":
    from steplint.frameworks.base import RunBuilder

    builder = RunBuilder(strict=True)
    builder.raw = adapted.run.model_dump(exclude_none=True)
    builder.problems = list(adapted.problems)
    builder.assumptions = list(adapted.assumptions)
    for key, field, unit in key_map:
        path = parse_key_path(key)
        present, value = lookup(data, path)
        if not present:
            continue
        kind = MAPPABLE_FIELDS[field]
        if kind == "duration":
            builder.duration(field, value, path, parse_unit(unit) if unit else _DEFAULT_UNIT.get(field, Unit.STEP))
        else:
            getattr(builder, kind)(field, value, path)
    return builder.build(adapted.semantics, adapted.settings)
