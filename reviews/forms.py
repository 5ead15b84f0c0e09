"""Forms for observations, evidence, the review, comments and moderation.

Forms only check the shape of what was typed; the policy's rules are checked by the
services, whose refusals are shown on the form as errors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from appraisal_site.forms import GovukDateTimeField, PlainTextMixin
from cycles import order
from cycles.models import AppraisalCycle
from organisation.models import Academy, StaffMember
from submissions.guard import SubmitOnceMixin

from .models import (
    Alignment,
    Framework,
    ModerationKind,
    ModerationOutcome,
    ObservationKind,
    Outcome,
)
from .selectors import ObjectiveRef, ReviewDraft, assessment_key
from .services import MAX_SAMPLE_SIZE
from .uploads import ALLOWED_DESCRIPTION

EARLIEST_YEAR = 2000
LATEST_YEAR = 2099
MAX_OBSERVATION_MINUTES = 600


DATETIME_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M", "%d/%m/%Y")


def _check_year(value: dt.datetime | None) -> None:
    if value is not None and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise forms.ValidationError(f"Enter a date between {EARLIEST_YEAR} and {LATEST_YEAR}.")


def observer_choices(cycle: AppraisalCycle, extra_ids: list[int]) -> QuerySet[StaffMember]:
    """Staff who may be named as the observer: the academy's current staff, the reviewer
    and whoever is recording it, never the appraisee."""
    return (
        StaffMember.objects.current()
        .filter(trust_id=cycle.trust_id)
        .filter(Q(academy_id=cycle.academy_id) | Q(pk__in=[cycle.reviewer_id, *extra_ids]))
        .exclude(pk=cycle.appraisee_id)
        .select_related("job_role")
        .order_by("last_name", "first_name")
    )


class ObserverField(forms.ModelChoiceField):
    def label_from_instance(self, obj: StaffMember) -> str:  # type: ignore[override]
        qts = ", holds QTS" if obj.has_qts else ""
        return f"{obj.full_name} ({obj.job_title}{qts})"


class ObservationForm(SubmitOnceMixin, PlainTextMixin, forms.Form):
    observer = ObserverField(queryset=StaffMember.objects.none(), label="Who observed")
    observed_at = GovukDateTimeField(
        label="When the observation started",
        input_formats=DATETIME_FORMATS,
        validators=[_check_year],
    )
    duration_minutes = forms.IntegerField(
        label="Length in minutes",
        min_value=1,
        max_value=MAX_OBSERVATION_MINUTES,
        widget=forms.NumberInput(),
    )
    kind = forms.ChoiceField(
        label="Kind of observation", choices=ObservationKind.choices, widget=forms.RadioSelect
    )
    focus = forms.CharField(label="Focus", max_length=300, required=False)
    advance_notice_given = forms.BooleanField(
        label="It was planned and discussed with the member of staff in advance", required=False
    )
    concerns_arose = forms.BooleanField(
        label="Concerns arose (learning walks only)",
        required=False,
        help_text="Some policies use a learning walk for appraisal only when concerns arise.",
    )
    confirm_warnings = forms.BooleanField(
        label="I have read the warning and want to record it anyway", required=False
    )

    def __init__(
        self, *args: Any, cycle: AppraisalCycle, extra_observer_ids: list[int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.cycle = cycle
        self.fields["observer"].queryset = observer_choices(cycle, extra_observer_ids)  # type: ignore[attr-defined]

    def clean_observed_at(self) -> dt.datetime:
        value: dt.datetime = self.cleaned_data["observed_at"]
        if value > timezone.now() + dt.timedelta(minutes=5):
            raise forms.ValidationError("Record an observation once it has taken place.")
        outside = order.outside_cycle(
            timezone.localtime(value).date(),
            starts_on=self.cycle.starts_on,
            ends_on=self.cycle.ends_on,
        )
        if outside is not None:
            raise forms.ValidationError(outside)
        return value


class FeedbackForm(PlainTextMixin, forms.Form):
    verbal_feedback_at = GovukDateTimeField(
        label="Spoken feedback given on",
        required=False,
        input_formats=DATETIME_FORMATS,
        validators=[_check_year],
    )
    written_feedback_at = GovukDateTimeField(
        label="Written feedback given on",
        required=False,
        input_formats=DATETIME_FORMATS,
        validators=[_check_year],
    )
    feedback_notes = forms.CharField(
        label="Notes on the feedback", required=False, widget=forms.Textarea(attrs={"rows": 5})
    )


def _objective_field(objectives: list[ObjectiveRef]) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label="Objective it supports",
        choices=[("", "The year as a whole")] + [(str(o.pk), o.title[:120]) for o in objectives],
        coerce=int,
        empty_value=None,
        required=False,
    )


class EvidenceFileForm(SubmitOnceMixin, PlainTextMixin, forms.Form):
    file = forms.FileField(
        label="File",
        help_text=f"Upload {ALLOWED_DESCRIPTION}. Its type is checked from its content.",
    )
    title = forms.CharField(
        label="What it shows",
        max_length=200,
        required=False,
        help_text="Leave empty to use the file's name.",
    )

    def __init__(self, *args: Any, objectives: list[ObjectiveRef], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if objectives:
            self.fields["objective"] = _objective_field(objectives)


class EvidenceNoteForm(SubmitOnceMixin, PlainTextMixin, forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    note = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 6}), max_length=20000)

    def __init__(self, *args: Any, objectives: list[ObjectiveRef], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if objectives:
            self.fields["objective"] = _objective_field(objectives)


OUTCOME_CHOICES = [("", "Not yet assessed"), *Outcome.choices]


class ReviewForm(PlainTextMixin, forms.Form):
    """The reviewer's part of the review, with one outcome and comment per objective and
    per standard. ``version`` is the version the form was opened at."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    evidence_summary = forms.CharField(
        label="Summary of the evidence considered",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    overview = forms.CharField(
        label="Overview: the extent to which objectives and targets were achieved",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    development_needs = forms.CharField(
        label="Development needs", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    training = forms.CharField(
        label="Training and the action to address the needs",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    pay_reference = forms.CharField(
        label="Pay progression",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    next_objectives = forms.CharField(
        label="Objectives for the new cycle",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    monitoring_plan = forms.CharField(
        label="When monitoring will take place in the new cycle",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, draft: ReviewDraft, pay_required: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        review = draft.review
        self.objective_keys: list[tuple[str, str, str]] = []
        self.standard_keys: list[tuple[str, str, str]] = []
        for a in draft.objective_rows:
            row_key = assessment_key(a)
            key = f"objective_{row_key}"
            self.fields[f"{key}_outcome"] = forms.ChoiceField(
                label=f"Objective: {a.objective_title}",
                choices=OUTCOME_CHOICES,
                required=False,
                initial=a.outcome,
            )
            self.fields[f"{key}_comment"] = forms.CharField(
                label=f"Comment on objective: {a.objective_title[:80]}",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=a.comment,
            )
            self.objective_keys.append((row_key, f"{key}_outcome", f"{key}_comment"))
        for s in draft.standard_rows:
            row_key = assessment_key(s)
            key = f"standard_{row_key}"
            self.fields[f"{key}_outcome"] = forms.ChoiceField(
                label=s.label, choices=OUTCOME_CHOICES, required=False, initial=s.outcome
            )
            self.fields[f"{key}_comment"] = forms.CharField(
                label=f"Comment on {s.label[:80]}",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=s.comment,
            )
            self.standard_keys.append((row_key, f"{key}_outcome", f"{key}_comment"))
        self.has_accountabilities = review.framework == Framework.KEY_ACCOUNTABILITIES
        if self.has_accountabilities:
            self.fields["accountabilities"] = forms.CharField(
                label="Key accountabilities of the role",
                required=False,
                widget=forms.Textarea(attrs={"rows": 5}),
                help_text="One per line. Save the draft to assess a new one.",
                initial="\n".join(a.accountability for a in draft.standard_rows),
            )
        if pay_required:
            self.fields[
                "pay_reference"
            ].help_text = "Required: the policy links pay progression to appraisal."
        else:
            self.fields["pay_reference"].help_text = "Where relevant."

    def accountability_lines(self) -> list[str] | None:
        if not self.has_accountabilities:
            return None
        return str(self.cleaned_data.get("accountabilities", "")).splitlines()

    def assessment_fields(self, keys: list[tuple[str, str, str]]) -> list[tuple[Any, Any]]:
        return [(self[outcome], self[comment]) for _, outcome, comment in keys]

    @property
    def objective_rows(self) -> list[tuple[Any, Any]]:
        return self.assessment_fields(self.objective_keys)

    @property
    def standard_rows(self) -> list[tuple[Any, Any]]:
        return self.assessment_fields(self.standard_keys)

    @property
    def text_fields(self) -> list[Any]:
        return [
            self[name]
            for name in (
                "evidence_summary",
                "overview",
                "development_needs",
                "training",
                "pay_reference",
                "next_objectives",
                "monitoring_plan",
            )
        ]


class CommentForm(PlainTextMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    comments = forms.CharField(
        label="Your comments on the review",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
    )


class ModerationDrawForm(SubmitOnceMixin, PlainTextMixin, forms.Form):
    academy: forms.ModelChoiceField[Academy] = forms.ModelChoiceField(
        queryset=Academy.objects.none(), label="Academy"
    )
    year = forms.TypedChoiceField(label="Appraisal year", coerce=int, choices=())
    kind = forms.ChoiceField(
        label="What to moderate", choices=ModerationKind.choices, widget=forms.RadioSelect
    )
    size = forms.IntegerField(
        label="How many to sample",
        min_value=1,
        max_value=MAX_SAMPLE_SIZE,
        widget=forms.NumberInput(),
    )

    def __init__(self, *args: Any, academies: QuerySet[Any], years: list[int], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["academy"].queryset = academies  # type: ignore[attr-defined]
        self.fields["year"].choices = [(y, f"{y}/{(y + 1) % 100:02d}") for y in years]  # type: ignore[attr-defined]


class ModerationOutcomeForm(PlainTextMixin, forms.Form):
    """The moderator's outcome; with ``asks_alignment`` (the cycle's policy checks
    objectives against the improvement plans, langley §5) also that question."""

    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[
            (ModerationOutcome.CONSISTENT, ModerationOutcome.CONSISTENT.label),
            (ModerationOutcome.NEEDS_CHANGE, ModerationOutcome.NEEDS_CHANGE.label),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when something needs to change: say what.",
    )

    def __init__(self, *args: Any, asks_alignment: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if asks_alignment:
            self.fields["objectives_aligned"] = forms.ChoiceField(
                label="Are the objectives aligned with the trust and academy improvement plans?",
                choices=Alignment.choices,
                widget=forms.RadioSelect,
                error_messages={
                    "required": "Say whether the objectives are aligned with the improvement plans."
                },
            )


class HeadteacherAdjustmentForm(PlainTextMixin, forms.Form):
    """The headteacher's adjustment to the new objectives or the support in a review."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    next_objectives = forms.CharField(
        label="Objectives for the new cycle",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20000,
    )
    development_needs = forms.CharField(
        label="Development needs and the support offered",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20000,
    )
    training = forms.CharField(
        label="Training",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=20000,
    )
    reason = forms.CharField(
        label="What you changed and why",
        help_text="The reviewer and the member of staff see this on the review.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": "Say what you changed and why."},
    )
    discussed = forms.BooleanField(
        label="I have discussed this change with the reviewer and the member of staff",
        error_messages={
            "required": "Discuss the change with the reviewer and the member of staff "
            "before making it."
        },
    )


class ReviewReopenForm(PlainTextMixin, forms.Form):
    """Why a completed review is reopened (kept on the review and in its history)."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={
            "required": "Open the review again: the page was out of date.",
            "invalid": "Open the review again: the page was out of date.",
        },
    )
    reason = forms.CharField(
        label="Why is the review being reopened?",
        help_text="For example, what moderation asked to change. The member of staff and "
        "the reviewer see this on the review.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Say why the review is being reopened."},
    )


class EvidenceChangeForm(PlainTextMixin, forms.Form):
    """Correct a piece of evidence: its title, a note's text, or (for a file) a new file."""

    title = forms.CharField(
        label="What it shows",
        max_length=200,
        error_messages={"required": "Enter what the evidence shows."},
    )
    note = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
        error_messages={"required": "Enter the note."},
    )
    file = forms.FileField(
        label="Replace the file (optional)",
        required=False,
        help_text=f"Upload {ALLOWED_DESCRIPTION} to replace the current file. Leave empty to "
        "keep it.",
    )

    def __init__(self, *args: Any, is_file: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["note" if is_file else "file"]


class EvidenceWithdrawForm(PlainTextMixin, forms.Form):
    reason = forms.CharField(
        label="Why are you withdrawing it? (optional)",
        required=False,
        max_length=300,
        help_text="Kept with the record of the evidence.",
    )
