"""What the appraisal year is built around, per the pinned policy's model.

- ``objectives``: an ``ObjectivePlan`` per cycle (draft → proposed → agreed) with its
  ``Objective`` rows, some of them assignments of a ``SharedObjective`` (langley §7 VIII),
  aligned to the trust's and academies' ``ImprovementPriority`` rows;
- ``conversations`` (aspire-grow): a ``Conversation`` row per conversation the policy lists,
  with growth areas and CPD activities; ``WellbeingNote`` rows kept apart, only with a live
  ``WellbeingConsent``;
- ``pdp`` (leger): a ``DevelopmentPlan`` with the Professional IQ inquiry; extra targets
  are ``Objective`` rows of the kinds the policy lists.

In-year ``Meeting`` rows (interim, termly, mid-point, annual review) serve every model.

Every row carries ``trust`` so that every query can be scoped to the trust first; every
row hangs off an ``AppraisalCycle`` and is fetched only through its cycle.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from cycles.models import AppraisalCycle
from organisation.models import Academy, Trust
from policies.schema import ObjectiveKind

OBJECTIVE_KIND_CHOICES: list[tuple[str, str]] = [
    ("", "Another objective for their role"),
    *((kind.value, kind.label) for kind in ObjectiveKind),
]
SMART_PARTS: tuple[tuple[str, str], ...] = (
    ("specific", "Specific"),
    ("measurable", "Measurable"),
    ("achievable", "Achievable"),
    ("relevant", "Relevant (realistic)"),
    ("time_bound", "Time-bound"),
)


class ImprovementPriority(models.Model):
    """A priority in the trust improvement plan (TIP, ``academy`` empty) or in one
    academy's improvement plan (AIP), for one academic year."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="+")
    academy = models.ForeignKey(
        Academy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for a trust-wide priority.",
    )
    academic_year = models.PositiveSmallIntegerField(
        help_text="The calendar year the academic year starts in (2026 for 2026 to 2027)."
    )
    code = models.CharField(max_length=20)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-academic_year", "academy__name", "code"]
        verbose_name_plural = "improvement priorities"
        constraints = [
            models.UniqueConstraint(
                fields=["trust", "academic_year", "code"],
                condition=Q(academy__isnull=True),
                name="tip_priority_code_unique",
            ),
            models.UniqueConstraint(
                fields=["academy", "academic_year", "code"],
                condition=Q(academy__isnull=False),
                name="aip_priority_code_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.title} ({self.plan_label})"

    @property
    def plan_label(self) -> str:
        return "TIP" if self.academy_id is None else "AIP"


class PlanState(models.TextChoices):
    DRAFT = "draft", "Draft"
    PROPOSED = "proposed", "Proposed to the member of staff"
    AGREED = "agreed", "Agreed"


class AppraiseeResponse(models.TextChoices):
    NONE = "", "Not yet answered"
    ACCEPTED = "accepted", "Agrees with the objectives"
    DISAGREED = "disagreed", "Does not agree with the objectives"


class ObjectivePlan(models.Model):
    """The cycle's set of objectives as a whole, and whether it is agreed.

    ``version`` goes up with every change to the plan or its objectives, so an edit made
    from a page that is out of date is detected instead of silently overwriting.
    """

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="+")
    cycle = models.OneToOneField(
        AppraisalCycle, on_delete=models.CASCADE, related_name="objective_plan"
    )
    state = models.CharField(max_length=10, choices=PlanState.choices, default=PlanState.DRAFT)
    version = models.PositiveIntegerField(default=1)
    proposed_at = models.DateTimeField(null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    appraisee_response = models.CharField(
        max_length=10, choices=AppraiseeResponse.choices, blank=True, default=""
    )
    appraisee_responded_at = models.DateTimeField(null=True, blank=True)
    appraisee_comment = models.TextField(blank=True)
    agreed_at = models.DateTimeField(null=True, blank=True)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    headteacher_determined = models.BooleanField(
        default=False,
        help_text="Reviewer and member of staff could not agree; the headteacher decided.",
    )
    determination_note = models.TextField(blank=True)
    absence_note = models.TextField(
        blank=True,
        help_text="Absence (sickness, maternity leave) to take into account when judging "
        "whether the objectives were met.",
    )
    review_requested_at = models.DateTimeField(null=True, blank=True)
    review_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    review_request_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Objectives for {self.cycle}"

    @property
    def review_requested(self) -> bool:
        return self.review_requested_at is not None

    @property
    def is_agreed(self) -> bool:
        return self.state == PlanState.AGREED


class SharedObjective(models.Model):
    """One objective text that several people share (a team or whole-school objective).

    Each assignment is an ``Objective`` in that person's plan; its success criteria,
    actions, commitments and evidence stay individual (langley §7 VIII)."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="+")
    academy = models.ForeignKey(
        Academy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for a trust-wide objective.",
    )
    kind = models.CharField(max_length=40, choices=OBJECTIVE_KIND_CHOICES, blank=True)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    priority = models.ForeignKey(
        ImprovementPriority, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class ObjectiveStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    ACHIEVED = "achieved", "Achieved"
    PARTLY_ACHIEVED = "partly_achieved", "Partly achieved"
    NOT_ACHIEVED = "not_achieved", "Not achieved"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Objective(models.Model):
    """One objective (or, under a personal development plan, one extra target)."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="+")
    cycle = models.ForeignKey(AppraisalCycle, on_delete=models.CASCADE, related_name="objectives")
    shared = models.ForeignKey(
        SharedObjective,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
    )
    kind = models.CharField(max_length=40, choices=OBJECTIVE_KIND_CHOICES, blank=True)
    title = models.CharField(max_length=300)
    specific = models.TextField(blank=True)
    measurable = models.TextField(blank=True)
    achievable = models.TextField(blank=True)
    relevant = models.TextField(blank=True)
    time_bound = models.TextField(blank=True)
    success_criteria = models.TextField(blank=True)
    actions = models.TextField(blank=True)
    support = models.TextField(blank=True)
    priorities = models.ManyToManyField(ImprovementPriority, blank=True, related_name="+")
    alignment = models.CharField(
        max_length=300,
        blank=True,
        help_text="The plan or priority it supports, from the policy's list.",
    )
    status = models.CharField(
        max_length=20, choices=ObjectiveStatus.choices, default=ObjectiveStatus.NOT_STARTED
    )
    individual_parts = models.JSONField(
        default=list,
        blank=True,
        help_text="For a shared objective: the parts that stay this person's own, each "
        "with the policy's wording and their text, in the policy's order.",
    )
    position = models.PositiveSmallIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "shared"],
                condition=Q(shared__isnull=False),
                name="shared_objective_once_per_cycle",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def smart_parts(self) -> list[tuple[str, str]]:
        return [(label, getattr(self, name)) for name, label in SMART_PARTS]

    @property
    def missing_smart_parts(self) -> list[str]:
        return [label for name, label in SMART_PARTS if not getattr(self, name).strip()]

    def individual_part_text(self, part: str) -> str:
        """What this person wrote for one of the policy's individual parts."""
        for item in self.individual_parts or []:
            if isinstance(item, dict) and item.get("part") == part:
                return str(item.get("text", ""))
        return ""

    @property
    def individual_parts_written(self) -> int:
        return sum(
            1
            for item in self.individual_parts or []
            if isinstance(item, dict) and str(item.get("text", "")).strip()
        )


class ObjectiveComment(models.Model):
    """A comment on an objective: the member of staff's own contribution, or the
    reviewer's reply. Comments are only added, never edited."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="+")
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    author_name = models.CharField(max_length=200)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Comment by {self.author_name}"


class Conversation(models.Model):
    """One developmental conversation of the year (aspire-grow §6.3 to §6.5): ``key`` is the
    conversation's key in the pinned policy."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="+")
    cycle = models.ForeignKey(
        AppraisalCycle, on_delete=models.CASCADE, related_name="conversations"
    )
    key = models.CharField(max_length=40)
    held_on = models.DateField(null=True, blank=True)
    growth_areas = models.TextField(blank=True)
    cpd_activities = models.TextField(blank=True)
    agreed_notes = models.TextField(blank=True)
    notes_consent = models.BooleanField(
        default=False,
        help_text="The member of staff agreed to the agreed notes being recorded.",
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "key"], name="one_conversation_per_key"),
        ]

    def __str__(self) -> str:
        return f"{self.key} conversation for {self.cycle}"


