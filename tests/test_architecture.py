"""The pipeline's boundaries hold in the code: generic rules see only the canonical run and the plan,
a framework's rules import no other framework and no other rule, and the plan imports no framework."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "steplint"


def _imports(path: Path) -> list[str]:
    """Every module `path` imports, as a dotted name relative to the steplint package."""
    package = path.relative_to(SRC).with_suffix("").parts[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                found.append(".".join((*base, *(node.module.split(".") if node.module else ()))))
            elif node.module and node.module.startswith("steplint"):
                found.append(node.module.removeprefix("steplint").lstrip("."))
        elif isinstance(node, ast.Import):
            found.extend(a.name.removeprefix("steplint").lstrip(".") for a in node.names if a.name.startswith("steplint"))
    return found


def test_the_import_reader_sees_relative_imports():
    assert "frameworks.base" in _imports(SRC / "frameworks" / "hf" / "reader.py")
    assert "rules.context" in _imports(next((SRC / "frameworks" / "hf" / "rules").glob("sl4*.py")))


def test_generic_rules_import_no_framework_and_no_other_rule():
    for path in sorted((SRC / "rules").glob("sl*.py")):
        for module in _imports(path):
            assert not module.startswith("frameworks"), (path.name, module)
            assert not module.startswith("rules.sl"), (path.name, module)


# A framework that is a front-end of another: axolotl translates its keys into TrainingArguments and
# runs the Hugging Face Trainer, so its rules read HF's settings (and HF's rules run on its files).
BUILT_ON = {"axolotl": "hf"}


def test_a_frameworks_rules_import_no_other_framework_and_no_other_rule():
    rule_files = sorted(SRC.glob("frameworks/*/rules/sl*.py"))
    assert len(rule_files) > 50
    for path in rule_files:
        own = path.parts[-3]
        for module in _imports(path):
            parts = module.split(".")
            if parts[0] == "frameworks" and len(parts) > 1 and parts[1] != "base":
                assert parts[1] in (own, BUILT_ON.get(own)), (str(path.relative_to(SRC)), module)
            assert not (len(parts) > 3 and parts[2] == "rules" and parts[3].startswith("sl")), (path.name, module)
            assert not module.startswith("rules.sl"), (path.name, module)


def test_the_plan_imports_no_framework():
    assert not [m for m in _imports(SRC / "plan.py") if m.startswith("frameworks")]
