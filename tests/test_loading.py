"""Every class of bad input becomes a finding or nothing: never a traceback, a hang or a blow-up."""

from __future__ import annotations

import codecs
import json

import pytest
import yaml

from steplint import loading
from steplint.loading import MAX_DEPTH, MAX_FILE_BYTES, load_bytes, load_text

from .conftest import codes, lint

TRAINING = "epochs: 90\nbatch_size: 256\nlr: 0.1\n"


def test_positions_of_keys_and_list_items():
    loaded = load_text("c.yaml", "a:\n  b: 1\n  list:\n    - x: 2\n")
    doc = loaded.documents[0]
    assert doc.positions[("a", "b")].line == 2 and doc.positions[("a", "b")].column == 3
    assert doc.positions[("a", "list", 0, "x")].line == 4 and doc.positions[("a", "list", 0, "x")].column == 7


def test_duplicate_key_reported_at_second_occurrence():
    result = lint("epochs: 90\nbatch_size: 256\nepochs: 30\n")
    dup = [f for f in result.findings if f.rule == "SL002"]
    assert [(f.line, f.column, f.key_path) for f in dup] == [(3, 1, "epochs")]
    assert "first defined at line 1" in dup[0].message


def test_duplicate_key_in_a_file_that_is_not_a_training_config_is_not_reported():
    assert lint("name: ci\non: push\njobs: {a: 1}\nname: again\n").findings == []


def test_syntax_error_has_line_and_column():
    result = lint("epochs: 90\nbatch_size: [1, 2\nlr: 3\n")
    assert codes(result) == ["SL001"]
    assert result.findings[0].line == 3


@pytest.mark.parametrize("raw,reason", [
    (TRAINING.encode() + b"name: x\x00\x01\n", "binary"),
    (TRAINING.encode() + "name: caf\xe9\n".encode("latin-1"), "not valid UTF-8"),
    (codecs.BOM_UTF16_LE + TRAINING.encode("utf-16-le") + b"\x00\xd8", "invalid UTF-16-LE"),
])
def test_undecodable_bytes_of_a_training_config_are_a_finding(raw, reason):
    result = lint(raw)
    assert codes(result) == ["SL001"] and reason in result.findings[0].message


@pytest.mark.parametrize("raw", [
    b"\x00GITCRYPT\x00" + bytes(range(256)) * 16,  # a git-crypt encrypted secrets.yaml
    "name: caf\xe9\nversion: 2\n".encode("latin-1"),
])
def test_undecodable_bytes_that_are_no_training_config_get_nothing(raw):
    assert lint(raw, "secrets.yaml").findings == []


def test_what_was_read_before_a_syntax_error_is_kept_for_judging_the_file():
    loaded = load_text("c.yaml", "a: 1\n---\nepochs: 90\nrun: {batch_size: [1, 2\n  lr: 3}\nname: 'x\n")
    assert [d.data for d in loaded.documents] == [{"a": 1}]
    assert loaded.partial == {"epochs": 90, "run": {"batch_size": [1, "2 lr"]}}
    assert load_text("c.yaml", "epochs: 90\nrun:\n  name: 'x\n").partial == {"epochs": 90, "run": {"name": None}}
    assert load_text("c.yaml", TRAINING).partial is None


def test_bom_crlf_and_utf16_are_read():
    for raw in (codecs.BOM_UTF8 + TRAINING.encode(), TRAINING.replace("\n", "\r\n").encode(),
                codecs.BOM_UTF16_LE + TRAINING.encode("utf-16-le")):
        result = lint(raw)
        assert result.dialect == "generic" and not result.findings, raw[:10]


def test_json_with_tabs_is_read_with_positions():
    result = lint('{\n\t"steplint": 1,\n\t"data": {"batch_size": 0}\n}\n', "c.json")
    assert [(f.rule, f.line, f.column) for f in result.findings] == [("SL003", 3, 11)]


