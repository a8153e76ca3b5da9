"""Load stage: bytes -> documents of plain values, with a source position for every key path.

Nothing is ever constructed from a tag: the tree is built from the parser's event stream, so
`!!python/object` and friends are read as plain values, and no YAML tag can run code. Building
from events (instead of composing a node tree and walking it) keeps the work iterative, so deep
nesting cannot hit Python's recursion limit, and lets aliases be counted, not expanded.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Optional, Union

import yaml
from yaml import constructor as _yaml_constructor
from yaml import resolver as _yaml_resolver

try:  # the libyaml C parser is several times faster; the pure-Python one behaves the same
    from yaml import CSafeLoader as _EventLoader
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
    positions: dict[KeyPath, Span] = field(default_factory=dict)

    def span(self, path: KeyPath) -> Span:
        """The position of `path`, or of its closest recorded ancestor (aliases, merges)."""
        while path:
            found = self.positions.get(path)
            if found is not None:
                return found
            path = path[:-1]
        return self.positions.get((), Span(1, 1, 1, 1))


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


def format_key_path(path: KeyPath) -> str:
    """Dotted, with list indices in brackets: trainer.callbacks[0].init_args.every_n_train_steps."""
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
    source = _UNPRINTABLE.sub("\ufffd", json_source(text) if _is_json(path) else text)
    builder = _TreeBuilder()
    try:
        builder.run(source)
    except (_Abort, yaml.YAMLError, ValueError, RecursionError, MemoryError):
        pass
    return next((d.data for d in builder.documents if isinstance(d.data, dict)), None) or builder.partial()


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
    return LoadedFile(path, text, [Document(data, {k: Span(*v) for k, v in positions.items()})], [])


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


_SCALARS: dict[tuple, Any] = {}  # (tag, text, implicit) -> value: configs repeat true, 1, null...


def _scalar(event: yaml.ScalarEvent) -> Any:
    memo = (event.tag, event.value, event.implicit)
    found = _SCALARS.get(memo, _SCALARS)
    if found is not _SCALARS:
        return found
    value = _construct(event)
    if len(_SCALARS) > 4096:  # small: each worker process keeps its own, and memory must stay flat
        _SCALARS.clear()
    _SCALARS[memo] = value  # every constructed scalar is immutable: int, float, bool, None or str
    return value


def _construct(event: yaml.ScalarEvent) -> Any:
    tag = event.tag
    if tag is None or tag == "!":
        tag = _resolver.resolve(yaml.ScalarNode, event.value, event.implicit)
    build = _CONSTRUCTORS.get(tag)
    if build is None:  # str, timestamps, binary and every unknown tag stay the text as written
        return event.value
    if tag == _INT and len(event.value) > MAX_INT_CHARS:
        return event.value
    try:
        return build(_constructor, yaml.ScalarNode(tag, event.value))
    except Exception:  # noqa: BLE001 - PyYAML's constructors on hostile text (`!!int ` is an IndexError)
        return event.value


def _span(event: Any) -> Span:
    start, end = event.start_mark, event.end_mark
    if end.line != start.line or end.column <= start.column:  # underline one character
        return Span(start.line + 1, start.column + 1, start.line + 1, start.column + 2)
    return Span(start.line + 1, start.column + 1, end.line + 1, end.column + 1)


class _Open:
    """A mapping or sequence being built."""

    __slots__ = ("value", "is_map", "path", "anchor", "size", "pending_key", "pending_key_span", "merged")

    def __init__(self, value: Any, path: KeyPath, anchor: Optional[str]) -> None:
        self.value = value
        self.is_map = isinstance(value, dict)
        self.path = path
        self.anchor = anchor
        self.size = 1
        self.pending_key: Optional[str] = None
        self.pending_key_span: Optional[Span] = None
        self.merged: list[dict] = []


class _TreeBuilder:
    def __init__(self) -> None:
        self.documents: list[Document] = []
        self.problems: list[LoadProblem] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.open_containers: list[_Open] = []  # of the document being read, outermost first

    def run(self, text: str) -> None:
        loader = _EventLoader(text)
        try:
            stack: list[_Open] = []
            document: Document | None = None
            # One budget for the whole file: a limit per document would let a file of many
            # documents (or of many small alias bombs) add up to any size.
            expanded = 0
            while loader.check_event():
                event = loader.get_event()
                kind = type(event)
                if kind is yaml.DocumentStartEvent:
                    if len(self.documents) >= MAX_DOCUMENTS:
                        self._limit(_span(event), f"more than {MAX_DOCUMENTS:,} documents; not checked")
                    document = Document(None, {})
                    stack = self.open_containers = []
                    expanded += 1
                    if expanded > MAX_EXPANDED_NODES:
                        self._limit(_span(event), f"more than {MAX_EXPANDED_NODES:,} values; not checked", True)
                    self.anchors = {}  # anchors are local to their document
                    continue
                if kind is yaml.DocumentEndEvent:
                    if document is not None:
                        self.documents.append(document)
                    document = None
                    continue
                if kind in (yaml.StreamStartEvent, yaml.StreamEndEvent) or document is None:
                    continue

                if kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                    done = stack.pop()
                    if done.merged:
                        for base in reversed(done.merged):
                            for key, val in base.items():
                                done.value.setdefault(key, val)
                    if done.anchor is not None:
                        self.anchors[done.anchor] = (done.value, done.size)
                    self._attach(stack, document, done.value, done.size, None)
                    continue

                parent = stack[-1] if stack else None
                # Mapping keys: the scalar in key position names the entry.
                if parent is not None and parent.is_map and parent.pending_key is None:
                    if kind is yaml.ScalarEvent:
                        parent.pending_key = event.value
                        parent.pending_key_span = _span(event)
                    else:
                        raise yaml.MarkedYAMLError(None, None, "a mapping or list used as a key is not supported",
                                                   event.start_mark)
                    continue

                if kind is yaml.AliasEvent:
                    target = self.anchors.get(event.anchor)
                    if target is None:
                        raise yaml.MarkedYAMLError(None, None, f"alias *{event.anchor} refers to no finished anchor",
                                                   event.start_mark)
                    value, size = target
                    expanded += size
                    if expanded > MAX_EXPANDED_NODES:
                        self._limit(Span(event.start_mark.line + 1, event.start_mark.column + 1,
                                         event.start_mark.line + 1, event.start_mark.column + 2),
                                    f"aliases expand to more than {MAX_EXPANDED_NODES:,} nodes (an alias bomb?); not checked")
                    self._attach(stack, document, value, size, event)
                    continue

                if kind is yaml.ScalarEvent:
                    expanded += 1
                    if expanded > MAX_EXPANDED_NODES:
                        self._limit(_span(event), f"more than {MAX_EXPANDED_NODES:,} values; not checked", True)
                    value = _scalar(event)
                    if event.anchor is not None:
                        self.anchors[event.anchor] = (value, 1)
                    self._attach(stack, document, value, 1, event)
                    continue

                # A mapping or sequence starts.
                path = self._child_path(stack)
                if len(stack) >= MAX_DEPTH:
                    self._limit(_span(event), _DEPTH_MESSAGE)
                expanded += 1
                opened = _Open({} if kind is yaml.MappingStartEvent else [], path, event.anchor)
                if parent is None:
                    document.positions[()] = _span(event)
                elif isinstance(parent.value, list):
                    document.positions[path] = _span(event)
                stack.append(opened)
        finally:
            loader.dispose()

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

    @staticmethod
    def _child_path(stack: list[_Open]) -> KeyPath:
        if not stack:
            return ()
        parent = stack[-1]
        if not parent.is_map:
            return parent.path + (len(parent.value),)
        return parent.path + (parent.pending_key,)

    def _attach(self, stack: list[_Open], document: Document, value: Any, size: int, event: Any) -> None:
        """`event`: the scalar or alias just read, whose position is kept for list items and a
        scalar document (mapping entries keep their key's position); None for a closed container."""
        if not stack:
            document.data = value
            if event is not None:
                document.positions.setdefault((), _span(event))
            return
        parent = stack[-1]
        parent.size += size
        if not parent.is_map:
            if event is not None:
                document.positions[parent.path + (len(parent.value),)] = _span(event)
            parent.value.append(value)
            return
        key, key_span = parent.pending_key, parent.pending_key_span
        parent.pending_key = None
        if key == "<<":  # YAML merge key: explicit keys of this mapping win over merged ones
            for base in (value if isinstance(value, list) else [value]):
                if isinstance(base, dict):
                    parent.merged.append(base)
            return
        if key in parent.value:
            first = document.positions[parent.path + (key,)]
            self.problems.append(LoadProblem(
                DUPLICATE_KEY,
                f"duplicate key '{key}' (first defined at line {first.line}); the earlier value is silently overwritten",
                key_span, parent.path + (key,), len(self.documents)))
        parent.value[key] = value
        document.positions[parent.path + (key,)] = key_span  # the last one: its value is the one kept
