"""SL406 warmup-steps-and-ratio: both warmup_steps and warmup_ratio are set; which one counts
depends on the tool and the transformers version (frameworks.md §8.3)."""

from __future__ import annotations

from typing import Iterator

from ..reader import HFSettings, number_of
from ....findings import Hit, Severity
from ....rules.context import RuleContext, num

CODE = "SL406"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: HFSettings = ctx.settings
    steps, ratio = s.written("warmup_steps"), s.written("warmup_ratio")
    if steps is None or ratio is None or not number_of(steps) or not number_of(ratio):
        return
    both = f"warmup_steps {num(number_of(steps))} and warmup_ratio {num(number_of(ratio))} are both set"
    v = s.version
    if s.flavour == "axolotl":
        yield ctx.hit(f"{both}: axolotl refuses the config at validation; keep one", ratio.key, steps.key,
                      severity=Severity.ERROR)
        return
    if v.known and v.at_least(5, 15):
        return  # warmup_ratio does not exist there: SL409
    if not v.at_least(5):
        verdict = f"transformers {v.text} uses warmup_steps and ignores warmup_ratio"
    else:
        verdict = f"transformers {v.text} copies warmup_ratio over warmup_steps, which is ignored"
    if not v.known:
        verdict = ("transformers 4.x uses warmup_steps, 5.0-5.14 use warmup_ratio, 5.15 and later refuse "
                   "warmup_ratio (the version is not known: pass --framework-version transformers=X.Y)")
    yield ctx.hit(f"{both}: {verdict}; keep one", ratio.key, steps.key)
