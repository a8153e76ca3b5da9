"""Rules stage: the generic rules, which see only the canonical run and the plan.

Each rule is a small module with `CODE` and `check(ctx)`, which yields `Hit`s. Its name, severity
and docs live in the `rules/` catalogue. A framework's own rules live in its package; rules without
a module anywhere are raised by an earlier stage (loading, or reading the framework's file), the
only place that can see those problems.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Callable, Iterator

from ..findings import Hit
from .context import RuleContext

Check = Callable[[RuleContext], Iterator[Hit]]

# The generic rules: every module in this folder, in code order (a rule is registered by being
# here). Each framework's own rules live in its package (frameworks/<name>/rules/).
CHECKS: dict[str, Check] = {}
for _info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
    if _info.name.startswith("sl"):
        _module = importlib.import_module(f".{_info.name}", __name__)
        CHECKS[_module.CODE] = _module.check

# Raised while loading (SL001, SL002, SL005), while reading the dialect (SL003, SL004), or when
# inline suppressions are applied (SL006).
RAISED_BEFORE_RULES = ("SL001", "SL002", "SL003", "SL004", "SL005", "SL006")

# Raised by the engine from the rules' undecided checks (engine.gathered).
UNDECIDED = "SL207"
RAISED_AFTER_RULES = (UNDECIDED,)

__all__ = ["CHECKS", "RAISED_AFTER_RULES", "RAISED_BEFORE_RULES", "UNDECIDED", "RuleContext"]