class WellbeingConsent(models.Model):
    """The member of staff's consent to wellbeing notes being kept (aspire §6.4a).

    Given and withdrawn only by the member of staff. The record holds no notes, only when
    consent was given and withdrawn, so it keeps its history as proof of consent."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="+")
    cycle = models.ForeignKey(AppraisalCycle, on_delete=models.CASCADE, related_name="+")
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    given_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    notes_deleted = models.PositiveIntegerField(
        default=0, help_text="How many notes were deleted when consent was withdrawn."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-given_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_live_wellbeing_consent",
            ),
        ]

    def __str__(self) -> str:
        return f"Wellbeing consent for {self.cycle}"


class WellbeingNote(models.Model):
    """A note from a wellbeing conversation.

    Deliberately has NO history model: simple-history would copy the text into a second
    table on every save, and a withdrawn consent must leave no copy behind. The notes are
    also never read by any selector that feeds the cycle page, a statement, an export or
    a report: only ``objectives.selectors.wellbeing_notes_for`` reads them, for the member
    of staff (all of theirs) and for a note's writer (their own)."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="+")
    cycle = models.ForeignKey(AppraisalCycle, on_delete=models.CASCADE, related_name="+")
    consent = models.ForeignKey(WellbeingConsent, on_delete=models.CASCADE, related_name="+")
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    written_at = models.DateTimeField(auto_now_add=True)
    text = models.TextField()

    class Meta:
        ordering = ["written_at", "pk"]

    def __str__(self) -> str:
        return f"Wellbeing note {self.pk}"


