"""The forms of the pay pages (GOV.UK markup through the project's form renderer; every
error is shown next to its field and in the error summary)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms

from appraisal_site.forms import PlainTextMixin
from organisation.models import PayRange
from submissions.guard import SubmitOnceMixin

from .models import Outcome, PayPoint, PayScaleSet, pay_year_label

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


def pay_year_choices(today: dt.date, *, back: int = 2, ahead: int = 1) -> list[tuple[int, str]]:
    current = today.year if today.month >= 9 else today.year - 1
    return [(y, pay_year_label(y)) for y in range(current + ahead, current - back - 1, -1)]


class ScaleSetForm(SubmitOnceMixin, PlainTextMixin, forms.Form):
    pay_year = forms.TypedChoiceField(label="Pay year", coerce=int, choices=())
    effective_from = _date("In force from", help_text="Normally 1 September.")
    name = forms.CharField(
        label="Name", max_length=120, help_text="For example: Teachers' pay award 2026."
    )
    copy_from = forms.ModelChoiceField(
        queryset=PayScaleSet.objects.none(),
        required=False,
        label="Start from the amounts of",
        empty_label="No earlier set: enter every amount",
    )

    def __init__(self, *args: Any, trust_id: int, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pay_year"].choices = pay_year_choices(today)  # type: ignore[attr-defined]
        self.fields["copy_from"].queryset = PayScaleSet.objects.filter(  # type: ignore[attr-defined]
            trust_id=trust_id
        )


class RangeAmountsForm(PlainTextMixin, forms.Form):
    """The amount (and, on the support spine, the grade) of every point of one range."""

    def __init__(self, *args: Any, points: Sequence[PayPoint], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.points = list(points)
        support = bool(self.points) and self.points[0].pay_range == PayRange.SUPPORT
        for point in self.points:
            self.fields[f"amount_{point.code}"] = forms.DecimalField(
                label=f"{point.code}: annual amount (£)",
                required=False,
                min_value=Decimal(0),
                max_value=Decimal(999999),
                decimal_places=2,
                initial=point.annual_amount,
            )
            if support:
                self.fields[f"grade_{point.code}"] = forms.CharField(
                    label=f"{point.code}: grade",
                    required=False,
                    max_length=40,
                    initial=point.grade,
                )

    def values(self) -> dict[str, tuple[Decimal | None, str]]:
        return {
            p.code: (
                self.cleaned_data.get(f"amount_{p.code}"),
                (self.cleaned_data.get(f"grade_{p.code}") or p.grade or "").strip()
                if f"grade_{p.code}" in self.fields
                else p.grade,
            )
            for p in self.points
        }


class PlacementForm(SubmitOnceMixin, PlainTextMixin, forms.Form):
    pay_range = forms.ChoiceField(
        label="Pay range", choices=[(r.value, r.label) for r in PayRange if r.value]
    )
    point = forms.CharField(label="Pay point", max_length=10, help_text="For example M4, U2, 22.")
    since = _date("On this point from")


class OpenReviewForm(SubmitOnceMixin, PlainTextMixin, forms.Form):
    pay_year = forms.TypedChoiceField(label="Pay year", coerce=int, choices=())

    def __init__(self, *args: Any, years: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pay_year"].choices = years  # type: ignore[attr-defined]


class DraftForm(PlainTextMixin, forms.Form):
    outcome = forms.ChoiceField(
        label="Recommendation", choices=Outcome.choices, widget=forms.RadioSelect
    )
    proposed_point = forms.CharField(label="The point they move to", max_length=10, required=False)
    reason_key = forms.ChoiceField(label="Why there is no increment", required=False, choices=())
    evidence = forms.CharField(
        label="The appraisal evidence",
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    honorarium = forms.BooleanField(label="Recommend an honorarium", required=False)
    honorarium_note = forms.CharField(
        label="The exceptional contribution", required=False, max_length=300
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        reasons: Sequence[tuple[str, str]],
        evidence_required: bool,
        honorarium_allowed: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason_key"].choices = [  # type: ignore[attr-defined]
            ("", "Choose a reason (only when they stay on their point)"),
            *reasons,
        ]
        if evidence_required:
            self.fields["evidence"].help_text = "Required: the policy links pay to performance."
        if not honorarium_allowed:
            del self.fields["honorarium"]
            del self.fields["honorarium_note"]


class MoveForm(PlainTextMixin, forms.Form):
    reason = forms.CharField(
        label="Reason or note (optional)",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class DecideForm(PlainTextMixin, forms.Form):
    outcome = forms.ChoiceField(
        label="The pay committee's decision", choices=Outcome.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label="The committee's reason or note",
        required=False,
        max_length=300,
        help_text="Required when the committee decides otherwise than recommended.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
