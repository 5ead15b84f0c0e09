"""The forms of the personal data pages (GOV.UK markup through the project's form
renderer; every error is shown next to its field and in the error summary)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from appraisal_site.forms import PlainTextMixin
from submissions.guard import SubmitOnceMixin


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _sane_year(value: dt.date | None) -> None:
    if value is not None and not 2000 <= value.year <= 2099:
        raise forms.ValidationError("Enter a date between 2000 and 2099.")


class OwnRequestForm(SubmitOnceMixin, PlainTextMixin, forms.Form):
    """Nothing to fill in: the person confirms they want the copy."""


class OnBehalfForm(SubmitOnceMixin, PlainTextMixin, forms.Form):
    staff_number = forms.CharField(
        label="Staff number or email address",
        max_length=254,
        help_text="Of a current or former member of staff of the trust.",
    )
    asked_by = forms.CharField(
        label="Who asked, and how",
        max_length=200,
        help_text="For example: the person, by letter; or their solicitor, by email.",
    )
    received_on = forms.DateField(
        label="Day the request was received",
        widget=DateInput(),
        validators=[_sane_year],
        help_text="The one-month deadline runs from this day.",
    )


class ResponseForm(PlainTextMixin, forms.Form):
    responded_on = forms.DateField(
        label="Day the copy was given to the person",
        widget=DateInput(),
        validators=[_sane_year],
    )
