"""A new member of staff's probation: its dates, its review meetings, extension and
outcome, and what happened (langley §9).

A probation pins the policy version in force when it started: its length, extension and
review interval are read from that version's ``scope.probation_*`` settings, never from
whichever version is current.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from organisation.models import Academy, StaffMember, Trust
from policies.models import PolicyVersion


class ProbationStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    EXTENDED = "extended", "Extended"
    CONFIRMED = "confirmed", "Confirmed in post"
    NOT_CONFIRMED = "not_confirmed", "Not confirmed in post"


# A probation in one of these has not been decided yet.
RUNNING = (ProbationStatus.IN_PROGRESS, ProbationStatus.EXTENDED)


class Probation(models.Model):
    """One member of staff's probationary period."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="+")
    academy = models.ForeignKey(Academy, on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="probations")
    policy_version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField()
    ends_on = models.DateField(help_text="The last day of probation (moved by an extension).")
    original_ends_on = models.DateField()
    status = models.CharField(
        max_length=16, choices=ProbationStatus.choices, default=ProbationStatus.IN_PROGRESS
    )
    extended_on = models.DateField(null=True, blank=True)
    extension_reason = models.TextField(blank=True)
    hr_told_at = models.DateTimeField(null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    outcome_note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on", "-pk"]
        indexes = [
            models.Index(fields=["trust", "status"]),
            models.Index(fields=["trust", "academy", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["staff"],
                condition=models.Q(status__in=["in_progress", "extended"]),
                name="one_running_probation_per_person",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="probation_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"Probation of {self.staff} from {self.starts_on:%d %b %Y}"

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING

    @property
    def is_extended(self) -> bool:
        return self.extended_on is not None


class ProbationReview(models.Model):
    """A review meeting: what went well, what to develop, and the training agreed."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="+")
    probation = models.ForeignKey(Probation, on_delete=models.CASCADE, related_name="reviews")
    held_on = models.DateField()
    successes = models.TextField()
    development_areas = models.TextField(blank=True)
    training = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"Probation review on {self.held_on:%d %b %Y}"


class ProbationEventKind(models.TextChoices):
    STARTED = "started", "Probation started"
    REVIEW_RECORDED = "review_recorded", "Review meeting recorded"
    EXTENDED = "extended", "Probation extended"
    HR_TOLD = "hr_told", "HR told of the extension"
    CONFIRMED = "confirmed", "Confirmed in post"
    NOT_CONFIRMED = "not_confirmed", "Not confirmed in post"


class ProbationEvent(models.Model):
    """What happened, typed: one row per change, written in the change's transaction."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="+")
    probation = models.ForeignKey(Probation, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=ProbationEventKind.choices)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["trust", "kind", "at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%d %b %Y}"


class ReminderStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"


class ProbationReminder(models.Model):
    """One reminder of a probation's review meeting or end, for one person, found due by
    the daily sweep (``reminders.rules.reminder_due`` with the pinned policy's reminder
    settings). The unique key makes a second sweep the same day insert nothing; the
    sender claims a row by a conditional update, so two senders never send it twice."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="+")
    probation = models.ForeignKey(Probation, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=20)
    label = models.CharField(max_length=200)
    due_on = models.DateField()
    stage = models.CharField(max_length=8)
    occurrence = models.PositiveSmallIntegerField(default=0)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    remind_on = models.DateField()
    status = models.CharField(
        max_length=8, choices=ReminderStatus.choices, default=ReminderStatus.PENDING
    )
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["probation", "kind", "due_on", "stage", "occurrence", "recipient"],
                name="one_probation_reminder_per_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.due_on:%d %b %Y})"
