"""Forms for objectives, plans, conversations, wellbeing notes, development plans,
meetings, improvement priorities and shared objectives.

Choices that depend on the policy (kinds of objective, plans to align to, the parts of the
Professional IQ inquiry, kinds of meeting) are passed in from the cycle's pinned policy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django import forms

from appraisal_site.forms import GovukDateField, PlainTextMixin
from organisation.models import Academy
from policies.schema import AppraisalModel, ObjectiveKind, PolicySettings
from submissions.guard import SubmitOnceMixin

from .models import (
    OBJECTIVE_KIND_CHOICES,
    SMART_PARTS,
    ImprovementPriority,
    MeetingKind,
    ObjectiveStatus,
)
from .rules import conversation_consent_label, kinds_in_use

LONG_TEXT = 5000
EARLIEST_YEAR = 2000
LATEST_YEAR = 2099
STALE_MESSAGE = "This page is out of date. Open it again and make your changes."


def _sane_year(value: dt.date | None) -> None:
    if value is not None and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise forms.ValidationError(f"Enter a date between {EARLIEST_YEAR} and {LATEST_YEAR}.")


def _date_field(label: str, *, required: bool = True, help_text: str = "") -> GovukDateField:
    # GOV.UK's date input: day, month and year boxes (a single YYYY-MM-DD is taken too).
    return GovukDateField(
        label=label,
        required=required,
        validators=[_sane_year],
        help_text=help_text,
    )


def _text(
    label: str, *, required: bool = False, help_text: str = "", rows: int = 3
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=LONG_TEXT,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _field(form: forms.Form, name: str) -> Any:
    """A field of ``form`` whose choices or queryset are set from the policy."""
    return form.fields[name]


class VersionedForm(PlainTextMixin, forms.Form):
    """Carries the version of the record the page showed, so a save made from an
    out-of-date page is refused rather than overwriting someone else's change."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={"required": STALE_MESSAGE, "invalid": STALE_MESSAGE},
    )


# ----- Objectives -------------------------------------------------------------------------


def kind_choices(rules: PolicySettings, current: str = "") -> list[tuple[str, str]]:
    """Only the kinds the pinned policy speaks of (``objectives.rules.kinds_in_use``), and
    the kind an objective already has, so editing it never changes it unasked."""
    kinds = [str(k) for k in kinds_in_use(rules)]
    if current and current not in kinds:
        kinds.append(current)
    known = {str(k) for k in ObjectiveKind}
    choices = [(k, ObjectiveKind(k).label) for k in kinds if k in known]
    if rules.model == AppraisalModel.PDP:
        return choices
    return [OBJECTIVE_KIND_CHOICES[0], *choices]


