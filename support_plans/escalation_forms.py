"""The escalations page's filter (GET): academy, stage and staff group."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from appraisal_site.forms import PlainTextMixin


class EscalationFilterForm(PlainTextMixin, forms.Form):
    academy = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Academy")
    stage = forms.ChoiceField(required=False, label="Stage")
    staff_group = forms.ChoiceField(required=False, label="Staff group")

    def __init__(
        self,
        *args: Any,
        academies: Sequence[tuple[int, str]],
        stages: Sequence[tuple[str, str]],
        staff_groups: Sequence[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["academy"].choices = [("", "All academies"), *academies]  # type: ignore[attr-defined]
        self.fields["stage"].choices = [("", "All stages"), *stages]  # type: ignore[attr-defined]
        self.fields["staff_group"].choices = [("", "All staff groups"), *staff_groups]  # type: ignore[attr-defined]
