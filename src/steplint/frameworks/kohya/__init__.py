"""kohya_ss GUI presets (a profile, profile.yaml, with a small hook, hooks.py) and kohya-ss/sd-scripts'
--config_file TOML (a reader, sd_scripts.py)."""

from __future__ import annotations

from ...profile import ProfileDialect, shipped_profile
from ..base import rules_in
from .sd_scripts import SdScriptsConfig

# the GUI's presets (a profile), and sd-scripts' own --config_file TOML (sd_scripts.py)
DIALECTS = (ProfileDialect(shipped_profile(__name__)), SdScriptsConfig())
RULES = rules_in(__name__)