DEEPSPEED_JSONC = """{
  // ZeRO-2 on 8 GPUs
  "train_batch_size": 1000,   /* = micro x accumulation x GPUs */
  "train_micro_batch_size_per_gpu": 32,
  "gradient_accumulation_steps": 4,
  /* offload is off: the optimizer
     state fits in memory */
  "zero_optimization": {"stage": 2,},
  "steps_per_print": 100,
}
"""


def test_json_with_comments_and_trailing_commas_is_read_with_positions():
    result = lint(DEEPSPEED_JSONC, "ds_config.json", world_size=8)
    assert result.dialect == "deepspeed"
    assert [(f.rule, f.line, f.column) for f in result.findings] == [("SL303", 3, 3)]
    doc = load_text("ds_config.json", DEEPSPEED_JSONC).documents[0]
    assert doc.positions[("zero_optimization", "stage")][:2] == (8, 25)  # after a two-line comment
    assert doc.positions[("steps_per_print",)][:2] == (9, 3)


def test_coqui_style_json_with_comment_lines_is_checked():
    text = ('{\n    // Coqui TTS: the trainer drops `//` lines before json.loads\n    "run_name": "vits_ljspeech",\n'
            '    "epochs": 1000,  // about two days\n    "batch_size": 32,\n    "lr": 0.0002,\n'
            '    "warmup_steps": 20000,\n    "max_steps": 10000\n}\n')
    result = lint(text, "config.json", dataset_size=13100)
    assert result.dialect == "generic"
    assert ("SL203", 7, 5) in [(f.rule, f.line, f.column) for f in result.findings]


def test_comment_markers_inside_json_strings_are_text():
    text = '{"url": "https://example.com//x", "glob": "src/**/*.ts", "c": "/* kept */", "q": "a\\"//b"} // end\n'
    loaded = load_text("c.json", text)
    assert not loaded.problems
    assert loaded.documents[0].data == {"url": "https://example.com//x", "glob": "src/**/*.ts", "c": "/* kept */",
                                        "q": 'a"//b'}


def test_an_unclosed_comment_in_a_json_training_config_is_a_syntax_error():
    result = lint('{"epochs": 90, "batch_size": 256, /* unclosed\n "lr": 0.1}\n', "c.json")
    assert codes(result) == ["SL001"]


@pytest.mark.parametrize("text", ["", "# only a comment\n", "- a\n- b\n", "just a string\n", "42\n", "---\n...\n"])
def test_empty_or_not_a_mapping_is_not_a_training_config(text):
    result = lint(text)
    assert result.findings == [] and result.dialect is None


def test_unknown_and_python_tags_are_read_as_plain_values_and_never_run(tmp_path):
    marker = tmp_path / "pwned"
    text = (f"epochs: !!python/object/apply:os.system ['touch {marker}']\n"
            f"batch_size: !include other.yaml\nlr: !!python/name:os.system\n"
            f"x: !!python/object/new:subprocess.Popen [['touch', '{marker}']]\n")
    result = lint(text)
    assert not marker.exists()
    assert all(f.rule != "SL001" for f in result.findings)


def test_alias_bomb_is_bounded():
    # No training key before it, yet reported: no file that is innocent, config or not, has one.
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i, name in enumerate("bcdefghij"):
        prev = "abcdefghij"[i]
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    result = lint("\n".join(lines) + "\nepochs: 3\n")
    assert codes(result) == ["SL005"]


PARSERS = {"pure-python": yaml.SafeLoader, "libyaml": getattr(yaml, "CSafeLoader", None)}


@pytest.mark.parametrize("parser", PARSERS)
@pytest.mark.parametrize("text", ["[" * 10_000 + "]" * 10_000, "{a: " * 10_000 + "1" + "}" * 10_000,
                                  "epochs: 3\nx: " + "[" * 10_000,
                                  "".join(f"{'  ' * i}k{i}:\n" for i in range(MAX_DEPTH + 5)) + "  " * 300 + "v: 1\n"])
