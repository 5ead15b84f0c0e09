"""The rules of colleague feedback as pure functions of the pinned policy's settings and
plain facts, so they are tested without a database.

- classic §5.5.5: evidence may include feedback from colleagues, peers and, for those who
  line-manage, their own staff (``review.colleague_feedback``);
- staploe "Confidentiality and Professional Relationships": the reviewer seeks the
  reviewee's agreement before asking colleagues
  (``confidentiality.reviewee_agrees_before_colleagues_asked``);
- answers are read only once ``review.colleague_feedback_min_answers`` are in, so nobody
  can tell who wrote which; a request closes ``review.colleague_feedback_working_days``
  working days after the colleagues are asked, or on the cycle's last day if sooner.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from policies.schema import ConfidentialitySettings, ReviewSettings

from .models import RequestStatus, RoundStatus

# Every allowed change of a round's status, and what it is in words.
TRANSITIONS: dict[tuple[str, str], str] = {
    (RoundStatus.AWAITING_AGREEMENT, RoundStatus.OPEN): "The member of staff agreed",
    (RoundStatus.AWAITING_AGREEMENT, RoundStatus.REFUSED): "The member of staff did not agree",
    (RoundStatus.OPEN, RoundStatus.CLOSED): "Closed",
}

# What a colleague may do to their request, from each status.
REQUEST_TRANSITIONS: dict[tuple[str, str], str] = {
    (RequestStatus.WAITING, RequestStatus.ANSWERED): "Answered",
    (RequestStatus.WAITING, RequestStatus.DECLINED): "Declined",
}


def transition_refusal(current: str, target: str) -> str | None:
    if (current, target) in TRANSITIONS:
        return None
    if current == RoundStatus.OPEN and target in (RoundStatus.OPEN, RoundStatus.REFUSED):
        return "The member of staff has already agreed to this request for feedback."
    if current == RoundStatus.REFUSED:
        return "The member of staff did not agree to this request for feedback."
    return "This request for feedback is closed."


def asking_refusal(review: ReviewSettings, *, cycle_ends_on: dt.date, today: dt.date) -> str | None:
    """Why the reviewer may not ask colleagues now, or None."""
    if not review.colleague_feedback:
        return "The appraisal policy for this cycle does not provide for feedback from colleagues."
    if cycle_ends_on < today:
        return "This appraisal cycle has ended: colleagues can no longer be asked."
    return None


def needs_agreement(confidentiality: ConfidentialitySettings) -> bool:
    """Whether the reviewee must agree before anyone is asked (and so sees who)."""
    return confidentiality.reviewee_agrees_before_colleagues_asked


def status_when_asked(confidentiality: ConfidentialitySettings) -> RoundStatus:
    return RoundStatus.AWAITING_AGREEMENT if needs_agreement(confidentiality) else RoundStatus.OPEN


def reviewee_sees_who(confidentiality: ConfidentialitySettings) -> bool:
    """The reviewee sees who was asked exactly where they are asked to agree first."""
    return needs_agreement(confidentiality)


def closes_on(
    review: ReviewSettings,
    *,
    opened_on: dt.date,
    cycle_ends_on: dt.date,
    add_working_days: Callable[[dt.date, int], dt.date],
) -> dt.date:
    """The last day answers are taken: the policy's working days after the colleagues are
    asked (counted on the academy's calendar), or the cycle's last day if that is sooner."""
    due = add_working_days(opened_on, review.colleague_feedback_working_days)
    return min(due, max(cycle_ends_on, opened_on))


def weekdays_after(start: dt.date, n: int) -> dt.date:
    """``n`` weekdays after ``start``: the count where the academy has no calendar."""
    day = start
    while n > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def answers_readable(review: ReviewSettings, answered: int) -> bool:
    """The reviewer reads the answers only once at least the threshold are in."""
    return answered >= review.colleague_feedback_min_answers


def is_expired(closes: dt.date | None, today: dt.date) -> bool:
    return closes is not None and closes < today


def answer_refusal(
    *, round_status: str, request_status: str, closes: dt.date | None, today: dt.date
) -> str | None:
    """Why a colleague may not answer (or decline) their request now, or None."""
    if request_status == RequestStatus.ANSWERED:
        return "You have already answered this request."
    if request_status == RequestStatus.DECLINED:
        return "You have declined this request."
    if round_status != RoundStatus.OPEN or is_expired(closes, today):
        return "This request for feedback has closed."
    return None
