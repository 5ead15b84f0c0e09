"""Every write to colleague feedback.

Each change: check the actor may make it, lock the row (``select_for_update(of=
("self",))``), check the move against ``rules.TRANSITIONS`` and the cycle's pinned policy,
save only the changed fields, and let simple-history keep what it looked like, naming the
actor (except on an answer, whose history names nobody, and whose author is recorded
nowhere).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from calendars.selectors import add_working_days
from calendars.working_days import OutsideCalendarRange
from cycles.models import AppraisalCycle
from organisation.models import StaffMember
from organisation.principal import principal_for

from . import rules
from .models import (
    ANSWER_MAX,
    FeedbackAnswer,
    FeedbackRequest,
    FeedbackRound,
    RequestStatus,
    RoundStatus,
)
from .permissions import FeedbackAction, can, colleagues_to_ask, is_reviewer

if TYPE_CHECKING:
    from accounts.models import User


class FeedbackError(Exception):
    """A refused change, with a message fit for the page and the form field it is about."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _history(obj: object, actor: User | None, reason: str) -> None:
    obj._change_reason = reason  # type: ignore[attr-defined]
    if actor is not None:
        obj._history_user = actor  # type: ignore[attr-defined]


def _start_of_day(today: dt.date) -> dt.datetime:
    """The time an answer's history (and its request's) is dated: the day only, so the
    moment a colleague answered cannot pair an answer with its request."""
    return timezone.make_aware(dt.datetime.combine(today, dt.time.min))


def _closes_on(cycle: AppraisalCycle, opened_on: dt.date) -> dt.date:
    review = cycle.policy_version.rules.review

    def count(start: dt.date, n: int) -> dt.date:
        try:
            return add_working_days(cycle.academy_id, start, n)
        except OutsideCalendarRange:
            return rules.weekdays_after(start, n)

    return rules.closes_on(
        review, opened_on=opened_on, cycle_ends_on=cycle.ends_on, add_working_days=count
    )


def _close_expired(cycle: AppraisalCycle, today: dt.date) -> None:
    """A round whose closing day has passed is closed before another is asked."""
    for expired in FeedbackRound.objects.select_for_update(of=("self",)).filter(
        cycle=cycle, status=RoundStatus.OPEN, closes_on__lt=today
    ):
        expired.status = RoundStatus.CLOSED
        expired.closed_on = today
        _history(expired, None, "Closed: its closing day had passed")
        expired.save(update_fields=["status", "closed_on"])


@transaction.atomic
def feedback_round_ask(
    *,
    actor: User,
    cycle: AppraisalCycle,
    colleagues: Sequence[StaffMember],
    question: str,
) -> FeedbackRound:
    """The reviewer asks ``colleagues`` about ``cycle``'s member of staff. Under a policy
    that wants the reviewee's agreement first, nobody is asked until they agree."""
    principal = principal_for(actor)
    locked = (
        AppraisalCycle.objects.select_for_update(of=("self",))
        .select_related("policy_version")
        .get(pk=cycle.pk)
    )
    if not is_reviewer(principal, locked) or principal.staff is None:
        raise FeedbackError("Only the reviewer asks colleagues for feedback.")
    today = timezone.localdate()
    rules_ = locked.policy_version.rules
    refusal = rules.asking_refusal(rules_.review, cycle_ends_on=locked.ends_on, today=today)
    if refusal:
        raise FeedbackError(refusal)
    question = question.strip()
    if not question:
        raise FeedbackError("Enter what you would like colleagues to comment on.", field="question")
    chosen = {c.pk for c in colleagues}
    if not chosen:
        raise FeedbackError("Choose at least one colleague to ask.", field="colleagues")
    allowed = set(colleagues_to_ask(locked).filter(pk__in=chosen).values_list("pk", flat=True))
    if chosen - allowed:
        raise FeedbackError(
            "You can ask only the member of staff's colleagues at their academy, the peers of "
            "their own team and their line manager wherever they are based, and their own "
            "staff.",
            field="colleagues",
        )
    threshold = rules_.review.colleague_feedback_min_answers
    if len(chosen) < threshold:
        raise FeedbackError(
            f"Ask at least {threshold} colleagues: answers are read only once {threshold} "
            "are in, so nobody can tell who wrote which.",
            field="colleagues",
        )
    _close_expired(locked, today)
    if FeedbackRound.objects.filter(
        cycle=locked, status__in=[RoundStatus.AWAITING_AGREEMENT, RoundStatus.OPEN]
    ).exists():
        raise FeedbackError(
            "Colleagues have already been asked about this cycle; wait until that request closes."
        )
    status = rules.status_when_asked(rules_.confidentiality)
    round_ = FeedbackRound(
        trust_id=locked.trust_id,
        academy_id=locked.academy_id,
        cycle=locked,
        asked_by_id=principal.staff.pk,  # the reviewer: ``is_reviewer`` checked it
        question=question,
        status=status,
        asked_on=today,
    )
    if status == RoundStatus.OPEN:
        round_.opened_on = today
        round_.closes_on = _closes_on(locked, today)
    _history(round_, actor, "Colleagues asked for feedback")
    try:
        with transaction.atomic():
            round_.save()
    except IntegrityError:
        raise FeedbackError("Colleagues have already been asked about this cycle.") from None
    for pk in sorted(chosen):
        request = FeedbackRequest(trust_id=locked.trust_id, round=round_, colleague_id=pk)
        _history(request, actor, "Asked for feedback")
        request.save()
    return round_


