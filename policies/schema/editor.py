"""The flat ``"section.field"`` form of a document for the editor, and each field's metadata
(kind, range, choices), read from the model itself so a new setting needs no form code."""

from __future__ import annotations

import enum
import typing
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel

from .base import Choice, MonthDay, _allows_none, _Frozen
from .choices import AppraisalModel
from .document import DOCUMENT_KEYS, SECTION_NAMES, PolicySettings


class FieldKind(enum.StrEnum):
    BOOL = "bool"
    INT = "int"
    TEXT = "text"
    LONG_TEXT = "long_text"
    CHOICE = "choice"
    CHOICES = "choices"
    TEXT_LIST = "text_list"
    MONTH_DAY = "month_day"
    RECORDS = "records"


@dataclass(frozen=True)
class FieldSpec:
    """What a form or a display needs to know about one flat setting."""

    path: str
    section: str
    name: str
    label: str
    description: str
    kind: FieldKind
    optional: bool
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None
    choices: tuple[tuple[str, str], ...] = ()
    record_model: type[BaseModel] | None = None
    # What the product does with the setting, in plain words for the policy pages (from
    # the section's ``EFFECTS``); a setting recorded for a feature not yet built says so.
    effect: str = ""


def _unwrap_optional(annotation: Any) -> tuple[Any, bool]:
    if _allows_none(annotation):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0], True
    return annotation, False


def _spec_for(path: str, section: str, name: str, info: Any, effect: str = "") -> FieldSpec:
    annotation, optional = _unwrap_optional(info.annotation)
    minimum = maximum = max_length = None
    for meta in info.metadata:
        minimum = getattr(meta, "ge", minimum)
        maximum = getattr(meta, "le", maximum)
        max_length = getattr(meta, "max_length", max_length)
    kind: FieldKind
    choices: tuple[tuple[str, str], ...] = ()
    record_model: type[BaseModel] | None = None
    origin = typing.get_origin(annotation)
    if annotation is bool:
        kind = FieldKind.BOOL
    elif annotation is int:
        kind = FieldKind.INT
    elif annotation is MonthDay:
        kind = FieldKind.MONTH_DAY
    elif isinstance(annotation, type) and issubclass(annotation, Choice):
        kind = FieldKind.CHOICE
        choices = tuple((c.value, c.label) for c in annotation)
    elif origin is tuple:
        item = typing.get_args(annotation)[0]
        item_base = typing.get_args(item)[0] if typing.get_origin(item) is Annotated else item
        if isinstance(item_base, type) and issubclass(item_base, Choice):
            kind = FieldKind.CHOICES
            choices = tuple((c.value, c.label) for c in item_base)
        elif isinstance(item_base, type) and issubclass(item_base, BaseModel):
            kind = FieldKind.RECORDS
            record_model = item_base
        else:
            kind = FieldKind.TEXT_LIST
    else:
        text_meta = typing.get_args(annotation)
        limit = next((getattr(m, "max_length", None) for m in text_meta[1:]), None)
        if limit is not None:
            max_length = limit
        kind = FieldKind.LONG_TEXT if (max_length or 0) > 300 else FieldKind.TEXT
    return FieldSpec(
        path=path,
        section=section,
        name=name,
        label=info.title or name.replace("_", " ").capitalize(),
        description=info.description or "",
        kind=kind,
        effect=effect,
        optional=optional,
        minimum=minimum,
        maximum=maximum,
        max_length=max_length,
        choices=choices,
        record_model=record_model,
    )


def field_specs() -> list[FieldSpec]:
    """Every flat setting, in display order: top-level fields first (section ""), then
    each section's fields."""
    specs: list[FieldSpec] = []
    for name, info in PolicySettings.model_fields.items():
        if name in DOCUMENT_KEYS:
            continue
        if name in SECTION_NAMES:
            section_model: type[_Frozen] = info.annotation  # type: ignore[assignment]
            effects: dict[str, str] = getattr(section_model, "EFFECTS", {})
            for field_name, field_info in section_model.model_fields.items():
                specs.append(
                    _spec_for(
                        f"{name}.{field_name}",
                        name,
                        field_name,
                        field_info,
                        effects.get(field_name, ""),
                    )
                )
        else:
            specs.append(_spec_for(name, "", name, info, PolicySettings.EFFECTS.get(name, "")))
    return specs


def section_title(section: str) -> str:
    if not section:
        return "The appraisal model"
    model: type[_Frozen] = PolicySettings.model_fields[section].annotation  # type: ignore[assignment]
    return str(getattr(model, "TITLE", section.capitalize()))


# Sections that only matter under some appraisal models; every other section always applies.
_SECTION_MODELS: dict[str, frozenset[AppraisalModel]] = {
    "objectives": frozenset({AppraisalModel.OBJECTIVES, AppraisalModel.PDP}),
    "conversations": frozenset({AppraisalModel.CONVERSATIONS}),
    "pdp": frozenset({AppraisalModel.PDP}),
}


def section_applies(settings: PolicySettings, section: str) -> bool:
    """Whether ``section`` is used under the policy's appraisal model (a conversations
    policy has no objectives; only a PDP policy has a Professional IQ)."""
    models = _SECTION_MODELS.get(section)
    return models is None or settings.model in models


def flatten_settings(settings: PolicySettings | Mapping[str, Any]) -> dict[str, Any]:
    """``{"section.field": value}`` with JSON-ready values (enums as strings, a month/day
    as ``{"month": m, "day": d}``, lists as lists)."""
    data = (
        settings.model_dump(mode="json")
        if isinstance(settings, BaseModel)
        else PolicySettings.model_validate(dict(settings)).model_dump(mode="json")
    )
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if key in DOCUMENT_KEYS:
            continue
        if key in SECTION_NAMES:
            for field_name, field_value in value.items():
                flat[f"{key}.{field_name}"] = field_value
        else:
            flat[key] = value
    return flat


def unflatten_settings(flat: Mapping[str, Any]) -> dict[str, Any]:
    """The nested dict for ``{"section.field": value}`` (unvalidated; pass it to
    ``validate_settings``)."""
    nested: dict[str, Any] = {}
    for path, value in flat.items():
        if "." in path:
            section, name = path.split(".", 1)
            nested.setdefault(section, {})[name] = value
        else:
            nested[path] = value
    return nested


def partial_flatten(data: Mapping[str, Any]) -> dict[str, Any]:
    """Flatten a partial nested dict (a preset's or a patch's settings) without filling
    defaults: only the paths it actually sets."""
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if key in DOCUMENT_KEYS:
            continue
        if key in SECTION_NAMES and isinstance(value, Mapping):
            for field_name, field_value in value.items():
                flat[f"{key}.{field_name}"] = field_value
        else:
            flat[key] = value
    return flat


def merge_settings(base: Mapping[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with ``patch`` applied section by section (a patch replaces whole fields,
    including whole lists)."""
    merged: dict[str, Any] = {
        k: (dict(v) if isinstance(v, Mapping) else v) for k, v in base.items()
    }
    for key, value in patch.items():
        if key in SECTION_NAMES and isinstance(value, Mapping):
            merged.setdefault(key, {})
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def changed_paths(old: PolicySettings, new: PolicySettings) -> list[str]:
    """Flat paths whose value differs between two versions."""
    a, b = flatten_settings(old), flatten_settings(new)
    return [path for path in b if a.get(path) != b[path]]


def iter_paths() -> Iterator[str]:
    return (spec.path for spec in field_specs())


def unknown_paths(paths: Iterable[str]) -> list[str]:
    known = set(iter_paths())
    return [p for p in paths if p not in known]
