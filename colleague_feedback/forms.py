"""The forms of the colleague feedback pages (GOV.UK markup through the project's form
renderer; every error is shown next to its field and in the error summary)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from appraisal_site.forms import PlainTextMixin
from organisation.models import StaffMember
from submissions.guard import SubmitOnceMixin

from .models import ANSWER_MAX


class ColleagueChoice(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def __init__(self, *args: Any, line_managed_by: int, **kwargs: Any) -> None:
        self.line_managed_by = line_managed_by
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        role = f", {obj.job_role.name}" if obj.job_role_id else ""
        own = " (their own staff)" if obj.line_manager_id == self.line_managed_by else ""
        return f"{obj.full_name}{role}, {obj.academy.name}{own}"


class AskForm(SubmitOnceMixin, PlainTextMixin, forms.Form):
    colleagues = forms.ModelMultipleChoiceField(
        queryset=StaffMember.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Colleagues to ask",
        error_messages={"required": "Choose at least one colleague to ask."},
    )
    question = forms.CharField(
        label="What would you like them to comment on?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what you would like colleagues to comment on."},
    )

    def __init__(
        self, *args: Any, colleagues: QuerySet[StaffMember], appraisee_id: int, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["colleagues"] = ColleagueChoice(
            queryset=colleagues,
            widget=forms.CheckboxSelectMultiple,
            label="Colleagues to ask",
            help_text="Their colleagues at the same academy; wherever they are based, the "
            "peers of their own team and their line manager; and anyone they line-manage.",
            error_messages={"required": "Choose at least one colleague to ask."},
            line_managed_by=appraisee_id,
        )


class AnswerForm(SubmitOnceMixin, PlainTextMixin, forms.Form):
    text = forms.CharField(
        label="Your feedback",
        max_length=ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Your name is not shown with what you write.",
        error_messages={
            "required": "Enter your feedback, or decline the request.",
            "max_length": f"Your feedback must be {ANSWER_MAX} characters or fewer.",
        },
    )


class AgreementForm(PlainTextMixin, forms.Form):
    agree = forms.TypedChoiceField(
        label="Do you agree to these colleagues being asked?",
        choices=[("yes", "Yes, they may be asked"), ("no", "No, do not ask them")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether these colleagues may be asked."},
    )
