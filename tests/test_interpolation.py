"""OmegaConf references are resolved inside a file; resolvers never run; positions stay with the key."""

from __future__ import annotations

import math

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from steplint.interpolation import (_LOOKUP, _TEXT, _classify, _get, _strings_with_references, resolve,
                                    resolve_with_omegaconf)
from steplint.loading import load_bytes

from .conftest import CORPUS, lint, needs_corpus


def test_absolute_relative_and_nested_references():
    data = {"batch_size": 8, "epochs": 3, "train": {"bs": "${batch_size}", "e": "${..epochs}",
                                                      "inner": {"e2": "${...epochs}", "bs2": "${train.bs}"}}}
    out = resolve(data)
    assert out["train"] == {"bs": 8, "e": 3, "inner": {"e2": 3, "bs2": 8}}
    assert data["train"]["bs"] == "${batch_size}"  # the input is not modified


def test_resolvers_are_never_called_and_stay_unknown(monkeypatch):
    monkeypatch.setenv("STEPLINT_SECRET", "7")
    data = {"a": "${oc.env:STEPLINT_SECRET}", "b": "${a}", "c": "${oc.decode:'1'}", "n": 1, "d": "${n}"}
    out = resolve(data)
    assert out["a"] == "${oc.env:STEPLINT_SECRET}" and out["b"] == "${a}" and out["c"] == "${oc.decode:'1'}"
    assert out["d"] == 1


def test_unresolvable_and_cyclic_references_stay_text():
    data = {"a": "${missing.key}", "x": "${y}", "y": "${x}", "n": 4, "m": "${n}"}
    out = resolve(data)
    assert out["a"] == "${missing.key}" and out["x"] == "${x}".replace("x", "y") and out["m"] == 4


def test_a_finding_on_a_resolved_value_points_at_the_referencing_key():
    text = "steplint: 1\nsizes: {bs: 0}\ndata:\n  batch_size: ${sizes.bs}\n"
    result = lint(text)
    assert [(f.rule, f.line, f.key_path) for f in result.findings if f.rule == "SL003"] == \
        [("SL003", 4, "data.batch_size")]


def test_string_interpolations_and_paths_are_left_alone():
    data = {"out": "/tmp/run", "logs": "${out}/logs", "epochs": 2, "name": "run-${epochs}"}
    assert resolve(data) == data


# The plain-lookup fast path must give exactly what OmegaConf gives, wherever it answers.

def _assert_lookups_match_omegaconf(data) -> int:
    """Every reference steplint reads without OmegaConf resolves to the same value (and type) as
    when OmegaConf resolves all of them, as it did before there was a fast path."""
    kinds = {path: (text, *_classify(data, path, text)) for path, text in _strings_with_references(data)}
    resolvable = [(path, text) for path, (text, kind, _) in kinds.items() if kind != _TEXT]
    by_omegaconf = dict(resolve_with_omegaconf(data, resolvable))
    resolved = resolve(data)
    claimed = 0
    for path, (text, kind, _) in kinds.items():
        if kind == _LOOKUP:
            value, expected = _get(resolved, path)[1], by_omegaconf.get(path, text)
            assert _same(value, expected), (path, text, value, expected)
            claimed += 1
    return claimed


def _same(a, b) -> bool:
    """Equal values of the same types, all the way down (NaN equals NaN here)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return a == b


def test_lookups_match_omegaconf_on_hand_picked_references():
    data = {"a": {"b": 1, "c": [5, 6], "f": 0.5, "t": True, "n": None}, "k-1": 2, 0: 7, True: 3, "nan": float("nan"),
            "x": {"y": {"z": 3, "up": "${..w}", "sib": "${.z}", "top": "${...a.b}", "above": "${....a.b}"}, "w": 4},
            "refs": ["${a.b}", "${ a.f }", "${a.t}", "${a.n}", "${k-1}", "${nan}", "${x.y.up}", "${a.c.0}", "${0}", "${1}"],
            "chain": {"one": "${chain.two}", "two": "${a.b}", "bad": "${chain.loop}", "loop": "${chain.bad}"}}
    assert _assert_lookups_match_omegaconf(data) >= 10
    assert resolve(data)["x"]["y"] == {"z": 3, "up": 4, "sib": 3, "top": 1, "above": "${....a.b}"}


_KEYS = st.sampled_from(["a", "b", "c_1", "d-2", "x", "0", "true"]) | st.integers(0, 2) | st.booleans()
_SCALARS = st.integers(-3, 10**6) | st.floats(allow_nan=True) | st.booleans() | st.none() | st.sampled_from(["text", "???", "/tmp"])


@st.composite
def _references(draw) -> str:
    dots = draw(st.sampled_from(["", "", ".", "..", "..."]))
    names = draw(st.lists(st.sampled_from(["a", "b", "c_1", "d-2", "x", "0", "true", "1"]), min_size=1, max_size=3))
    pad = draw(st.sampled_from(["", " "]))
    return "${" + pad + dots + ".".join(names) + pad + "}"


_TREES = st.recursive(_SCALARS | _references(),
                      lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=4),
                      max_leaves=25)


def _keys_collide_as_text(node) -> bool:
    """A mapping with both `0:` and `"0":` (or `true:` and `"True":`): steplint hands OmegaConf string
    keys, so there the reference answer itself is ambiguous. No real config does this."""
    if isinstance(node, dict):
        return len({str(k) for k in node}) < len(node) or any(_keys_collide_as_text(v) for v in node.values())
    return isinstance(node, list) and any(_keys_collide_as_text(v) for v in node)


# Derandomized so CI sees the same examples every run (5,000 random ones passed when this was written).
@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.dictionaries(_KEYS, _TREES, min_size=1, max_size=5))
def test_lookups_match_omegaconf_on_generated_trees(data):
    assume(not _keys_collide_as_text(data))
    _assert_lookups_match_omegaconf(data)


@needs_corpus
def test_lookups_match_omegaconf_on_every_corpus_file():
    claimed = 0
    for path in sorted(CORPUS.rglob("*")):
        if path.suffix not in (".yaml", ".yml", ".json") or b"${" not in path.read_bytes():
            continue
        for document in load_bytes(str(path), path.read_bytes()).documents:
            if isinstance(document.data, dict):
                claimed += _assert_lookups_match_omegaconf(document.data)
    assert claimed > 100  # the corpus has hundreds of plain references to numbers
