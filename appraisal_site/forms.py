from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils import timezone

from .text import refusal_message, unsafe_characters


class GovukFormRenderer(TemplatesSetting):
    """Render every Django form with GOV.UK Frontend markup (templates/forms/)."""

    form_template_name = "forms/govuk_form.html"
    field_template_name = "forms/govuk_field.html"


class PlainTextMixin:
    """Refuse control, bidirectional and zero-width characters in every text field.

    Every form of the project inherits this (a test walks them all), so no name, title or
    note can carry an ESC sequence or a right-to-left override into pages, PDFs and CSVs.
    Multi-line answers (a ``Textarea``) keep tabs and newlines; passwords are left alone.
    """

    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        if not hasattr(self, "cleaned_data"):
            return  # an unbound or emptied form: nothing was typed
        for name, field in self.fields.items():
            if not isinstance(field, forms.CharField) or isinstance(
                field.widget, forms.PasswordInput
            ):
                continue
            value = self.cleaned_data.get(name)
            if not isinstance(value, str):
                continue
            bad = unsafe_characters(value, multiline=isinstance(field.widget, forms.Textarea))
            if bad:
                self.add_error(name, refusal_message(bad))  # type: ignore[attr-defined]


# ----- The GOV.UK date input (day, month and year boxes) ------------------------------

DATE_PARTS = ("day", "month", "year")


class GovukDateWidget(forms.Widget):
    """Three boxes (day, month, year) named ``<name>-day`` and so on; the day box has the
    field's own id, so an error summary's link to the field lands on it. A single
    ``<name>`` of the form YYYY-MM-DD is taken too (scripts, and the hidden value of
    older pages)."""

    template_name = "forms/widgets/govuk_date.html"

    def __init__(self, attrs: dict[str, Any] | None = None, *, with_time: bool = False) -> None:
        super().__init__(attrs)
        self.with_time = with_time
        self.parts = (*DATE_PARTS, "time") if with_time else DATE_PARTS

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        parts = {part: str(data.get(f"{name}-{part}") or "").strip() for part in self.parts}
        if not any(parts.values()):
            return str(data.get(name) or "").strip()
        return parts

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and not any(f"{name}-{part}" in data for part in self.parts)

    def format_value(self, value: Any) -> dict[str, str]:  # type: ignore[override]
        empty = {part: "" for part in self.parts}
        if isinstance(value, dict):
            return {part: str(value.get(part, "")) for part in self.parts}
        if isinstance(value, str) and value:
            try:
                value = dt.datetime.fromisoformat(value)
            except ValueError:
                return empty
            if self.with_time and timezone.is_naive(value):
                value = timezone.make_aware(value)
        if isinstance(value, dt.datetime):
            if not self.with_time:
                value = value.date()
            else:
                value = timezone.localtime(value) if timezone.is_aware(value) else value
                return {**self._date_parts(value.date()), "time": f"{value:%H:%M}"}
        if isinstance(value, dt.date):
            return {**empty, **self._date_parts(value)}
        return empty

    @staticmethod
    def _date_parts(value: dt.date) -> dict[str, str]:
        return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}

    def id_for_label(self, id_: str) -> str:
        return id_

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["boxes"] = (("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4))
        if self.with_time:
            widget["boxes"] += (("time", "Time", 4),)
        # Django marks a field with errors aria-invalid; the template reads it as a flag.
        widget["attrs"]["aria_invalid"] = widget["attrs"].get("aria-invalid") in (True, "true")
        return context


def _and_list(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


class GovukDateField(forms.Field):
    """A date entered as day, month and year, with GOV.UK's messages: "Date must include
    a month", "Year must include 4 numbers", "Date must be a real date"."""

    widget = GovukDateWidget
    default_error_messages = {
        "required": "Enter the date",
        "invalid": "Date must be a real date",
    }

    def to_python(self, value: Any) -> dt.date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                invalid = self.error_messages["invalid"]
                raise forms.ValidationError(invalid, code="invalid") from None
        return self._date_from_parts(value)

    def _date_from_parts(self, value: dict[str, str]) -> dt.date:
        parts = {part: str(value.get(part, "")) for part in DATE_PARTS}
        missing = [part for part in DATE_PARTS if not parts[part]]
        if missing:
            raise forms.ValidationError(f"Date must include a {_and_list(missing)}", code="missing")
        if not all(parts[part].isascii() and parts[part].isdigit() for part in DATE_PARTS):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if len(parts["year"]) != 4:
            raise forms.ValidationError("Year must include 4 numbers", code="year")
        try:
            return dt.date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
        except (ValueError, OverflowError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")


class GovukDateTimeField(GovukDateField):
    """A moment entered as day, month and year boxes and a time box (24-hour, "09:30"),
    read in the service's time zone. A single value in one of ``input_formats`` is taken
    too (scripts, and older pages)."""

    default_error_messages = {
        "required": "Enter the date and time",
        "invalid": "Date must be a real date",
        "time": "Enter the time as hours and minutes, for example 09:30",
    }

    def __init__(self, *, input_formats: tuple[str, ...] = (), **kwargs: Any) -> None:
        kwargs.setdefault("widget", GovukDateWidget(with_time=True))
        super().__init__(**kwargs)
        self.input_formats = input_formats or ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M")

    def to_python(self, value: Any) -> dt.datetime | None:  # type: ignore[override]
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value if timezone.is_aware(value) else timezone.make_aware(value)
        if isinstance(value, str):
            for fmt in self.input_formats:
                try:
                    return timezone.make_aware(dt.datetime.strptime(value, fmt))
                except ValueError:
                    continue
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        day = self._date_from_parts(value)
        match = _TIME.match(str(value.get("time", "")).strip())
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            raise forms.ValidationError(self.error_messages["time"], code="time")
        moment = dt.datetime.combine(day, dt.time(int(match[1]), int(match[2])))
        return timezone.make_aware(moment)
