"""SL791 wenet-refused-at-start: a WeNet config without accum_grad.

wenet/utils/executor.py `Executor.train` (wenet-e2e/wenet @ 01546996, line 50) starts every epoch with
`info_dict = copy.deepcopy(configs)` and `logging.info(...format(info_dict['accum_grad']))`; nothing
before it fills the key (wenet/bin/train.py `main`, train_utils.py `check_modify_and_save_config`,
whose DeepSpeed branch reads `configs['accum_grad']` too; config.py `override_config` only replaces
keys the file has). WeNet before v3.0.0 read `args.get('accum_grad', 1)`."""

from __future__ import annotations

from typing import Iterator

from ..settings import WenetSettings
from ....findings import Hit
from ....rules.context import RuleContext

CODE = "SL791"


def check(ctx: RuleContext) -> Iterator[Hit]:
    s: WenetSettings = ctx.settings
    if s.accum_grad_written or not s.trains or s.defaults_accum_grad:
        return
    yield ctx.hit("accum_grad is not set and WeNet has no default for it: WeNet stops with KeyError: 'accum_grad' "
                  "before training (Executor.train reads configs['accum_grad'] when the first epoch starts, after "
                  "the data and the model are loaded)", None)
