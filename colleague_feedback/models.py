"""Feedback from colleagues on a member of staff's work, asked for by their reviewer
(classic §5.5.5; staploe "Confidentiality and Professional Relationships").

A round of feedback belongs to one appraisal cycle and is read under the cycle's pinned
policy version (``review.colleague_feedback*``, and
``confidentiality.reviewee_agrees_before_colleagues_asked``). Each colleague asked has a
request; an answer is kept apart from the request, with nothing that names who wrote it:
no foreign key to the request or the person, no time (only the round), a random position
for the order it is shown in, and a history that records no user. So no page, export or
history view, and no query, can tell which colleague wrote which answer.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import models
from simple_history.models import HistoricalRecords

from cycles.models import AppraisalCycle
from organisation.models import Academy, StaffMember, Trust

ANSWER_MAX = 3000


class RoundStatus(models.TextChoices):
    AWAITING_AGREEMENT = "awaiting_agreement", "Waiting for the member of staff to agree"
    OPEN = "open", "Open for answers"
    REFUSED = "refused", "The member of staff did not agree"
    CLOSED = "closed", "Closed"


class RequestStatus(models.TextChoices):
    WAITING = "waiting", "Waiting for an answer"
    ANSWERED = "answered", "Answered"
    DECLINED = "declined", "Declined"


def _nobody(**kwargs: Any) -> None:
    """The history of an answer names no user: its author must stay unknown."""
    return None


def _shuffle_key() -> int:
    return secrets.randbelow(2**31)


class FeedbackRound(models.Model):
    """The reviewer asking some colleagues about one member of staff's work."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="+")
    academy = models.ForeignKey(Academy, on_delete=models.PROTECT, related_name="+")
    cycle = models.ForeignKey(
        AppraisalCycle, on_delete=models.CASCADE, related_name="feedback_rounds"
    )
    asked_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    question = models.TextField(help_text="What the reviewer would like to know.")
    status = models.CharField(max_length=20, choices=RoundStatus.choices)
    asked_on = models.DateField()
    agreed_on = models.DateField(null=True, blank=True)
    opened_on = models.DateField(null=True, blank=True)
    closes_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-asked_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle"],
                condition=models.Q(status__in=["awaiting_agreement", "open"]),
                name="one_live_feedback_round_per_cycle",
            ),
        ]

    def __str__(self) -> str:
        return f"Colleague feedback {self.pk}"

    @property
    def is_live(self) -> bool:
        return self.status in (RoundStatus.AWAITING_AGREEMENT, RoundStatus.OPEN)


class FeedbackRequest(models.Model):
    """One colleague asked in a round: whether they have answered or declined (never
    what they wrote)."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="+")
    round = models.ForeignKey(FeedbackRound, on_delete=models.CASCADE, related_name="requests")
    colleague = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, related_name="feedback_requests"
    )
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.WAITING
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "colleague__last_name", "colleague__first_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "colleague"], name="one_feedback_request_per_colleague"
            ),
        ]
        indexes = [models.Index(fields=["colleague", "status"])]

    def __str__(self) -> str:
        return f"Feedback request {self.pk}"


class FeedbackAnswer(models.Model):
    """What one colleague wrote, with nothing that says who (see the module's note)."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="+")
    round = models.ForeignKey(FeedbackRound, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(max_length=ANSWER_MAX)
    position = models.PositiveIntegerField(default=_shuffle_key)
    history = HistoricalRecords(get_user=_nobody)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"Answer in colleague feedback {self.round_id}"
