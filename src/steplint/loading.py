"""Load stage: bytes -> documents of plain values, with a source position for every key path.

Nothing is ever constructed from a tag: the tree is built from the parser's event stream, so
`!!python/object` and friends are read as plain values, and no YAML tag can run code. Building
from events (instead of composing a node tree and walking it) keeps the work iterative, so deep
nesting cannot hit Python's recursion limit, and lets aliases be counted, not expanded.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import stat
from dataclasses import dataclass, field
from typing import Any, Callable, NamedTuple, Optional, Union

import yaml
from yaml import constructor as _yaml_constructor
from yaml import resolver as _yaml_resolver

try:  # libyaml's parser (alone: only its events are read) is several times faster; the pure-Python one behaves the same
    from yaml.cyaml import CParser as _EventLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _EventLoader  # type: ignore[assignment]

KeyPath = tuple[Union[str, int], ...]

MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 200
# Nodes a file may hold (all its documents together) once aliases are counted as the copies they
# stand for: a bound on "billion laughs" that still admits any real config (the largest corpus
# file has ~20k nodes).
MAX_EXPANDED_NODES = 500_000
# Documents in one file (`---` separators): each is checked on its own, so each costs a full pass of
# the engine; Kubernetes-style multi-document files have tens, not thousands.
MAX_DOCUMENTS = 10_000
# An integer written with more characters than this stays its text: no count in a config comes
# near it, and converting longer ones is slow (sexagesimal `1:2:3...` is quadratic) or makes ints
# too long to print (Python refuses str() past 4300 digits, and messages quote the value).
MAX_INT_CHARS = 128
# What is read of a file steplint cannot check (too large, not text) to judge whether it is a
# training config at all: a config's identifying keys sit well inside its first 64 KiB.
GLIMPSE_BYTES = 64 * 1024

SYNTAX_ERROR = "SL001"
DUPLICATE_KEY = "SL002"
TOO_LARGE = "SL005"


class Span(NamedTuple):
    """1-based line and column; end_column is exclusive (SARIF's convention)."""

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True)
class LoadProblem:
    code: str
    message: str
    span: Span
    key_path: KeyPath = ()
    document: Optional[int] = None  # the document it belongs to; None = the whole file
    # Over the byte or value limit, as any big data file is (a lock file, a tokenizer's vocabulary);
    # not a construct only a hostile file has (alias expansion, nesting depth, document count).
    ordinary_size: bool = False

    @property
    def needs_evidence(self) -> bool:
        """Reported only where the file is plausibly a training config: any YAML or JSON file, a
        template or a broken editor setting, can have a syntax error or a large size."""
        return self.code == SYNTAX_ERROR or self.ordinary_size


@dataclass
class Document:
    data: Any
    # Where each key path is: the parser's 0-based marks, made a Span only where one is asked for
    # (`marks`). None until `locate` finds them: a JSON file's are looked for only when asked.
    _marks: Optional[dict[KeyPath, tuple[int, int, int, int]]] = field(default_factory=dict)
    # Every mapping key the tree holds, collected while loading (detection reads it instead of
    # walking the tree); None when a duplicate or merge key may have dropped a value, and with it
    # keys that are no longer in the tree.
    key_names: Optional[set[str]] = None
    # Values in the tree, each alias counted as the copy it stands for (as the limits count them):
    # at least the number of entries a walk of the tree meets.
    nodes: int = 0
    # Whether some value was written with `${`: without one there is nothing to interpolate.
    holds_references: bool = True
    locate: Optional[Callable[[], dict[KeyPath, tuple[int, int, int, int]]]] = field(default=None, repr=False)

    @property
    def marks(self) -> dict[KeyPath, tuple[int, int, int, int]]:
        if self._marks is None:
            self._marks = self.locate() if self.locate is not None else {}
            self.locate = None
        return self._marks

    def position(self, path: KeyPath) -> Optional[Span]:
        """The position of `path`, or of its closest recorded ancestor short of the root; None if none."""
        while path:
            found = self.marks.get(path)
            if found is not None:
                return _as_span(found)
            path = path[:-1]
        return None

    def span(self, path: KeyPath) -> Span:
        """The position of `path`, or of its closest recorded ancestor (aliases, merges)."""
        found = self.position(path)
        if found is not None:
            return found
        root = self.marks.get(())
        return Span(1, 1, 1, 1) if root is None else _as_span(root)

    @property
    def positions(self) -> dict[KeyPath, Span]:
        """Every recorded key path's position."""
        return {path: _as_span(marks) for path, marks in self.marks.items()}


