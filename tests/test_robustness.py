"""Robustness through the real command line: every hostile input ends in exit 0, 1 or 2, with a
finding, nothing, or a clean one-line error; never a traceback, a hang or unbounded memory.

tests/test_loading.py covers the loader's behaviour on each class in-process; this file drives
the same classes (and the file-system ones: links, FIFOs, vanishing and unreadable paths) through
`steplint check`, in-process with click's CliRunner and, for the nastiest, in a real subprocess
with a time limit (a hang detector, not a performance assertion) and an address-space limit.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import pytest
from click.testing import CliRunner

from steplint import cli, runner

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_configs"

HANG_SECONDS = 30  # a hang detector, not a timing: each of these inputs takes 1-2 s alone, the bugs took minutes or forever; room for a loaded CI machine
MEMORY_LIMIT = 1 << 30  # address space of the subprocess, bytes
TRAINING = "epochs: 90\nbatch_size: 256\nlr: 0.1\n"  # generic dialect, clean
NATIVE = "steplint: 1\ndata: {train_size: 50000, batch_size: 256}\nrun: {epochs: 90}\n"  # native, clean


# ---------------------------------------------------------------------------------------------
# Running steplint


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str

    @property
    def findings(self) -> list[dict]:
        return json.loads(self.stdout)["findings"] if self.stdout.strip() else []

    @property
    def codes(self) -> set[str]:
        return {f["rule"] for f in self.findings}


def _runner() -> CliRunner:
    try:
        return CliRunner(mix_stderr=False)  # click < 8.2 mixes stderr into stdout unless told
    except TypeError:
        return CliRunner()


def invoke(*args, input: Optional[bytes] = None) -> Outcome:
    """steplint in-process; an exception escaping the command (not SystemExit) fails the test."""
    result = _runner().invoke(cli.main, [str(a) for a in args], input=input)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"exception escaped: {result.exception!r}") from result.exception
    return Outcome(result.exit_code, result.stdout, result.stderr)


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def spawn(*args, cwd=None, env=None, timeout: float = HANG_SECONDS) -> Outcome:
    """steplint in a child process with a time limit and an address-space limit."""
    command = [sys.executable, "-m", "steplint", *map(str, args)]
    full_env = {**os.environ, **(env or {})}
    try:
        proc = subprocess.run(command, cwd=cwd, env=full_env, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=timeout, preexec_fn=_limit_memory)
    except subprocess.TimeoutExpired:
        pytest.fail(f"steplint {' '.join(map(str, args))[:200]} did not finish in {timeout} s (a hang)")
    return Outcome(proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace"))


def assert_sane(outcome: Outcome) -> None:
    """The contract for any input: exit 0/1/2, no traceback, exit 2 only with one-line errors."""
    text = outcome.stdout + outcome.stderr
    assert outcome.code in (0, 1, 2), (outcome.code, text[-2000:])
    assert "Traceback" not in text, text[-2000:]
    assert "internal error" not in outcome.stderr, outcome.stderr[-2000:]
    if outcome.code == 2:
        lines = [line for line in outcome.stderr.splitlines() if line.strip()]  # click: Usage/Try/Error
        assert lines and all(line.startswith(("steplint: ", "Error: ", "Usage: ", "Try ")) for line in lines), lines
    if outcome.code == 1:
        assert outcome.stdout.strip(), "exit 1 without a finding"


# ---------------------------------------------------------------------------------------------
# Hostile file contents


def _nested_alias_bomb() -> bytes:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i, name in enumerate("bcdefghij"):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{'abcdefghij'[i]}"] * 10) + "]")
    return ("\n".join(lines) + "\n" + TRAINING).encode()


def _wide_alias_bomb() -> bytes:
    # one anchor of 1000 values, referred to 1000 times: a million values from 8 KB
    return (b"a: &a [" + b", ".join([b"x"] * 1000) + b"]\nb: [" + b", ".join([b"*a"] * 1000) + b"]\n"
            + TRAINING.encode())


@dataclass(frozen=True)
class Case:
    name: str
    raw: bytes
    codes: Optional[frozenset] = None  # rule codes that must be reported; frozenset() = no finding
    exit: Optional[int] = None
    nasty: bool = False  # also run in a subprocess with limits
    filename: str = "config.yaml"


def _case(name, raw, codes=None, exit=None, nasty=False, filename="config.yaml") -> Case:
    raw = raw.encode() if isinstance(raw, str) else raw
    return Case(name, raw, None if codes is None else frozenset(codes), exit, nasty, filename)


CLEAN = ()
CASES = [
    # bounded work
    _case("alias-bomb-nested", _nested_alias_bomb(), {"SL005"}, 1, nasty=True),
    _case("alias-bomb-wide", _wide_alias_bomb(), {"SL005"}, 1, nasty=True),
    # each document under the limit (111,110 values), ten of them over it: the budget is per file
    _case("alias-bombs-one-per-document", ("---\n" + "\n".join(_nested_alias_bomb().decode().splitlines()[:5])
                                           + "\n" + TRAINING) * 10, {"SL005"}, 1, nasty=True),
    _case("deep-flow-sequence-10000", "[" * 10_000 + "]" * 10_000, {"SL005"}, 1, nasty=True),
    _case("deep-flow-mapping-10000", "{a: " * 10_000 + "1" + "}" * 10_000, {"SL005"}, 1, nasty=True),
    _case("deep-block-sequence-10000", "- " * 10_000 + "x\n", {"SL005"}, 1, nasty=True),
    _case("deep-block-mapping-3000", "".join(f"{' ' * i}k{i}:\n" for i in range(3000)) + " " * 3000 + "v: 1\n",
          {"SL005"}, 1, nasty=True),
    _case("deep-unclosed-flow-10000", "epochs: 3\nx: " + "[" * 10_000, {"SL005"}, 1, nasty=True),
    _case("single-line-2mb-value", "name: " + "a" * (2 << 20) + "\n" + TRAINING, CLEAN, 0, nasty=True),
    _case("single-line-2mb-flow-of-a-million-values", TRAINING + "x: [" + "1," * (1 << 20) + "]\n",
          {"SL005"}, 1, nasty=True),
    # the same million values with nothing of a training config read before them: a data file
    _case("data-file-of-a-million-values", "x: [" + "1," * (1 << 20) + "]\n" + TRAINING, CLEAN, 0, nasty=True),
    _case("keys-60000", "".join(f"key_{i}: {i}\n" for i in range(60_000)) + TRAINING, CLEAN, 0, nasty=True),
    _case("documents-20000", ("---\n" + TRAINING) * 20_000, {"SL005"}, 1, nasty=True),
    _case("empty-documents-1000000", "---\n" * 1_000_000, {"SL005"}, 1, nasty=True),
    # bytes and encodings
    _case("nul-bytes", b"epochs: 90\x00\nbatch_size: 256\n", {"SL001"}, 1),
    _case("binary", bytes(range(256)) * 64, CLEAN, 0),  # nothing in it reads as a training config
    _case("latin-1", "epochs: 90\nbatch_size: 256\nname: caf\xe9\n".encode("latin-1"), {"SL001"}, 1),
    _case("utf-16-le-bom", codecs.BOM_UTF16_LE + TRAINING.encode("utf-16-le"), CLEAN, 0),
    _case("utf-16-be-bom", codecs.BOM_UTF16_BE + TRAINING.encode("utf-16-be"), CLEAN, 0),
    _case("utf-16-le-no-bom", TRAINING.encode("utf-16-le"), CLEAN, 0),
    _case("utf-16-be-no-bom", TRAINING.encode("utf-16-be"), CLEAN, 0),
    _case("utf-16-bom-then-non-ascii", codecs.BOM_UTF16_LE + ("名前: 中文\n" + TRAINING).encode("utf-16-le"), CLEAN, 0),
    _case("utf-32-bom", TRAINING.encode("utf-32"), CLEAN, 0),
    _case("utf-32-be-no-bom", TRAINING.encode("utf-32-be"), CLEAN, 0),
    _case("utf-16-truncated", codecs.BOM_UTF16_LE + TRAINING.encode("utf-16-le")[:-1], None, None),
    _case("utf-16-lone-surrogate", codecs.BOM_UTF16_LE + TRAINING.encode("utf-16-le") + b"\x00\xd8b\x00", {"SL001"}, 1),
    _case("utf-8-bom", codecs.BOM_UTF8 + TRAINING.encode(), CLEAN, 0),
    _case("utf-8-bom-twice", codecs.BOM_UTF8 * 2 + TRAINING.encode(), None, None),
    _case("crlf", TRAINING.replace("\n", "\r\n"), CLEAN, 0),
    _case("cr-only", TRAINING.replace("\n", "\r"), CLEAN, 0),
    _case("control-characters", "epochs: 90\x07\nbatch_size: 256\x1b\n", {"SL001"}, 1),
    _case("lone-surrogate-escape", 'epochs: 90\nbatch_size: 256\nname: "\\ud800"\n', {"SL001"}, 1),
    # syntax
    _case("tab-indentation", "epochs: 90\nbatch_size: 256\noptimizer:\n\tlr: 0.1\n", {"SL001"}, 1),
    _case("tab-after-colon", "epochs:\t90\nbatch_size:\t256\n", None, None),
    _case("tabs-in-json", '{\n\t"epochs": 90,\n\t"batch_size": 0\n}\n', {"SL003"}, 1, filename="c.json"),
    _case("unclosed-bracket", "epochs: 90\nbatch_size: [256\nlr: 1\n", {"SL001"}, 1),
    _case("unclosed-brace", "epochs: 90\nbatch_size: {a: 1\n", {"SL001"}, 1),
    _case("unclosed-single-quote", TRAINING + "name: 'resnet\nwarmup_steps: 5\n", {"SL001"}, 1),
    _case("unclosed-double-quote", TRAINING + 'name: "resnet\nwarmup_steps: 5\n', {"SL001"}, 1),
    _case("unclosed-json", '{"epochs": 90, "batch_size": [1, ', {"SL001"}, 1, filename="c.json"),
    _case("mapping-as-key", TRAINING + "? [a, b]\n: 1\n", {"SL001"}, 1),
    _case("alias-as-key", "a: &k epochs\n*k : 3\nbatch_size: 2\n", None, None),
    _case("undefined-alias", "epochs: 90\nbatch_size: *nowhere\n", {"SL001"}, 1),
    _case("recursive-alias", TRAINING + "a: &a [*a]\n", {"SL001"}, 1),
    _case("unknown-directive", "%YAML 9.9\n---\n" + TRAINING, CLEAN, 0),  # refused before any key is read
    # shapes
    _case("empty-file", "", CLEAN, 0),
    _case("only-comments", "# nothing\n# here\n", CLEAN, 0),
    _case("top-level-list", "- epochs: 90\n  batch_size: 256\n", CLEAN, 0),
    _case("top-level-scalar", "42\n", CLEAN, 0),
    _case("top-level-null", "~\n", CLEAN, 0),
    _case("top-level-string", "just words\n", CLEAN, 0),
    _case("multi-document", "kind: Thing\n---\n" + NATIVE + "---\n- a\n---\nsteplint: 1\ndata: {batch_size: 0}\n",
          {"SL003"}, 1),
    _case("duplicate-keys", TRAINING + "epochs: 30\n", {"SL002"}, 1),
    _case("odd-keys", "~: 1\n1: 2\ntrue: 3\n'': 4\n" + TRAINING, CLEAN, 0),
    _case("merge-of-a-scalar", "a: &a 3\nb:\n  <<: *a\n" + TRAINING, None, None),
    _case("python-tags", "epochs: !!python/object/apply:os.system ['true']\nbatch_size: !!binary AAAA\n", None, None),
    # numbers
    _case("float-1e308", "epochs: 1e308\nbatch_size: 1e308\nmax_steps: 1e308\n", {"SL003"}, 1),
    _case("float-overflow", "epochs: 1e400\nbatch_size: 9e999\n", {"SL003"}, 1),
    _case("inf-and-nan", "epochs: .inf\nbatch_size: -.inf\nmax_steps: .nan\nwarmup_steps: .NaN\n", {"SL003"}, 1),
    _case("30-digit-integers", "epochs: 123456789012345678901234567890\nbatch_size: 123456789012345678901234567890\n",
          {"SL003"}, 1),
    _case("native-huge-numbers", "steplint: 1\ndata: {batch_size: 1e308, train_size: 123456789012345678901234567890}\n"
          "run: {epochs: .inf, max_steps: .nan}\n", {"SL003"}, 1),
    # Python refuses str() of an int past 4300 digits: a message quoting one used to crash
    _case("hex-integer-5000-digits", "epochs: 3\nbatch_size: 0x" + "f" * 5000 + "\n", None, None, nasty=True),
    _case("binary-integer-2mb", "epochs: 3\nbatch_size: 0b" + "1" * (2 << 20) + "\n", None, None, nasty=True),
    _case("octal-integer-2mb", "epochs: 3\nbatch_size: 0" + "7" * (2 << 20) + "\n", None, None, nasty=True),
    _case("decimal-integer-2mb", "epochs: 3\nbatch_size: " + "7" * (2 << 20) + "\n", None, None, nasty=True),
    _case("sexagesimal-integer-200k", "epochs: 3\nbatch_size: " + "1:" * 100_000 + "1\n", None, None, nasty=True),
    _case("explicit-int-tag-huge", "epochs: 3\nbatch_size: !!int 0x" + "f" * 5000 + "\n", None, None),
    _case("zero-batch-size", "epochs: 3\nbatch_size: 0\nnum_samples: 100\n", {"SL003"}, 1),
    _case("negative-batch-size", "epochs: 3\nbatch_size: -5\nnum_samples: 100\n", {"SL003"}, 1),
    _case("native-zero-and-negative", "steplint: 1\ndata: {batch_size: 0, train_size: -1}\nrun: {epochs: -3}\n",
          {"SL003"}, 1),
    _case("native-strings-for-numbers", "steplint: 1\ndata: {batch_size: lots, train_size: [1]}\nrun: {epochs: {}}\n",
          {"SL003"}, 1),
    _case("generic-strings-for-numbers", "epochs: three\nbatch_size: auto\nmax_steps: []\nwarmup_steps: {}\n",
          None, None),
    _case("booleans-for-numbers", "epochs: true\nbatch_size: yes\nmax_steps: off\n", None, None),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_hostile_file_through_the_cli(case, tmp_path):
    path = tmp_path / case.filename
    path.write_bytes(case.raw)
    outcome = invoke("check", path, "--format", "json")
    assert_sane(outcome)
    if case.exit is not None:
        assert outcome.code == case.exit, (outcome.code, outcome.findings[:3], outcome.stderr)
    if case.codes is not None:
        assert case.codes <= outcome.codes, outcome.findings[:3]
        if not case.codes:
            assert outcome.findings == []
    if not case.nasty:  # (the nasty ones get the text report in a subprocess below)
        text = invoke("check", path)  # the text report reads the source lines back: must not crash either
        assert_sane(text)
        assert text.code == outcome.code


@pytest.mark.parametrize("case", [c for c in CASES if c.nasty], ids=lambda c: c.name)
def test_hostile_file_in_a_subprocess_with_time_and_memory_limits(case, tmp_path):
    path = tmp_path / case.filename
    path.write_bytes(case.raw)
    outcome = spawn("check", path)  # the text report: it also reads the source lines back
    assert_sane(outcome)
    if case.exit is not None:
        assert outcome.code == case.exit, (outcome.code, outcome.stderr[-500:])
    for code in case.codes or ():
        assert f" {code} " in outcome.stdout, outcome.stdout[:500]


def test_file_over_the_size_limit_is_a_finding_without_reading_it_all(tmp_path):
    from steplint.loading import MAX_FILE_BYTES
    path = tmp_path / "huge.yaml"
    with open(path, "wb") as handle:
        handle.write(TRAINING.encode())
        handle.seek(4 * MAX_FILE_BYTES)  # sparse: 64 MiB that cost no disk
        handle.write(b"\nlr: 1\n")
    outcome = spawn("check", path, "--format", "json")
    assert_sane(outcome)
    assert outcome.code == 1 and outcome.codes == {"SL005"}
    assert "over the 16 MiB limit" in outcome.findings[0]["message"]


def test_a_stream_of_zeros_named_explicitly_is_bounded():
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    outcome = spawn("check", "/dev/zero", "--format", "json")
    assert_sane(outcome)
    assert outcome.code == 0 and outcome.findings == []  # read up to the limit; nothing in it is a config


def test_standard_input_gets_the_same_treatment():
    outcome = invoke("check", "-", "--format", "json", input=_nested_alias_bomb())
    assert_sane(outcome)
    assert outcome.codes == {"SL005"}
    assert_sane(invoke("check", "-", input=bytes(range(256))))


# ---------------------------------------------------------------------------------------------
# YAML tags never construct anything

_RECORDER = """
import pathlib, os
pathlib.Path(os.environ["STEPLINT_PROBE_MARKER"]).write_text("imported")
def touch(*args, **kwargs):
    pathlib.Path(os.environ["STEPLINT_PROBE_MARKER"]).write_text("called")
