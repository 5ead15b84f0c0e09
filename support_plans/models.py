"""Concerns about a member of staff's performance, the support plans opened from them, the
plan's meetings and the member of staff's comments, and what happened to each plan.

A support plan pins the policy version it runs under: its stages, notice periods, bypass
reasons and what happens to appraisal in capability are read from that version, never
from whichever version is current.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from cycles.models import AppraisalCycle
from organisation.models import Academy, StaffMember, Trust
from policies.models import PolicyVersion

# The stage after every support stage the policy lists: the capability procedure.
CAPABILITY = "capability"


class ConcernAbout(models.TextChoices):
    STANDARD = "standard", "A standard (for example a Teachers' Standard)"
    OBJECTIVE = "objective", "An appraisal objective"
    ROLE = "role", "A part of the role"


class Concern(models.Model):
    """A concern about a member of staff's performance, recorded by their reviewer, line
    manager or headteacher: what it is about, the evidence, and when it was raised with
    them."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="+")
    academy = models.ForeignKey(Academy, on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="concerns")
    raised_by = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, related_name="concerns_raised"
    )
    policy_version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="+")
    about = models.CharField(max_length=12, choices=ConcernAbout.choices)
    about_detail = models.CharField(
        max_length=300, help_text="Which standard, objective or part of the role."
    )
    evidence = models.TextField()
    raised_with_them_on = models.DateField()
    headteacher_told_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["trust", "academy"])]

    def __str__(self) -> str:
        return f"Concern about {self.staff} ({self.created_at:%d %b %Y})"


class PlanStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class PauseReason(models.TextChoices):
    GRIEVANCE = "grievance", "A grievance is being dealt with"
    SICKNESS = "sickness", "Long-term sickness absence"


class AppraisalEffect(models.TextChoices):
    NONE = "", "Appraisal carries on"
    SUSPENDED = "suspended", "Appraisal is suspended until the capability matter ends"
    NO_LONGER_APPLIES = "no_longer_applies", "Appraisal no longer applies to them"


class SupportPlan(models.Model):
    """Support for one member of staff, moved along the stages of the pinned policy."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="+")
    academy = models.ForeignKey(Academy, on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="support_plans")
    manager = models.ForeignKey(
        StaffMember,
        on_delete=models.PROTECT,
        related_name="support_plans_managed",
        help_text="Who manages the plan.",
    )
    concern = models.ForeignKey(
        Concern, on_delete=models.PROTECT, null=True, blank=True, related_name="plans"
    )
    policy_version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(max_length=40, help_text="A stage key of the pinned policy.")
    stage_started_on = models.DateField()
    status = models.CharField(max_length=8, choices=PlanStatus.choices, default=PlanStatus.OPEN)
    bypass_reason = models.CharField(max_length=300, blank=True)
    cycle = models.ForeignKey(
        AppraisalCycle,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The appraisal cycle capability applied to.",
    )
    appraisal_effect = models.CharField(
        max_length=20, choices=AppraisalEffect.choices, blank=True, default=""
    )
    capability_stage = models.CharField(
        max_length=40,
        blank=True,
        help_text="In capability: a capability stage key of the pinned policy.",
    )
    capability_started_on = models.DateField(null=True, blank=True)
    capability_ended_on = models.DateField(null=True, blank=True)
    paused_on = models.DateField(null=True, blank=True)
    pause_reason = models.CharField(max_length=12, choices=PauseReason.choices, blank=True)
    outcome = models.TextField(blank=True)
    sustain_until = models.DateField(null=True, blank=True)
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-opened_on", "-pk"]
        indexes = [
            models.Index(fields=["trust", "academy", "status"]),
            models.Index(fields=["trust", "capability_started_on"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["staff"],
                condition=models.Q(status="open"),
                name="one_open_support_plan_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"Support plan for {self.staff} from {self.opened_on:%d %b %Y}"

    @property
    def is_open(self) -> bool:
        return self.status == PlanStatus.OPEN

    @property
    def is_paused(self) -> bool:
        return self.is_open and self.paused_on is not None

    @property
    def in_capability(self) -> bool:
        return self.is_open and self.stage == CAPABILITY

    def stage_name(self) -> str:
        if self.stage == CAPABILITY:
            step = self.policy_version.rules.support.capability_stage(self.capability_stage)
            return f"Capability procedure: {step.name}" if step else "Capability procedure"
        stage = self.policy_version.rules.support.stage(self.stage)
        return stage.name if stage is not None else self.stage


class MeetingKind(models.TextChoices):
    SUPPORT = "support", "Support meeting"
    REVIEW = "review", "Review meeting"
    FORMAL = "formal", "Formal meeting"
    CAPABILITY = "capability", "Capability meeting"


class SupportMeeting(models.Model):
    """A meeting of a plan, scheduled with notice in working days, and what happened."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="meetings")
    stage = models.CharField(max_length=40)
    capability_stage = models.CharField(max_length=40, blank=True)
    kind = models.CharField(max_length=12, choices=MeetingKind.choices)
    scheduled_for = models.DateField()
    notice_given_on = models.DateField()
    attendees = models.TextField(blank=True)
    companion = models.CharField(
        max_length=200, blank=True, help_text="Who accompanied the member of staff."
    )
    papers_sent = models.TextField(blank=True)
    papers_sent_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    outcome = models.TextField(blank=True)
    held_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["scheduled_for", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.scheduled_for:%d %b %Y}"


