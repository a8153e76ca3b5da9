"""Record ground truth from the REAL Lightning ``Trainer`` on CPU.

A tiny ``LightningModule`` (one ``torch.nn.Linear``) is fitted on a tiny map-style dataset for every
case of a fixed grid (see ``build_cases``), and hooks record what Lightning really did: batches
per epoch, ``estimated_stepping_batches``, optimizer steps taken, the global steps at which
``ModelCheckpoint`` saved, when validation ran, and how often an LR scheduler configured with
``interval: "step"`` and one with ``interval: "epoch"`` were stepped. Exceptions are recorded per
case.

This script needs torch + lightning; CI does NOT run it. Tests only read the JSON table it wrote.
The committed table was produced with (venv outside the repo, CPU torch):

    python3 -m venv /tmp/plenv && /tmp/plenv/bin/pip install torch==2.13.0 && \
        /tmp/plenv/bin/pip install lightning==2.6.6
    /tmp/plenv/bin/python tests/oracle/record_lightning.py   # -> tests/oracle/lightning_2.6.6.json

Run from the repository root; it takes about a minute on 2 CPU cores.
Options: ``--out PATH`` (default tests/oracle/lightning_<version>.json), ``--only ID[,ID...]``
(record only those cases, print, do not write unless --out is given).

Inputs of a case (flat; a key that is absent is left at its default):

* ``dataset_size``: N, the length of the map-style training dataset.
* ``batch_size``, ``drop_last``: ``torch.utils.data.DataLoader`` arguments (``shuffle=True``).
* ``max_epochs``, ``max_steps``, ``accumulate_grad_batches``, ``limit_train_batches``,
  ``val_check_interval``, ``check_val_every_n_epoch``: ``lightning.Trainer`` arguments.
* ``every_n_train_steps`` / ``every_n_epochs``: arguments of the one
  ``ModelCheckpoint(save_top_k=-1, ...)`` callback; when neither is present no checkpoint callback
  exists (``enable_checkpointing=False``).
* ``lr_scheduler_step_frequency``: ``frequency`` of the ``interval: "step"`` scheduler (default 1).

Every case also has (see ``fixed`` in the table): ``accelerator="cpu", devices=1, logger=False,
enable_progress_bar=False, enable_model_summary=False, num_sanity_val_steps=0``, a validation
DataLoader of 8 samples in batches of 4 (2 validation batches), and two ``LambdaLR`` schedulers
(constant factor 1) on the single SGD optimizer: ``{"interval": "step"}`` and
``{"interval": "epoch"}``.

``outputs`` fields:

* ``num_training_batches``: ``trainer.num_training_batches`` (batches per epoch after
  ``limit_train_batches``) as seen in ``on_train_start``.
* ``len_train_dataloader``: ``len()`` of the user's train DataLoader (before the limit).
* ``estimated_stepping_batches``: ``trainer.estimated_stepping_batches`` in ``on_train_start``.
* ``steps_taken``: optimizer steps actually taken (``optimizer_step`` hook calls).
* ``global_step``: ``trainer.global_step`` after ``fit``.
* ``epochs_started``: number of ``on_train_epoch_start`` calls; ``current_epoch``:
  ``trainer.current_epoch`` after ``fit``.
* ``micro_batches``: ``training_step`` calls.
* ``save_steps_at``: ``trainer.global_step`` at each ``on_save_checkpoint`` (every checkpoint write).
* ``checkpoint_files``: sorted file names the ModelCheckpoint left (``filename="{epoch}-{step}"``).
* ``val_runs``: one ``[epoch, batches_seen_in_epoch, total_batches_seen, global_step]`` per
  validation run (sanity check excluded), where ``batches_seen_*`` count training batches
  (micro-batches) already run when validation started.
* ``val_steps_at``: ``global_step`` of each validation run (= last column of ``val_runs``).
* ``sched_step_calls``: how many times the ``interval: "step"`` scheduler was stepped.
* ``sched_epoch_calls``: how many times the ``interval: "epoch"`` scheduler was stepped.
* ``stop_message``: Lightning's own info line saying why ``fit`` stopped (e.g. "`Trainer.fit`
  stopped: `max_steps=5` reached."), or ``null``.
* ``warnings``: distinct ``UserWarning`` messages (not deprecation/future warnings) raised by
  Lightning during the case, first 300 characters each.
* ``error``: ``null`` or ``{"type": ExceptionClassName, "message": str(exc), "phase": "init" |
  "fit"}``; the other fields then hold what was observed before it (``null`` if never).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import shutil
import signal
import sys
import tempfile
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))

FEATURES = 4
VAL_DATASET_SIZE = 8
VAL_BATCH_SIZE = 4
CASE_TIMEOUT_S = 120


def build_cases():
    """The fixed case grid."""
    cases = []

    def add(group, **kw):
        n = kw.pop("dataset_size")
        inputs = {"dataset_size": n}
        inputs.update({k: v for k, v in kw.items()})
        cases.append({"id": f"pl-{len(cases) + 1:03d}-{group}", "inputs": inputs})

    # A. core: batches per epoch, accumulation, epochs; step-based checkpoints.
    i = 0
    for n in (7, 33, 64, 100):
        for b in (4, 8):
            for dl in (False, True):
                for ga in (1, 3):
                    kw = {}
                    k = (None, 2, 5)[i % 3]
                    if k is not None:
                        kw["every_n_train_steps"] = k
                    add("core", dataset_size=n, batch_size=b, drop_last=dl, accumulate_grad_batches=ga,
                        max_epochs=(1, 3)[i % 2], **kw)
                    i += 1

    # B. max_steps (alone: max_epochs unset -> unbounded epochs; or together with max_epochs).
    def ms(n, b, dl, ga, max_steps, **kw):
        add("maxsteps", dataset_size=n, batch_size=b, drop_last=dl, accumulate_grad_batches=ga,
            max_steps=max_steps, **kw)

    ms(64, 8, False, 1, 5, every_n_train_steps=2)
    ms(64, 8, False, 3, 20, every_n_train_steps=5)
    ms(7, 4, False, 1, 20, every_n_train_steps=5)
    ms(33, 8, True, 3, 5, every_n_train_steps=2)
    ms(100, 4, False, 3, 20, every_n_train_steps=2)
    ms(33, 4, False, 3, 20, max_epochs=1, every_n_train_steps=5)  # max_epochs hits first
    ms(100, 8, True, 1, 5, max_epochs=3)  # max_steps hits first
    ms(7, 8, True, 1, 5)  # empty train loader
    ms(33, 8, False, 1, 20, every_n_train_steps=5, val_check_interval=2)

    # C. limit_train_batches (int = batches, float = fraction).
    def lim(n, b, dl, ga, limit, **kw):
        add("limit", dataset_size=n, batch_size=b, drop_last=dl, accumulate_grad_batches=ga,
            limit_train_batches=limit, **kw)

    lim(100, 4, False, 1, 0.5, max_epochs=3)
    lim(100, 4, False, 3, 0.5, max_epochs=3, every_n_train_steps=2)
    lim(33, 8, False, 3, 0.5, max_epochs=3)
    lim(7, 8, False, 1, 0.5, max_epochs=1)  # int(1 * 0.5) = 0
    lim(64, 8, True, 1, 3, max_epochs=3, every_n_train_steps=2)
    lim(64, 8, True, 3, 3, max_epochs=3)
    lim(7, 4, False, 1, 3, max_epochs=3)  # limit larger than the loader
    lim(100, 8, False, 3, 3, max_steps=5)
    lim(64, 4, False, 3, 0.5, max_steps=20, every_n_train_steps=5)
    lim(100, 8, False, 1, 0.5, max_epochs=3, val_check_interval=0.5)
    lim(64, 8, False, 1, 1, max_epochs=3)  # int 1 = one batch per epoch
    lim(64, 8, False, 1, 1.0, max_epochs=3)  # float 1.0 = whole epoch

    # D. validation cadence.
    def val(n, b, dl, ga, vci, cv=1, **kw):
        extra = {} if cv == 1 else {"check_val_every_n_epoch": cv}
        add("val", dataset_size=n, batch_size=b, drop_last=dl, accumulate_grad_batches=ga,
            val_check_interval=vci, **extra, **kw)

    val(64, 4, False, 1, 2, max_epochs=1)
    val(64, 4, False, 3, 2, max_epochs=1)
    val(33, 4, False, 1, 2, max_epochs=3)  # L=9, not a multiple of 2
    val(33, 4, False, 3, 5, max_epochs=3)
    val(64, 8, False, 1, 0.5, max_epochs=3)
    val(33, 8, False, 3, 0.5, max_epochs=3)
    val(100, 4, True, 1, 0.3, max_epochs=1)
    val(100, 8, False, 3, 0.25, max_epochs=3, every_n_train_steps=2)
    val(33, 4, False, 1, 2, cv=None, max_epochs=3)  # counted over total batches
    val(33, 4, False, 3, 5, cv=None, max_epochs=3)
    val(7, 4, False, 1, 3, cv=None, max_epochs=3)  # int > batches allowed with None
    val(64, 8, False, 1, 5, cv=None, max_steps=20)
    val(33, 8, False, 1, 1.0, cv=2, max_epochs=5)
    val(33, 8, False, 1, 0.5, cv=2, max_epochs=3)
    val(64, 4, False, 3, 4, cv=3, max_epochs=3)
    val(64, 8, False, 1, 1, max_epochs=1)  # int 1 = every batch
    val(7, 4, False, 1, 5, max_epochs=1)  # int > batches -> error
    val(33, 8, False, 1, 0.5, cv=None, max_epochs=1)  # float with None -> error
    val(64, 8, False, 3, 3, max_steps=5)  # max_steps stops mid-epoch

    # E. epoch-based ModelCheckpoint vs validation cadence.
    def ck(n, b, ga, **kw):
        add("ckpt", dataset_size=n, batch_size=b, drop_last=False, accumulate_grad_batches=ga, **kw)

    ck(33, 8, 1, max_epochs=3, every_n_epochs=1)
    ck(33, 8, 1, max_epochs=4, every_n_epochs=1, check_val_every_n_epoch=2)
    ck(33, 8, 1, max_epochs=3, every_n_epochs=1, val_check_interval=0.5)
    ck(33, 8, 3, max_epochs=3, every_n_epochs=2)
    ck(64, 8, 1, max_epochs=2, every_n_train_steps=20)  # never reached: no checkpoint at all
    ck(64, 8, 3, max_epochs=3, every_n_train_steps=3, val_check_interval=4)

    # F. LR scheduler interval/frequency with accumulation.
    def sc(n, b, ga, freq, **kw):
        add("sched", dataset_size=n, batch_size=b, drop_last=False, accumulate_grad_batches=ga,
            lr_scheduler_step_frequency=freq, **kw)

    sc(64, 4, 1, 2, max_epochs=2)
    sc(64, 4, 3, 2, max_epochs=2)
    sc(33, 4, 3, 2, max_epochs=3)  # L=9: 3 optimizer steps at batch_idx 2,5,8
    sc(100, 8, 3, 4, max_steps=20)
    sc(64, 8, 1, 3, max_epochs=3)
    return cases


# --------------------------------------------------------------------------------------------
# Everything below needs torch/lightning.


def _fixed():
    return {
        "trainer": {
            "accelerator": "cpu",
            "devices": 1,
            "logger": False,
            "enable_progress_bar": False,
            "enable_model_summary": False,
            "num_sanity_val_steps": 0,
            "deterministic": False,
        },
        "train_dataloader": {"shuffle": True, "num_workers": 0},
        "val_dataset_size": VAL_DATASET_SIZE,
        "val_batch_size": VAL_BATCH_SIZE,
        "optimizer": "torch.optim.SGD(lr=0.01)",
        "lr_schedulers": [
            {"scheduler": "LambdaLR(factor 1)", "interval": "step", "frequency": "lr_scheduler_step_frequency or 1"},
            {"scheduler": "LambdaLR(factor 1)", "interval": "epoch", "frequency": 1},
        ],
        "model_checkpoint": {"save_top_k": -1, "filename": "{epoch}-{step}"},
        "model": f"torch.nn.Linear({FEATURES}, 1), MSE loss",
        "processes": 1,
    }


def run_case(case, workdir):
    import lightning as L
    import torch
    from lightning.pytorch.callbacks import ModelCheckpoint

    inputs = dict(case["inputs"])
    n = inputs.pop("dataset_size")
    batch_size = inputs.pop("batch_size")
    drop_last = inputs.pop("drop_last")
    freq = inputs.pop("lr_scheduler_step_frequency", 1)
    ck_kwargs = {k: inputs.pop(k) for k in ("every_n_train_steps", "every_n_epochs") if k in inputs}
    trainer_kwargs = inputs  # the rest are Trainer arguments

    out = {
        "num_training_batches": None,
        "len_train_dataloader": None,
        "estimated_stepping_batches": None,
        "steps_taken": None,
        "global_step": None,
        "epochs_started": None,
        "current_epoch": None,
        "micro_batches": None,
        "save_steps_at": None,
        "checkpoint_files": None,
        "val_runs": None,
        "val_steps_at": None,
        "sched_step_calls": None,
        "sched_epoch_calls": None,
        "stop_message": None,
        "warnings": [],
        "error": None,
    }
    cnt = {"steps": 0, "micro": 0, "in_epoch": 0, "epochs": 0}
    saves, val_runs = [], []

    def make_ds(size, seed):
        g = torch.Generator().manual_seed(seed)
        return torch.utils.data.TensorDataset(torch.randn(size, FEATURES, generator=g), torch.randn(size, 1, generator=g))

    train_dl = torch.utils.data.DataLoader(make_ds(n, 1), batch_size=batch_size, drop_last=drop_last, shuffle=True)
    val_dl = torch.utils.data.DataLoader(make_ds(VAL_DATASET_SIZE, 2), batch_size=VAL_BATCH_SIZE)
    out["len_train_dataloader"] = len(train_dl)

    class Tiny(L.LightningModule):
        def __init__(self):
            super().__init__()
            self.lin = torch.nn.Linear(FEATURES, 1)
            self.scheds = None

        def training_step(self, batch, batch_idx):
            cnt["micro"] += 1
            cnt["in_epoch"] += 1
            x, y = batch
            return torch.nn.functional.mse_loss(self.lin(x), y)

        def validation_step(self, batch, batch_idx):
            x, y = batch
            loss = torch.nn.functional.mse_loss(self.lin(x), y)
            return loss

        def configure_optimizers(self):
            opt = torch.optim.SGD(self.parameters(), lr=0.01)
            s_step = torch.optim.lr_scheduler.LambdaLR(opt, lambda _: 1.0)
            s_epoch = torch.optim.lr_scheduler.LambdaLR(opt, lambda _: 1.0)
            self.scheds = (s_step, s_epoch)
            return [opt], [
                {"scheduler": s_step, "interval": "step", "frequency": freq},
                {"scheduler": s_epoch, "interval": "epoch", "frequency": 1},
            ]

        def on_train_start(self):
            out["num_training_batches"] = self.trainer.num_training_batches
            out["estimated_stepping_batches"] = self.trainer.estimated_stepping_batches

        def on_train_epoch_start(self):
            cnt["epochs"] += 1
            cnt["in_epoch"] = 0

        def on_before_optimizer_step(self, optimizer):
            cnt["steps"] += 1

        def on_validation_start(self):
            if not self.trainer.sanity_checking:
                val_runs.append([self.trainer.current_epoch, cnt["in_epoch"], cnt["micro"], self.trainer.global_step])

        def on_save_checkpoint(self, checkpoint):
            saves.append(self.trainer.global_step)

    ckdir = tempfile.mkdtemp(dir=workdir)
    callbacks = []
    if ck_kwargs:
        callbacks.append(ModelCheckpoint(dirpath=ckdir, filename="{epoch}-{step}", save_top_k=-1, **ck_kwargs))
    phase = "init"
    model = Tiny()
    try:
        torch.manual_seed(0)
        trainer = L.Trainer(
            **_fixed()["trainer"],
            default_root_dir=ckdir,
            enable_checkpointing=bool(ck_kwargs),
            callbacks=callbacks,
            **trainer_kwargs,
        )
        phase = "fit"
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            trainer.fit(model, train_dataloaders=train_dl, val_dataloaders=val_dl)
        for w in caught:
            msg = str(w.message)[:300]
            if (
                issubclass(w.category, UserWarning)
                and "lightning" in w.filename
                and msg not in out["warnings"]
            ):
                out["warnings"].append(msg)
        if out["num_training_batches"] is None:  # on_train_start never ran
            out["num_training_batches"] = trainer.num_training_batches
        out["global_step"] = trainer.global_step
        out["current_epoch"] = trainer.current_epoch
    except Exception as exc:  # noqa: BLE001 - recorded per case
        out["error"] = {"type": type(exc).__name__, "message": str(exc), "phase": phase}
    finally:
        out["stop_message"] = _INFO.take_stop()
        if phase == "fit":
            out["steps_taken"] = cnt["steps"]
            out["micro_batches"] = cnt["micro"]
            out["epochs_started"] = cnt["epochs"]
            out["save_steps_at"] = saves
            out["checkpoint_files"] = sorted(f for f in os.listdir(ckdir) if f.endswith(".ckpt")) if ck_kwargs else []
            out["val_runs"] = val_runs
            out["val_steps_at"] = [r[3] for r in val_runs]
            if model.scheds is not None:
                out["sched_step_calls"] = model.scheds[0].last_epoch
                out["sched_epoch_calls"] = model.scheds[1].last_epoch
        shutil.rmtree(ckdir, ignore_errors=True)
    return out


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.INFO)
        self.stop = None

    def emit(self, record):
        msg = record.getMessage()
        if "stopped:" in msg:
            self.stop = msg[:300]

    def take_stop(self):
        stop, self.stop = self.stop, None
        return stop


_INFO = _Capture()


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout(f"case exceeded {CASE_TIMEOUT_S}s")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out")
    ap.add_argument("--only", help="comma-separated case ids (or id prefixes like pl-007)")
    opts = ap.parse_args(argv)

    import lightning
    import torch

    torch.set_num_threads(1)
    warnings.filterwarnings("ignore")
    for name in ("lightning.pytorch", "lightning.fabric", "pytorch_lightning"):
        logging.getLogger(name).setLevel(logging.INFO)
        logging.getLogger(name).propagate = False
        for h in list(logging.getLogger(name).handlers):
            logging.getLogger(name).removeHandler(h)
    logging.getLogger("lightning.pytorch").addHandler(_INFO)

    cases = build_cases()
    if opts.only:
        wanted = opts.only.split(",")
        cases = [c for c in cases if any(c["id"] == w or c["id"].startswith(w + "-") for w in wanted)]

    workdir = tempfile.mkdtemp(prefix="steplint_pl_oracle_")
    signal.signal(signal.SIGALRM, _alarm)
    t0 = time.time()
    results = []
    for case in cases:
        t = time.time()
        signal.alarm(CASE_TIMEOUT_S)
        try:
            with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):
                outputs = run_case(case, workdir)
        except _Timeout as exc:
            outputs = {"error": {"type": "Timeout", "message": str(exc), "phase": "recorder"}}
        finally:
            signal.alarm(0)
        results.append({"id": case["id"], "inputs": case["inputs"], "outputs": outputs})
        err = outputs.get("error")
        print(
            f"{case['id']:<16} {time.time() - t:5.1f}s nb={outputs.get('num_training_batches')} "
            f"est={outputs.get('estimated_stepping_batches')} taken={outputs.get('steps_taken')} "
            f"save={outputs.get('save_steps_at')} val={outputs.get('val_steps_at')} "
            f"sched={outputs.get('sched_step_calls')}/{outputs.get('sched_epoch_calls')} err={err and err['type']}",
            flush=True,
        )
    shutil.rmtree(workdir, ignore_errors=True)

    table = {
        "framework": "lightning",
        "version": lightning.__version__,
        "torch_version": torch.__version__,
        "python_version": sys.version.split()[0],
        "generated_by": "tests/oracle/record_lightning.py",
        "fixed": _fixed(),
        "cases": results,
    }
    out_path = opts.out
    if out_path is None and not opts.only:
        out_path = os.path.join(HERE, f"lightning_{lightning.__version__}.json")
    if out_path:
        with open(out_path, "w") as f:
            json.dump(table, f, indent=1)
            f.write("\n")
        print(f"wrote {out_path}: {len(results)} cases in {time.time() - t0:.0f}s")


if __name__ == "__main__":
    main()
