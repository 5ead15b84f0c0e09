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


class TermlyReportForm(PlainTextMixin, forms.Form):
    """The headteacher's commentary on the term's figures."""

    commentary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=20000,
        label="Your commentary on the academy's figures",
        help_text="The governors read this beside the figures. Name no member of staff.",
    )


class TermlyReportStartForm(TermlyReportForm):
    """Which academy's report, for which term; then the commentary."""

    academy = forms.TypedChoiceField(coerce=int, label="Academy")
    year = forms.TypedChoiceField(coerce=int, label="Appraisal year")
    term = forms.ChoiceField(label="Term")

    field_order = ["academy", "year", "term", "commentary"]

    def __init__(
        self,
        *args: Any,
        academies: Sequence[tuple[int, str]],
        years: Sequence[tuple[int, str]],
        terms: Sequence[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["academy"].choices = list(academies)  # type: ignore[attr-defined]
        self.fields["year"].choices = list(years)  # type: ignore[attr-defined]
        self.fields["term"].choices = list(terms)  # type: ignore[attr-defined]
        self.order_fields(self.field_order)
