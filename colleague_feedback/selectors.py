"""Reads of colleague feedback shaped for the pages: the cycle page's section, a round
as its reviewer or its member of staff sees it, and a colleague's own requests. Counts
are counted by the database, never by loading rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from . import permissions, rules
from .models import FeedbackAnswer, FeedbackRequest, FeedbackRound, RequestStatus, RoundStatus

if TYPE_CHECKING:
    from cycles.models import AppraisalCycle
    from organisation.models import StaffMember
    from organisation.principal import Principal


def with_counts(rounds: QuerySet[FeedbackRound]) -> QuerySet[FeedbackRound]:
    """Rounds with ``asked``, ``answered`` and ``declined`` counted in the query."""
    return rounds.annotate(
        asked=Count("requests", distinct=True),
        answered=Count(
            "requests", filter=Q(requests__status=RequestStatus.ANSWERED), distinct=True
        ),
        declined=Count(
            "requests", filter=Q(requests__status=RequestStatus.DECLINED), distinct=True
        ),
    )


def effective_status(round_: FeedbackRound) -> str:
    """An open round whose closing day has passed reads as closed."""
    if round_.status == RoundStatus.OPEN and rules.is_expired(
        round_.closes_on, timezone.localdate()
    ):
        return RoundStatus.CLOSED
    return round_.status


def status_label(round_: FeedbackRound) -> str:
    return RoundStatus(effective_status(round_)).label


def cycle_section_context(cycle: AppraisalCycle, principal: Principal) -> dict[str, Any]:
    """The cycle page's "Feedback from colleagues" section: for the reviewer the offer to
    ask and each round with its counts; for the member of staff the rounds waiting for
    their agreement or, where the policy shows it, who was asked. Nothing for anyone
    else. A fixed number of queries."""
    reviewer = permissions.is_reviewer(principal, cycle)
    reviewee = not reviewer and permissions.is_reviewee(principal, cycle)
    if not (reviewer or reviewee):
        return {"feedback_section": None}
    policy = cycle.policy_version.rules
    rounds = list(
        with_counts(FeedbackRound.objects.filter(cycle=cycle, trust_id=cycle.trust_id)).order_by(
            "-asked_on", "-pk"
        )
    )
    for round_ in rounds:
        round_.status_label = status_label(round_)  # type: ignore[attr-defined]
    may_ask = (
        reviewer
        and rules.asking_refusal(
            policy.review, cycle_ends_on=cycle.ends_on, today=timezone.localdate()
        )
        is None
        and not any(
            effective_status(r) in (RoundStatus.AWAITING_AGREEMENT, RoundStatus.OPEN)
            for r in rounds
        )
    )
    if reviewee and not rules.reviewee_sees_who(policy.confidentiality):
        rounds = []
    if not (rounds or may_ask):
        return {"feedback_section": None}
    return {
        "feedback_section": {
            "cycle": cycle,
            "rounds": rounds,
            "may_ask": may_ask,
            "is_reviewer": reviewer,
        }
    }


@dataclass(frozen=True)
class RoundPage:
    round: FeedbackRound
    status: str
    status_label: str
    asked: list[StaffMember]
    answered: int
    declined: int
    waiting: int
    threshold: int
    readable: bool
    answers: list[str]
    shows_who: bool


def round_page(round_: FeedbackRound, access: permissions.RoundAccess) -> RoundPage:
    """A round as its reviewer sees it (who was asked, the counts and, once the threshold
    is in, the answers in their shuffled order without names) or its member of staff
    (who was asked, where the policy shows them; never the answers). Three queries."""
    policy = round_.cycle.policy_version.rules
    counts = FeedbackRequest.objects.filter(round=round_).aggregate(
        answered=Count("pk", filter=Q(status=RequestStatus.ANSWERED)),
        declined=Count("pk", filter=Q(status=RequestStatus.DECLINED)),
        waiting=Count("pk", filter=Q(status=RequestStatus.WAITING)),
    )
    shows_who = access.is_reviewer or rules.reviewee_sees_who(policy.confidentiality)
    asked = (
        [
            r.colleague
            for r in FeedbackRequest.objects.filter(round=round_)
            .select_related("colleague__academy")
            .order_by("colleague__last_name", "colleague__first_name", "pk")
        ]
        if shows_who
        else []
    )
    readable = access.is_reviewer and rules.answers_readable(policy.review, counts["answered"])
    answers = (
        list(
            FeedbackAnswer.objects.filter(round=round_)
            .order_by("position", "pk")
            .values_list("text", flat=True)
        )
        if readable
        else []
    )
    return RoundPage(
        round=round_,
        status=effective_status(round_),
        status_label=status_label(round_),
        asked=asked,
        answered=counts["answered"],
        declined=counts["declined"],
        waiting=counts["waiting"],
        threshold=policy.review.colleague_feedback_min_answers,
        readable=readable,
        answers=answers,
        shows_who=shows_who,
    )


def requests_for(principal: Principal) -> QuerySet[FeedbackRequest]:
    """The requests sent to ``principal``, newest first, with the member of staff and the
    round loaded (one query whatever their number)."""
    return (
        permissions.visible_requests(principal)
        .select_related("round__cycle__appraisee__academy", "round__asked_by")
        .order_by("-round__opened_on", "-pk")
    )


def is_open_for_answers(request: FeedbackRequest) -> bool:
    return (
        rules.answer_refusal(
            round_status=request.round.status,
            request_status=request.status,
            closes=request.round.closes_on,
            today=timezone.localdate(),
        )
        is None
    )


def waiting_count(principal: Principal) -> int:
    """How many requests wait for ``principal``'s answer (one query)."""
    today = timezone.localdate()
    return (
        permissions.visible_requests(principal)
        .filter(status=RequestStatus.WAITING, round__status=RoundStatus.OPEN)
        .filter(Q(round__closes_on__isnull=True) | Q(round__closes_on__gte=today))
        .count()
    )
