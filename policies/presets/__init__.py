"""The five real trust policies, as data: ``<key>.toml`` files in this package.

Each file holds the policy's name, description and staff groups, the settings it fixes
(anything it is silent on stays at the trust default) and, for every setting it fixes,
the paragraph of the policy it comes from. A preset may define variants: a settings patch
that becomes its own policy (e.g. a different cycle for one academy's learning support
staff), used through an academy and/or job-role assignment.

Pure module: reading and validating presets needs no database.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from types import MappingProxyType
from typing import Any

from ..schema import (
    CURRENT_SCHEMA_VERSION,
    SCHEMA_VERSION_KEY,
    PolicySettings,
    merge_settings,
    partial_flatten,
    unknown_paths,
)

# The order presets are offered in.
PRESET_KEYS: tuple[str, ...] = (
    "langley-interim",
    "classic-objectives",
    "aspire-grow",
    "leger-pdp",
    "staploe-associate",
)
# Policy.preset holds "<preset>" or "<preset>--<variant>".
VARIANT_SEPARATOR = "--"


class PresetError(ValueError):
    """A preset file is malformed (a programming error caught by the tests)."""


@dataclass(frozen=True)
class PresetVariant:
    key: str
    name: str
    description: str
    staff_groups: tuple[str, ...]
    patch: Mapping[str, Any]
    sources: Mapping[str, str]
    academy: str = ""
    job_role: str = ""


@dataclass(frozen=True)
class Preset:
    key: str
    name: str
    short_name: str
    seed: str
    description: str
    staff_groups: tuple[str, ...]
    settings: Mapping[str, Any]
    sources: Mapping[str, str]
    variants: tuple[PresetVariant, ...] = field(default=())

    @property
    def rules(self) -> PolicySettings:
        return self.rules_for(None)

    def variant(self, key: str) -> PresetVariant:
        for variant in self.variants:
            if variant.key == key:
                return variant
        raise KeyError(f"{self.key} has no variant {key!r}")

    def settings_for(self, variant_key: str | None = None) -> dict[str, Any]:
        """The nested settings dict (partial: silent settings omitted) for the preset or
        one of its variants, marked with the current schema version: a preset file is
        always written in the schema this code reads, so a document stored from it is
        never mistaken for an old one and upgraded."""
        settings = _thaw(self.settings)
        if variant_key is not None:
            settings = merge_settings(settings, _thaw(self.variant(variant_key).patch))
        return {SCHEMA_VERSION_KEY: CURRENT_SCHEMA_VERSION, **settings}

    def rules_for(self, variant_key: str | None = None) -> PolicySettings:
        return PolicySettings.model_validate(self.settings_for(variant_key))

    def sources_for(self, variant_key: str | None = None) -> dict[str, str]:
        """Flat path → paragraph, for every setting the preset (or variant) fixes."""
        sources = dict(self.sources)
        if variant_key is not None:
            sources.update(self.variant(variant_key).sources)
        return sources

    def policy_name(self, variant_key: str | None = None) -> str:
        return self.name if variant_key is None else self.variant(variant_key).name

    def policy_key(self, variant_key: str | None = None) -> str:
        return self.key if variant_key is None else f"{self.key}{VARIANT_SEPARATOR}{variant_key}"


def split_policy_key(value: str) -> tuple[str, str | None]:
    """("staploe-associate", "learning-support") for "staploe-associate--learning-support"."""
    preset, _, variant = value.partition(VARIANT_SEPARATOR)
    return preset, (variant or None)


def _thaw(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_thaw(v) for v in value]
    return value


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value


def _check_sources(where: str, settings: Mapping[str, Any], sources: Mapping[str, str]) -> None:
    fixed = set(partial_flatten(settings))
    referenced = set(sources)
    bad = unknown_paths(fixed | referenced)
    if bad:
        raise PresetError(f"{where}: unknown settings {sorted(bad)}")
    if fixed - referenced:
        raise PresetError(f"{where}: no source paragraph for {sorted(fixed - referenced)}")
    if referenced - fixed:
        raise PresetError(f"{where}: source given for unset {sorted(referenced - fixed)}")
    empty = [path for path, ref in sources.items() if not str(ref).strip()]
    if empty:
        raise PresetError(f"{where}: empty source for {empty}")


def parse_preset(text: str) -> Preset:
    """Parse and validate one preset file's text."""
    data = tomllib.loads(text)
    key = data["key"]
    settings = data.get("settings", {})
    sources = data.get("sources", {})
    _check_sources(key, settings, sources)
    PolicySettings.model_validate(settings)
    variants = []
    for raw in data.get("variants", []):
        where = f"{key} variant {raw['key']}"
        patch = raw.get("settings", {})
        _check_sources(where, patch, raw.get("sources", {}))
        PolicySettings.model_validate(merge_settings(settings, patch))
        variants.append(
            PresetVariant(
                key=raw["key"],
                name=raw["name"],
                description=raw.get("description", "").strip(),
                staff_groups=tuple(raw.get("staff_groups", data.get("staff_groups", []))),
                patch=_freeze(patch),
                sources=MappingProxyType(dict(raw.get("sources", {}))),
                academy=raw.get("academy", ""),
                job_role=raw.get("job_role", ""),
            )
        )
    return Preset(
        key=key,
        name=data["name"],
        short_name=data.get("short_name", data["name"]),
        seed=data.get("seed", ""),
        description=" ".join(data.get("description", "").split()),
        staff_groups=tuple(data.get("staff_groups", [])),
        settings=_freeze(settings),
        sources=MappingProxyType(dict(sources)),
        variants=tuple(variants),
    )


@functools.cache
def load_preset(key: str) -> Preset:
    if key not in PRESET_KEYS:
        raise KeyError(f"No preset {key!r}")
    text = resources.files(__package__).joinpath(f"{key}.toml").read_text(encoding="utf-8")
    preset = parse_preset(text)
    if preset.key != key:
        raise PresetError(f"{key}.toml declares key {preset.key!r}")
    return preset


def all_presets() -> list[Preset]:
    return [load_preset(key) for key in PRESET_KEYS]
