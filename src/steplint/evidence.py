"""Whether a file steplint could not read in full is a training config, so that a syntax error or
a size limit in it is steplint's to report (SL001, SL005). Files that are not training configs
never fail the hook: a broken tsconfig.json, a Helm template or a 20 MiB lock file gets nothing.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .frameworks import detect
from .loading import SYNTAX_ERROR, LoadedFile

if TYPE_CHECKING:
    from .values import Options

# Files whose name says what reads them, none of them a training framework: a syntax error in one is
# not steplint's to report, whatever keys it holds (a workflow's `env: {EPOCHS: 3}`).
NOT_TRAINING_NAMES = re.compile(
    r"(^|/)(package(-lock)?\.json|[jt]sconfig(\.[\w.-]+)?\.json|\.?devcontainer\.json|\.devcontainer/[^/]+"
    r"|\.vscode/[^/]+|\.github/.+|(docker-)?compose(\.[\w.-]+)?\.ya?ml|\.gitlab-ci\.ya?ml"
    r"|\.pre-commit-(config|hooks)\.ya?ml|Chart\.ya?ml|pnpm-lock\.yaml)$")
_TEMPLATE_MARKER = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}")
_QUOTED = re.compile(r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"|\'[^\'\n]*\'')


def at_template_marker(text: str, line: int) -> bool:
    """Whether a syntax error at `line` stands where a template marker (Jinja; Go templates, as Helm
    uses them) is outside quoted text, on that line or the one before: YAML cannot read one there,
    so the file is a template, which steplint cannot judge until it is rendered. A marker YAML
    reads as text ("{{ x }}" in quotes, a chat template in a block scalar) is no sign of one."""
    if "{{" not in text and "{%" not in text and "{#" not in text:
        return False
    return any(_TEMPLATE_MARKER.search(_QUOTED.sub("", near)) for near in text.splitlines()[max(line - 2, 0):line])


def plausibly_training(loaded: LoadedFile, options: "Options", read_a_training_document: bool) -> bool:
    """Whether a file that could not be read in full (a syntax error, a size limit) is a training
    config: what was read of it before the stop, judged by the detection that judges a whole file,
    unless its name or template markers say otherwise; or the user says it is one."""
    if any(p.code == SYNTAX_ERROR and at_template_marker(loaded.text, p.span.line) for p in loaded.problems):
        return False
    if options.dialect is not None:
        return True
    if NOT_TRAINING_NAMES.search(loaded.path.replace("\\", "/")):
        return False
    if read_a_training_document or options.included:
        return True
    partial = loaded.partial
    from .engine import project_profiles
    from .profile import mentions
    own_dialects, overlays = project_profiles(options.profiles, options.key_map)
    if detect(partial, None, own_dialects) is not None:
        return True
    return isinstance(partial, dict) and any(mentions(partial, p) for p in overlays)
