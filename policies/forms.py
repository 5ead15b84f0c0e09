"""Forms for policy pages. The settings form is built from the schema: one field per flat
setting ("section.field"), so a new setting in ``policies.schema`` appears here by itself.

Only the shape of each value is checked here (a whole number, a real date); ranges and
cross-field rules are the schema's, reported by the service next to the right field, so
the rule and its message live in one place.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from django import forms
from pydantic import BaseModel

from appraisal_site.forms import PlainTextMixin
from organisation.models import Academy, JobRole, StaffGroup
from submissions.guard import SubmitOnceMixin

from .schema import (
    FieldKind,
    FieldSpec,
    MonthDay,
    PolicySettings,
    field_specs,
    flatten_settings,
    section_title,
    unflatten_settings,
)

EARLIEST_YEAR = 2000
LATEST_YEAR = 2099
MONTH_CHOICES = [(str(m), calendar.month_name[m]) for m in range(1, 13)]
LIST_SEPARATOR = ";"
RADIO_LIMIT = 5  # a choice of up to this many options is radios; more, a select


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _check_year(value: dt.date | None) -> None:
    if value is not None and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise forms.ValidationError(f"Enter a date between {EARLIEST_YEAR} and {LATEST_YEAR}.")


def field_name(path: str) -> str:
    """Form field name for a flat settings path (dots do not belong in HTML ids)."""
    return path.replace(".", "__")


# The top-level settings (the appraisal model) form a section with no key in the schema;
# in addresses it is called this.
TOP_LEVEL_SLUG = "model"


def section_slug(section: str) -> str:
    return section or TOP_LEVEL_SLUG


def section_from_slug(slug: str) -> str | None:
    """The schema's section key for an address's slug; None for no such section."""
    if slug == TOP_LEVEL_SLUG:
        return ""
    return slug if slug in {spec.section for spec in field_specs() if spec.section} else None


# ----- Records (support stages, conversations) as editable text ----------------------


def _record_specs(model: type[BaseModel]) -> list[FieldSpec]:
    from .schema import _spec_for  # the same metadata reader the flat fields use

    return [_spec_for(name, "", name, info) for name, info in model.model_fields.items()]


def _format_month_day(value: Any) -> str:
    return str(MonthDay.model_validate(value)) if value else ""


def records_to_text(model: type[BaseModel], items: list[Mapping[str, Any]]) -> str:
    """Each record as "detail: value" lines, records separated by a blank line. Details at
    their default are left out to keep it short."""
    blocks = []
    for item in items:
        lines = []
        for spec in _record_specs(model):
            value = item.get(spec.name)
            info = model.model_fields[spec.name]
            default = None if info.is_required() else info.get_default(call_default_factory=True)
            if isinstance(default, BaseModel):
                default = default.model_dump(mode="json")
            if isinstance(default, tuple):
                default = list(default)
            if spec.name not in ("key", "name") and value == default:
                continue
            if spec.kind == FieldKind.MONTH_DAY:
                text = _format_month_day(value)
            elif spec.kind == FieldKind.BOOL:
                text = "yes" if value else "no"
            elif spec.kind in (FieldKind.TEXT_LIST, FieldKind.CHOICES):
                text = f"{LIST_SEPARATOR} ".join(str(v) for v in value or [])
            else:
                text = "" if value is None else str(value)
            lines.append(f"{spec.name}: {text}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})


def parse_month_day(text: str) -> dict[str, int] | None:
    """ "31 December", "31 Dec" or "31/12" → {"month": 12, "day": 31}; "" → None."""
    text = text.strip()
    if not text:
        return None
    match = re.fullmatch(r"(\d{1,2})\s*/\s*(\d{1,2})", text)
    if match:
        return {"day": int(match.group(1)), "month": int(match.group(2))}
    match = re.fullmatch(r"(\d{1,2})\s+([A-Za-z]+)", text)
    if match and match.group(2).lower() in _MONTHS:
        return {"day": int(match.group(1)), "month": _MONTHS[match.group(2).lower()]}
    raise ValueError(f"“{text}” is not a day and month such as 31 December.")


def text_to_records(model: type[BaseModel], text: str) -> list[dict[str, Any]]:
    """Parse what ``records_to_text`` writes. Raises ``forms.ValidationError`` naming the
    record and line; value checks are left to the schema."""
    specs = {spec.name: spec for spec in _record_specs(model)}
    records: list[dict[str, Any]] = []
    blocks = [b for b in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()) if b.strip()]
    for number, block in enumerate(blocks, start=1):
        record: dict[str, Any] = {}
        for line in block.splitlines():
            if not line.strip():
                continue
            name, sep, value = line.partition(":")
            name, value = name.strip(), value.strip()
            if not sep or name not in specs:
                raise forms.ValidationError(
                    f"Item {number}: “{line.strip()}” should be one of the details listed, "
                    "then a colon, then its value."
                )
            spec = specs[name]
            if spec.kind in (FieldKind.TEXT_LIST, FieldKind.CHOICES):
                record[name] = [v.strip() for v in value.split(LIST_SEPARATOR) if v.strip()]
            elif spec.kind == FieldKind.MONTH_DAY:
                try:
                    record[name] = parse_month_day(value)
                except ValueError as exc:
                    raise forms.ValidationError(f"Item {number}, {name}: {exc}") from None
            else:
                record[name] = value
        records.append(record)
    return records


def _records_help(spec: FieldSpec) -> str:
    assert spec.record_model is not None
    details = []
    for sub in _record_specs(spec.record_model):
        hint = sub.label
        if sub.kind == FieldKind.BOOL:
            hint += " (yes or no)"
        elif sub.kind == FieldKind.CHOICE:
            hint += " (" + " / ".join(value for value, _ in sub.choices) + ")"
        elif sub.kind == FieldKind.MONTH_DAY:
            hint += " (e.g. 31 December)"
        elif sub.kind in (FieldKind.TEXT_LIST, FieldKind.CHOICES):
            hint += f" (separate with {LIST_SEPARATOR})"
        details.append(f"{sub.name} = {hint}")
    return (
        f"{spec.description} One item per block, blocks separated by an empty line; each "
        "line is a detail, a colon and its value. Details: " + "; ".join(details) + "."
    )


# ----- The settings form --------------------------------------------------------------


def _help(spec: FieldSpec) -> str:
    text = spec.description
    if spec.kind == FieldKind.INT and spec.minimum is not None and spec.maximum is not None:
        text += f" Between {spec.minimum} and {spec.maximum}."
    if spec.kind == FieldKind.TEXT_LIST:
        text += " One per line."
    return text.strip()


class PolicySettingsForm(SubmitOnceMixin, PlainTextMixin, forms.Form):
    """Every setting of a policy (or, given ``section``, only that section's), prefilled
    from ``settings``; saving makes a new version. Settings not on the form keep their
    values from ``settings``."""

    def __init__(
        self, *args: Any, settings: PolicySettings, section: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.all_specs = {spec.path: spec for spec in field_specs()}
        self.specs = {
            path: spec
            for path, spec in self.all_specs.items()
            if section is None or spec.section == section
        }
        flat = flatten_settings(settings)
        self.base_flat = flat
        # Errors about settings of other sections (a rule across sections), for the
        # error summary: (section, path, message).
        self.elsewhere: list[tuple[str, str, str]] = []
        # (section key, title, [flat paths]) in display order, for grouping on the page.
        self.section_fields: list[tuple[str, str, list[str]]] = []
        for spec in self.specs.values():
            self._add(spec, flat[spec.path])
            if not self.section_fields or self.section_fields[-1][0] != spec.section:
                self.section_fields.append((spec.section, section_title(spec.section), []))
            self.section_fields[-1][2].append(spec.path)
        self.fields["effective_from"] = forms.DateField(
            label="In force from",
            widget=DateInput(),
            validators=[_check_year],
            help_text="The first day the new version applies. Cycles that start on or after "
            "this day use it; cycles already running keep the version they started with.",
        )
        self.fields["change_note"] = forms.CharField(
            label="What changed and why",
            max_length=300,
            help_text="Shown in the list of versions, for example: Retention raised to 7 years "
            "after the trust board's review.",
        )

    def _add(self, spec: FieldSpec, value: Any) -> list[str]:
        name = field_name(spec.path)
        help_text = _help(spec)
        field: forms.Field
        if spec.kind == FieldKind.BOOL:
            field = forms.BooleanField(required=False, initial=bool(value))
        elif spec.kind == FieldKind.INT:
            field = forms.IntegerField(
                required=not spec.optional,
                initial=value,
                widget=forms.TextInput(
                    attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}
                ),
            )
        elif spec.kind == FieldKind.CHOICE:
            widget = forms.RadioSelect if len(spec.choices) <= RADIO_LIMIT else forms.Select
            field = forms.ChoiceField(choices=spec.choices, widget=widget, initial=value)
        elif spec.kind == FieldKind.CHOICES:
            field = forms.MultipleChoiceField(
                choices=spec.choices,
                widget=forms.CheckboxSelectMultiple,
                required=False,
                initial=list(value),
            )
        elif spec.kind == FieldKind.TEXT_LIST:
            field = forms.CharField(
                required=False,
                widget=forms.Textarea(attrs={"rows": max(3, len(value) + 1)}),
                initial="\n".join(value),
                strip=True,
            )
        elif spec.kind == FieldKind.RECORDS:
            assert spec.record_model is not None
            text = records_to_text(spec.record_model, value)
            field = forms.CharField(
                required=False,
                widget=forms.Textarea(attrs={"rows": max(6, text.count("\n") + 3)}),
                initial=text,
            )
            help_text = _records_help(spec)
        elif spec.kind == FieldKind.MONTH_DAY:
            return self._add_month_day(spec, value, help_text)
        elif spec.kind == FieldKind.LONG_TEXT:
            field = forms.CharField(
                required=False, widget=forms.Textarea(attrs={"rows": 3}), initial=value
            )
        else:
            field = forms.CharField(required=False, initial=value)
        field.label = spec.label
        field.help_text = help_text
        self.fields[name] = field
        return [name]

    def _add_month_day(self, spec: FieldSpec, value: Any, help_text: str) -> list[str]:
        name = field_name(spec.path)
        # Rendered together as one GOV.UK date input (day and month) on the page; the day
        # field carries the setting's label, hint and errors.
        day = forms.IntegerField(
            label=spec.label,
            required=not spec.optional,
            initial=value["day"] if value else None,
            help_text=help_text,
            widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        )
        month_choices = ([("", "Not set")] if spec.optional else []) + MONTH_CHOICES
        month = forms.ChoiceField(
            label=f"{spec.label}: month",
            choices=month_choices,
            required=not spec.optional,
            initial=str(value["month"]) if value else "",
        )
        self.fields[f"{name}__day"] = day
        self.fields[f"{name}__month"] = month
        return [f"{name}__day", f"{name}__month"]

    def bound_sections(self, settings: PolicySettings) -> list[dict[str, Any]]:
        """Sections for the template: each with its title, whether it applies under the
        policy's model, and its items (a field, or a day/month pair)."""
        from .schema import section_applies

        sections = []
        for key, title, paths in self.section_fields:
            items = []
            for path in paths:
                spec = self.specs[path]
                name = field_name(path)
                if spec.kind == FieldKind.MONTH_DAY:
                    items.append(
                        {
                            "month_day": True,
                            "spec": spec,
                            "day": self[f"{name}__day"],
                            "month": self[f"{name}__month"],
                        }
                    )
                else:
                    items.append({"month_day": False, "field": self[name]})
            sections.append(
                {
                    "key": key,
                    "title": title,
                    "applies": section_applies(settings, key),
                    "items": items,
                }
            )
        return sections

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for spec in self.specs.values():
            name = field_name(spec.path)
            if spec.kind == FieldKind.MONTH_DAY:
                day, month = data.get(f"{name}__day"), data.get(f"{name}__month")
                if (day in (None, "")) != (month in (None, "")) and spec.optional:
                    self.add_error(
                        f"{name}__day", "Enter both the day and the month, or leave both empty."
                    )
            elif spec.kind == FieldKind.RECORDS and name in data:
                assert spec.record_model is not None
                try:
                    data[name] = text_to_records(spec.record_model, data[name] or "")
                except forms.ValidationError as exc:
                    self.add_error(name, exc)
        return data

    def settings_data(self) -> dict[str, Any]:
        """The nested settings dict from the cleaned form (not yet schema-validated): the
        form's settings over those it started from."""
        flat: dict[str, Any] = dict(self.base_flat)
        for spec in self.specs.values():
            name = field_name(spec.path)
            if spec.kind == FieldKind.MONTH_DAY:
                day = self.cleaned_data.get(f"{name}__day")
                month = self.cleaned_data.get(f"{name}__month")
                if day in (None, "") or not month:
                    flat[spec.path] = None
                else:
                    flat[spec.path] = {"day": day, "month": int(month)}
            elif spec.kind == FieldKind.TEXT_LIST:
                text = self.cleaned_data.get(name) or ""
                flat[spec.path] = [line.strip() for line in text.splitlines() if line.strip()]
            elif spec.kind == FieldKind.INT:
                flat[spec.path] = self.cleaned_data.get(name)
            else:
                flat[spec.path] = self.cleaned_data.get(name)
        return unflatten_settings(flat)

    def _field_path(self, path: str) -> str | None:
        """The setting an error at ``path`` belongs to: the setting itself, or for a rule
        of a whole section ("pay", or "" for the document) that section's first setting."""
        if path in self.all_specs:
            return path
        section = path.split(".")[0] if path else ""
        return next((p for p, s in self.all_specs.items() if s.section == section), None)

    @staticmethod
    def input_name(spec: FieldSpec) -> str:
        """The form field carrying ``spec``'s errors (a day/month pair: the day)."""
        name = field_name(spec.path)
        return f"{name}__day" if spec.kind == FieldKind.MONTH_DAY else name

    @classmethod
    def anchor(cls, spec: FieldSpec) -> str:
        """The id of the input an error summary links to for ``spec`` (radios and
        checkboxes: the first option, as the GOV.UK pattern asks)."""
        name = f"id_{cls.input_name(spec)}"
        if spec.kind == FieldKind.CHOICES or (
            spec.kind == FieldKind.CHOICE and len(spec.choices) <= RADIO_LIMIT
        ):
            return f"{name}_0"
        return name

    def add_settings_errors(self, errors: Mapping[str, list[str]]) -> None:
        """Show the schema's (or service's) messages next to the fields they concern; a
        message about a setting of another section goes in the error summary, linked to
        that setting on its own page."""
        for path, messages in errors.items():
            target: str | None = None
            setting = None if path in self.fields else self._field_path(path)
            if path in self.fields:
                target = path
            elif setting is not None and setting in self.specs:
                target = self.input_name(self.specs[setting])
            for message in messages:
                if target is not None:
                    self.add_error(target, message)
                elif setting is not None:
                    self.elsewhere.append((self.all_specs[setting].section, setting, message))
                else:
                    self.add_error(None, message)
        if self.elsewhere and not self.non_field_errors():
            self.add_error(None, "A setting in another section needs changing first.")

    def error_summary(self, section_url: Any = None) -> list[tuple[str, str]]:
        """(href, text) for each error, in page order: every message links to its field,
        one on another section's page to that page (``section_url(section)``)."""
        items: list[tuple[str, str]] = [("", str(e)) for e in self.non_field_errors()]
        if section_url is not None:
            for section, path, message in self.elsewhere:
                other = self.all_specs[path]
                href = f"{section_url(section)}#{self.anchor(other)}"
                items.append((href, f"{section_title(section)}, {other.label}: {message}"))
        by_name = {self.input_name(spec): spec for spec in self.specs.values()}
        for bound in self.visible_fields():
            spec = by_name.get(bound.name)
            anchor = self.anchor(spec) if spec is not None else bound.auto_id
            for error in bound.errors:
                items.append((f"#{anchor}", f"{bound.label}: {error}"))
        return items


# ----- Choosing and assigning policies ------------------------------------------------


def policy_choices(
    policies: list[Any], presets: list[Any], *, include_variants: bool
) -> list[tuple[str, str]]:
    """Choices for "which policy": the trust's existing policies, then presets not yet
    loaded (loading one creates it)."""
    choices = [(f"policy:{p.pk}", p.name) for p in policies]
    loaded = {p.preset for p in policies if p.preset}
    for preset in presets:
        if preset.key not in loaded:
            choices.append(
                (f"preset:{preset.key}", f"{preset.name} (from the {preset.short_name} preset)")
            )
        if include_variants:
            for variant in preset.variants:
                key = preset.policy_key(variant.key)
                if key not in loaded:
                    choices.append((f"preset:{key}", f"{variant.name} (preset variant)"))
    return choices


class TrustWidePolicyForm(SubmitOnceMixin, PlainTextMixin, forms.Form):
    choice = forms.ChoiceField(label="Policy", widget=forms.RadioSelect)

    def __init__(self, *args: Any, choices: list[tuple[str, str]], label: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["choice"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices
        field.label = label
        self.fields["choice"].error_messages["required"] = "Choose a policy."


class OverrideForm(SubmitOnceMixin, PlainTextMixin, forms.Form):
    academy = forms.ModelChoiceField(
        label="Academy",
        queryset=Academy.objects.none(),
        required=False,
        empty_label="Every academy",
        help_text="Leave as every academy for a job-role override across the trust.",
    )
    job_role = forms.ModelChoiceField(
        label="Job role",
        queryset=JobRole.objects.none(),
        required=False,
        empty_label="Every job role",
        help_text="Leave as every job role for an override for a whole academy.",
    )
    choice = forms.ChoiceField(label="Policy they follow instead")

    def __init__(
        self, *args: Any, trust_id: int, choices: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        academy_field = self.fields["academy"]
        role_field = self.fields["job_role"]
        assert isinstance(academy_field, forms.ModelChoiceField)
        assert isinstance(role_field, forms.ModelChoiceField)
        academy_field.queryset = Academy.objects.filter(trust_id=trust_id)
        role_field.queryset = JobRole.objects.filter(trust_id=trust_id)
        choice_field = self.fields["choice"]
        assert isinstance(choice_field, forms.ChoiceField)
        choice_field.choices = [("", "Choose a policy"), *choices]
        self.fields["choice"].error_messages["required"] = "Choose a policy."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("academy") and not data.get("job_role") and not self.errors:
            self.add_error(
                "academy",
                "Choose an academy, a job role or both: the trust-wide policy is set above.",
            )
        return data


def staff_group_label(value: str) -> str:
    return str(dict(StaffGroup.choices).get(value, value))
