"""Record ground truth from the REAL Hugging Face ``transformers.Trainer`` on CPU.

A tiny ``torch.nn.Linear`` model is trained on a tiny map-style dataset for every case of a fixed
grid (see ``build_cases``), and a ``TrainerCallback`` records what the Trainer really did:
dataloader length, planned optimizer steps, optimizer steps actually taken, the global steps at
which checkpoints were saved and evaluations ran, and the step at which the learning rate first
reached its peak (end of warmup). Exceptions are recorded per case.

This script needs torch + transformers + accelerate; CI does NOT run it. Tests only read the JSON
tables it wrote. The committed tables were produced with (venvs outside the repo, CPU torch):

    python3 -m venv /tmp/hfenv && /tmp/hfenv/bin/pip install torch==2.13.0 && \
        /tmp/hfenv/bin/pip install transformers==5.23.0 accelerate==1.15.0
    /tmp/hfenv/bin/python tests/oracle/record_hf.py        # -> tests/oracle/hf_trainer_5.23.0.json

    python3 -m venv /tmp/hf457env && /tmp/hf457env/bin/pip install torch==2.13.0 && \
        /tmp/hf457env/bin/pip install transformers==4.57.1 accelerate==1.15.0
    /tmp/hf457env/bin/python tests/oracle/record_hf.py     # -> tests/oracle/hf_trainer_4.57.1.json

    python3 -m venv /tmp/hf4env && /tmp/hf4env/bin/pip install torch==2.13.0 && \
        /tmp/hf4env/bin/pip install transformers==4.51.3 accelerate==1.15.0
    /tmp/hf4env/bin/python tests/oracle/record_hf.py       # -> tests/oracle/hf_trainer_4.51.3.json

Run from the repository root. Each run takes under a minute on 2 CPU cores (125 cases).
Options: ``--out PATH`` (default tests/oracle/hf_trainer_<version>.json), ``--only ID[,ID...]``
(record only those cases, print, do not write unless --out is given).

Output layout::

    {"framework": "transformers", "version": ..., "torch_version": ..., "accelerate_version": ...,
     "generated_by": "tests/oracle/record_hf.py", "fixed": {...settings shared by every case...},
     "cases": [{"id": ..., "inputs": {...TrainingArguments keys as in YAML..., "dataset_size": N},
                "outputs": {...}}]}

``outputs`` fields (all steps are optimizer steps = ``state.global_step``):

* ``len_train_dataloader``: ``len(train_dataloader)`` as the Trainer sees it (single process); when
  training failed before ``on_train_begin``, ``len(trainer.get_train_dataloader())`` instead.
* ``max_steps``: ``state.max_steps``, the planned number of optimizer steps.
* ``steps_taken``: number of ``on_step_end`` calls (optimizer steps actually taken).
* ``final_global_step``: ``state.global_step`` after ``train()``.
* ``epochs_started``: number of ``on_epoch_begin`` calls.
* ``final_epoch``: ``state.epoch`` (float) after training.
* ``micro_batches``: training forward passes (micro-batches) actually run.
* ``save_steps_at``: global steps at which ``on_save`` fired, in order.
* ``checkpoint_dirs``: sorted step numbers of the ``checkpoint-*`` folders left in output_dir.
* ``eval_steps_at``: global steps at which ``on_evaluate`` fired, in order.
* ``warmup_steps_computed``: ``args.get_warmup_steps(max_steps)`` (the Trainer's own warmup count).
* ``warmup_end_step``: smallest s such that the LR after s optimizer steps (s = 0 is the LR before
  the first step) equals the peak ``learning_rate``; ``null`` if the peak was never reached.
* ``lr_after_steps_head``: LR after 0, 1, ... optimizer steps, first 12 values, rounded to 9 digits.
* ``warnings``: distinct WARNING-level messages logged by ``transformers`` loggers during the case
  (first 300 characters each, in order of first appearance).
* ``error``: ``null``, or ``{"type": ExceptionClassName, "message": str(exc), "phase": "args" |
  "trainer_init" | "train"}``. When there is an error the other fields hold what was observed
  before it (``null`` when never observed).
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

PEAK_LR = 0.1
EVAL_DATASET_SIZE = 8
FEATURES = 4
CASE_TIMEOUT_S = 120


def build_cases():
    """The fixed case grid, identical for every transformers version recorded."""
    cases = []

    def add(group, **kw):
        n = kw.pop("dataset_size")
        inputs = {"dataset_size": n}
        inputs.update(kw)
        cases.append({"id": f"hf-{len(cases) + 1:03d}-{group}", "inputs": inputs})

    # A. core arithmetic: dataloader length, steps per epoch, total steps (no save/eval).
    i = 0
    for n in (7, 33, 64, 100, 257):
        for b in (4, 8):
            for ga in (1, 3, 4):
                for dl in (False, True):
                    add(
                        "core",
                        dataset_size=n,
                        per_device_train_batch_size=b,
                        gradient_accumulation_steps=ga,
                        dataloader_drop_last=dl,
                        num_train_epochs=(1, 1.5, 3)[i % 3],
                        warmup_steps=(0, 3)[(i // 3) % 2],
                        save_strategy="no",
                        eval_strategy="no",
                    )
                    i += 1

    # B. max_steps overrides epochs; data repeated as needed.
    def ms(n, b, ga, dl, max_steps, **kw):
        add("maxsteps", dataset_size=n, per_device_train_batch_size=b, gradient_accumulation_steps=ga,
            dataloader_drop_last=dl, max_steps=max_steps, save_strategy="no", eval_strategy="no", **kw)

    ms(64, 8, 1, False, 5)
    ms(64, 8, 3, False, 20)
    ms(7, 4, 1, False, 20)
    ms(7, 8, 1, True, 5)  # empty dataloader
    ms(7, 8, 3, False, 5)  # L=1 < GA
    ms(33, 4, 4, True, 20)
    ms(100, 8, 3, False, 5, num_train_epochs=1)  # both given: max_steps wins
    ms(257, 8, 4, False, 20)
    ms(100, 4, 3, True, 20)
    ms(33, 8, 4, False, 5)
    ms(33, 8, 3, False, 20, num_train_epochs=0.5)

    # C. save cadence.
    def sv(n, b, ga, save_strategy, save_steps=None, dl=False, **kw):
        extra = {} if save_steps is None else {"save_steps": save_steps}
        add("save", dataset_size=n, per_device_train_batch_size=b, gradient_accumulation_steps=ga,
            dataloader_drop_last=dl, save_strategy=save_strategy, **extra, eval_strategy="no", **kw)

    sv(64, 4, 1, "steps", 4, num_train_epochs=1)
    sv(100, 8, 3, "steps", 4, num_train_epochs=1.5)
    sv(7, 4, 4, "steps", 4, num_train_epochs=3)
    sv(64, 8, 1, "steps", 10, max_steps=5)
    sv(257, 8, 1, "steps", 10, num_train_epochs=1)
    sv(100, 4, 3, "steps", 10, num_train_epochs=3)
    sv(33, 4, 3, "steps", 10, dl=True, max_steps=20)
    sv(100, 4, 1, "steps", 0.5, num_train_epochs=3)
    sv(33, 8, 1, "steps", 0.5, num_train_epochs=1.5)
    sv(64, 8, 1, "steps", 0.5, max_steps=5)
    sv(257, 8, 4, "steps", 0.5, num_train_epochs=1)
    sv(64, 8, 3, "epoch", num_train_epochs=1.5)
    sv(100, 8, 4, "epoch", dl=True, num_train_epochs=3)
    sv(33, 8, 1, "epoch", max_steps=20)
    sv(64, 8, 1, "epoch", max_steps=5)
    sv(33, 4, 1, "epoch", num_train_epochs=1.5)

    # D. evaluation cadence.
    def ev(n, b, ga, eval_strategy, eval_steps=None, dl=False, **kw):
        extra = {} if eval_steps is None else {"eval_steps": eval_steps}
        add("eval", dataset_size=n, per_device_train_batch_size=b, gradient_accumulation_steps=ga,
            dataloader_drop_last=dl, save_strategy=kw.pop("save_strategy", "no"), eval_strategy=eval_strategy,
            **extra, **kw)

    ev(64, 4, 1, "steps", 5, num_train_epochs=1)
    ev(100, 4, 1, "steps", 5, num_train_epochs=1)
    ev(100, 8, 3, "steps", 3, num_train_epochs=1.5)
    ev(64, 8, 1, "steps", 50, num_train_epochs=3)
    ev(257, 8, 4, "steps", 0.25, num_train_epochs=1)
    ev(64, 8, 1, "steps", 0.25, max_steps=20)
    ev(257, 4, 4, "steps", 5, dl=True, num_train_epochs=1)
    ev(64, 8, 1, "steps", 2, num_train_epochs=1, eval_delay=6)
    ev(100, 8, 1, "steps", 4, num_train_epochs=1, save_strategy="steps", save_steps=4)
    ev(33, 4, 3, "epoch", num_train_epochs=3)
    ev(64, 8, 1, "epoch", num_train_epochs=1.5)
    ev(7, 4, 1, "epoch", max_steps=20)
    ev(64, 8, 3, "epoch", num_train_epochs=1.5)
    ev(33, 8, 1, "epoch", num_train_epochs=3, eval_delay=2)
    ev(100, 8, 4, "epoch", dl=True, max_steps=5)

    # E. warmup (default linear schedule unless stated).
    def wu(n, b, ga, dl=False, **kw):
        add("warmup", dataset_size=n, per_device_train_batch_size=b, gradient_accumulation_steps=ga,
            dataloader_drop_last=dl, save_strategy="no", eval_strategy="no", **kw)

    wu(100, 4, 1, num_train_epochs=3, warmup_steps=0.1)
    wu(100, 8, 3, num_train_epochs=1.5, warmup_steps=0.1)
    wu(64, 8, 1, max_steps=20, warmup_steps=0.1)
    wu(33, 4, 1, num_train_epochs=3, warmup_steps=0.5)
    wu(100, 4, 1, num_train_epochs=3, warmup_ratio=0.1)
    wu(64, 8, 1, max_steps=5, warmup_ratio=0.1)
    wu(257, 8, 3, num_train_epochs=1.5, warmup_ratio=0.1)
    wu(100, 4, 1, num_train_epochs=3, warmup_steps=3, warmup_ratio=0.5)
    wu(64, 8, 1, num_train_epochs=1, warmup_steps=30)
    wu(64, 4, 4, num_train_epochs=1, warmup_steps=3)
    wu(64, 8, 1, num_train_epochs=3, warmup_steps=1.0)
    wu(64, 8, 1, max_steps=5, warmup_steps=3)
    wu(33, 8, 1, num_train_epochs=3, warmup_ratio=1.0)
    wu(64, 8, 1, num_train_epochs=3, warmup_steps=3, lr_scheduler_type="constant")
    wu(64, 8, 1, num_train_epochs=3, warmup_steps=3, lr_scheduler_type="constant_with_warmup")

    # F. argument validation.
    add("errors", dataset_size=64, per_device_train_batch_size=8, gradient_accumulation_steps=1,
        dataloader_drop_last=False, num_train_epochs=1, save_strategy="steps", save_steps=2.5, eval_strategy="no")
    add("errors", dataset_size=64, per_device_train_batch_size=8, gradient_accumulation_steps=1,
        dataloader_drop_last=False, num_train_epochs=1, save_strategy="steps", save_steps=5,
        eval_strategy="steps", eval_steps=2, load_best_model_at_end=True)
    add("errors", dataset_size=64, per_device_train_batch_size=8, gradient_accumulation_steps=1,
        dataloader_drop_last=False, num_train_epochs=1, save_strategy="steps", save_steps=4,
        eval_strategy="steps", eval_steps=2, load_best_model_at_end=True)

    # G. last partial accumulation group when len(dataset) % GA < len(dataloader) % GA (4.51.x chunks
    #    each epoch's micro-batches using the dataset size, not the dataloader length).
    def rem(n, b, ga, **kw):
        add("garem", dataset_size=n, per_device_train_batch_size=b, gradient_accumulation_steps=ga,
            dataloader_drop_last=False, eval_strategy="no", **kw)

    rem(64, 8, 3, num_train_epochs=1, save_strategy="no")
    rem(7, 4, 3, max_steps=5, save_strategy="no")
    rem(7, 4, 3, num_train_epochs=2, save_strategy="epoch")
    rem(100, 8, 5, num_train_epochs=2, save_strategy="epoch")
    rem(64, 8, 5, max_steps=6, save_strategy="steps", save_steps=2)
    return cases


# --------------------------------------------------------------------------------------------
# Everything below needs torch/transformers.


def _fixed_args():
    return {
        "report_to": [],
        "use_cpu": True,
        "learning_rate": PEAK_LR,
        "seed": 0,
        "disable_tqdm": True,
        "logging_strategy": "no",
        "per_device_eval_batch_size": EVAL_DATASET_SIZE,
        "prediction_loss_only": True,
        "dataloader_num_workers": 0,
        "save_only_model": True,
    }


def run_case(case, workdir):
    import torch
    from transformers import Trainer, TrainerCallback, TrainingArguments

    inputs = dict(case["inputs"])
    n = inputs.pop("dataset_size")

    class DS(torch.utils.data.Dataset):
        def __init__(self, size, seed):
            g = torch.Generator().manual_seed(seed)
            self.x = torch.randn(size, FEATURES, generator=g)
            self.y = torch.randn(size, 1, generator=g)

        def __len__(self):
            return len(self.x)

        def __getitem__(self, i):
            return {"x": self.x[i], "labels": self.y[i]}

    out = {
        "len_train_dataloader": None,
        "max_steps": None,
        "steps_taken": None,
        "final_global_step": None,
        "epochs_started": None,
        "final_epoch": None,
        "micro_batches": None,
        "save_steps_at": None,
        "checkpoint_dirs": None,
        "eval_steps_at": None,
        "warmup_steps_computed": None,
        "warmup_end_step": None,
        "lr_after_steps_head": None,
        "warnings": [],
        "error": None,
    }
    counters = {"micro": 0}

    class Tiny(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = torch.nn.Linear(FEATURES, 1)

        def forward(self, x, labels=None):
            if self.training:
                counters["micro"] += 1
            pred = self.lin(x)
            loss = torch.nn.functional.mse_loss(pred, labels)
            return {"loss": loss, "logits": pred}

    lrs = []

    class Recorder(TrainerCallback):
        def on_train_begin(self, args, state, control, **kw):
            dl = kw.get("train_dataloader")
            out["len_train_dataloader"] = len(dl) if dl is not None else None
            out["max_steps"] = state.max_steps
            out["steps_taken"] = 0
            out["epochs_started"] = 0
            out["save_steps_at"] = []
            out["eval_steps_at"] = []
            out["warmup_steps_computed"] = args.get_warmup_steps(state.max_steps)
            lrs.append(kw["optimizer"].param_groups[0]["lr"])

        def on_epoch_begin(self, args, state, control, **kw):
            out["epochs_started"] += 1

        def on_step_end(self, args, state, control, **kw):
            out["steps_taken"] += 1
            lrs.append(kw["optimizer"].param_groups[0]["lr"])

        def on_save(self, args, state, control, **kw):
            out["save_steps_at"].append(state.global_step)

        def on_evaluate(self, args, state, control, **kw):
            out["eval_steps_at"].append(state.global_step)

    outdir = tempfile.mkdtemp(dir=workdir)
    phase = "args"
    try:
        args = TrainingArguments(output_dir=outdir, **_fixed_args(), **inputs)
        phase = "trainer_init"
        torch.manual_seed(0)
        trainer = Trainer(
            model=Tiny(),
            args=args,
            train_dataset=DS(n, 1),
            eval_dataset=DS(EVAL_DATASET_SIZE, 2),
            callbacks=[Recorder()],
        )
        phase = "train"
        with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):
            trainer.train()
        out["final_global_step"] = trainer.state.global_step
        out["final_epoch"] = trainer.state.epoch
    except Exception as exc:  # noqa: BLE001 - recorded per case
        out["error"] = {"type": type(exc).__name__, "message": str(exc), "phase": phase}
        if phase == "train" and out["len_train_dataloader"] is None:
            # on_train_begin never ran: ask the Trainer for the dataloader it would have used.
            with contextlib.suppress(Exception):
                out["len_train_dataloader"] = len(trainer.get_train_dataloader())
    finally:
        out["warnings"] = _WARNINGS.take()
        if phase == "train":
            out["micro_batches"] = counters["micro"]
            out["checkpoint_dirs"] = sorted(
                int(d.split("-", 1)[1]) for d in os.listdir(outdir) if d.startswith("checkpoint-")
            )
            if lrs:
                out["lr_after_steps_head"] = [round(v, 9) for v in lrs[:12]]
                peak = args.learning_rate
                out["warmup_end_step"] = next(
                    (s for s, v in enumerate(lrs) if v >= peak * (1 - 1e-9)), None
                )
        shutil.rmtree(outdir, ignore_errors=True)
    return out


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.msgs = []

    def emit(self, record):
        msg = record.getMessage()[:300]
        if msg not in self.msgs:
            self.msgs.append(msg)

    def take(self):
        msgs, self.msgs = self.msgs, []
        return msgs


_WARNINGS = _Capture()


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout(f"case exceeded {CASE_TIMEOUT_S}s")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out")
    ap.add_argument("--only", help="comma-separated case ids (or id prefixes like hf-007)")
    opts = ap.parse_args(argv)

    import accelerate
    import torch
    import transformers

    torch.set_num_threads(1)
    transformers.logging.set_verbosity_warning()
    transformers.logging.disable_default_handler()
    logging.getLogger("transformers").addHandler(_WARNINGS)
    warnings.filterwarnings("ignore")
    logging.getLogger("accelerate").setLevel(logging.ERROR)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    cases = build_cases()
    if opts.only:
        wanted = opts.only.split(",")
        cases = [c for c in cases if any(c["id"] == w or c["id"].startswith(w + "-") for w in wanted)]

    workdir = tempfile.mkdtemp(prefix="steplint_hf_oracle_")
    signal.signal(signal.SIGALRM, _alarm)
    t0 = time.time()
    results = []
    for case in cases:
        t = time.time()
        signal.alarm(CASE_TIMEOUT_S)
        try:
            outputs = run_case(case, workdir)
        except _Timeout as exc:
            outputs = {"error": {"type": "Timeout", "message": str(exc), "phase": "recorder"}}
        finally:
            signal.alarm(0)
        results.append({"id": case["id"], "inputs": case["inputs"], "outputs": outputs})
        err = outputs.get("error")
        print(
            f"{case['id']:<18} {time.time() - t:5.1f}s L={outputs.get('len_train_dataloader')} "
            f"T={outputs.get('max_steps')} taken={outputs.get('steps_taken')} "
            f"save={outputs.get('save_steps_at')} eval={outputs.get('eval_steps_at')} "
            f"W={outputs.get('warmup_end_step')} err={err and err['type']}",
            flush=True,
        )
    shutil.rmtree(workdir, ignore_errors=True)

    table = {
        "framework": "transformers",
        "version": transformers.__version__,
        "torch_version": torch.__version__,
        "accelerate_version": accelerate.__version__,
        "python_version": sys.version.split()[0],
        "generated_by": "tests/oracle/record_hf.py",
        "fixed": {
            "training_arguments": _fixed_args(),
            "eval_dataset_size": EVAL_DATASET_SIZE,
            "lr_scheduler_type_default": "linear",
            "model": f"torch.nn.Linear({FEATURES}, 1), MSE loss",
            "processes": 1,
        },
        "cases": results,
    }
    out_path = opts.out
    if out_path is None and not opts.only:
        out_path = os.path.join(HERE, f"hf_trainer_{transformers.__version__}.json")
    if out_path:
        with open(out_path, "w") as f:
            json.dump(table, f, indent=1, sort_keys=False)
            f.write("\n")
        print(f"wrote {out_path}: {len(results)} cases in {time.time() - t0:.0f}s")


if __name__ == "__main__":
    main()