def test_deep_nesting_is_the_depth_finding_whichever_parser_stops_first(text, parser, monkeypatch):
    # libyaml as bundled with PyYAML 6.0.4 refuses flow nesting past 1000 levels itself, before
    # steplint's own limit is reached; older parsers do not. Either way the user sees one SL005.
    if PARSERS[parser] is None:
        pytest.skip("this PyYAML has no libyaml binding")
    monkeypatch.setattr(loading, "_EventLoader", PARSERS[parser])
    result = lint(text)
    assert [(f.rule, f.message) for f in result.findings] == [("SL005", f"nesting deeper than {MAX_DEPTH} levels; not checked")]


def test_a_parser_depth_error_is_the_depth_finding(monkeypatch):
    # The parser's own limit, whatever its depth: simulated, so the test holds for every PyYAML.
    class Refusing(yaml.SafeLoader):
        def check_event(self, *choices):
            raise yaml.scanner.ScannerError("while increasing flow level", None, "exceeded maximum nesting depth",
                                            yaml.Mark("c.yaml", 0, 4, 7, None, None))

        get_event = peek_event = check_event

    monkeypatch.setattr(loading, "_EventLoader", Refusing)
    loaded = load_text("c.yaml", "epochs: 3\n")
    assert [(p.code, p.span.line, p.span.column) for p in loaded.problems] == [("SL005", 5, 8)]


def test_oversized_file_is_a_finding_without_parsing():
    loaded = load_bytes("big.yaml", b"a: 1\n" * (4 * 1024 * 1024))
    assert [p.code for p in loaded.problems] == ["SL005"]


def test_an_oversized_file_is_reported_only_when_its_start_reads_as_a_training_config():
    filler = b"x" * (MAX_FILE_BYTES + 1)
    training = lint(b"steplint: 1\nrun: {epochs: 90}\nnotes: " + filler, "train.yaml")
    assert codes(training) == ["SL005"]
    data = lint(b'{"info": {"description": "COCO 2017"}, "images": [{"file_name": "' + filler + b'"}]}', "train.json")
    assert data.findings == []


def test_too_many_values_is_reported_only_in_a_training_config(monkeypatch):
    monkeypatch.setattr(loading, "MAX_EXPANDED_NODES", 1000)  # the same rule as at 500,000, in less time
    vocab = "{" + ", ".join(f'"tok{i}": {i}' for i in range(1000)) + "}"
    tokenizer = '{"version": "1.0", "model": {"type": "BPE", "vocab": ' + vocab + "}}"
    assert lint(tokenizer, "tokenizer.json").findings == []
    assert codes(lint('{"epochs": 3, "batch_size": 8, "vocab": ' + vocab + "}", "config.json")) == ["SL005"]


def test_merge_keys_and_anchors():
    result = lint("base: &b {batch_size: 256, num_samples: 50000}\ntrain:\n  <<: *b\n  epochs: 90\n  total_steps: 100\n")
    assert result.plan["batches_per_epoch"] == 196
    sl201 = [f for f in result.findings if f.rule == "SL201"]
    assert sl201 and sl201[0].line == 5


def test_multi_document_file_checks_each_training_document():
    result = lint("kind: Something\n---\nsteplint: 1\ndata: {batch_size: 0}\n")
    assert [(f.rule, f.line) for f in result.findings] == [("SL003", 4)]
    assert result.dialect == "steplint"


def test_huge_numbers_and_special_floats_are_invalid_values_not_crashes():
    result = lint("steplint: 1\ndata: {batch_size: 1e308, train_size: 123456789012345678901234567890}\n"
                  "run: {epochs: .inf, max_steps: .nan}\n")
    assert sorted(f.key_path for f in result.findings if f.rule == "SL003") == \
        ["data.batch_size", "data.train_size", "run.epochs", "run.max_steps"]


def test_yaml_12_style_numbers_are_read():
    result = lint("epochs: 1e1\nbatch_size: 256\nnum_samples: 50_000\n")
    assert result.plan["epochs"] == 10 and result.plan["dataset_size"] == 50000


