from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from appraisal_site.forms import PlainTextMixin
from submissions.guard import SubmitOnceMixin

from .models import CalendarDayKind

# Dates outside this window are typing slips; refusing them keeps the checker's answer
# (and the holiday lookups behind it) to real school years.
EARLIEST_YEAR = 2000
LATEST_YEAR = 2099
# The furthest the date checker counts: more than a year of working days is never a notice
# period or a deadline.
MAX_CHECK_DAYS = 400


class DateInput(forms.DateInput):
    """A native date picker; typing 03/09/2026 into a plain text box also works."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _check_year(value: dt.date | None) -> None:
    if value is not None and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise forms.ValidationError(f"Enter a date between {EARLIEST_YEAR} and {LATEST_YEAR}.")


class TermForm(PlainTextMixin, forms.Form):
    name = forms.CharField(
        label="Name of the term",
        max_length=60,
        help_text="For example, Autumn 1 2026. Half-terms are the gaps between terms.",
    )
    starts_on = forms.DateField(
        label="First day of the term",
        widget=DateInput(),
        validators=[_check_year],
        help_text="The first day pupils or staff are in, for example 03/09/2026.",
    )
    ends_on = forms.DateField(
        label="Last day of the term",
        widget=DateInput(),
        validators=[_check_year],
        help_text="For example 23/10/2026.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", "The last day of the term must be on or after the first.")
        return data


class CalendarDayForm(SubmitOnceMixin, PlainTextMixin, forms.Form):
    date = forms.DateField(label="Date", widget=DateInput(), validators=[_check_year])
    kind = forms.ChoiceField(
        label="Type of day",
        choices=CalendarDayKind.choices,
        widget=forms.RadioSelect,
        help_text=(
            "An INSET day counts as a working day even in a school holiday; a closure day "
            "never does."
        ),
    )
    description = forms.CharField(
        label="Description",
        max_length=120,
        required=False,
        help_text="For example, Whole-trust training day, or Polling station.",
    )


class DateCheckForm(PlainTextMixin, forms.Form):
    """The "check a date" form on the calendar page (a GET form, so it needs no JavaScript)."""

    check_from = forms.DateField(
        label="Starting date",
        widget=DateInput(),
        validators=[_check_year],
        help_text="The date of the meeting, observation or letter. This day does not count.",
    )
    check_days = forms.IntegerField(
        label="Number of working days",
        min_value=-MAX_CHECK_DAYS,
        max_value=MAX_CHECK_DAYS,
        help_text=(
            "For example 5 for five working days' notice. Use a negative number to count "
            "back, for example -10 for the latest day to send a letter giving ten working "
            "days' notice of a meeting on the starting date."
        ),
    )


class TermAddForm(SubmitOnceMixin, TermForm):
    """A new term: sent once, however often the button is pressed (``submissions.guard``)."""