@dataclass
class LoadedFile:
    path: str
    text: str
    documents: list[Document]
    problems: list[LoadProblem]
    # What was read of the document the load stopped in (a syntax error, a limit), each open mapping
    # and list kept as far as it got; for a file too large or not text, what its start holds.
    partial: Any = None


_FIRST = Span(1, 1, 1, 1)
REFERENCE = "${"  # what starts an OmegaConf interpolation, which interpolation.py resolves


_KEY_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def parse_key_path(dotted: str) -> KeyPath:
    """`a.b[0].c` as ("a", "b", 0, "c"): how the project config and profiles name a key."""
    return tuple(int(index) if index else name for name, index in _KEY_PART.findall(dotted))


def format_key_path(path: KeyPath) -> str:
    """Dotted, with list indices in brackets: trainer.callbacks[0].init_args.every_n_train_steps."""
    if path and path[0] != "":
        try:  # the common case, keys only (a leading empty key gets no dot below)
            return ".".join(path)  # type: ignore[arg-type]
        except TypeError:  # a list index
            pass
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


# YAML 1.2 §5.2 "character encodings": a BOM names the encoding; without one, the NUL bytes around
# the first character (always ASCII in a config) do. UTF-32 is tested first: its BOMs and patterns
# begin like UTF-16's.
_ENCODINGS = (
    (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"), (codecs.BOM_UTF16_LE, "utf-16-le"),
)


def _sniff(raw: bytes) -> tuple[str, int] | None:
    """(encoding, BOM length) for UTF-16 and UTF-32; None for UTF-8."""
    for bom, encoding in _ENCODINGS:
        if raw.startswith(bom):
            return encoding, len(bom)
    if len(raw) >= 4 and raw[:3] == b"\0\0\0" and raw[3]:
        return "utf-32-be", 0
    if len(raw) >= 4 and raw[0] and raw[1:4] == b"\0\0\0":
        return "utf-32-le", 0
    if len(raw) >= 2 and not raw[0] and raw[1]:
        return "utf-16-be", 0
    if len(raw) >= 2 and raw[0] and not raw[1]:
        return "utf-16-le", 0
    return None


def decode(raw: bytes) -> tuple[str | None, str | None]:
    """(text, None) or (None, reason). UTF-8, with or without a BOM, or UTF-16/32 recognised as YAML
    1.2 says (a BOM, or NUL bytes around the first character); NUL characters mean binary."""
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    elif (sniffed := _sniff(raw)) is not None:
        encoding, skip = sniffed
        try:
            text = raw[skip:].decode(encoding)
        except UnicodeDecodeError as exc:
            if skip:  # the BOM said so: the file is broken, not binary
                return None, f"invalid {encoding.upper()} at byte {exc.start + skip}"
        else:
            if "\x00" not in text:
                return text, None
    if b"\x00" in raw:
        return None, "binary file (contains NUL bytes), not a YAML or JSON config"
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return None, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at line {line}); save the file as UTF-8"


def file_id(path: str) -> Optional[tuple[int, int]]:
    """(device, inode): the same file under any name, for one stat call (realpath costs one per
    path component); None when there is no such file."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return st.st_dev, st.st_ino


def read_regular_file(path: str, limit: int) -> Optional[bytes]:
    """Up to `limit` + 1 bytes of a regular file (links followed), for a file another config names
    (`_BASE_`, `deepspeed:`); None for anything else. A FIFO or device named there (`/dev/stdin`)
    would block or never end: it is opened without blocking and refused."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except (OSError, ValueError):
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, limit + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