def test_strings_where_numbers_belong():
    native = lint("steplint: 1\ndata: {batch_size: lots}\n")
    assert codes(native) == ["SL003"]
    generic = lint("epochs: 3\nbatch_size: auto\n")  # other tools' sentinels are just unknown
    assert generic.findings == [] and generic.plan["micro_batch_size"] is None


# What the loader collects in its one pass, so later stages need not walk the tree again.

def _walked_keys(data) -> set:
    from steplint.frameworks.base import _walk
    return {key for _, key, _ in _walk(data)}


def _loaded_documents():
    """Every document of the corpus and of the sample configs, with the name of its file."""
    from .conftest import CORPUS, ROOT
    paths = sorted((ROOT / "sample_configs").rglob("*.*"))
    if CORPUS.is_dir():
        paths += sorted(p for p in CORPUS.rglob("*") if p.suffix in (".yaml", ".yml", ".json"))
    for path in paths:
        for document in load_bytes(str(path), path.read_bytes()).documents:
            yield path.name, document


def test_key_names_and_reference_flag_agree_with_a_walk_of_every_real_document():
    from steplint.frameworks.base import _walk
    from steplint.interpolation import has_references
    documents = list(_loaded_documents())
    from .conftest import CORPUS
    assert len(documents) > (500 if CORPUS.is_dir() else 100)  # the samples alone, without ../shared
    for name, document in documents:
        if document.key_names is not None:
            assert document.key_names == _walked_keys(document.data), name
        assert document.nodes >= len(_walk(document.data)), name
        if not document.holds_references:
            assert not has_references(document.data), name
    assert sum(d.key_names is not None for _, d in documents) > 0.9 * len(documents)
    assert sum(d.holds_references for _, d in documents) < len(documents)


def test_key_names_are_every_key_of_the_tree():
    text = "a:\n  b: 1\n  list:\n    - {x: 2}\n    - [{y: 3}]\nc: ${a.b}\n"
    document = load_text("c.yaml", text).documents[0]
    assert document.key_names == {"a", "b", "list", "x", "y", "c"}
    assert document.holds_references
    assert not load_text("c.yaml", "a: '$'\nb: '{x}'\n").documents[0].holds_references


@pytest.mark.parametrize("text", [
    "a: {gone: 1}\na: 2\n",  # a duplicate key drops the earlier value, and the keys inside it
    "run:\n  <<: {a: {gone: 1}}\n  a: 2\n",  # so does a merged value that the mapping overrides
])
def test_key_names_are_unknown_where_a_value_was_dropped(text):
    document = load_text("c.yaml", text).documents[0]
    assert document.key_names is None
    assert "gone" not in _walked_keys(document.data)


def test_positions_are_made_only_from_the_marks_kept_per_key():
    document = load_text("c.yaml", "a:\n  b: [1, {c: 2}]\n").documents[0]
    assert document.position(("a", "b", 1, "c"))[:2] == (2, 11)
    assert document.position(("a", "b", 1, "missing"))[:2] == (2, 10)  # the closest recorded ancestor
    assert document.position(("nothing",)) is None
    assert document.span(("nothing",))[:2] == (1, 1)  # the root mapping
    assert document.positions == {path: document.span(path) for path in document.marks}


def test_detection_told_the_key_names_is_detection_by_walking():
    import copy
    from steplint.frameworks import base, detect
    for name, document in _loaded_documents():
        untold = copy.deepcopy(document.data)  # a tree the loader told nothing about
        walked = detect(untold)
        told = detect(document.data, None, (), document)
        assert (told and told.name) == (walked and walked.name), name
        if isinstance(untold, dict):
            assert base.key_names(document.data, 20_000) == {k for _, k, _ in base.walk(untold, 20_000)}, name
            for keys in (("_target_",), ("_component_", "class_path")):
                assert base.walk(document.data, 5_000, keys) == \
                    tuple(e for e in base.walk(untold, 5_000) if e[1] in keys), name