class ObjectiveForm(VersionedForm):
    kind = forms.ChoiceField(label="Kind of objective", required=False)
    title = forms.CharField(
        label="Objective", max_length=300, error_messages={"required": "Enter the objective."}
    )
    specific = _text("Specific", help_text="What exactly is to be achieved.")
    measurable = _text("Measurable", help_text="How progress and success will be measured.")
    achievable = _text("Achievable", help_text="Why it can be done with the time and support.")
    relevant = _text("Relevant (realistic)", help_text="Why it matters for the role and school.")
    time_bound = _text("Time-bound", help_text="By when, with any milestones.")
    success_criteria = _text("Success criteria", help_text="What it will look like when met.")
    actions = _text("Actions", help_text="What the member of staff will do.")
    support = _text(
        "Support and commitments",
        help_text="Training, time or resources the school commits to provide.",
    )
    priorities = forms.ModelMultipleChoiceField(
        label="Improvement plan priorities it supports",
        queryset=ImprovementPriority.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    alignment = forms.ChoiceField(label="Or the plan it supports", required=False)
    status = forms.ChoiceField(label="Progress", choices=ObjectiveStatus.choices)

    def __init__(
        self,
        *args: Any,
        rules: PolicySettings,
        priorities: Iterable[ImprovementPriority],
        shared: bool = False,
        progress_only: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _field(self, "kind").choices = kind_choices(
            rules, str((self.initial or {}).get("kind") or "")
        )
        if rules.model == AppraisalModel.PDP:
            self.fields["kind"].required = True
            self.fields["kind"].label = "Kind of target"
            self.fields["title"].label = "Target"
        elif len(_field(self, "kind").choices) <= 1:
            # The policy names no kind of objective: every one is "another objective".
            del self.fields["kind"]
        priority_ids = [p.pk for p in priorities]
        _field(self, "priorities").queryset = ImprovementPriority.objects.filter(
            pk__in=priority_ids
        ).order_by("academy_id", "-academic_year", "code")
        self.fields["priorities"].label_from_instance = str  # type: ignore[attr-defined]
        if not priority_ids:
            del self.fields["priorities"]
            self.fields["alignment"].label = "The plan it supports"
        align_to = list(rules.objectives.align_to)
        if align_to:
            _field(self, "alignment").choices = [("", "Choose a plan"), *((a, a) for a in align_to)]
        else:
            del self.fields["alignment"]
        if rules.objectives.smart_required:
            for name, label in SMART_PARTS:
                self.fields[name].required = True
                self.fields[name].error_messages["required"] = (
                    f"Say what makes it {label.split(' ')[0].lower()}: the policy asks for SMART "
                    "objectives."
                )
        self.individual_parts: list[str] = []
        if shared:
            # The shared text comes from the shared objective (langley §7 VIII); the parts
            # the policy keeps individual are this person's own.
            del self.fields["title"]
            self.fields.pop("kind", None)
            self.individual_parts = list(rules.objectives.shared_objective_individual_parts)
            for index, part in enumerate(self.individual_parts):
                self.fields[f"individual_part_{index}"] = _text(
                    f"{part} (their own)",
                    help_text="The objective is shared; this part is this person's own.",
                )
        if progress_only:
            for name in list(self.fields):
                if name not in ("status", "version"):
                    del self.fields[name]

    def individual_texts(self) -> list[str] | None:
        """This person's text for each individual part, or None when the form has none."""
        names = [f"individual_part_{i}" for i in range(len(self.individual_parts))]
        if not names or names[0] not in self.fields:
            return None
        return [self.cleaned_data.get(name, "") for name in names]


class CommentForm(SubmitOnceMixin, PlainTextMixin, forms.Form):
    text = _text("Your comment", required=True)


# ----- The plan's workflow ------------------------------------------------------------------


class PlanActionForm(VersionedForm):
    pass


class RespondForm(VersionedForm):
    agrees = forms.TypedChoiceField(
        label="Do you agree these objectives?",
        choices=[("yes", "Yes, I agree them"), ("no", "No, I do not agree them")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether you agree the objectives."},
    )
    comment = _text(
        "Comments",
        help_text="Required if you do not agree: say what you would change and why.",
    )


class DetermineForm(VersionedForm):
    note = _text(
        "The decision and the reasons for it",
        required=True,
        help_text="This is kept with the objectives.",
    )


class ReopenForm(VersionedForm):
    reason = forms.CharField(
        label="Why are they being reopened?",
        max_length=300,
        help_text="For example, a significant change in circumstances at the school.",
    )


class RequestReviewForm(VersionedForm):
    reason = _text(
        "What has changed?",
        required=True,
        help_text="The significant change in circumstances that means the objectives "
        "should be reviewed.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = (
            "Say what has changed, so the objectives can be reviewed."
        )


class AbsenceForm(VersionedForm):
    note = _text(
        "Absence to take into account",
        rows=4,
        help_text="For example, sickness absence or maternity leave, with the dates. It is "
        "taken into account when judging whether the objectives were met.",
    )


# ----- Conversations -----------------------------------------------------------------------


class ConversationForm(SubmitOnceMixin, VersionedForm):
    held_on = _date_field("Date the conversation was held", required=False)
    growth_areas = _text("Areas for professional growth", rows=4)
    cpd_activities = _text("CPD activities for the year ahead", rows=4)
    agreed_notes = _text(
        "Agreed notes",
        rows=4,
        help_text="Professional development priorities agreed. Do not record wellbeing "
        "matters here: they go in the private wellbeing notes.",
    )
    notes_consent = forms.BooleanField(
        label="The member of staff agreed to these notes being recorded",
        required=False,
    )

    def __init__(self, *args: Any, rules: PolicySettings, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not rules.conversations.notes_need_consent:
            del self.fields["notes_consent"]
        else:
            self.fields["notes_consent"].label = conversation_consent_label(rules)
        if not rules.conversations.growth_areas_and_cpd_recorded:
            del self.fields["growth_areas"]
            del self.fields["cpd_activities"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            "notes_consent" in self.fields
            and data.get("agreed_notes", "").strip()
            and not data.get("notes_consent")
        ):
            self.add_error(
                "notes_consent",
                "Agreed notes are kept only with the member of staff's consent: tick to "
                "confirm they agreed, or leave the notes empty.",
            )
        return data


class ConversationContributionForm(SubmitOnceMixin, VersionedForm):
    growth_areas = _text("Your areas for professional growth", rows=4)
    cpd_activities = _text("CPD activities you plan for the year ahead", rows=4)


# ----- Wellbeing ----------------------------------------------------------------------------


class WellbeingNoteForm(SubmitOnceMixin, PlainTextMixin, forms.Form):
    text = _text(
        "Note",
        required=True,
        rows=5,
        help_text="Seen only by the member of staff and by you. Never used for appraisal, "
        "pay or capability decisions.",
    )


# ----- Personal development plan -------------------------------------------------------------


class DevelopmentPlanForm(VersionedForm):
    development_needs = _text("Personal development needs", rows=5)

    def __init__(
        self, *args: Any, parts: Sequence[str], role_fit_label: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.parts = list(parts)
        needs = self.fields.pop("development_needs")
        for index, part in enumerate(self.parts):
            self.fields[f"part_{index}"] = _text(part, rows=4)
        self.fields["development_needs"] = needs
        if role_fit_label:
            # Support staff's plans are differentiated by grade and role (leger §6).
            self.fields["role_fit"] = _text(
                role_fit_label,
                rows=3,
                help_text="Support staff have a plan suited to their grade and role: say what "
                "this one focuses on for theirs.",
            )

    def role_fit(self) -> str | None:
        return self.cleaned_data.get("role_fit") if "role_fit" in self.fields else None

    def answers(self) -> list[str]:
        return [self.cleaned_data.get(f"part_{i}", "") for i in range(len(self.parts))]


# ----- Meetings ------------------------------------------------------------------------------


class MeetingScheduleForm(SubmitOnceMixin, PlainTextMixin, forms.Form):
    kind = forms.ChoiceField(label="Kind of meeting", widget=forms.RadioSelect)
    scheduled_for = _date_field("Date of the meeting")
    notice_given_on = _date_field(
        "Date notice of the meeting was given",
        required=False,
        help_text="Leave empty to use today.",
    )
    planned_minutes = forms.IntegerField(
        label="Time set aside (minutes)", required=False, min_value=1, max_value=600
    )

    def __init__(self, *args: Any, kinds: Sequence[MeetingKind], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _field(self, "kind").choices = [(k.value, k.label) for k in kinds]


class MeetingRecordForm(VersionedForm):
    scheduled_for = _date_field("Date of the meeting")
    notice_given_on = _date_field("Date notice of the meeting was given", required=False)
    planned_minutes = forms.IntegerField(
        label="Time set aside (minutes)", required=False, min_value=1, max_value=600
    )
    held_on = _date_field("Date it was held", required=False)
    notes = _text("Notes", rows=5)
    agreed_actions = _text("Agreed actions", rows=4)
    record_complete = forms.BooleanField(
        label="The record of this meeting is complete", required=False
    )


# ----- Improvement priorities and shared objectives ------------------------------------------


TRUST_WIDE = "trust"


def academic_year_choices(around: int) -> list[tuple[int, str]]:
    return [(y, f"{y} to {y + 1}") for y in range(around - 1, around + 3)]


class PriorityForm(PlainTextMixin, forms.Form):
    plan = forms.ChoiceField(label="Plan")
    academic_year = forms.TypedChoiceField(label="Academic year", coerce=int)
    code = forms.CharField(label="Code", max_length=20, help_text="For example, AIP2 or TIP1.")
    title = forms.CharField(label="Priority", max_length=300)
    description = _text("Description")

    def __init__(
        self,
        *args: Any,
        academies: Iterable[Academy],
        trust_wide: bool,
        year: int,
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [(TRUST_WIDE, "Trust improvement plan (TIP)")] if trust_wide else []
        choices += [(str(a.pk), f"{a.name} improvement plan (AIP)") for a in academies]
        _field(self, "plan").choices = choices
        _field(self, "academic_year").choices = academic_year_choices(year)
        if editing:
            del self.fields["plan"]


class SharedObjectiveForm(SubmitOnceMixin, PlainTextMixin, forms.Form):
    academy = forms.ChoiceField(label="Academy")
    kind = forms.ChoiceField(
        label="Kind of objective", required=False, choices=OBJECTIVE_KIND_CHOICES
    )
    title = forms.CharField(label="Objective", max_length=300)
    description = _text("What it means", rows=4)
    priority = forms.ChoiceField(label="Improvement plan priority it supports", required=False)

    def __init__(
        self,
        *args: Any,
        academies: Iterable[Academy],
        trust_wide: bool,
        priorities: Iterable[ImprovementPriority],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [(TRUST_WIDE, "The whole trust")] if trust_wide else []
        choices += [(str(a.pk), a.name) for a in academies]
        _field(self, "academy").choices = choices
        _field(self, "priority").choices = [("", "None")] + [
            (str(p.pk), f"{p}, {p.academy.name if p.academy else 'whole trust'}, {p.academic_year}")
            for p in priorities
        ]


class AssignForm(SubmitOnceMixin, PlainTextMixin, forms.Form):
    cycles = forms.MultipleChoiceField(
        label="Give it to",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one member of staff."},
    )

    def __init__(self, *args: Any, choices: Sequence[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _field(self, "cycles").choices = [(str(pk), label) for pk, label in choices]


class ObjectiveAddForm(SubmitOnceMixin, ObjectiveForm):
    """A new objective: sent once, however often the button is pressed."""


class PriorityAddForm(SubmitOnceMixin, PriorityForm):
    """A new improvement-plan priority: sent once, however often the button is pressed."""