def load_bytes(path: str, raw: bytes) -> LoadedFile:
    if len(raw) > MAX_FILE_BYTES:
        size_mib = len(raw) / 2**20
        return LoadedFile(path, "", [], [LoadProblem(
            TOO_LARGE, f"file is {size_mib:.1f} MiB, over the {MAX_FILE_BYTES // 2**20} MiB limit; not checked", _FIRST,
            ordinary_size=True)], _glimpse(path, _lossy(raw[:GLIMPSE_BYTES])))
    text, reason = decode(raw)
    if text is None:
        return LoadedFile(path, "", [], [LoadProblem(SYNTAX_ERROR, reason or "undecodable", _FIRST)],
                          _glimpse(path, _lossy(raw[:GLIMPSE_BYTES])))
    return load_text(path, text)


# What YAML refuses to read (YAML 1.1 §5.1, as PyYAML's Reader.NON_PRINTABLE): control characters.
_UNPRINTABLE = re.compile("[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]")


def _lossy(raw: bytes) -> str:
    """Bytes as text whatever they hold: what cannot be decoded becomes U+FFFD."""
    sniffed = _sniff(raw)
    encoding, skip = sniffed if sniffed is not None else ("utf-8-sig", 0)
    return raw[skip:].decode(encoding, "replace")


def _glimpse(path: str, text: str) -> Any:
    """The first mapping `text` holds, read as far as it parses, every character YAML refuses read
    as U+FFFD: what says whether a file steplint cannot check is a training config at all."""
    builder = _read_as_far_as_it_goes(_UNPRINTABLE.sub("\ufffd", json_source(text) if _is_json(path) else text))
    return next((d.data for d in builder.documents if isinstance(d.data, dict)), None) or builder.partial()


def _read_as_far_as_it_goes(source: str) -> _TreeBuilder:
    """The tree builder after reading `source` up to its end, a limit or a syntax error."""
    builder = _TreeBuilder()
    try:
        builder.run(source)
    except (_Abort, yaml.YAMLError, ValueError, RecursionError, MemoryError):
        pass
    return builder


def _is_json(path: str) -> bool:
    return path.lower().endswith((".json", ".jsonc"))


# In JSON, outside strings: `//` and `/* */` comments, which JSONC (VS Code's settings, tsconfig,
# devcontainer) and some frameworks' configs (Coqui TTS strips `//` lines before json.loads) allow.
# A string is matched whole first, so the `//` of "http://..." and the `/*` of "src/**/*.ts" are
# not comments. Trailing commas need nothing: YAML flow collections allow one, as JSONC does.
_JSON_STRING = r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"'
_JSON_STRINGS = re.compile(_JSON_STRING)
_JSON_STRING_OR_COMMENT = re.compile(_JSON_STRING + r'|//[^\n]*|/\*[\s\S]*?\*/')
_NOT_A_LINE_BREAK = re.compile(r"[^\r\n]")


def _blank_comment(match: re.Match) -> str:
    found = match.group()
    return found if found[0] == '"' else _NOT_A_LINE_BREAK.sub(" ", found)


def json_source(text: str) -> str:
    """JSON(C) as the YAML parser can read it, every character where it was (positions stay
    right): comments become spaces, and tabs, JSON white space that YAML refuses, one space each."""
    if "/" in text:
        outside_strings = _JSON_STRINGS.sub("", text)  # no Python call per string: most JSON has no comment
        if "//" in outside_strings or "/*" in outside_strings:
            text = _JSON_STRING_OR_COMMENT.sub(_blank_comment, text)
    return text.replace("\t", " ")