class DevelopmentPlan(models.Model):
    """A personal development plan (leger §2, §5) with its Professional IQ inquiry.

    ``inquiry`` is a list of ``{"part": <the policy's wording>, "answer": <text>}`` in the
    policy's order; the wording is kept with the answer so a later policy version cannot
    change what was answered."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="+")
    cycle = models.OneToOneField(
        AppraisalCycle, on_delete=models.CASCADE, related_name="development_plan"
    )
    inquiry = models.JSONField(default=list, blank=True)
    development_needs = models.TextField(blank=True)
    role_fit = models.TextField(
        blank=True,
        help_text="For support staff: how the plan suits their grade and role (leger §6).",
    )
    state = models.CharField(max_length=10, choices=PlanState.choices, default=PlanState.DRAFT)
    agreed_at = models.DateTimeField(null=True, blank=True)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Personal development plan for {self.cycle}"

    def answer_for(self, index: int) -> str:
        try:
            return str(self.inquiry[index].get("answer", ""))
        except (IndexError, AttributeError):
            return ""


class MeetingKind(models.TextChoices):
    INTERIM = "interim", "Interim meeting"
    TERMLY = "termly", "Termly review meeting"
    MIDPOINT = "midpoint", "Mid-point check-in"
    ANNUAL_REVIEW = "annual_review", "Annual review meeting"
    OTHER = "other", "Another meeting"


class Meeting(models.Model):
    """A meeting in the year: planned (``scheduled_for``), then held (``held_on``) with
    notes and agreed actions."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="+")
    cycle = models.ForeignKey(AppraisalCycle, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(max_length=20, choices=MeetingKind.choices)
    scheduled_for = models.DateField()
    notice_given_on = models.DateField(null=True, blank=True)
    planned_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    held_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    agreed_actions = models.TextField(blank=True)
    record_completed_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["scheduled_for", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.scheduled_for:%d %b %Y}"

    @property
    def date(self) -> dt.date:
        return self.held_on or self.scheduled_for