class PlanComment(models.Model):
    """The member of staff's own comments on their plan (classic §6.10.2-3)."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Comment on {self.plan} ({self.created_at:%d %b %Y})"


class PlanEventKind(models.TextChoices):
    CONCERN_RECORDED = "concern_recorded", "Concern recorded"
    HEADTEACHER_TOLD = "headteacher_told", "Headteacher told of the concern"
    OPENED = "opened", "Support plan opened"
    MOVED = "moved", "Moved to the next stage"
    BYPASSED = "bypassed", "Went straight to capability"
    CAPABILITY_STARTED = "capability_started", "Capability procedure started"
    CAPABILITY_MOVED = "capability_moved", "Moved to the next stage of capability"
    LETTER_WRITTEN = "letter_written", "Letter written"
    CAPABILITY_ENDED = "capability_ended", "Capability ended: returned to appraisal"
    CLOSED = "closed", "Support plan closed"
    PAUSED = "paused", "Support plan paused"
    RESUMED = "resumed", "Support plan resumed"
    MEETING_SCHEDULED = "meeting_scheduled", "Meeting scheduled"
    MEETING_RECORDED = "meeting_recorded", "Meeting recorded"
    COMMENTED = "commented", "Comment added by the member of staff"


class PlanEvent(models.Model):
    """What happened, typed: one row per change, written in the change's transaction."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="+")
    concern = models.ForeignKey(
        Concern, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    plan = models.ForeignKey(
        SupportPlan, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    kind = models.CharField(max_length=24, choices=PlanEventKind.choices)
    from_stage = models.CharField(max_length=40, blank=True)
    to_stage = models.CharField(max_length=40, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["trust", "kind", "at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%d %b %Y}"


class WrittenPlan(models.Model):
    """The written plan of one stage: what the policy says it sets out (classic §6.10.1:
    areas of concern, the standard expected, timescale, support, monitoring, consequences),
    each answered. Shared with the member of staff (§6.10.3)."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="written_plans")
    stage = models.CharField(max_length=40)
    # [{"item": what the policy lists, "text": the answer}], in the policy's order.
    answers = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "stage"], name="one_written_plan_per_stage")
        ]

    def __str__(self) -> str:
        return f"Written plan for {self.plan} ({self.stage})"


class TermlyReview(models.Model):
    """The HR director's termly meeting with an academy's headteacher about the members of
    staff causing concern and the action agreed (langley §7 VII), where the academy's policy
    asks for it (``support.hr_meets_headteachers_termly``).

    Pins the academy's policy version in force when it was scheduled: its retention years
    decide when the purge destroys the meeting (``retention.TERMLY_REVIEW_ROOT``)."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="+")
    academy = models.ForeignKey(Academy, on_delete=models.PROTECT, related_name="+")
    term = models.ForeignKey("calendars.Term", on_delete=models.PROTECT, related_name="+")
    # Null only for a meeting scheduled before meetings pinned a version whose academy had
    # no policy in force then: the purge never finds it.
    policy_version = models.ForeignKey(
        PolicyVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    scheduled_for = models.DateField()
    held_on = models.DateField(null=True, blank=True)
    attendees = models.TextField(blank=True)
    staff_discussed = models.ManyToManyField(StaffMember, blank=True, related_name="+")
    action_agreed = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["scheduled_for", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["academy", "term"], name="one_termly_review_per_academy_term"
            )
        ]

    def __str__(self) -> str:
        return f"Termly review with the headteacher on {self.scheduled_for:%d %b %Y}"


class LetterKind(models.TextChoices):
    INVITATION = "invitation", "Invitation to the meeting"
    OUTCOME = "outcome", "Outcome of the meeting"


class PlanLetter(models.Model):
    """A letter of the plan: the invitation to a formal or capability meeting, or the
    outcome of a meeting, with what the pinned policy says it includes (leger §11), laid
    out once as a tagged PDF and kept. Read by everyone who reads the plan (the member of
    staff included); destroyed with the plan by the retention purge."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="letters")
    meeting = models.ForeignKey(SupportMeeting, on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField(max_length=12, choices=LetterKind.choices)
    title = models.CharField(max_length=200)
    # [{"item": what the policy lists, "text": the answer}], in the policy's order.
    contents = models.JSONField(default=list, blank=True)
    signed_by = models.CharField(max_length=200)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    written_on = models.DateField()
    file = models.FileField(upload_to="support_letters/", max_length=200)
    file_sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.written_on:%d %b %Y})"
