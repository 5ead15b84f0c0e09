"""Who may see and act on pay scales, pay reviews and pay recommendations.

A recommendation is read by the member of staff it is about only once it has been shared
with them (classic §5.7.7: nothing before the headteacher approves), by whoever drafts it
while it is a draft (the reviewer, or the headteacher where the policy says so), by the
headteacher of the academy (never their own pay) and by HR of the trust (never their own).
The headteacher's own recommendation is also read and drafted by the members of the
headteacher's review committee (an open committee grant on the headteacher's cycle that
informs that pay year), who refer it to the appropriate governors' committee (classic
§5.7.7); HR records that committee's decision. Nobody else: not delegated leads, not the
headteacher's own staff, not other governors (the pay committee's members will read the
cases before them through a grant of their own), not the reviewer's line managers.

Pay scales are the trust's reference data: the trust administrator edits them, HR and
headteachers read them.

``visible_recommendations`` answers "which", ``can`` answers "may they do this", and
``get_recommendation_for_user`` / ``get_review_for_user`` fetch one for a page or 404
(logging the refusal of a record that exists). Every query starts from the principal's
trust.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from cycles.models import CycleAccessGrant
from cycles.permissions import COMMITTEE_GRANT
from organisation.access_log import refused
from organisation.models import Academy, Role, StaffMember
from organisation.principal import Principal

from . import rules
from .models import (
    DRAFT_STAGES,
    SHARED_STAGES,
    PayRecommendation,
    PayReview,
    PayScaleSet,
    Stage,
)


class PayAction(enum.StrEnum):
    VIEW = "view"
    DRAFT = "draft"
    APPROVE = "approve"
    SHARE = "share"
    DECIDE = "decide"  # recorded on behalf of the governors' pay committee
    ISSUE_STATEMENT = "issue_statement"
    MAKE_FINAL = "make_final"


def _staff_id(principal: Principal) -> int:
    return principal.staff.pk if principal.staff is not None else 0


def _head_of(principal: Principal) -> frozenset[int]:
    return principal.academies_with(Role.HEADTEACHER)


def _signed_in_staff(principal: Principal) -> bool:
    return principal.is_authenticated and not principal.is_governor_only


def committee_recommendations(principal: Principal) -> Q:
    """classic §5.7.7: the headteacher's own recommendations (a filter on
    ``PayRecommendation``) whose review committee ``principal`` sits on: for each open
    committee grant on a headteacher's cycle, that headteacher's recommendation at that
    academy for the pay years the cycle informs. Worked out once per principal (one query)
    and kept on it. Never the person's own, nor anyone's at the academy they work at."""
    cached: Q | None = getattr(principal, "_pay_committee_q", None)
    if cached is not None:
        return cached
    found = Q(pk__in=[])
    if principal.is_authenticated and principal.user_id is not None:
        staff = principal.staff
        grants = CycleAccessGrant.objects.filter(
            user_id=principal.user_id,
            permission=COMMITTEE_GRANT,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
            cycle__trust_id=principal.tenant_id,
            cycle__is_headteacher_cycle=True,
        ).values_list(
            "cycle__appraisee_id", "cycle__academy_id", "cycle__starts_on", "cycle__ends_on"
        )
        for staff_id, academy_id, starts_on, ends_on in grants:
            if staff is not None and (staff.pk == staff_id or staff.academy_id == academy_id):
                continue
            found |= Q(
                staff_id=staff_id,
                academy_id=academy_id,
                is_headteacher=True,
                review__pay_year__in=rules.pay_years_informed_by(starts_on, ends_on),
            )
    # Principal is a frozen dataclass: the cache is a private attribute beside its fields.
    object.__setattr__(principal, "_pay_committee_q", found)
    return found


def _on_committee(principal: Principal, rec: PayRecommendation) -> bool:
    mine = committee_recommendations(principal)
    return rec.is_headteacher and PayRecommendation.objects.filter(mine, pk=rec.pk).exists()


def visible_recommendations(principal: Principal) -> QuerySet[PayRecommendation]:
    """The recommendations ``principal`` may read, scoped to their trust."""
    committee = committee_recommendations(principal)
    if not _signed_in_staff(principal):
        # A governor reads only the headteacher's recommendation of their review committee.
        return PayRecommendation.objects.filter(trust_id=principal.tenant_id or 0).filter(committee)
    me = _staff_id(principal)
    rule = Q(staff_id=me, stage__in=SHARED_STAGES)
    others = ~Q(staff_id=me)
    rule |= Q(recommender_id=me, stage__in=DRAFT_STAGES) & others
    if principal.is_hr:
        rule |= others
    heads = _head_of(principal)
    if heads:
        rule |= Q(academy_id__in=heads, is_headteacher=False) & others
    rule |= committee & others
    return PayRecommendation.objects.filter(trust_id=principal.tenant_id).filter(rule)


def _runs(principal: Principal, rec: PayRecommendation) -> bool:
    """HR, or the academy's headteacher for anyone but a headteacher; never about
    themselves."""
    if rec.staff_id == _staff_id(principal):
        return False
    if principal.is_hr:
        return True
    return rec.academy_id in _head_of(principal) and not rec.is_headteacher


def _drafts(principal: Principal, rec: PayRecommendation) -> bool:
    if rec.staff_id == _staff_id(principal):
        return False
    if rec.is_headteacher:
        # classic §5.7.7: the review committee drafts it (HR may write it down for them).
        return principal.is_hr or _on_committee(principal, rec)
    if rec.recommender_id is not None and rec.recommender_id == _staff_id(principal):
        return True
    # No named recommender (the policy names the headteacher, or nobody reviews them).
    return rec.recommender_id is None and _runs(principal, rec)


def can(principal: Principal, action: str, rec: PayRecommendation) -> bool:
    if not principal.is_authenticated or rec.trust_id != principal.trust_id:
        return False
    if action == PayAction.VIEW:
        return visible_recommendations(principal).filter(pk=rec.pk).exists()
    if action == PayAction.DRAFT:
        return rec.stage in DRAFT_STAGES and (_drafts(principal, rec) or _runs(principal, rec))
    if action == PayAction.APPROVE:
        return rec.stage == Stage.DRAFTED and _runs(principal, rec)
    if action == PayAction.SHARE:
        return rec.stage in (Stage.DRAFTED, Stage.APPROVED) and (
            _runs(principal, rec) or _drafts(principal, rec)
        )
    if action in (PayAction.DECIDE, PayAction.ISSUE_STATEMENT, PayAction.MAKE_FINAL):
        return _runs(principal, rec)
    return False


@dataclass(frozen=True)
class RecommendationAccess:
    may_draft: bool
    may_approve: bool
    may_share: bool
    may_decide: bool
    may_issue: bool
    is_subject: bool


def access_to(principal: Principal, rec: PayRecommendation) -> RecommendationAccess:
    runs = _runs(principal, rec)
    return RecommendationAccess(
        may_draft=can(principal, PayAction.DRAFT, rec),
        may_approve=can(principal, PayAction.APPROVE, rec),
        may_share=can(principal, PayAction.SHARE, rec),
        may_decide=runs and rec.stage == Stage.SHARED,
        may_issue=runs and rec.stage == Stage.DECIDED,
        is_subject=rec.staff_id == _staff_id(principal),
    )


RECOMMENDATION_QUERYSET = PayRecommendation.objects.select_related(
    "staff__academy",
    "staff__job_role",
    "recommender",
    "academy",
    "review__scale_set",
    "policy_version__policy",
)


def get_recommendation_for_user(
    principal: Principal, pk: int, *, request: HttpRequest | None
) -> tuple[PayRecommendation, RecommendationAccess]:
    """The recommendation and what ``principal`` may do to it, or 404."""
    rec = RECOMMENDATION_QUERYSET.filter(
        pk__in=visible_recommendations(principal).values("pk"), pk=pk
    ).first()
    if rec is None:
        raise refused(request, PayRecommendation, pk, "No such pay recommendation.")
    return rec, access_to(principal, rec)


# ----- Pay reviews -------------------------------------------------------------------------


def review_academies(principal: Principal) -> Q:
    """The academies (a filter on ``Academy``) whose pay reviews the viewer opens and
    lists: every academy of the trust for HR, their own for a headteacher."""
    if not _signed_in_staff(principal):
        return Q(pk__in=[])
    if principal.is_hr:
        return Q(trust_id=principal.tenant_id)
    return Q(trust_id=principal.tenant_id, pk__in=_head_of(principal))


def may_run_pay_reviews(principal: Principal) -> bool:
    return _signed_in_staff(principal) and (principal.is_hr or bool(_head_of(principal)))


def visible_reviews(principal: Principal) -> QuerySet[PayReview]:
    if not may_run_pay_reviews(principal):
        return PayReview.objects.none()
    academies = Academy.objects.filter(review_academies(principal))
    return PayReview.objects.filter(trust_id=principal.tenant_id, academy__in=academies)


def get_review_for_user(principal: Principal, pk: int, *, request: HttpRequest | None) -> PayReview:
    review = visible_reviews(principal).select_related("academy", "scale_set").filter(pk=pk).first()
    if review is None:
        raise refused(request, PayReview, pk, "No such pay review.")
    return review


def get_review_academy(
    principal: Principal, academy_id: int, *, request: HttpRequest | None
) -> Academy:
    academy = Academy.objects.filter(review_academies(principal), pk=academy_id).first()
    if academy is None:
        raise refused(request, Academy, academy_id, "No such academy.")
    return academy


def may_draft_any(principal: Principal) -> bool:
    """Someone with drafts to write sees the pay pages from their home page."""
    return visible_recommendations(principal).filter(stage__in=DRAFT_STAGES).exists()


# ----- Pay scales and pay history ----------------------------------------------------------


def may_edit_scales(principal: Principal) -> bool:
    return principal.is_authenticated and principal.is_trust_admin


def may_view_scales(principal: Principal) -> bool:
    return may_edit_scales(principal) or may_run_pay_reviews(principal)


def get_scale_set_for_user(
    principal: Principal, pk: int, *, request: HttpRequest | None
) -> PayScaleSet:
    scale_set = None
    if may_view_scales(principal):
        scale_set = PayScaleSet.objects.filter(trust_id=principal.tenant_id, pk=pk).first()
    if scale_set is None:
        raise refused(request, PayScaleSet, pk, "No such pay scale set.")
    return scale_set


def visible_pay_history_staff(principal: Principal) -> QuerySet[StaffMember]:
    """Whose pay history the viewer reads: their own; HR the trust's; a headteacher their
    academy's (not their own through the role, though they read it as their own)."""
    if not _signed_in_staff(principal):
        return StaffMember.objects.none()
    rule = Q(pk=_staff_id(principal))
    if principal.is_hr:
        rule |= Q(pk__isnull=False)
    heads = _head_of(principal)
    if heads:
        rule |= Q(academy_id__in=heads)
    return StaffMember.objects.filter(trust_id=principal.tenant_id).filter(rule)


def get_pay_history_staff(
    principal: Principal, pk: int, *, request: HttpRequest | None
) -> StaffMember:
    staff = visible_pay_history_staff(principal).select_related("academy").filter(pk=pk).first()
    if staff is None:
        raise refused(request, StaffMember, pk, "No such member of staff.")
    return staff


def may_record_placement(principal: Principal) -> bool:
    return principal.is_authenticated and principal.is_hr
