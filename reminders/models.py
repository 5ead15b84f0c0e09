"""Deadline reminders: what was found due, which daily digest carried it, and calendar feeds.

The dispatch ledger is how reminders stay (nearly) exactly-once. The daily sweep inserts
one ``ReminderDispatch`` per (subject, deadline, recipient, stage, due date) and a unique
constraint makes a second sweep insert nothing. The subject is any app's record (the cycle,
a support plan, a pay recommendation), kept as two plain columns. The sender then claims a
``ReminderDigest`` (one per person per day, also unique) with a conditional update, sends
one email listing every claimed row, and marks both sent. See ``reminders.services`` for
the one window in which a crash can still send twice.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from cycles.models import AppraisalCycle
from organisation.models import Trust


class ReminderStage(models.TextChoices):
    BEFORE = "before", "Coming up"
    ON_DAY = "on_day", "Due today"
    OVERDUE = "overdue", "Overdue"


class RecipientRole(models.TextChoices):
    """The cycle's own recipient roles. Apps add others (``cycles.extensions``), so the
    ledger's column takes any role key."""

    REVIEWER = "reviewer", "Reviewer"
    APPRAISEE = "appraisee", "Appraisee"
    HEADTEACHER = "headteacher", "Headteacher"


class DispatchStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the next digest"
    SENDING = "sending", "Claimed by a digest being sent"
    SENT = "sent", "Sent"
    CANCELLED = "cancelled", "Not sent: no longer due"


class ReminderDispatch(models.Model):
    """One reminder of one deadline about one subject for one person, found due by the
    daily sweep."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="+")
    # What the deadline is about (``cycles.deadlines.Subject``): e.g.
    # ("appraisal_cycle", 12) or ("support_plan", 7). Plain columns, so any app's record
    # fits without a join.
    subject_kind = models.CharField(max_length=40)
    subject_id = models.PositiveBigIntegerField()
    # The appraisal year the subject belongs to, when it belongs to one: part of that
    # cycle's record, destroyed with it by the retention purge.
    cycle = models.ForeignKey(
        AppraisalCycle, on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    deadline_kind = models.CharField(max_length=60)
    recipient_role = models.CharField(
        max_length=40, help_text="The role the reminder was for, e.g. reviewer."
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    due_on = models.DateField()
    stage = models.CharField(max_length=8, choices=ReminderStage.choices)
    occurrence = models.PositiveSmallIntegerField(
        default=0, help_text="For overdue reminders: the first, second... reminder."
    )
    remind_on = models.DateField(help_text="The day the sweep found this reminder due.")
    label = models.CharField(max_length=200)
    status = models.CharField(
        max_length=10, choices=DispatchStatus.choices, default=DispatchStatus.PENDING
    )
    digest = models.ForeignKey(
        "ReminderDigest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="items",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["remind_on", "due_on", "pk"]
        constraints = [
            # The idempotency key: a sweep that runs twice, or a task delivered twice,
            # inserts nothing new.
            models.UniqueConstraint(
                fields=[
                    "subject_kind",
                    "subject_id",
                    "deadline_kind",
                    "recipient",
                    "stage",
                    "occurrence",
                    "due_on",
                ],
                name="reminder_dispatch_once_per_subject",
            ),
        ]
        indexes = [
            models.Index(
                fields=["recipient", "status"],
                condition=Q(status__in=["pending", "sending"]),
                name="reminder_dispatch_open",
            ),
            models.Index(fields=["status", "remind_on"], name="reminder_dispatch_status_day"),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()}: {self.label} (due {self.due_on:%d %b %Y})"


class ReminderDigest(models.Model):
    """The one reminder email a person gets on one day. Claimed, then sent, then marked.

    A digest left in "sending" longer than the claim timeout belongs to a worker that died:
    the next run claims it again (see ``reminders.services.CLAIM_TIMEOUT``).
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    digest_on = models.DateField()
    status = models.CharField(
        max_length=10, choices=DispatchStatus.choices, default=DispatchStatus.PENDING
    )
    claim_token = models.UUIDField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    item_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-digest_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "digest_on"], name="one_reminder_digest_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"Digest for user {self.recipient_id} on {self.digest_on:%d %b %Y}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A person's secret calendar-feed address. Anyone holding the address can read the
    feed, so it carries only the person's own deadlines and can be reset at any time."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)
    reset_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Calendar feed of user {self.user_id}"
