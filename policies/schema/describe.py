"""A version's settings in plain words, grouped by section, for the policy pages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .base import MonthDay
from .choices import ConversationTerm, DueAnchor
from .document import PolicySettings
from .editor import (
    FieldKind,
    FieldSpec,
    field_specs,
    flatten_settings,
    section_applies,
    section_title,
)


@dataclass(frozen=True)
class DescribedSetting:
    path: str
    label: str
    description: str
    value: str
    lines: tuple[str, ...] = ()
    source: str = ""
    effect: str = ""

    @property
    def is_trust_default(self) -> bool:
        return not self.source


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    settings: list[DescribedSetting] = field(default_factory=list)
    applies: bool = True


def format_value(spec: FieldSpec, value: Any) -> tuple[str, tuple[str, ...]]:
    """(one-line text, list lines) describing ``value`` in plain words."""
    if value is None:
        return "Not set", ()
    if spec.kind == FieldKind.BOOL:
        return ("Yes" if value else "No"), ()
    if spec.kind == FieldKind.MONTH_DAY:
        return str(MonthDay.model_validate(value)), ()
    if spec.kind == FieldKind.CHOICE:
        labels = dict(spec.choices)
        return labels.get(str(value), str(value)), ()
    if spec.kind == FieldKind.CHOICES:
        labels = dict(spec.choices)
        lines = tuple(labels.get(str(v), str(v)) for v in value)
        return (", ".join(lines) if lines else "None"), lines
    if spec.kind == FieldKind.TEXT_LIST:
        lines = tuple(str(v) for v in value)
        return ("; ".join(lines) if lines else "None"), lines
    if spec.kind == FieldKind.RECORDS:
        lines = tuple(_describe_record(item) for item in value)
        return (f"{len(lines)} listed" if lines else "None"), lines
    if spec.kind in (FieldKind.TEXT, FieldKind.LONG_TEXT):
        return (str(value) if value else "None"), ()
    return str(value), ()


def _describe_record(item: Mapping[str, Any]) -> str:
    """One line for a support stage or a conversation."""
    if "term" in item:  # a conversation
        term = ConversationTerm(item["term"]).label.lower()
        due = DueAnchor(item.get("staff_due", DueAnchor.END_OF_TERM)).label.lower()
        text = f"{item['name']}: {term}; staff {due}"
        if item.get("staff_due_on"):
            text += f" ({MonthDay.model_validate(item['staff_due_on'])})"
        if item.get("headteacher_due_on"):
            text += f"; headteacher by {MonthDay.model_validate(item['headteacher_due_on'])}"
        return text
    parts = [str(item["name"]) + (" (formal)" if item.get("formal") else "")]
    unit = "working weeks" if item.get("working_weeks") else "weeks"
    if item.get("normal_weeks"):
        parts.append(f"normally {item['normal_weeks']} {unit}")
    if item.get("minimum_weeks"):
        parts.append(f"at least {item['minimum_weeks']} {unit}")
    if item.get("maximum_half_terms"):
        n = item["maximum_half_terms"]
        parts.append("at most half a term" if n == 1 else f"at most {n} half-terms")
    if item.get("meeting_every_weeks"):
        n = item["meeting_every_weeks"]
        parts.append("weekly meetings" if n == 1 else f"meetings every {n} weeks")
    if item.get("meeting_notice_working_days") is not None:
        parts.append(f"{item['meeting_notice_working_days']} working days' notice")
    if item.get("right_to_representation"):
        parts.append("right to representation")
    if item.get("written_feedback_first") or item.get("draft_plan_first"):
        parts.append("written feedback and draft plan sent first")
    return "; ".join(parts)


def describe_settings(
    settings: PolicySettings, sources: Mapping[str, str] | None = None
) -> list[Section]:
    """Every setting, grouped by section, in plain words, with its source paragraph (or
    an empty source, meaning the trust default applies)."""
    sources = sources or {}
    flat = flatten_settings(settings)
    sections: dict[str, Section] = {}
    for spec in field_specs():
        section = sections.setdefault(
            spec.section,
            Section(
                key=spec.section,
                title=section_title(spec.section),
                applies=section_applies(settings, spec.section),
            ),
        )
        value, lines = format_value(spec, flat[spec.path])
        section.settings.append(
            DescribedSetting(
                path=spec.path,
                label=spec.label,
                description=spec.description,
                value=value,
                lines=lines,
                source=sources.get(spec.path, ""),
                effect=spec.effect,
            )
        )
    return list(sections.values())
