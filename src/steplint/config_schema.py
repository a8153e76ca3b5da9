"""The project configuration's schema: strict pydantic models (kebab-case keys).

Imported only when a project config file exists, so a run without one never builds them."""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .model import FIELDS

Level = Literal["error", "warning", "info"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True,
                              alias_generator=lambda name: name.replace("_", "-"))


class KeyMapEntry(_Strict):
    field: str = Field(description="canonical field: " + ", ".join(FIELDS))
    unit: Optional[str] = Field(None, description="for durations: epoch, step, batch, sample, token or dur")

    @field_validator("field")
    @classmethod
    def _known_field(cls, value: str) -> str:
        if value not in FIELDS:
            raise ValueError(f"unknown field '{value}'; one of: {', '.join(FIELDS)}")
        return value

    @field_validator("unit")
    @classmethod
    def _known_unit(cls, value: Optional[str]) -> Optional[str]:
        from .units import parse_unit
        if value is not None and parse_unit(value) is None:
            raise ValueError(f"unknown unit '{value}'")
        return value


class PerFileContext(_Strict):
    dataset_size: Optional[int] = Field(None, ge=1)
    world_size: Optional[int] = Field(None, ge=1)


class ContextSettings(_Strict):
    dataset_size: Optional[int] = Field(None, ge=1, description="N for every config this file covers")
    world_size: Optional[int] = Field(None, ge=1)
    dataset_sizes: dict[str, int] = Field(default_factory=dict,
                                          description="dataset name used in configs -> N")
    per_file: dict[str, PerFileContext] = Field(default_factory=dict, description="config-path glob -> context")
    framework_versions: dict[str, str] = Field(default_factory=dict, description="e.g. transformers = '4.46'")

    @field_validator("framework_versions")
    @classmethod
    def _known_versions(cls, versions: dict[str, str]) -> dict[str, str]:
        from .frameworks import framework_version_problem  # only when a project names versions

        normalized = {name.strip().lower(): version.strip() for name, version in versions.items()}
        for name, version in normalized.items():
            problem = framework_version_problem(name, version)
            if problem:
                raise ValueError(problem)
        return normalized


class PerKeyIgnore(_Strict):
    files: str = Field("*", description="glob of config paths")
    key: str = Field(description="glob of dotted key paths, e.g. 'scheduler.params.*'")
    rules: list[str]


class Settings(_Strict):
    extend: Optional[str] = Field(None, description="another config file to inherit from, relative to this one")
    select: Optional[list[str]] = None
    extend_select: list[str] = Field(default_factory=list)
    ignore: list[str] = Field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = Field(default_factory=dict, description="glob -> rule codes")
    per_key_ignores: list[PerKeyIgnore] = Field(default_factory=list)
    severity: dict[str, Level] = Field(default_factory=dict, description="rule code -> severity")
    fail_on: Optional[Level] = None
    include: Optional[list[str]] = Field(None, description="globs of files to check in directories")
    exclude: list[str] = Field(default_factory=list, description="globs of paths never checked")
    output_format: Optional[str] = None
    context: ContextSettings = Field(default_factory=ContextSettings)
    key_map: dict[str, KeyMapEntry] = Field(default_factory=dict,
                                            description="your key path -> canonical field (and unit)")
    profiles: list[str] = Field(default_factory=list,
                                description="framework profiles (YAML, docs/profiles.md) of your own trainers, "
                                            "relative to this file")

    @field_validator("key_map")
    @classmethod
    def _names_a_key(cls, key_map: dict[str, KeyMapEntry]) -> dict[str, KeyMapEntry]:
        from .loading import parse_key_path
        for key in key_map:
            if not parse_key_path(key):  # "" or ".": there is no key to read
                raise ValueError(f"'{key}' names no key (write e.g. trainer.ckpt_every)")
        return key_map