def load_text(path: str, text: str) -> LoadedFile:
    if path.lower().endswith(".toml"):
        return _load_toml(path, text)
    if _is_json(path):
        loaded = _load_plain_json(path, text)
        if loaded is not None:
            return loaded
    source = json_source(text) if _is_json(path) else text
    builder = _TreeBuilder()
    try:
        builder.run(source)
    except _Abort:
        pass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or exc.context or "invalid YAML"
        span = Span(line, col, line, col + 1)
        if _PARSER_DEPTH_LIMIT in what.lower():
            # libyaml (bundled with PyYAML >= 6.0.4) stops flow nesting at depth 1000, which can come
            # before the tree builder reaches MAX_DEPTH: the same limit, the same finding.
            builder.problems.append(LoadProblem(TOO_LARGE, _DEPTH_MESSAGE, span))
        else:
            builder.problems.append(LoadProblem(SYNTAX_ERROR, f"syntax error: {what}", span))
    except (yaml.YAMLError, ValueError, RecursionError, MemoryError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        builder.problems.append(LoadProblem(SYNTAX_ERROR, f"syntax error: {first}", _FIRST))
    partial = builder.partial()
    if partial is None and any(p.code == SYNTAX_ERROR for p in builder.problems) and _UNPRINTABLE.search(source):
        partial = _glimpse(path, text)  # the reader refused a control character before any key was read
    return LoadedFile(path, text, builder.documents, builder.problems, partial)


# Plain JSON this small, with this few brackets (so no deeper than MAX_DEPTH), is read by json.loads.
_PLAIN_JSON_BYTES = 256 * 1024


def _load_plain_json(path: str, text: str) -> Optional[LoadedFile]:
    """A .json file that is plain JSON, read as the frameworks read it (json.load: `1e-5` is a
    number, where a YAML reader keeps the text), at json's speed; its positions are found from its
    tokens (json_marks) only when a finding asks for one. None when it is not plain JSON (comments,
    JSON5, a syntax error) or too large or deep for that shortcut: the YAML reader then reads it."""
    if len(text) > _PLAIN_JSON_BYTES or text.count("{") + text.count("[") > MAX_DEPTH:
        return None
    names: set[str] = set()
    duplicated = False

    def mapping(pairs: list[tuple[str, Any]]) -> dict:
        nonlocal duplicated
        value = dict(pairs)
        if len(value) != len(pairs):
            duplicated = True  # json keeps the last value, as the YAML reader does
        names.update(value)
        return value

    try:
        data = json.loads(text, object_pairs_hook=mapping)
    except (ValueError, RecursionError):  # a JSONDecodeError is a ValueError, and so is a too long int
        return None
    nodes = _count_values(data)
    if nodes >= MAX_EXPANDED_NODES // 2:
        return None  # near the limit on values: the YAML reader, which enforces it, decides
    if duplicated:  # the YAML reader says where each copy is written (SL002)
        builder = _read_as_far_as_it_goes(json_source(text))
        marks = builder.documents[0].marks if builder.documents else {}
        problems = [p for p in builder.problems if p.code == DUPLICATE_KEY]
        return LoadedFile(path, text, [Document(data, marks, None, nodes, "${" in text)], problems)

    def locate() -> dict[KeyPath, tuple[int, int, int, int]]:
        marks = json_marks(text)
        if marks is None:  # line breaks only YAML counts
            documents = _read_as_far_as_it_goes(json_source(text)).documents
            marks = documents[0].marks if documents else {}
        return marks

    return LoadedFile(path, text, [Document(data, None, names, nodes, "${" in text, locate)], [])


# A token of plain JSON (group 1): a string, a bracket, a number or literal, with the separators and
# white space before it (taken by the same match: far fewer attempts than skipping them one by one).
_JSON_TOKEN = re.compile(r'[\s,:]*("[^"\\]*(?:\\.[^"\\]*)*"|[{}\[\]]|[^\s{}\[\],:"]+)')
# Breaks YAML counts as lines that JSON does not (a lone CR, NEL, LS, PS): their files are left to the YAML reader.
_OTHER_BREAKS = re.compile("\r(?!\n)|[\x85\u2028\u2029]")


class _JsonOpen:
    __slots__ = ("path", "is_map", "index", "key", "key_marks", "entry_marks")

    def __init__(self, path: KeyPath, is_map: bool, entry_marks: Optional[tuple[int, int, int, int]]) -> None:
        self.path, self.is_map, self.index = path, is_map, 0
        self.key: Any = None
        self.key_marks: Optional[tuple[int, int, int, int]] = None
        self.entry_marks = entry_marks  # its key's, recorded when it closes (as the YAML reader does)


def json_marks(text: str) -> Optional[dict[KeyPath, tuple[int, int, int, int]]]:
    """The marks the YAML reader records for plain JSON without duplicate keys (each key's, each list
    item's, the root's), found by one pass over its tokens: about half a YAML parse's time. None
    for line breaks only YAML counts."""
    if _OTHER_BREAKS.search(text):
        return None
    marks: dict[KeyPath, tuple[int, int, int, int]] = {}
    stack: list[_JsonOpen] = []
    line = line_start = 0
    next_break = text.find("\n")
    for token in _JSON_TOKEN.finditer(text):
        start = token.start(1)
        while 0 <= next_break < start:  # a JSON token holds no line break
            line, line_start = line + 1, next_break + 1
            next_break = text.find("\n", line_start)
        word = token.group(1)
        first = word[0]
        if first == "}" or first == "]":
            done = stack.pop()
            if done.entry_marks is not None:
                marks[done.path] = done.entry_marks
            continue
        column = start - line_start
        opens = first == "{" or first == "["
        here = (line, column, line, column + 1 if opens else token.end() - line_start)
        top = stack[-1] if stack else None
        entry_marks = None
        if top is None:
            path: KeyPath = ()
            marks[()] = here
        elif top.is_map:
            if top.key_marks is None:  # a key
                top.key = word[1:-1] if "\\" not in word else json.loads(word)
                top.key_marks = here
                continue
            path, entry_marks = top.path + (top.key,), top.key_marks
            top.key_marks = None
            if not opens:
                marks[path] = entry_marks
        else:
            path = top.path + (top.index,)
            top.index += 1
            marks[path] = here
        if opens:
            stack.append(_JsonOpen(path, first == "{", entry_marks))
    return marks


def _load_toml(path: str, text: str) -> LoadedFile:
    from . import toml_loading  # most runs read no TOML

    try:
        data, positions = toml_loading.parse(text, MAX_DEPTH)
    except toml_loading.TomlProblem as exc:
        span = Span(exc.line, exc.column, exc.line, exc.column + 1)
        return LoadedFile(path, text, [], [LoadProblem(SYNTAX_ERROR, f"syntax error: {exc.message}", span)],
                          toml_loading.partial(text, exc.line, MAX_DEPTH))
    except toml_loading.TooDeep:
        return LoadedFile(path, text, [], [LoadProblem(TOO_LARGE, _DEPTH_MESSAGE, _FIRST)])
    # the parser gives 1-based spans; a Document keeps 0-based marks, as libyaml gives them
    marks = {k: (line - 1, column - 1, end_line - 1, end_column - 1) for k, (line, column, end_line, end_column) in positions.items()}
    return LoadedFile(path, text, [Document(data, marks, nodes=_count_values(data))], [])


def _count_values(tree: Any) -> int:
    """The values in a parsed tree, as the YAML loader counts them while it reads (TOML has no aliases)."""
    count, todo = 0, [tree]
    while todo:
        node = todo.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        for child in children:
            count += 1
            todo.append(child)
    return count


_DEPTH_MESSAGE = f"nesting deeper than {MAX_DEPTH} levels; not checked"
_PARSER_DEPTH_LIMIT = "maximum nesting depth"  # libyaml's "exceeded maximum nesting depth"


class _Abort(Exception):
    """A limit was hit; the problem is already recorded."""


_resolver = _yaml_resolver.Resolver()
_constructor = _yaml_constructor.SafeConstructor()
_TAG = "tag:yaml.org,2002:"
_INT = _TAG + "int"
_CONSTRUCTORS = {
    _TAG + "int": _yaml_constructor.SafeConstructor.construct_yaml_int,
    _TAG + "float": _yaml_constructor.SafeConstructor.construct_yaml_float,
    _TAG + "bool": _yaml_constructor.SafeConstructor.construct_yaml_bool,
    _TAG + "null": _yaml_constructor.SafeConstructor.construct_yaml_null,
}


_PYTHON_TAG = _TAG + "python/"


class TaggedText(str):
    """A scalar written with a `!!python/...` tag, kept as its text: what a safe YAML loader
    (yaml.safe_load, OmegaConf, jsonargparse) refuses and an unsafe one builds a Python object
    from. `yaml_tag` is the tag as written (`!!python/object/apply:eval`)."""

    yaml_tag = ""

    def __reduce__(self):  # for --jobs workers: keep the tag
        return _tagged_text, (str(self), self.yaml_tag)


def _tagged_text(text: str, tag: str) -> "TaggedText":
    value = TaggedText(text)
    value.yaml_tag = tag
    return value


class TaggedMapping(dict):
    """A mapping written with a `!!python/...` tag (`!!python/object:Foo {a: 1}`)."""

    yaml_tag = ""


class TaggedList(list):
    """A sequence written with a `!!python/...` tag (`!!python/object/apply:eval ["[1, 2]"]`)."""

    yaml_tag = ""


def python_tag(value: Any) -> str:
    """The `!!python/...` tag a value was written with, or ''."""
    return getattr(value, "yaml_tag", "") if isinstance(value, (TaggedText, TaggedMapping, TaggedList)) else ""


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_TAG):] if tag.startswith(_TAG) else tag


