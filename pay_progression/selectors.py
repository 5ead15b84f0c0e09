"""Reads of pay scales, pay history and pay reviews shaped for the pages and exports."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet

from organisation.models import Academy, PayRange, StaffMember

from . import permissions, rules
from .models import (
    DRAFT_STAGES,
    SHARED_STAGES,
    Outcome,
    PayEvent,
    PayPlacement,
    PayPoint,
    PayRecommendation,
    PayReview,
    PayScaleSet,
    Stage,
)

if TYPE_CHECKING:
    from cycles.models import AppraisalCycle
    from organisation.principal import Principal


def scale_sets_for(principal: Principal) -> QuerySet[PayScaleSet]:
    if not permissions.may_view_scales(principal):
        return PayScaleSet.objects.none()
    return (
        PayScaleSet.objects.filter(trust_id=principal.tenant_id)
        .annotate(
            points_count=Count("points"),
            amounts_count=Count("points", filter=Q(points__annual_amount__isnull=False)),
        )
        .order_by("-pay_year")
    )


@dataclass(frozen=True)
class RangeRows:
    pay_range: str
    label: str
    points: list[PayPoint]
    entered: int


def scale_set_ranges(scale_set: PayScaleSet) -> list[RangeRows]:
    by_range: dict[str, list[PayPoint]] = {}
    for point in scale_set.points.order_by("pay_range", "position"):
        by_range.setdefault(point.pay_range, []).append(point)
    labels = dict(PayRange.choices)
    return [
        RangeRows(
            pay_range=key,
            label=str(labels.get(key, key)),
            points=rows,
            entered=sum(p.annual_amount is not None for p in rows),
        )
        for key, rows in by_range.items()
    ]


def range_points(scale_set: PayScaleSet, pay_range: str) -> list[PayPoint]:
    return list(scale_set.points.filter(pay_range=pay_range).order_by("position"))


def pay_history(staff: StaffMember) -> list[PayPlacement]:
    return list(PayPlacement.objects.filter(staff=staff).order_by("-since", "-pk"))


# ----- Pay reviews -------------------------------------------------------------------------


@dataclass(frozen=True)
class AcademyRow:
    academy: Academy
    review: PayReview | None
    total: int
    by_stage: dict[str, int]


def review_overview(principal: Principal, pay_year: int) -> list[AcademyRow]:
    """Each academy the viewer runs pay reviews for, its review of ``pay_year`` and how
    many recommendations are at each stage (three queries)."""
    academies = list(
        Academy.objects.filter(permissions.review_academies(principal)).order_by(
            "is_central_team", "name"
        )
    )
    reviews = {
        r.academy_id: r
        for r in PayReview.objects.filter(
            trust_id=principal.tenant_id, academy__in=academies, pay_year=pay_year
        )
    }
    counts: dict[int, Counter[str]] = {}
    for academy_id, stage, n in (
        permissions.visible_recommendations(principal)
        .filter(review__in=list(reviews.values()))
        .values_list("academy_id", "stage")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts.setdefault(academy_id, Counter())[stage] += n
    return [
        AcademyRow(
            academy=a,
            review=reviews.get(a.pk),
            total=sum(counts.get(a.pk, Counter()).values()),
            by_stage=dict(counts.get(a.pk, Counter())),
        )
        for a in academies
    ]


def review_rows(principal: Principal, review: PayReview) -> QuerySet[PayRecommendation]:
    """The review's recommendations the viewer may read, with what the list shows, in a
    fixed number of queries."""
    return (
        permissions.visible_recommendations(principal)
        .filter(review=review)
        .select_related("staff__job_role", "recommender")
        .order_by("staff__last_name", "staff__first_name", "pk")
    )


def drafts_to_write(principal: Principal) -> QuerySet[PayRecommendation]:
    """Recommendations the viewer drafts as the reviewer, or as a member of the
    headteacher's review committee (classic §5.7.7), not as headteacher or HR."""
    me = principal.staff.pk if principal.staff is not None else 0
    mine = Q(recommender_id=me) | permissions.committee_recommendations(principal)
    return (
        permissions.visible_recommendations(principal)
        .filter(mine, stage__in=DRAFT_STAGES)
        .select_related("staff__job_role", "review", "academy")
        .order_by("review__pay_year", "staff__last_name", "pk")
    )


