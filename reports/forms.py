"""The reports' filter (GET): year, academy and staff group."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from appraisal_site.forms import PlainTextMixin


class ReportFilterForm(PlainTextMixin, forms.Form):
    year = forms.TypedChoiceField(coerce=int, label="Appraisal year")
    academy = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Academy")
    staff_group = forms.ChoiceField(required=False, label="Staff group")

    def __init__(
        self,
        *args: Any,
        years: Sequence[tuple[int, str]],
        academies: Sequence[tuple[int, str]],
        staff_groups: Sequence[tuple[str, str]],
        whole_trust: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = list(years)  # type: ignore[attr-defined]
        everyone = [("", "Every academy, one by one")] if whole_trust else []
        self.fields["academy"].choices = [*everyone, *academies]  # type: ignore[attr-defined]
        if not whole_trust:
            self.fields["academy"].required = True
        self.fields["staff_group"].choices = [("", "All staff"), *staff_groups]  # type: ignore[attr-defined]
