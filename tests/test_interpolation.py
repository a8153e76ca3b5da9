"""OmegaConf references are resolved inside a file; resolvers never run; positions stay with the key."""

from __future__ import annotations

from steplint.interpolation import resolve

from .conftest import lint


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