# Scalar text -> value, for untagged plain scalars (whose text alone says what they are) and for
# tagged ones ((tag, text, implicit) -> value): configs repeat true, 1, null... Untagged quoted and
# block scalars are their text.
_PLAIN: dict[str, Any] = {}
_TAGGED: dict[tuple, Any] = {}
_PLAIN_IMPLICIT = (True, False)


def _plain(text: str) -> Any:
    value = _construct(None, text, _PLAIN_IMPLICIT)
    if len(_PLAIN) > 4096:  # small: each worker process keeps its own, and memory must stay flat
        _PLAIN.clear()
    _PLAIN[text] = value  # every constructed scalar is immutable: int, float, bool, None or str
    return value


def _tagged(event: yaml.ScalarEvent) -> Any:
    memo = (event.tag, event.value, event.implicit)
    found = _TAGGED.get(memo, _TAGGED)
    if found is not _TAGGED:
        return found
    value = _construct(event.tag, event.value, event.implicit)
    if len(_TAGGED) > 4096:
        _TAGGED.clear()
    _TAGGED[memo] = value
    return value


def _construct(tag: Optional[str], text: str, implicit: tuple[bool, bool]) -> Any:
    if tag is None or tag == "!":
        tag = _resolver.resolve(yaml.ScalarNode, text, implicit)
    build = _CONSTRUCTORS.get(tag)
    if build is None:  # str, timestamps, binary and every unknown tag stay the text as written
        return _tagged_text(text, _short_tag(tag)) if tag.startswith(_PYTHON_TAG) else text
    if tag == _INT and len(text) > MAX_INT_CHARS:
        return text
    try:
        return build(_constructor, yaml.ScalarNode(tag, text))
    except Exception:  # noqa: BLE001 - PyYAML's constructors on hostile text (`!!int ` is an IndexError)
        return text


