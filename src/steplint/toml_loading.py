"""TOML configs (torchtitan's job configs): plain values from tomllib, and a position for every
table and key from a scan of the lines, which tomllib does not give.

tomllib builds only plain values (no tag, nothing to run). It refuses what TOML refuses, a key
written twice included ("Cannot overwrite a value"): the framework, reading the file with tomllib
too, refuses it at start, so it is a syntax error here, not a silently overwritten duplicate.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from typing import Any, Optional, Union

KeyPath = tuple[Union[str, int], ...]

_ERROR_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_ERROR_LINE = re.compile(r"\s*\(at line (\d+)")
# A bare key, or a quoted one; dotted keys are several of these joined by dots.
_KEY_PART = r'(?:[A-Za-z0-9_-]+|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\')'
_DOTTED = rf"{_KEY_PART}(?:\s*\.\s*{_KEY_PART})*"
_TABLE = re.compile(rf"^\s*(\[\[?)\s*({_DOTTED})\s*\]\]?")
_KEY_VALUE = re.compile(rf"^\s*({_DOTTED})\s*=")
_PART = re.compile(_KEY_PART)


class TomlProblem(Exception):
    """The file is not TOML: the reason and the 1-based line and column."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


class TooDeep(Exception):
    """Tables or arrays nested deeper than the loader's limit (`a.a.a...= 1`, `[[[[...]]]]`)."""


def parse(text: str, max_depth: int) -> tuple[dict, dict[KeyPath, tuple[int, int, int, int]]]:
    """(the document, key path -> (line, column, end line, end column)). Raises TomlProblem, or
    TooDeep past `max_depth` levels of nesting."""
    if _too_dotted(text, max_depth):
        raise TooDeep()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = _ERROR_AT.search(message)
        line, column = (int(found.group(1)), int(found.group(2))) if found else (1, 1)
        raise TomlProblem(_ERROR_AT.sub("", message), line, column) from None
    except RecursionError:  # arrays nested thousands deep: tomllib recurses
        raise TooDeep() from None
    if _depth(data) > max_depth:
        raise TooDeep()
    return _plain(data), _positions(text, max_depth)


_KEY_DOT = re.compile(r"(?<!\d)\.|\.(?!\d)")  # a dot that is not a decimal point


def _too_dotted(text: str, max_depth: int) -> bool:
    """A key of more than `max_depth` dotted parts (`a.a.a... = 1`): tomllib takes quadratic time over
    them, so such a file is refused before it is parsed. A key sits on one line; dots inside strings
    and decimal points (an array of floats) do not count."""
    for line in text.splitlines():
        if line.count(".") > max_depth and len(_KEY_DOT.findall(_STRING.sub("", line))) > max_depth:
            return True
    return False


def _depth(data: Any) -> int:
    """How deep tables and arrays nest, counted without recursion (dotted keys nest without limit)."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def partial(text: str, line: int, max_depth: int) -> Optional[dict]:
    """What the lines before a syntax error hold, when they parse on their own: enough to tell
    whether a broken file is a training config."""
    try:
        data = tomllib.loads("\n".join(text.splitlines()[:max(line - 1, 0)]))
    except (tomllib.TOMLDecodeError, RecursionError):
        return None
    return _plain(data) if _depth(data) <= max_depth else None


def _plain(value: Any) -> Any:
    """Dates and times as the text they were written as; everything else is already plain."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return value


def _parts(dotted: str) -> tuple[str, ...]:
    return tuple(p[1:-1] if p[0] in "\"'" else p for p in _PART.findall(dotted))


def _positions(text: str, max_depth: int) -> dict[KeyPath, tuple[int, int, int, int]]:
    """Where each `[table]`, `[[array.of.tables]]` and `key =` is written. Lines inside multi-line
    strings and arrays are skipped; keys inside inline tables get their parent's position."""
    positions: dict[KeyPath, tuple[int, int, int, int]] = {}
    table: KeyPath = ()
    arrays: dict[tuple[str, ...], int] = {}
    open_string: Optional[str] = None
    depth = 0  # open brackets of a multi-line array
    for number, line in enumerate(text.splitlines(), 1):
        if open_string is not None:
            if line.count(open_string) % 2:
                open_string = None
            continue
        if depth > 0:
            depth = max(depth + _balance(line), 0)
            continue
        found = _TABLE.match(line)
        if found:
            path = _parts(found.group(2))
            if found.group(1) == "[[":
                index = arrays.get(path, -1) + 1
                arrays[path] = index
                table = (*path, index)
            else:
                table = path
            positions.setdefault(table, (number, found.start(2) + 1, number, found.end(2) + 1))
            continue
        found = _KEY_VALUE.match(line)
        if not found:
            continue
        key = _parts(found.group(1))[:max_depth]
        for end in range(1, len(key) + 1):
            positions.setdefault((*table, *key[:end]), (number, found.start(1) + 1, number, found.end(1) + 1))
        rest = line[found.end():]
        for quote in ('"""', "'''"):
            if rest.count(quote) % 2:
                open_string = quote
                break
        else:
            depth = max(_balance(rest), 0)
    return positions


_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'')


def _balance(line: str) -> int:
    """Brackets opened minus closed on a line, outside strings and comments."""
    code = _STRING.sub("", line).split("#", 1)[0]
    return code.count("[") + code.count("{") - code.count("]") - code.count("}")