def test_a_findings_key_is_placed_as_the_table_of_every_formatted_key_places_it():
    from steplint.engine import _KeySpans, lookup_span
    from steplint.loading import format_key_path
    dotted = "a: {b: 1, 'c.d': 2}\n'a.b': 3\nl: [{x: 1}, [2]]\n'': {e: 4}\n"  # keys that format alike
    documents = [d for _, d in _loaded_documents()] + load_text("c.yaml", dotted).documents
    for document in documents:
        table = {format_key_path(k): v for k, v in document.positions.items()}
        spans = _KeySpans(document)
        for path in document.marks:
            for key in (format_key_path(path), format_key_path(path + ("unknown",)), format_key_path(path + (3,))):
                assert spans(key) == lookup_span(table, key), key


@pytest.mark.parametrize("path,dotted", [
    ((), ""), (("a",), "a"), (("a", "b"), "a.b"), (("a", 0, "b"), "a[0].b"), ((0,), "[0]"), (("a", "", "b"), "a..b"),
    (("", "a"), "a"), (("a", ""), "a."), (("", ""), ""),  # a leading empty key gets no dot
])
def test_key_paths_are_written_dotted_with_list_indexes_in_brackets(path, dotted):
    assert loading.format_key_path(path) == dotted


def test_a_json_file_is_read_as_json_load_reads_it():
    # DeepSpeed (deepspeed/runtime/config.py: json.load) and HfArgumentParser.parse_json_file read
    # JSON with json: 1e-5 is a number there, where a YAML 1.1 reader keeps the text '1e-5'.
    loaded = loading.load_bytes("ds_config.json", b'{"optimizer": {"params": {"lr": 1e-5, "eps": 1E-8}}, "steps": 10}')
    document = loaded.documents[0]
    assert document.data == {"optimizer": {"params": {"lr": 1e-5, "eps": 1e-8}}, "steps": 10}
    assert document.key_names == {"optimizer", "params", "lr", "eps", "steps"}
    assert not document.holds_references
    # positions are found when asked for, where the YAML reader finds them
    assert document.span(("optimizer", "params", "eps")) == loading.Span(1, 39, 1, 44)  # "eps", quotes included
    assert loading.load_bytes("x.yaml", b"lr: 1e-5\n").documents[0].data == {"lr": "1e-5"}


def test_json_that_is_not_plain_json_is_still_read_by_the_yaml_reader():
    jsonc = loading.load_bytes("settings.json", b'{\n  // a comment\n  "epochs": 3,\n}\n')
    assert jsonc.documents[0].data == {"epochs": 3} and not jsonc.problems
    duplicated = loading.load_bytes("config.json", b'{"epochs": 3,\n "epochs": 4}')
    assert duplicated.documents[0].data == {"epochs": 4}
    assert duplicated.documents[0].key_names is None  # a value was dropped
    assert [(p.code, p.span.line) for p in duplicated.problems] == [("SL002", 2)]
    deep = "[" * (loading.MAX_DEPTH + 1) + "]" * (loading.MAX_DEPTH + 1)
    assert [p.code for p in loading.load_bytes("deep.json", deep.encode()).problems] == ["SL005"]


def test_json_marks_match_the_yaml_reader_on_every_json_file_at_hand():
    """The tokens of each plain JSON file here and in ../shared (when present) give the marks the
    YAML reader gives it, in its order."""
    from .conftest import ROOT, SHARED

    roots = [ROOT / "sample_configs", ROOT / "tests", SHARED / "corpus", SHARED / "corpus-wild"]
    compared = 0
    for root in (r for r in roots if r.is_dir()):
        for path in sorted(root.rglob("*.json")):
            text, _ = loading.decode(path.read_bytes())
            try:
                json.loads(text)
            except (TypeError, ValueError):
                continue
            builder = loading._TreeBuilder()
            builder.run(loading.json_source(text))
            found = loading.json_marks(text)
            if builder.problems or not builder.documents or found is None:
                continue
            assert found == builder.documents[0].marks, path
            assert list(found) == list(builder.documents[0].marks), path
            compared += 1
    assert compared >= 5  # the samples alone hold more than that