def _container(is_map: bool, tag: Optional[str]) -> Any:
    if tag and tag.startswith(_PYTHON_TAG):
        tagged = TaggedMapping() if is_map else TaggedList()
        tagged.yaml_tag = _short_tag(tag)
        return tagged
    return {} if is_map else []


def _span(event: Any) -> Span:
    return _as_span(_marks(event))


def _marks(event: Any) -> tuple[int, int, int, int]:
    """Where an event is, as the parser gives it (0-based): kept per key instead of a Span, which is
    built only for the few keys a finding points at."""
    start, end = event.start_mark, event.end_mark
    return start.line, start.column, end.line, end.column


def _as_span(marks: tuple[int, int, int, int]) -> Span:
    line, column, end_line, end_column = marks
    if end_line != line or end_column <= column:  # underline one character
        return Span(line + 1, column + 1, line + 1, column + 2)
    return Span(line + 1, column + 1, end_line + 1, end_column + 1)


class _Open:
    """A mapping or sequence being built."""

    __slots__ = ("value", "is_map", "path", "anchor", "size", "pending_key", "pending_key_marks", "merged")

    def __init__(self, value: Any, is_map: bool, path: KeyPath, anchor: Optional[str]) -> None:
        self.value = value
        self.is_map = is_map
        self.path = path
        self.anchor = anchor
        self.size = 1
        self.pending_key: Optional[str] = None
        self.pending_key_marks: Optional[tuple[int, int, int, int]] = None
        self.merged: list[dict] = []


