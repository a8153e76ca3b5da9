"""Output on a stream that cannot encode every character (a Windows pipe in cp1252,
PYTHONIOENCODING=ascii): steplint's messages use ×, ≈, ≠ and a Unicode timeline, and a report must
never die on them. Each format gets the fallback that keeps it valid (report.encoding_fallback):
JSON formats escape as JSON does (\\u00d7, lossless), XML uses character references (lossless),
text uses ASCII spellings."""

from __future__ import annotations

import codecs
from typing import IO

# ASCII spellings of the characters steplint writes (and of common ones in user text). None of them
# holds a quote or a backslash, so a spelled-out character can never break a quoted value.
ASCII_SPELLINGS = {
    "×": "x", "≈": "~", "≠": "!=", "≤": "<=", "≥": ">=", "→": "->", "←": "<-", "…": "...", "§": "S.",
    "–": "-", "—": "-", "‘": "'", "’": "'", "“": "'", "”": "'", "·": ".", "•": "*", "µ": "u", "±": "+/-",
    "\u00a0": " ", "█": "#", "▲": "^", "┃": "|", "\ufffd": "?",
}


def _spell(error: UnicodeEncodeError) -> tuple[str, int]:
    bad = error.object[error.start:error.end]
    return "".join(ASCII_SPELLINGS.get(ch, "?") for ch in bad), error.end


def _json_escape(error: UnicodeEncodeError) -> tuple[str, int]:
    escaped = []
    for ch in error.object[error.start:error.end]:
        code = ord(ch)
        if code > 0xFFFF:  # JSON spells characters outside the BMP as a surrogate pair
            code -= 0x10000
            escaped.append("\\u%04x\\u%04x" % (0xD800 + (code >> 10), 0xDC00 + (code & 0x3FF)))
        else:
            escaped.append("\\u%04x" % code)
    return "".join(escaped), error.end


codecs.register_error("steplint-ascii", _spell)
codecs.register_error("steplint-json", _json_escape)

TEXT_FALLBACK = "steplint-ascii"


def is_unicode(stream: IO[str]) -> bool:
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        return codecs.lookup(encoding).name.startswith("utf")
    except LookupError:
        return False


def guard(stream: IO[str], errors: str = TEXT_FALLBACK) -> None:
    """Make a standard stream write what it cannot encode with the `errors` handler (each output
    format names its own: report.encoding_fallback) instead of raising UnicodeEncodeError."""
    if is_unicode(stream) or not hasattr(stream, "reconfigure"):
        return
    stream.reconfigure(errors=errors)