@transaction.atomic
def feedback_round_agree(*, actor: User, round: FeedbackRound, agree: bool) -> FeedbackRound:
    """The member of staff agrees (the colleagues are asked from today) or does not (nobody
    is asked)."""
    principal = principal_for(actor)
    locked = (
        FeedbackRound.objects.select_for_update(of=("self",))
        .select_related("cycle__policy_version")
        .get(pk=round.pk)
    )
    target = RoundStatus.OPEN if agree else RoundStatus.REFUSED
    refusal = rules.transition_refusal(locked.status, target)
    if refusal:
        raise FeedbackError(refusal)
    if not can(principal, FeedbackAction.AGREE, locked):
        raise FeedbackError("Only the member of staff the feedback is about can agree to it.")
    today = timezone.localdate()
    locked.status = target
    fields = ["status"]
    if agree:
        locked.agreed_on = today
        locked.opened_on = today
        locked.closes_on = _closes_on(locked.cycle, today)
        fields += ["agreed_on", "opened_on", "closes_on"]
    else:
        locked.closed_on = today
        fields.append("closed_on")
    _history(locked, actor, rules.TRANSITIONS[(RoundStatus.AWAITING_AGREEMENT, target)])
    locked.save(update_fields=fields)
    return locked


def _locked_request(actor: User, request: FeedbackRequest) -> FeedbackRequest:
    principal = principal_for(actor)
    locked = (
        FeedbackRequest.objects.select_for_update(of=("self",))
        .select_related("round")
        .get(pk=request.pk)
    )
    if not can(principal, FeedbackAction.ANSWER, locked):
        raise FeedbackError("Only the colleague asked can answer this request.")
    refusal = rules.answer_refusal(
        round_status=locked.round.status,
        request_status=locked.status,
        closes=locked.round.closes_on,
        today=timezone.localdate(),
    )
    if refusal:
        raise FeedbackError(refusal)
    return locked


@transaction.atomic
def feedback_answer(*, actor: User, request: FeedbackRequest, text: str) -> None:
    """The colleague's answer: kept with the round, apart from their request, naming
    nobody; the request only says it was answered."""
    text = text.strip()
    if not text:
        raise FeedbackError("Enter your feedback, or decline the request.", field="text")
    if len(text) > ANSWER_MAX:
        raise FeedbackError(
            f"Your feedback must be {ANSWER_MAX} characters or fewer.", field="text"
        )
    locked = _locked_request(actor, request)
    day = _start_of_day(timezone.localdate())
    locked.status = RequestStatus.ANSWERED
    _history(locked, actor, "Answered")
    locked._history_date = day  # type: ignore[attr-defined]
    locked.save(update_fields=["status"])
    answer = FeedbackAnswer(trust_id=locked.trust_id, round_id=locked.round_id, text=text)
    answer._history_date = day  # type: ignore[attr-defined]
    answer._change_reason = "Feedback given"  # type: ignore[attr-defined]
    answer.save()


@transaction.atomic
def feedback_decline(*, actor: User, request: FeedbackRequest) -> None:
    locked = _locked_request(actor, request)
    locked.status = RequestStatus.DECLINED
    _history(locked, actor, "Declined")
    locked._history_date = _start_of_day(timezone.localdate())  # type: ignore[attr-defined]
    locked.save(update_fields=["status"])
