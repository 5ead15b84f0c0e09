"""The forms of the concern and support plan pages (GOV.UK markup through the project's
form renderer; every error is shown next to its field and in the error summary)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet

from appraisal_site.forms import GovukDateField, PlainTextMixin
from organisation.models import StaffMember
from submissions.guard import SubmitOnceMixin

from .models import ConcernAbout, MeetingKind, PauseReason

LONG_TEXT = 5000
STALE_MESSAGE = "This page is out of date. Open it again and make your changes."


def _sane_year(value: dt.date | None) -> None:
    if value is not None and not 2000 <= value.year <= 2099:
        raise forms.ValidationError("Enter a date between 2000 and 2099.")


def _date(label: str, *, required: bool = True, help_text: str = "") -> GovukDateField:
    # GOV.UK's date input: day, month and year boxes (a single YYYY-MM-DD is taken too).
    return GovukDateField(
        label=label,
        required=required,
        validators=[_sane_year],
        help_text=help_text,
    )


def _text(label: str, *, required: bool = False, rows: int = 3, help_text: str = "") -> Any:
    return forms.CharField(
        label=label,
        required=required,
        max_length=LONG_TEXT,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class StaffChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name}, {obj.academy.name}"


class ConcernForm(SubmitOnceMixin, PlainTextMixin, forms.Form):
    staff = StaffChoice(
        queryset=StaffMember.objects.none(),
        label="Member of staff",
        empty_label="Choose a member of staff",
    )
    about = forms.ChoiceField(
        label="What the concern is about", choices=ConcernAbout.choices, widget=forms.RadioSelect
    )
    about_detail = forms.CharField(
        label="Which standard, objective or part of the role",
        max_length=300,
        help_text="For example: Teachers' Standard 4, plan and teach well-structured lessons.",
    )
    evidence = _text("The evidence", required=True, rows=6)
    raised_with_them_on = _date("When the concern was raised with them")

    def __init__(self, *args: Any, subjects: QuerySet[StaffMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = subjects  # type: ignore[attr-defined]


class OpenPlanForm(SubmitOnceMixin, PlainTextMixin, forms.Form):
    """Opening a plan needs only the one-time token: the concern is in the address."""


class MoveForm(PlainTextMixin, forms.Form):
    to = forms.ChoiceField(label="Move the plan to", widget=forms.RadioSelect)
    bypass_reason = forms.ChoiceField(
        label="Why the plan goes straight to capability",
        required=False,
        widget=forms.RadioSelect,
        help_text="Only when skipping the stages between: the policy lists these reasons.",
    )

    def __init__(
        self,
        *args: Any,
        targets: Sequence[tuple[str, str]],
        reasons: Sequence[str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = list(targets)  # type: ignore[attr-defined]
        if reasons:
            self.fields["bypass_reason"].choices = [(r, r) for r in reasons]  # type: ignore[attr-defined]
        else:
            del self.fields["bypass_reason"]


class CloseForm(PlainTextMixin, forms.Form):
    outcome = _text("The outcome", required=True, rows=5)


class MeetingScheduleForm(SubmitOnceMixin, PlainTextMixin, forms.Form):
    kind = forms.ChoiceField(label="Kind of meeting", widget=forms.RadioSelect)
    notice_given_on = _date(
        "Date notice of the meeting is given", required=False, help_text="Leave empty for today."
    )
    scheduled_for = _date("Date of the meeting")

    def __init__(
        self, *args: Any, kinds: Sequence[MeetingKind], notice_hint: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.value, k.label) for k in kinds]  # type: ignore[attr-defined]
        self.fields["scheduled_for"].help_text = notice_hint


class MeetingRecordForm(PlainTextMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    held_on = _date("Date it was held", required=False)
    attendees = _text("Who attended", rows=3)
    companion = forms.CharField(
        label="Who accompanied the member of staff",
        required=False,
        max_length=200,
        help_text="A union representative or work colleague, if anyone.",
    )
    papers_sent = _text("Papers sent before the meeting", rows=3)
    papers_sent_on = _date("Date the papers were sent", required=False)
    notes = _text("Notes", rows=6)
    outcome = _text("Outcome", rows=4)


class CommentForm(SubmitOnceMixin, PlainTextMixin, forms.Form):
    text = _text("Your comments", required=True, rows=6)


class WrittenPlanForm(PlainTextMixin, forms.Form):
    """One answer for each thing the policy says the stage's written plan sets out."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, items: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for index, item in enumerate(self.items):
            self.fields[f"item_{index}"] = _text(item, rows=4)

    def answers(self) -> list[str]:
        return [self.cleaned_data.get(f"item_{i}") or "" for i in range(len(self.items))]


class LetterForm(SubmitOnceMixin, PlainTextMixin, forms.Form):
    """A letter of the plan: the time and place (for an invitation), then one answer for
    each thing the policy says the letter includes."""

    details = _text(
        "The time and place of the meeting, and what it is about",
        rows=4,
        help_text="The letter states the date and the notice given itself.",
    )

    def __init__(self, *args: Any, items: Sequence[str], invitation: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = list(items)
        if invitation:
            self.fields["details"].required = True
        else:
            self.fields["details"].label = "Anything else the letter says"
            self.fields["details"].help_text = ""
        for index, item in enumerate(self.items):
            self.fields[f"item_{index}"] = _text(item, required=True, rows=4)

    def answers(self) -> list[str]:
        return [self.cleaned_data.get(f"item_{i}") or "" for i in range(len(self.items))]


class PauseForm(PlainTextMixin, forms.Form):
    reason = forms.ChoiceField(
        label="Why the plan is paused", choices=PauseReason.choices, widget=forms.RadioSelect
    )


class ResumeForm(PlainTextMixin, forms.Form):
    """Resuming needs nothing but the press of the button."""


class TermlyScheduleForm(SubmitOnceMixin, PlainTextMixin, forms.Form):
    scheduled_for = _date("Date of the meeting")

    def __init__(self, *args: Any, term_hint: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scheduled_for"].help_text = term_hint


class StaffChoices(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


class TermlyRecordForm(PlainTextMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    scheduled_for = _date("Date of the meeting")
    held_on = _date("Date it was held", required=False, help_text="Leave empty until it is held.")
    attendees = _text("Who attended", rows=3)
    staff_discussed = StaffChoices(
        queryset=StaffMember.objects.none(),
        label="Members of staff discussed",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    action_agreed = _text("The action agreed", rows=5)

    def __init__(
        self, *args: Any, staff: QuerySet[StaffMember], term_hint: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff_discussed"].queryset = staff  # type: ignore[attr-defined]
        self.fields["scheduled_for"].help_text = term_hint
