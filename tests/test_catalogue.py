"""Every example in the rules/ catalogue is run: bad ones must give exactly the documented
findings, good ones must be clean, so the docs cannot drift from the behaviour."""

from __future__ import annotations

import pytest

from steplint import catalogue
from steplint.findings import Severity
from steplint.rules import CHECKS, RAISED_AFTER_RULES, RAISED_BEFORE_RULES

from .conftest import lint

DOCS = catalogue.load()
BAD = [(doc.code, i, ex) for doc in DOCS.values() for i, ex in enumerate(doc.bad)]
GOOD = [(doc.code, i, ex) for doc in DOCS.values() for i, ex in enumerate(doc.good)]


def test_every_rule_has_a_check_or_an_earlier_stage_and_docs():
    from steplint.frameworks import PACKAGES
    framework_rules = [m for package in PACKAGES for m in package.RULES]
    assert set(DOCS) == set(CHECKS) | {m.CODE for m in framework_rules} | set(RAISED_BEFORE_RULES) | set(RAISED_AFTER_RULES)
    for doc in DOCS.values():
        assert doc.bad and doc.good, f"{doc.code} needs a bad and a good example"
        assert doc.what and doc.why and doc.summary
        assert doc.source.name.startswith(f"{doc.code}-{doc.name}"), doc.source


def test_names_are_unique_kebab_case():
    names = [d.name for d in DOCS.values()]
    assert len(names) == len(set(names))
    assert all(n == n.lower() and " " not in n and "_" not in n for n in names)


@pytest.mark.parametrize("code,index,example", BAD, ids=[f"{c}-bad{i}" for c, i, _ in BAD])
def test_bad_example_gives_documented_findings(code, index, example):
    result = lint(example.config, example.filename, **example.options)
    assert example.expected, f"{code} bad example {index} documents no expected finding"
    assert any(f.rule == code for f in result.findings), [f.to_dict() for f in result.findings]
    for expected in example.expected:
        matching = [f for f in result.findings if f.rule == expected["rule"]
                    and expected.get("key_path", f.key_path) == f.key_path
                    and expected.get("line", f.line) == f.line
                    and expected.get("severity", f.severity.label) == f.severity.label
                    and expected["message"] in f.message]
        assert matching, f"expected {expected}, got {[f.to_dict() for f in result.findings]}"


@pytest.mark.parametrize("code,index,example", GOOD, ids=[f"{c}-good{i}" for c, i, _ in GOOD])
def test_good_example_is_clean(code, index, example):
    result = lint(example.config, example.filename, **example.options)
    assert not [f for f in result.findings if f.rule == code or f.severity >= Severity.WARNING], \
        [f.to_dict() for f in result.findings]


def test_a_superseded_rule_is_an_existing_general_rule():
    for doc in DOCS.values():
        for general in doc.supersedes:
            assert general in DOCS and general != doc.code, (doc.code, general)


def test_every_rule_module_is_registered_under_its_own_code():
    # A rule is registered by its file: the module's CODE must be the one its name starts with, and
    # a framework rule belongs to exactly one framework's own rules folder.
    from pathlib import Path

    from steplint.frameworks import PACKAGES
    src = Path(__file__).resolve().parents[1] / "src" / "steplint"
    files = sorted(src.glob("rules/sl*.py")) + sorted(src.glob("frameworks/*/rules/sl*.py"))
    codes = [f.name.split("_", 1)[0].upper() for f in files]
    assert len(codes) == len(set(codes)), codes
    registered = {m.CODE: Path(m.__file__).name for package in PACKAGES for m in package.RULES}
    registered.update({code: f"{check.__module__.rsplit('.', 1)[1]}.py" for code, check in CHECKS.items()})
    assert {f.name.split("_", 1)[0].upper(): f.name for f in files} == registered


def test_every_dialect_has_an_example_in_the_catalogue():
    """Each framework's format appears in some rule's good or bad example, so its reading is shown
    (and run) where the rules are documented."""
    from steplint.frameworks import DIALECTS
    shown = {lint(ex.config, ex.filename).dialect for doc in catalogue.load().values() for ex in (*doc.bad, *doc.good)}
    assert [name for name in DIALECTS if name not in shown] == []
