from __future__ import annotations

from typing import Any

from django import forms

from appraisal_site.forms import PlainTextMixin
from cycles.models import AppraisalCycle
from organisation.models import StaffMember
from submissions.guard import SubmitOnceMixin


class LegalHoldForm(SubmitOnceMixin, PlainTextMixin, forms.Form):
    staff_number = forms.CharField(
        label="Staff number",
        max_length=30,
        required=False,
        help_text="To keep every appraisal record of one member of staff.",
    )
    cycle_number = forms.IntegerField(
        label="Appraisal record number",
        required=False,
        min_value=1,
        help_text="To keep one appraisal record only: the number in its address, "
        "for example 1234 in /cycles/1234/.",
    )
    reason = forms.CharField(
        label="Why the record must be kept",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, an employment tribunal claim. Do not include details of the "
        "case itself.",
    )

    def __init__(self, *args: Any, trust_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.trust_id = trust_id
        self.staff_member: StaffMember | None = None
        self.cycle: AppraisalCycle | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        staff_number = (data.get("staff_number") or "").strip()
        cycle_number: int | None = data.get("cycle_number")
        if self.errors:
            return data
        if bool(staff_number) == bool(cycle_number):
            raise forms.ValidationError(
                "Enter either a staff number or an appraisal record number, not both."
            )
        if staff_number:
            self.staff_member = StaffMember.objects.filter(
                trust_id=self.trust_id, staff_number=staff_number
            ).first()
            if self.staff_member is None:
                self.add_error("staff_number", "There is no member of staff with that number.")
        elif cycle_number is not None:
            self.cycle = AppraisalCycle.objects.filter(
                trust_id=self.trust_id, pk=cycle_number
            ).first()
            if self.cycle is None:
                self.add_error("cycle_number", "There is no appraisal record with that number.")
        return data


class LiftHoldForm(PlainTextMixin, forms.Form):
    reason = forms.CharField(
        label="Why the hold can end",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
