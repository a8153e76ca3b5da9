"""`steplint rule CODE`: a rule's documentation, rendered from its catalogue entry."""

from __future__ import annotations

import textwrap

from .catalogue import RuleDoc


def render_rule(doc: RuleDoc) -> str:
    parts = [f"{doc.code} {doc.name}  [{doc.severity.label}, {doc.family}]", "", doc.summary, "",
             "What it checks", _indent(doc.what), "", "Why it matters", _indent(doc.why)]
    for title, examples in (("Example (flagged)", doc.bad), ("Use instead", doc.good)):
        for example in examples[:1]:
            parts += ["", title, _indent(example.config.rstrip())]
            if example.options:
                flags = " ".join(f"--{k.replace('_', '-')} {v}" for k, v in example.options.items())
                parts.append(_indent(f"(checked with {flags})"))
            for expected in example.expected[:3]:
                parts.append(_indent(f"→ {expected.get('rule', doc.code)} at {expected.get('key_path', '')}: "
                                     f"{expected.get('message', '')}"))
    if doc.use_instead:
        parts += ["", "Fix", _indent(doc.use_instead)]
    if doc.supersedes:
        parts += ["", f"Replaces {', '.join(doc.supersedes)} where both report the same key."]
    return "\n".join(parts)


def _indent(text: str) -> str:
    return textwrap.indent(text, "    ")