class Thing:
    def __init__(self, *args, **kwargs):
        touch()
    def __setstate__(self, state):
        touch()
"""

_TAGS = """epochs: !!python/object/apply:steplint_probe_recorder.touch [1]
batch_size: !!python/name:steplint_probe_recorder.touch
lr: !!python/module:steplint_probe_recorder
a: !!python/object:steplint_probe_recorder.Thing {{x: 1}}
b: !!python/object/new:steplint_probe_recorder.Thing [1]
c: !!python/object/apply:os.system ["touch {marker}.os"]
d: !!python/object/new:subprocess.Popen [["touch", "{marker}.popen"]]
e: !!python/object/apply:builtins.exec ["open('{marker}.exec', 'w')"]
f: !<tag:yaml.org,2002:python/object/apply:os.system> ["touch {marker}.verbatim"]
g: !include other.yaml
h: !!set {{a, b}}
i: !!omap [a: 1]
j: !!timestamp 2001-12-14
k: !!binary AAAA
"""


def test_yaml_tags_that_would_construct_python_objects_run_nothing(tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "steplint_probe_recorder.py").write_text(_RECORDER)
    marker = tmp_path / "marker"
    config = tmp_path / "config.yaml"
    config.write_text(_TAGS.format(marker=marker))
    env = {"PYTHONPATH": str(tmp_path / "lib") + os.pathsep + os.environ.get("PYTHONPATH", ""),
           "STEPLINT_PROBE_MARKER": str(marker)}
    for args in (("check", config), ("check", config, "--format", "json"), ("plan", config)):
        outcome = spawn(*args, env=env)
        assert_sane(outcome)
    assert not list(tmp_path.glob("marker*")), "a YAML tag ran code"
    assert "steplint_probe_recorder" not in sys.modules


# ---------------------------------------------------------------------------------------------
# The file system


def test_directory_symlink_loops_do_not_make_discovery_run_forever(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "train.yaml").write_text(TRAINING)
    (tmp_path / "a" / "b" / "up.yaml").symlink_to(tmp_path)  # a directory link named like a config
    (tmp_path / "a" / "b" / "loop").symlink_to(tmp_path / "a")
    (tmp_path / "self").symlink_to(".")
    (tmp_path / "x.yaml").symlink_to(tmp_path / "y.yaml")  # a file link loop
    (tmp_path / "y.yaml").symlink_to(tmp_path / "x.yaml")
    outcome = spawn("check", tmp_path, "--format", "json")
    assert_sane(outcome)
    files = json.loads(outcome.stdout)["files"]
    assert [Path(f["path"]).name for f in files] == ["train.yaml"], files
    assert outcome.code == 0
    # named explicitly, a link into the loop is walked once, from where it points
    assert_sane(spawn("check", tmp_path / "self" / "self" / "a" / "b" / "loop", "--format", "json"))


def test_a_fifo_named_config_yaml_in_a_checked_directory_is_skipped(tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    (tmp_path / "train.yaml").write_text(TRAINING)
    os.mkfifo(tmp_path / "config.yaml")  # reading it would block until someone writes
    outcome = spawn("check", tmp_path, "--format", "json")
    assert_sane(outcome)
    assert outcome.code == 0
    assert [Path(f["path"]).name for f in json.loads(outcome.stdout)["files"]] == ["train.yaml"]


def _special_file(tmp_path: Path, name: str) -> None:
    """A device by absolute path (the test is skipped where it does not exist), or a FIFO made in tmp_path."""
    if name.startswith("/"):
        if not os.path.exists(name):
            pytest.skip(f"no {name} here")
    elif hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / name)
    else:
        pytest.skip("no FIFOs here")


@pytest.mark.parametrize("base", ["fifo.yaml", "/dev/stdin", "/dev/zero"])
def test_a_base_file_that_is_a_fifo_or_device_is_not_read(tmp_path, base):
    # Detectron2's _BASE_ is read from disk: opening a FIFO blocked until a writer came (a hang).
    _special_file(tmp_path, base)
    config = tmp_path / "d2.yaml"
    config.write_text(f"_BASE_: {base}\nSOLVER: {{IMS_PER_BATCH: 16, MAX_ITER: 1000, BASE_LR: 0.02}}\n")
    outcome = spawn("check", config, "--format", "json", timeout=HANG_SECONDS)
    assert_sane(outcome)
    assert json.loads(outcome.stdout)["files"][0]["dialect"] == "detectron2"


@pytest.mark.parametrize("target", ["fifo.toml", "/dev/zero"])
def test_a_project_config_that_extends_a_fifo_or_device_is_a_clean_error(tmp_path, target):
    _special_file(tmp_path, target)
    (tmp_path / "steplint.toml").write_text(f'extend = "{target}"\n')
    (tmp_path / "c.yaml").write_text(NATIVE)
    outcome = spawn("check", tmp_path / "c.yaml", timeout=HANG_SECONDS)  # a FIFO hung; /dev/zero filled memory
    assert_sane(outcome)
    assert outcome.code == 2 and "invalid configuration" in outcome.stderr and "regular file" in outcome.stderr


def test_documents_that_share_a_large_base_read_it_once(tmp_path):
    # Each of 50 documents parsed the same 3 MB _BASE_ again: 110 s. The file's documents now share
    # one read.
    (tmp_path / "big.yaml").write_text("MODEL: {WEIGHTS: x}\n" + "".join(f"K{i}: {i}\n" for i in range(60_000)))
    document = "---\n_BASE_: big.yaml\nSOLVER: {IMS_PER_BATCH: 16, MAX_ITER: 1000, BASE_LR: 0.02}\n"
    (tmp_path / "cfg.yaml").write_text(document * 40)
    outcome = spawn("check", tmp_path / "cfg.yaml", "--format", "json", timeout=HANG_SECONDS)  # about 2 s now
    assert_sane(outcome)
    assert json.loads(outcome.stdout)["files"][0]["dialect"] == "detectron2"


def test_documents_that_share_a_deepspeed_file_read_it_once(tmp_path):
    # Each of 100 Trainer documents read and parsed the same 650 KB DeepSpeed JSON again: 36 s.
    ds = {"train_micro_batch_size_per_gpu": 8, "gradient_accumulation_steps": 1, **{f"k{i}": i for i in range(40_000)}}
    (tmp_path / "ds.json").write_text(json.dumps(ds))
    document = ("---\nmodel_name_or_path: x\noutput_dir: out\nnum_train_epochs: 3\n"
                "per_device_train_batch_size: 8\ndeepspeed: ds.json\n")
    (tmp_path / "hf.yaml").write_text(document * 100)
    outcome = spawn("check", tmp_path / "hf.yaml", "--format", "json", timeout=HANG_SECONDS)  # under 1 s now
    assert_sane(outcome)


def test_a_deepspeed_file_that_is_a_fifo_is_not_read(tmp_path):
    from steplint.frameworks.deepspeed.reader import load_file
    _special_file(tmp_path, "ds.json")
    assert load_file(str(tmp_path / "ds.json")) is None  # returns at once instead of blocking


def test_discovery_yields_only_regular_files_found_while_walking(tmp_path):
    from steplint.discover import discover
    (tmp_path / "ok.yaml").write_text(TRAINING)
    (tmp_path / "link.yaml").symlink_to(tmp_path / "ok.yaml")
    (tmp_path / "dangling.yaml").symlink_to(tmp_path / "nowhere.yaml")
    (tmp_path / "dir.yaml").mkdir()
    (tmp_path / "dir.yaml" / "inner.yml").write_text(TRAINING)
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "fifo.yaml")
    found = [(Path(p).relative_to(tmp_path).as_posix(), named) for p, named in discover((str(tmp_path),))]
    assert found == [("link.yaml", False), ("ok.yaml", False), ("dir.yaml/inner.yml", False)]


def test_unreadable_paths_are_one_line_errors(tmp_path):
    (tmp_path / "ok.yaml").write_text(NATIVE)
    (tmp_path / "dangling.yaml").symlink_to(tmp_path / "nowhere.yaml")
    (tmp_path / "folder.yaml").mkdir()
    # a dangling link named explicitly: missing, exit 2 before anything is checked
    outcome = invoke("check", tmp_path / "ok.yaml", tmp_path / "dangling.yaml")
    assert_sane(outcome)
    assert outcome.code == 2 and "dangling.yaml: no such file or directory" in outcome.stderr
    # a directory named like a config is searched, not read
    outcome = invoke("check", tmp_path / "folder.yaml", "--format", "json")
    assert_sane(outcome)
    assert outcome.code == 0 and json.loads(outcome.stdout)["summary"]["files"] == 0
    # found while walking, the dangling link is skipped and the rest is checked
    outcome = invoke("check", tmp_path, "--format", "json")
    assert_sane(outcome)
    assert outcome.code == 0 and [Path(f["path"]).name for f in json.loads(outcome.stdout)["files"]] == ["ok.yaml"]
    # plan: a directory and a missing file are one-line errors
    for target in (tmp_path / "folder.yaml", tmp_path / "dangling.yaml"):
        outcome = invoke("plan", target)
        assert_sane(outcome)
        assert outcome.code == 2 and "cannot read" in outcome.stderr


@pytest.mark.parametrize("error", [IsADirectoryError(21, "Is a directory"), OSError(5, "Input/output error"),
                                   FileNotFoundError(2, "No such file or directory")])
def test_read_errors_are_one_line_and_the_other_files_are_still_checked(tmp_path, monkeypatch, error):
    (tmp_path / "a.yaml").write_text(NATIVE)
    (tmp_path / "b.yaml").write_text(NATIVE.replace("epochs: 90", "epochs: 90, total_steps: 20000"))
    real = runner.read_file

    def flaky(path):
        if path.endswith("a.yaml"):
            raise error
        return real(path)
    monkeypatch.setattr(runner, "read_file", flaky)
    outcome = invoke("check", tmp_path, "--format", "json", "--jobs", "1")
    assert_sane(outcome)
    assert outcome.code == 2
    assert outcome.stderr.strip() == f"steplint: {tmp_path / 'a.yaml'}: cannot read: {error.strerror}"
    assert outcome.codes == {"SL201"}  # b.yaml was still checked and reported


def test_a_file_deleted_between_discovery_and_reading(tmp_path, monkeypatch):
    for name in ("a.yaml", "b.yaml", "c.yaml"):
        (tmp_path / name).write_text(NATIVE)
    real = runner.read_file

    def vanish_then_read(path):
        if path.endswith("b.yaml"):
            os.unlink(path)
        return real(path)
    monkeypatch.setattr(runner, "read_file", vanish_then_read)
    outcome = invoke("check", tmp_path, "--jobs", "1")
    assert_sane(outcome)
    assert outcome.code == 2 and outcome.stderr.count("\n") == 1 and "b.yaml: cannot read" in outcome.stderr


def test_a_directory_removed_while_it_is_being_checked(tmp_path):
    tree = tmp_path / "tree"
    for i in range(40):
        (tree / f"d{i}").mkdir(parents=True)
        for j in range(10):
            (tree / f"d{i}" / f"c{j}.yaml").write_text(NATIVE)
    started = threading.Event()

    def remove():
        started.wait(5)
        shutil.rmtree(tree, ignore_errors=True)
    remover = threading.Thread(target=remove)
    remover.start()
    real = runner.read_file

    def read(path):
        started.set()
        return real(path)
    try:
        cli_read, runner.read_file = runner.read_file, read
        outcome = invoke("check", tree, "--format", "json", "--jobs", "1")
    finally:
        runner.read_file = cli_read
        remover.join()
    assert_sane(outcome)
    assert outcome.code in (0, 2)
    if outcome.stdout.strip():
        json.loads(outcome.stdout)  # the report is whole


# ---------------------------------------------------------------------------------------------
# Output file and "nothing lost"


def test_a_crash_mid_run_leaves_no_half_report_and_keeps_the_previous_one(tmp_path, monkeypatch):
    for i in range(5):
        (tmp_path / f"c{i}.yaml").write_text(NATIVE)
    report = tmp_path / "out" / "report.json"
    report.parent.mkdir()
    outcome = invoke("check", tmp_path, "--format", "json", "-o", report)
    assert outcome.code == 0
    previous = report.read_bytes()
    json.loads(previous)

    from steplint.report import json_format
    calls = []
    original = json_format.JsonReporter.file

    def file_then_crash(self, result):
        calls.append(result.path)
        if len(calls) == 3:
            raise RuntimeError("reporter exploded")
        return original(self, result)
    monkeypatch.setattr(json_format.JsonReporter, "file", file_then_crash)
    outcome = invoke("check", tmp_path, "--format", "json", "-o", report)
    assert outcome.code == 2 and "internal error: RuntimeError: reporter exploded" in outcome.stderr
    assert "Traceback" not in outcome.stdout + outcome.stderr
    assert report.read_bytes() == previous
    assert sorted(p.name for p in report.parent.iterdir()) == ["report.json"]  # no temporary left behind


def test_a_report_from_an_earlier_run_is_not_checked_as_a_config(tmp_path):
    (tmp_path / "c.yaml").write_text(NATIVE)
    report = tmp_path / "report.json"
    for _ in range(2):  # the second run walks past the first run's report
        assert invoke("check", tmp_path, "--format", "json", "-o", report).code == 0
    assert [Path(f["path"]).name for f in json.loads(report.read_text())["files"]] == ["c.yaml"]


def test_output_file_in_a_missing_directory_is_a_clean_error(tmp_path):
    (tmp_path / "c.yaml").write_text(NATIVE)
    outcome = invoke("check", tmp_path / "c.yaml", "-o", tmp_path / "no" / "such" / "report.txt")
    assert outcome.code == 2 and "Traceback" not in outcome.stdout + outcome.stderr
    assert not (tmp_path / "no").exists()


def _snapshot(root: Path) -> dict[str, tuple]:
    state = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() and not path.is_symlink() else None
        state[path.relative_to(root).as_posix()] = (info.st_mode, info.st_size, info.st_mtime_ns, digest)
    return state


def test_nothing_lost_steplint_never_writes_to_what_it_checks(tmp_path):
    tree = tmp_path / "tree"
    shutil.copytree(SAMPLES, tree, symlinks=True)
    (tree / "crlf.yaml").write_bytes(TRAINING.replace("\n", "\r\n").encode())
    (tree / "utf16.yaml").write_bytes(codecs.BOM_UTF16_LE + TRAINING.encode("utf-16-le"))
    (tree / "broken.yaml").write_text("epochs: [1,\n")
    (tree / "pyproject.toml").write_text("[tool.steplint]\nfail-on = 'error'\n")
    before = _snapshot(tree)
    from steplint.report import FORMATS
    for output_format in FORMATS:
        assert_sane(invoke("check", tree, "--format", output_format, "--statistics"))
    written = invoke("check", tree, "-o", tmp_path / "report.txt")
    assert written.code in (0, 1) and (tmp_path / "report.txt").read_text().strip()
    for path in sorted(tree.glob("*.yaml")):
        assert_sane(invoke("plan", path))
    assert_sane(invoke("config", tree, "--show"))
    assert _snapshot(tree) == before


def test_output_file_that_is_a_checked_file_is_refused(tmp_path):
    config = tmp_path / "train.yaml"
    config.write_text(NATIVE)
    outcome = invoke("check", config, "-o", config)
    assert config.read_text() == NATIVE
    assert outcome.code == 2


# ---------------------------------------------------------------------------------------------
# Bugs found outside loading/discover (fixed: each test failed before its fix)


def test_a_file_name_that_is_not_utf8(tmp_path):
    if sys.platform == "darwin":
        pytest.skip("macOS file systems refuse such names")
    directory = os.fsencode(tmp_path)
    with open(os.path.join(directory, b"\xff-bad.yaml"), "wb") as handle:
        handle.write(b"steplint: 1\ndata: {batch_size: 0}\n")
    for output_format in ("text", "json", "sarif", "junit", "gitlab", "github", "concise"):
        outcome = spawn("check", ".", "--format", output_format, cwd=tmp_path)  # relative paths, as in CI
        assert_sane(outcome)
        assert outcome.code == 1, (output_format, outcome.stderr)
    for output_format in ("json", "sarif", "gitlab"):
        raw = subprocess.run([sys.executable, "-m", "steplint", "check", ".", "--format", output_format],
                             cwd=tmp_path, capture_output=True, timeout=HANG_SECONDS).stdout
        json.loads(raw.decode("utf-8"))  # JSON is UTF-8


def _interpolation_bomb(levels: int, width: int) -> str:
    lines = ["k0: [" + ", ".join(["x"] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"k{i}: [" + ", ".join([f"'${{k{i - 1}}}'"] * width) + "]")
    return "\n".join(lines) + "\n" + TRAINING


def test_an_interpolation_bomb_is_bounded(tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_text(_interpolation_bomb(8, 10))
    outcome = spawn("check", path, "--format", "json", timeout=HANG_SECONDS)  # fixed, this input takes well under 1 s
    assert_sane(outcome)


@pytest.mark.parametrize("output_format", ["sarif", "gitlab"])
def test_many_findings_on_one_key_are_reported_in_bounded_time(tmp_path, output_format):
    # 10,000 duplicates of one key are 10,000 findings with one fingerprint base; making each unique
    # restarted its counter from 0, which is quadratic (about a minute here, hours for 60,000).
    path = tmp_path / "dups.yaml"
    path.write_text(TRAINING + "".join(f"lr: {i}\n" for i in range(10_000)))
    outcome = spawn("check", path, "--format", output_format, timeout=HANG_SECONDS)
    assert_sane(outcome)
    assert outcome.code == 1


def _references(reference: str, count: int) -> str:
    return "".join(f"k{i}: {reference}\n" for i in range(count))


_BIG = "big: [[" + ", ".join(["1"] * 100_000) + "]]\n"
# Files full of ${...} references, each with what it cost before its fix; all take about 1-2 s now.
_MANY_REFERENCES = {
    "in-one-mapping": lambda: TRAINING + "n: 1\n" + _references("${n}", 60_000),  # 16 s: a tree copy each
    "to-one-section": lambda: TRAINING + "c: {a: 1, b: 2}\n" + _references("${c}", 60_000),  # 19 s in OmegaConf
    "indexed": lambda: TRAINING + "l: [1, 2]\n" + _references("${l[0]}", 60_000),  # 21 s: 0.3 ms each in OmegaConf
    "to-a-large-section": lambda: TRAINING + _BIG + _references("${big}", 2_000),  # 90 s: each walked it
    "into-a-large-section": lambda: TRAINING + _BIG + _references("${big[0]}", 2_000),  # 10 s: OmegaConf built it
    "in-many-documents": lambda: ("---\n" + TRAINING + "l: [1, 2]\n" + _references("${l[0]}", 1_000)) * 100,  # 73 s
}


@pytest.mark.parametrize("case", list(_MANY_REFERENCES))
def test_many_references_are_resolved_in_bounded_time(tmp_path, case):
    path = tmp_path / "refs.yaml"
    path.write_text(_MANY_REFERENCES[case]())
    assert_sane(spawn("check", path, "--format", "json", timeout=HANG_SECONDS))


def test_many_suppression_comments_are_bounded(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(NATIVE + "# steplint: ignore[SL201]\n" * 5_000)  # ~35 s today
    outcome = spawn("check", path, "--format", "json", timeout=HANG_SECONDS)  # fixed, this input takes about 1 s
    assert_sane(outcome)


def test_context_options_beyond_exact_integers_are_refused(tmp_path):
    (tmp_path / "c.yaml").write_text(NATIVE)
    outcome = invoke("check", tmp_path / "c.yaml", "--dataset-size", str(10**30))
    assert outcome.code == 2


@pytest.mark.parametrize("option,value", [("--dataset-size", "0"), ("--dataset-size", "-5"), ("--world-size", "-1"),
                                          ("--world-size", "1e3"), ("--dataset-size", "nan"),
                                          ("--jobs", "0"), ("--world-size", "9" * 5000)])
def test_bad_numbers_on_the_command_line_are_usage_errors(tmp_path, option, value):
    (tmp_path / "c.yaml").write_text(NATIVE)
    outcome = invoke("check", tmp_path / "c.yaml", option, value)
    assert_sane(outcome)
    assert outcome.code == 2


def test_an_epoch_count_written_in_steps_against_max_steps_does_not_crash(tmp_path):
    # Found by the multi-document property test: `max_epochs: 3 steps` converts to steps without a
    # dataset size, so SL202 compared it with max_steps while the steps per epoch were unknown.
    path = tmp_path / "c.yaml"
    path.write_text("trainer:\n  max_epochs: 3 steps\n  max_steps: 1\nbatch_size: 8\n")
    outcome = spawn("check", path, "--format", "json")
    assert_sane(outcome)
