"""Property-based tests (hypothesis).

* Any bytes, and any YAML- or JSON-shaped document built from training keys, go through the real
  command line with exit 0, 1 or 2, no traceback, and `--format json` output that follows the
  contract (version, files, findings, summary; counts that add up; positions inside the file).
* The plan's loader arithmetic, for any (N, B, world size, accumulation, drop_last, sampler
  drop_last, epochs): invariants that hold for every input, and the recorded PyTorch table
  (tests/oracle/pytorch_dataloader.json) wherever the case is in it.

The example budgets are small so this file runs in well under 20 s; multiply them when hunting:

    STEPLINT_PROPERTY_SCALE=50 python -m pytest tests/test_properties.py
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import replace
from pathlib import Path
from typing import Optional

import yaml
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from steplint import cli
from steplint.frameworks.base import PYTORCH
from steplint.engine import check_bytes
from steplint.values import Options
from steplint.model import TrainingRun
from steplint.plan import Context, derive

from .conftest import cli_runner

SCALE = int(os.environ.get("STEPLINT_PROPERTY_SCALE", "1"))
FAST = settings(deadline=None, max_examples=120 * SCALE, suppress_health_check=[HealthCheck.too_slow])
FINDING_KEYS = {"path", "line", "column", "end_line", "end_column", "rule", "name", "severity", "message",
                "key_path", "related"}


# ---------------------------------------------------------------------------------------------
# The command line on arbitrary input


def run_stdin(raw: bytes, filename: str, *extra: str):
    result = cli_runner().invoke(cli.main, ["check", "-", "--stdin-filename", filename, "--format", "json",
                                         "--isolated", *extra], input=raw)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"exception escaped: {result.exception!r}") from result.exception
    return result


def assert_contract(result, raw: bytes, filename: str) -> dict:
    text = result.stdout + result.stderr
    assert result.exit_code in (0, 1, 2), text[-2000:]
    assert "Traceback" not in text and "internal error" not in result.stderr, text[-2000:]
    data = json.loads(result.stdout)
    assert set(data) == {"version", "files", "findings", "summary"} and data["version"] == 1
    assert len(data["files"]) == 1 and data["files"][0]["path"] == filename
    entry = data["files"][0]
    assert {"path", "dialect", "plan"} <= set(entry)
    assert entry["plan"] is None or isinstance(entry["plan"], dict)
    summary = data["summary"]
    assert summary["files"] == 1
    by_severity = {"error": 0, "warning": 0, "info": 0}
    # lines as the loader counts them (YAML also breaks lines at NEL, LS and PS, as str.splitlines does)
    lines = len(raw.decode("utf-8", "replace").splitlines()) + 1 if raw else 1
    for finding in data["findings"]:
        assert set(finding) == FINDING_KEYS, finding
        assert finding["path"] == filename
        assert re.fullmatch(r"SL\d{3}", finding["rule"]) and finding["name"]
        assert isinstance(finding["message"], str) and finding["message"].strip()
        assert 1 <= finding["line"] <= finding["end_line"] and finding["column"] >= 1
        assert finding["line"] <= lines, (finding, lines)
        assert isinstance(finding["key_path"], str) and isinstance(finding["related"], list)
        by_severity[finding["severity"]] += 1
    assert (summary["errors"], summary["warnings"], summary["infos"]) == \
        (by_severity["error"], by_severity["warning"], by_severity["info"])
    failing = any(f["severity"] in ("error", "warning") for f in data["findings"])
    assert result.exit_code == (1 if failing else 0), (result.exit_code, data["findings"][:3], result.stderr)
    return data


@FAST
@given(raw=st.binary(max_size=2000), json_name=st.booleans())
@example(raw=b"\xef\xbb\xbf\xff\xfe", json_name=False)
@example(raw=b"a\x00\x00\xd8", json_name=False)
@example(raw=b"epochs: 0x" + b"f" * 5000, json_name=False)
def test_arbitrary_bytes(raw, json_name):
    filename = "c.json" if json_name else "c.yaml"
    assert_contract(run_stdin(raw, filename), raw, filename)


TRAINING_KEYS = [
    "epochs", "num_epochs", "num_train_epochs", "max_epochs", "batch_size", "train_batch_size",
    "per_device_train_batch_size", "micro_batch_size", "global_batch_size", "max_steps", "total_steps",
    "train_steps", "warmup_steps", "warmup_ratio", "warmup", "drop_last", "save_steps", "eval_steps",
    "logging_steps", "save_strategy", "eval_strategy", "gradient_accumulation_steps", "accumulate_grad_batches",
    "world_size", "num_samples", "train_size", "dataset_size", "lr", "learning_rate", "scheduler", "T_max",
    "milestones", "max_duration", "eval_interval", "save_interval", "t_warmup", "val_check_interval",
    "check_val_every_n_epoch", "every_n_train_steps", "every_n_epochs", "log_every_n_steps",
    "limit_train_batches", "max_steps_per_epoch", "train_iters", "lr_decay_iters", "seed", "name",
]
SECTIONS = ["data", "run", "trainer", "training", "optimizer", "schedule", "scheduler", "train", "checkpoint",
            "eval", "distributed", "model", "callbacks", "args", "init_args", "lr_scheduler", "solver"]
SPECIAL_STRINGS = ["10 epochs", "0.1dur", "5ep", "100ba", "1000sp", "2tok", "3 steps", "auto", "", "???",
                   "${batch_size}", "${data.batch_size}", "${..epochs}", "${oc.env:HOME}", "${eval:'1+1'}",
                   "1e3", "0x10", "-1", "null", "~", "inf", ".nan", "1_000", "steps", "epoch", "linear", "cosine"]

scalars = st.one_of(
    st.integers(min_value=-3, max_value=1_000_000),
    st.integers(),
    st.sampled_from([0, 1, 2, -1, 2**53, 2**53 + 1, 10**30]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, 0.1, 0.5, 1.0, 1.5, 1e308, -0.0]),
    st.booleans(),
    st.none(),
    st.sampled_from(SPECIAL_STRINGS),
    st.text(max_size=12),
)
keys = st.one_of(st.sampled_from(TRAINING_KEYS), st.sampled_from(SECTIONS), st.text(min_size=1, max_size=8))
documents = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=5), st.dictionaries(keys, children, max_size=7)),
    max_leaves=40,
)
training_documents = st.dictionaries(keys, documents, min_size=1, max_size=10)  # a mapping at the top


def _render(data, style: str) -> Optional[str]:
    try:
        if style == "json":
            return json.dumps(data, indent=1)
        return yaml.safe_dump(data, default_flow_style={"block": False, "flow": True, "mixed": None}[style],
                              allow_unicode=True, sort_keys=False, width=1_000)
    except (ValueError, yaml.YAMLError, RecursionError):
        return None


@FAST
@given(data=st.one_of(training_documents, documents), style=st.sampled_from(["block", "flow", "mixed", "json"]),
       native=st.booleans(), dataset_size=st.one_of(st.none(), st.integers(1, 10**7)),
       world_size=st.one_of(st.none(), st.integers(1, 64)), crlf=st.booleans())
def test_arbitrary_yaml_shaped_documents(data, style, native, dataset_size, world_size, crlf):
    if native and isinstance(data, dict):
        data = {"steplint": 1, **data}
    text = _render(data, style)
    assume(text is not None)
    if crlf:
        text = text.replace("\n", "\r\n")
    raw = text.encode("utf-8", "surrogatepass")
    filename = "config.json" if style == "json" else "config.yaml"
    extra = []
    if dataset_size:
        extra += ["--dataset-size", str(dataset_size)]
    if world_size:
        extra += ["--world-size", str(world_size)]
    assert_contract(run_stdin(raw, filename, *extra), raw, filename)


@FAST
@given(docs=st.lists(training_documents, min_size=2, max_size=4), native=st.booleans())
def test_multi_document_yaml(docs, native):
    if native:
        docs = [{"steplint": 1, **d} for d in docs]
    text = yaml.safe_dump_all(docs, sort_keys=False, width=1_000)
    raw = text.encode("utf-8", "surrogatepass")
    assert_contract(run_stdin(raw, "multi.yaml"), raw, "multi.yaml")


# ---------------------------------------------------------------------------------------------
# Plan invariants

TABLE = json.loads((Path(__file__).parent / "oracle" / "pytorch_dataloader.json").read_text())
RECORDED = {(c["N"], c["B"], c["world_size"], c["drop_last"], c["sampler_drop_last"]): c
            for c in TABLE["cases"] if c["rank"] in (None, 0)}


def _run(n, b, world, ga, drop_last, sampler_drop_last, epochs) -> TrainingRun:
    spec = {"dataset_size": {"value": n}, "train_loader": {"batch_size": {"value": b},
                                                            "drop_last": {"value": drop_last}}}
    if world is not None:
        spec["world_size"] = {"value": world}
    if sampler_drop_last is not None:
        spec["sampler_drop_last"] = {"value": sampler_drop_last}
    if ga is not None:
        spec["gradient_accumulation"] = {"value": ga}
    if epochs is not None:
        spec["epochs"] = {"value": epochs, "unit": "epoch"}
    return TrainingRun.model_validate(spec)


recorded_keys = st.sampled_from(sorted(RECORDED, key=repr))
loader_params = st.one_of(
    # anywhere
    st.tuples(st.integers(1, 10**7), st.integers(1, 4096), st.one_of(st.none(), st.integers(1, 512)),
              st.booleans(), st.one_of(st.none(), st.booleans())),
    # small numbers, where the edge cases are
    st.tuples(st.integers(1, 80), st.integers(1, 20), st.one_of(st.none(), st.integers(1, 9)),
              st.booleans(), st.one_of(st.none(), st.booleans())),
    # the recorded cases
    recorded_keys,
)


@settings(deadline=None, max_examples=400 * SCALE)
@given(params=loader_params, ga=st.one_of(st.none(), st.integers(1, 64)),
       epochs=st.one_of(st.none(), st.integers(1, 1000), st.floats(0.01, 500, allow_nan=False)))
def test_plan_invariants(params, ga, epochs):
    n, b, world, drop_last, sampler_drop_last = params
    plan = derive(_run(n, b, world, ga, drop_last, sampler_drop_last, epochs), PYTORCH, Context())
    p = world or 1
    accumulation = ga or 1

    # DistributedSampler: pad to a multiple of P, or drop the remainder (torch/utils/data/distributed.py)
    n_rank = n // p if (sampler_drop_last and p > 1 and n % p) else math.ceil(n / p)
    assert plan.samples_per_rank == n_rank
    batches = n_rank // b if drop_last else math.ceil(n_rank / b)
    assert plan.batches_per_epoch == batches
    assert plan.global_batch_size == b * accumulation * p
    assert plan.micro_batch_size == b and plan.world_size == p and plan.gradient_accumulation_steps == accumulation
    if batches:
        assert 1 <= plan.last_batch_size <= b
        assert plan.optimizer_steps_per_epoch == math.ceil(batches / accumulation)
    else:
        assert plan.last_batch_size == 0 and plan.optimizer_steps_per_epoch == 0
    assert 0 <= plan.samples_dropped_per_epoch < b * p + p
    assert 0 <= plan.samples_padded_per_epoch < p
    seen = p * (n_rank if not drop_last else batches * b)
    assert seen == n - plan.samples_dropped_per_epoch + plan.samples_padded_per_epoch

    per_epoch = plan.optimizer_steps_per_epoch
    if epochs is None:
        assert plan.total_optimizer_steps is None
    elif float(epochs).is_integer():
        assert plan.total_optimizer_steps == int(epochs) * per_epoch
    else:
        assert plan.total_optimizer_steps == math.ceil(epochs * per_epoch - 1e-9)

    case = RECORDED.get((n, b, world, drop_last, sampler_drop_last))
    if case is not None:
        assert plan.batches_per_epoch == case["len_loader"]
        assert plan.samples_per_rank == case["samples_on_rank"]
        assert (plan.last_batch_size or None) == case["last_batch_size"]


@settings(deadline=None, max_examples=200 * SCALE)
@given(params=loader_params, ga=st.integers(1, 64), epochs=st.integers(1, 100))
def test_accumulation_rounding_is_ordered(params, ga, epochs):
    """torchtune's 'drop' <= 'floor' (HF <= 4.51) <= 'ceil' (PyTorch, Lightning), never negative."""
    n, b, world, drop_last, sampler_drop_last = params
    run = _run(n, b, world, ga, drop_last, sampler_drop_last, epochs)
    steps = {rounding: derive(run, replace(PYTORCH, accumulation_rounding=rounding), Context())
             for rounding in ("drop", "floor", "ceil")}
    drop, floor, ceil = (steps[r].optimizer_steps_per_epoch for r in ("drop", "floor", "ceil"))
    assert 0 <= drop <= floor <= ceil
    batches = steps["ceil"].batches_per_epoch
    assert drop == batches // ga and ceil == -(-batches // ga)
    for plan in steps.values():
        assert plan.total_optimizer_steps == epochs * plan.optimizer_steps_per_epoch


