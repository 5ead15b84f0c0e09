"""Who may see and act on colleague feedback.

- The cycle's **reviewer** (who does the reviewer's work on it: ``cycles.permissions``
  EDIT, and is its named reviewer) asks colleagues, sees who was asked and how many have
  answered, and reads the answers (shuffled, without names) once the pinned policy's
  threshold is in.
- The **member of staff** the feedback is about (the reviewee) agrees or not where the
  policy says they must, and then sees who was asked; never the answers.
- Each **colleague asked** sees their own request (once it has gone to them) and answers
  or declines it.
- Nobody else: not the headteacher, HR, a delegated lead, the reviewer's line managers or
  governors. The answers are evidence for the reviewer to write from; the record keeps
  only what the reviewer writes.

``visible_rounds`` / ``visible_requests`` answer "which", ``can`` "may they do this",
and ``get_round_for_user`` / ``get_request_for_user`` fetch one for a page or 404
(logging the refusal of a record that exists). Every query starts from the principal's
trust.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from cycles.models import AppraisalCycle, CycleState
from cycles.permissions import CycleAction
from cycles.permissions import can as can_cycle
from organisation.access_log import refused
from organisation.models import StaffMember
from organisation.principal import Principal
from policies.schema import Reader

from .models import FeedbackRequest, FeedbackRound, RoundStatus


class FeedbackAction(enum.StrEnum):
    VIEW = "view"
    MANAGE = "manage"  # the reviewer: ask, read the summary
    AGREE = "agree"  # the reviewee: agree (or not) before anyone is asked
    ANSWER = "answer"  # the colleague asked: answer or decline


def _me(principal: Principal) -> int:
    return principal.staff.pk if principal.staff is not None else 0


def is_reviewer(principal: Principal, cycle: AppraisalCycle) -> bool:
    """The cycle's named reviewer, who does the reviewer's work on it under its policy."""
    return (
        principal.staff is not None
        and cycle.reviewer_id == principal.staff.pk
        and cycle.trust_id == principal.trust_id
        and can_cycle(principal, CycleAction.EDIT, cycle)
    )


def is_reviewee(principal: Principal, cycle: AppraisalCycle) -> bool:
    """The member of staff, where the pinned policy lets them read their record."""
    return (
        principal.staff is not None
        and cycle.appraisee_id == principal.staff.pk
        and cycle.trust_id == principal.trust_id
        and Reader.REVIEWEE in cycle.policy_version.rules.confidentiality.readers
    )


def visible_rounds(principal: Principal) -> QuerySet[FeedbackRound]:
    """Rounds ``principal`` may open: as the cycle's reviewer or its member of staff
    (narrowed further by ``can``, which reads the policy)."""
    if not principal.is_authenticated or principal.staff is None:
        return FeedbackRound.objects.none()
    me = _me(principal)
    return FeedbackRound.objects.filter(trust_id=principal.tenant_id).filter(
        Q(cycle__reviewer_id=me) | Q(cycle__appraisee_id=me)
    )


def visible_requests(principal: Principal) -> QuerySet[FeedbackRequest]:
    """The requests sent to ``principal``: their own, once the round has gone to them."""
    if not principal.is_authenticated or principal.staff is None:
        return FeedbackRequest.objects.none()
    return FeedbackRequest.objects.filter(
        trust_id=principal.tenant_id, colleague_id=_me(principal)
    ).filter(round__status__in=[RoundStatus.OPEN, RoundStatus.CLOSED])


def can(principal: Principal, action: str, obj: FeedbackRound | FeedbackRequest) -> bool:
    if not principal.is_authenticated or obj.trust_id != principal.trust_id:
        return False
    action = FeedbackAction(action)
    if isinstance(obj, FeedbackRequest):
        mine = principal.staff is not None and obj.colleague_id == principal.staff.pk
        return mine and action in (FeedbackAction.VIEW, FeedbackAction.ANSWER)
    cycle = obj.cycle
    if action is FeedbackAction.MANAGE:
        return is_reviewer(principal, cycle)
    if action is FeedbackAction.AGREE:
        return is_reviewee(principal, cycle) and obj.status == RoundStatus.AWAITING_AGREEMENT
    if action is FeedbackAction.VIEW:
        return is_reviewer(principal, cycle) or is_reviewee(principal, cycle)
    return False


@dataclass(frozen=True)
class RoundAccess:
    is_reviewer: bool
    is_reviewee: bool


ROUND_QUERYSET = FeedbackRound.objects.select_related(
    "cycle__appraisee__academy", "cycle__reviewer", "cycle__policy_version", "asked_by"
)


def get_round_for_user(
    principal: Principal, pk: int, *, request: HttpRequest | None
) -> tuple[FeedbackRound, RoundAccess]:
    """The round and who ``principal`` is to it, or 404 (as if it did not exist)."""
    found = ROUND_QUERYSET.filter(pk__in=visible_rounds(principal).values("pk"), pk=pk).first()
    if found is None or not can(principal, FeedbackAction.VIEW, found):
        raise refused(request, FeedbackRound, pk, "No such request for feedback.")
    return found, RoundAccess(
        is_reviewer=is_reviewer(principal, found.cycle),
        is_reviewee=is_reviewee(principal, found.cycle),
    )


def get_request_for_user(
    principal: Principal, pk: int, *, request: HttpRequest | None
) -> FeedbackRequest:
    """One request sent to ``principal``, or 404."""
    found = (
        FeedbackRequest.objects.select_related(
            "round__cycle__appraisee__academy", "round__cycle__policy_version"
        )
        .filter(pk__in=visible_requests(principal).values("pk"), pk=pk)
        .first()
    )
    if found is None:
        raise refused(request, FeedbackRequest, pk, "No such request for feedback.")
    return found


def colleagues_to_ask(cycle: AppraisalCycle) -> QuerySet[StaffMember]:
    """Whom the reviewer may ask about ``cycle``'s member of staff (classic §5.5.5:
    "colleagues, including peers, and for line managers, their staff"; staploe: "other
    colleagues about their work"): their colleagues at the same academy; and, wherever in
    the trust they are based, the peers of their own team (those with the same line
    manager: a central team's staff working across academies), their own line manager, and
    for someone who line-manages, their own staff. People who have a sign-in, have not
    left, and are neither the member of staff nor the reviewer; never another trust."""
    if cycle.state == CycleState.CLOSED:
        return StaffMember.objects.none()
    appraisee = cycle.appraisee
    works_with = Q(academy_id=cycle.academy_id) | Q(line_manager_id=cycle.appraisee_id)
    if appraisee.line_manager_id is not None:
        works_with |= Q(line_manager_id=appraisee.line_manager_id)
        works_with |= Q(pk=appraisee.line_manager_id)
    return (
        StaffMember.objects.filter(trust_id=cycle.trust_id, left_on__isnull=True)
        .filter(user__isnull=False, user__is_active=True)
        .filter(works_with)
        .exclude(pk=cycle.appraisee_id)
        .exclude(pk=cycle.reviewer_id or 0)
        .select_related("academy", "job_role")
        .order_by("last_name", "first_name", "pk")
    )
