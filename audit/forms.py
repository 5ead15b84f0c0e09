from __future__ import annotations

from typing import Any

from django import forms

from appraisal_site.forms import PlainTextMixin


class AuditFilterForm(PlainTextMixin, forms.Form):
    person = forms.CharField(
        label="Person",
        required=False,
        max_length=200,
        help_text="Part of a name or email address.",
    )
    date_from = forms.DateField(
        label="From",
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "govuk-input--width-10"}),
        help_text="For example, 2026-09-01.",
    )
    date_to = forms.DateField(
        label="To",
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "govuk-input--width-10"}),
        help_text="Includes the whole of this day.",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date must be the same as or after the start date.")
        return cleaned