def own_recommendations(principal: Principal) -> list[PayRecommendation]:
    """The viewer's own recommendations once shared with them (classic §5.7.7)."""
    if principal.staff is None:
        return []
    return list(
        permissions.visible_recommendations(principal)
        .filter(staff_id=principal.staff.pk, stage__in=SHARED_STAGES)
        .select_related("review", "academy", "policy_version")
        .order_by("-review__pay_year")
    )


@dataclass(frozen=True)
class CommitteeSummary:
    """What goes to the governors' pay committee (``pay.pay_committee_sees``)."""

    sees: str
    rows: list[PayRecommendation]
    not_progressing: list[tuple[str, int]]


def committee_summary(review: PayReview, rows: list[PayRecommendation]) -> CommitteeSummary:
    """Each recommendation (classic §5.7.7), or the count of staff not progressing by
    reason (langley §10), or nothing: as the policy of the academy's staff says (the
    first recommendation's pinned version; one policy per review in practice)."""
    if not rows:
        return CommitteeSummary(sees="nothing", rows=[], not_progressing=[])
    sees = rows[0].policy_version.rules.pay.pay_committee_sees.value
    reasons: Counter[str] = Counter(
        r.reason or "No reason given" for r in rows if r.outcome == Outcome.NO_PROGRESSION
    )
    return CommitteeSummary(
        sees=sees,
        rows=rows if sees == "each_recommendation" else [],
        not_progressing=sorted(reasons.items()),
    )


def recommendation_page(rec: PayRecommendation) -> dict[str, Any]:
    pay = rec.policy_version.rules.pay
    points = {
        p.code.upper(): p.annual_amount
        for p in PayPoint.objects.filter(scale_set_id=rec.review.scale_set_id).only(
            "code", "annual_amount"
        )
    }
    return {
        "pay": pay,
        "events": list(
            PayEvent.objects.filter(recommendation=rec).select_related("actor").order_by("at", "pk")
        ),
        "current_amount": points.get(rec.current_point.upper()),
        "proposed_amount": points.get(rec.proposed_point.upper()),
        "threshold_evidence": pay.threshold_evidence
        if pay.threshold_applications and rec.current_range == PayRange.MAIN
        else (),
        "statement_ready": rec.stage in (Stage.STATEMENT_ISSUED, Stage.FINAL),
    }


def payroll_rows(principal: Principal, review: PayReview) -> QuerySet[PayRecommendation]:
    """Decided changes for payroll: every decided recommendation with its effective date."""
    return (
        review_rows(principal, review)
        .filter(decided_at__isnull=False)
        .select_related("staff", "academy")
    )


def current_pay_year(today: dt.date) -> int:
    return today.year if today.month >= 9 else today.year - 1


def latest_version_start_pinned_by_recommendations(policy: Any) -> dt.date | None:
    from django.db.models import Max

    result: dt.date | None = PayRecommendation.objects.filter(
        policy_version__policy=policy
    ).aggregate(latest=Max("policy_version__effective_from"))["latest"]
    return result


def cycle_section_context(cycle: AppraisalCycle, principal: Principal) -> dict[str, Any]:
    """The headteacher's own pay recommendation on their cycle's page (classic §5.7.7):
    the committee reads and drafts the recommendation for the pay years the cycle informs,
    to refer to the governors' pay committee. Only recommendations the viewer may read:
    never for the headteacher's own staff; the headteacher once it is shared. One query,
    none for anyone else's cycle."""
    if not cycle.is_headteacher_cycle:
        return {"pay_section": None}
    recs = list(
        permissions.visible_recommendations(principal)
        .filter(
            staff_id=cycle.appraisee_id,
            is_headteacher=True,
            review__pay_year__in=rules.pay_years_informed_by(cycle.starts_on, cycle.ends_on),
        )
        .select_related("review")
        .order_by("review__pay_year", "pk")
    )
    if not recs:
        return {"pay_section": None}
    on_committee = PayRecommendation.objects.filter(
        permissions.committee_recommendations(principal), pk__in=[r.pk for r in recs]
    ).exists()
    return {"pay_section": {"recommendations": recs, "on_committee": on_committee}}
