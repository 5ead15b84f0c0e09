"""The forms of the probation pages (GOV.UK markup through the project's form renderer;
every error is shown next to its field and in the error summary)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet

from appraisal_site.forms import PlainTextMixin
from organisation.models import StaffMember
from submissions.guard import SubmitOnceMixin

from .models import ProbationStatus

LONG_TEXT = 5000


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _sane_year(value: dt.date | None) -> None:
    if value is not None and not 2000 <= value.year <= 2099:
        raise forms.ValidationError("Enter a date between 2000 and 2099.")


def _date(label: str, *, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label, widget=DateInput(), validators=[_sane_year], help_text=help_text
    )


def _text(label: str, *, required: bool = False, rows: int = 4, help_text: str = "") -> Any:
    return forms.CharField(
        label=label,
        required=required,
        max_length=LONG_TEXT,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class StaffChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name}, {obj.academy.name} (joined {obj.start_date:%d %B %Y})"


class StartForm(SubmitOnceMixin, PlainTextMixin, forms.Form):
    staff = StaffChoice(
        queryset=StaffMember.objects.none(),
        label="Member of staff",
        empty_label="Choose a member of staff",
    )
    starts_on = _date(
        "Date probation starts", help_text="Usually the day they joined. For example, 1 9 2026."
    )

    def __init__(self, *args: Any, staff: QuerySet[StaffMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff  # type: ignore[attr-defined]


class ReviewForm(SubmitOnceMixin, PlainTextMixin, forms.Form):
    held_on = _date("Date of the meeting")
    successes = _text("Successes: what has gone well", required=True)
    development_areas = _text("Areas for development")
    training = _text("Training and support agreed")


class DecideForm(PlainTextMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label="Outcome", widget=forms.RadioSelect)
    note = _text(
        "Reason",
        help_text="Needed to extend probation or not to confirm them in post.",
    )

    def __init__(self, *args: Any, may_extend: bool, extension_months: int, **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices = [(ProbationStatus.CONFIRMED.value, "Confirmed in post")]
        if may_extend:
            choices.append(
                (ProbationStatus.EXTENDED.value, f"Extended by {extension_months} months")
            )
        choices.append((ProbationStatus.NOT_CONFIRMED.value, "Not confirmed in post"))
        self.fields["outcome"].choices = choices  # type: ignore[attr-defined]