_ScalarEvent, _AliasEvent = yaml.ScalarEvent, yaml.AliasEvent
_MappingStart, _MappingEnd = yaml.MappingStartEvent, yaml.MappingEndEvent
_SequenceStart, _SequenceEnd = yaml.SequenceStartEvent, yaml.SequenceEndEvent
_DocumentStart, _DocumentEnd, _StreamEnd = yaml.DocumentStartEvent, yaml.DocumentEndEvent, yaml.StreamEndEvent


class _TreeBuilder:
    def __init__(self) -> None:
        self.documents: list[Document] = []
        self.problems: list[LoadProblem] = []
        self.open_containers: list[_Open] = []  # of the document being read, outermost first

    def run(self, text: str) -> None:
        loader = _EventLoader(text)
        try:
            self._read(loader.get_event)
        finally:
            loader.dispose()

    def _read(self, next_event: Any) -> None:
        """One pass over the events, the commonest (scalars) tested first: with the parser, this
        loop is the largest share of the time steplint spends on a file."""
        stack: list[_Open] = []
        top: Optional[_Open] = None  # the innermost open container: stack[-1]
        document: Optional[Document] = None
        anchors: dict[str, tuple[Any, int]] = {}
        marks: dict[KeyPath, tuple[int, int, int, int]] = {}
        keys: set[str] = set()
        references = dropped = False
        # One budget for the whole file: a limit per document would let a file of many
        # documents (or of many small alias bombs) add up to any size.
        expanded = first_node = 0
        plain = _PLAIN
        while True:
            event = next_event()
            kind = type(event)
            if kind is _ScalarEvent:
                if top is not None and top.is_map and top.pending_key is None:  # a key names the entry
                    top.pending_key = event.value
                    start, end = event.start_mark, event.end_mark
                    top.pending_key_marks = (start.line, start.column, end.line, end.column)
                    continue
                expanded += 1
                if expanded > MAX_EXPANDED_NODES:
                    self._limit(_span(event), f"more than {MAX_EXPANDED_NODES:,} values; not checked", True)
                text = event.value
                if event.tag is not None:
                    value = _tagged(event)
                elif event.implicit[0]:  # plain
                    value = plain.get(text, plain)
                    if value is plain:
                        value = _plain(text)
                else:  # quoted, or a block
                    value = text
                references = references or REFERENCE in text
                if event.anchor is not None:
                    anchors[event.anchor] = (value, 1)
                size, at = 1, event
            elif kind is _MappingEnd or kind is _SequenceEnd:
                done = stack.pop()
                top = stack[-1] if stack else None
                if done.merged:
                    for base in reversed(done.merged):
                        for key, val in base.items():
                            done.value.setdefault(key, val)
                if done.anchor is not None:
                    anchors[done.anchor] = (done.value, done.size)
                value, size, at = done.value, done.size, None
            elif kind is _MappingStart or kind is _SequenceStart:
                if top is not None and top.is_map and top.pending_key is None:
                    raise yaml.MarkedYAMLError(None, None, "a mapping or list used as a key is not supported",
                                               event.start_mark)
                if top is None:
                    path: KeyPath = ()
                    marks[()] = _marks(event)
                elif top.is_map:
                    path = top.path + (top.pending_key,)
                else:
                    path = top.path + (len(top.value),)
                    marks[path] = _marks(event)
                if len(stack) >= MAX_DEPTH:
                    self._limit(_span(event), _DEPTH_MESSAGE)
                expanded += 1
                is_map = kind is _MappingStart
                top = _Open(_container(is_map, event.tag), is_map, path, event.anchor)
                stack.append(top)
                continue
            elif kind is _AliasEvent:
                if top is not None and top.is_map and top.pending_key is None:
                    raise yaml.MarkedYAMLError(None, None, "a mapping or list used as a key is not supported",
                                               event.start_mark)
                target = anchors.get(event.anchor)
                if target is None:
                    raise yaml.MarkedYAMLError(None, None, f"alias *{event.anchor} refers to no finished anchor",
                                               event.start_mark)
                value, size = target
                expanded += size
                if expanded > MAX_EXPANDED_NODES:
                    self._limit(Span(event.start_mark.line + 1, event.start_mark.column + 1,
                                     event.start_mark.line + 1, event.start_mark.column + 2),
                                f"aliases expand to more than {MAX_EXPANDED_NODES:,} nodes (an alias bomb?); not checked")
                at = event
            elif kind is _DocumentStart:
                if len(self.documents) >= MAX_DOCUMENTS:
                    self._limit(_span(event), f"more than {MAX_DOCUMENTS:,} documents; not checked")
                marks, keys, references, dropped = {}, set(), False, False
                first_node = expanded
                document = Document(None, marks)
                stack = self.open_containers = []
                top = None
                expanded += 1
                if expanded > MAX_EXPANDED_NODES:
                    self._limit(_span(event), f"more than {MAX_EXPANDED_NODES:,} values; not checked", True)
                anchors = {}  # anchors are local to their document
                continue
            elif kind is _DocumentEnd:
                if document is not None:
                    document.key_names = None if dropped else keys
                    document.holds_references = references
                    document.nodes = expanded - first_node
                    self.documents.append(document)
                document = None
                continue
            elif kind is _StreamEnd or event is None:
                return
            else:  # the stream's start
                continue

            # The value just read (a scalar, an alias, a closed container) goes into its parent.
            # `at`: the event whose position a list item or a scalar document keeps (mapping
            # entries keep their key's); None for a closed container, whose start was recorded.
            if top is None:
                document.data = value
                if at is not None:
                    marks.setdefault((), _marks(at))
                continue
            top.size += size
            if not top.is_map:
                if at is not None:
                    marks[top.path + (len(top.value),)] = _marks(at)
                top.value.append(value)
                continue
            key = top.pending_key
            top.pending_key = None
            if key == "<<":  # YAML merge key: explicit keys of this mapping win over merged ones
                dropped = True  # what a merged mapping holds under a key this one sets is not in the tree
                for base in (value if isinstance(value, list) else [value]):
                    if isinstance(base, dict):
                        top.merged.append(base)
                continue
            path = top.path + (key,)
            if key in top.value:
                dropped = True  # the earlier value, and the keys inside it, are gone from the tree
                first = _as_span(marks[path])
                self.problems.append(LoadProblem(
                    DUPLICATE_KEY,
                    f"duplicate key '{key}' (first defined at line {first.line}); the earlier value is silently overwritten",
                    _as_span(top.pending_key_marks), path, len(self.documents)))
            keys.add(key)
            top.value[key] = value
            marks[path] = top.pending_key_marks  # the last one: its value is the one kept

    def _limit(self, span: Span, message: str, ordinary_size: bool = False) -> None:
        self.problems.append(LoadProblem(TOO_LARGE, message, span, ordinary_size=ordinary_size))
        raise _Abort()

    def partial(self) -> Any:
        """The document the run stopped in, as far as it got: each open list or mapping is put
        where it belongs in its parent, a key whose value was never read holds None."""
        inner: Any = None
        for opened in reversed(self.open_containers):
            if opened.is_map and opened.pending_key is not None:
                opened.value.setdefault(opened.pending_key, inner)
            elif not opened.is_map and inner is not None:
                opened.value.append(inner)
            inner = opened.value
        return inner
