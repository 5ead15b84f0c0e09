from __future__ import annotations

from typing import Any

from django import forms
from django.db import models

from appraisal_site.forms import PlainTextMixin
from organisation.models import StaffMember
from submissions.guard import SubmitOnceMixin

from .registry import RetentionRoot, retention_registry


class LegalHoldForm(SubmitOnceMixin, PlainTextMixin, forms.Form):
    staff_number = forms.CharField(
        label="Staff number",
        max_length=30,
        required=False,
        help_text="To keep every appraisal record of one member of staff.",
    )
    # One number field for every kind of record (named for the first kind, the
    # appraisal record); the kind is chosen above it when more than one is registered.
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
        self.record: models.Model | None = None
        self.roots = retention_registry.roots()
        if len(self.roots) > 1:
            kinds = [(root.key, root.label) for root in self.roots]
            self.fields = {
                "staff_number": self.fields["staff_number"],
                "record_kind": forms.ChoiceField(
                    label="Kind of record",
                    choices=kinds,
                    initial=kinds[0][0],
                    required=False,
                    widget=forms.RadioSelect,
                    help_text="For one record only.",
                ),
                **{k: v for k, v in self.fields.items() if k != "staff_number"},
            }
            number = self.fields["cycle_number"]
            number.label = "Record number"
            number.help_text = "To keep one record only: the number in its address."

    def _root(self, data: dict[str, Any]) -> RetentionRoot:
        chosen = data.get("record_kind") or self.roots[0].key
        return next((r for r in self.roots if r.key == chosen), self.roots[0])

    @property
    def _what(self) -> str:
        return self.roots[0].label.lower() if len(self.roots) == 1 else "record"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        staff_number = (data.get("staff_number") or "").strip()
        cycle_number: int | None = data.get("cycle_number")
        if self.errors:
            return data
        if bool(staff_number) == bool(cycle_number):
            raise forms.ValidationError(
                f"Enter either a staff number or an {self._what} number, not both."
                if self._what[0] in "aeiou"
                else f"Enter either a staff number or a {self._what} number, not both."
            )
        if staff_number:
            self.staff_member = StaffMember.objects.filter(
                trust_id=self.trust_id, staff_number=staff_number
            ).first()
            if self.staff_member is None:
                self.add_error("staff_number", "There is no member of staff with that number.")
        elif cycle_number is not None:
            root = self._root(data)
            facts = root.facts([cycle_number]).get(cycle_number)
            if facts is not None and facts.trust_id == self.trust_id:
                self.record = root.model._base_manager.filter(pk=cycle_number).first()
            if self.record is None:
                self.add_error(
                    "cycle_number", f"There is no {root.label.lower()} with that number."
                )
        return data


class LiftHoldForm(PlainTextMixin, forms.Form):
    reason = forms.CharField(
        label="Why the hold can end",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