@settings(deadline=None, max_examples=60 * SCALE)
@given(params=loader_params, ga=st.one_of(st.none(), st.integers(1, 16)), epochs=st.integers(1, 100))
def test_the_pipeline_from_a_native_config_agrees_with_derive(params, ga, epochs):
    """The same numbers come out of a config file, through loading, the native dialect and the engine."""
    n, b, world, drop_last, sampler_drop_last = params
    lines = ["steplint: 1", f"data: {{train_size: {n}, batch_size: {b}, drop_last: {str(drop_last).lower()}}}",
             f"run: {{epochs: {epochs}}}"]
    if ga:
        lines.append(f"optimizer: {{gradient_accumulation: {ga}}}")
    if world:
        lines.append(f"distributed: {{world_size: {world}, sampler_drop_last: {str(bool(sampler_drop_last)).lower()}}}")
    result = check_bytes("c.yaml", ("\n".join(lines) + "\n").encode(), Options())
    assert result.dialect == "steplint", result.findings
    want = derive(_run(n, b, world, ga, drop_last, bool(sampler_drop_last) if world else None, epochs),
                  PYTORCH, Context())
    for key in ("samples_per_rank", "batches_per_epoch", "optimizer_steps_per_epoch", "total_optimizer_steps",
                "global_batch_size", "last_batch_size", "samples_dropped_per_epoch"):
        assert result.plan[key] == getattr(want, key), key


# ---------------------------------------------------------------------------------------------
# Plain JSON: the positions found from its tokens are the YAML reader's

_json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x85\u2028\u2029\r"), max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x85\u2028\u2029\r"), max_size=6),
        inner, max_size=4),
    max_leaves=25)


@FAST
@given(_json_values, st.sampled_from([None, 0, 1, 2, 4]), st.booleans())
def test_json_marks_are_the_yaml_readers(value, indent, ascii_only):
    from steplint.loading import _TreeBuilder, json_marks, json_source

    text = json.dumps(value, indent=indent, ensure_ascii=ascii_only)
    builder = _TreeBuilder()
    try:
        builder.run(json_source(text))
    except Exception:  # noqa: BLE001 - text YAML refuses (a control character): json_marks is not asked there
        assume(False)
    assume(builder.documents and not builder.problems)
    expected = builder.documents[0].marks
    found = json_marks(text)
    assert found == expected and list(found) == list(expected)
