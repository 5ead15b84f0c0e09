"""The demo trust's pay review: example pay scales (labelled as example figures, not any
trust's own amounts), and the first academy's pay review in progress, so the headteacher,
the line manager, the teacher and HR each have something on their pay pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from organisation.models import Academy, StaffMember

from . import services
from .models import PayPoint, PayRecommendation, PayReview, PayScaleSet, Stage

# Example annual amounts, rounded: for the demo only, never a trust's own figures.
EXAMPLE_STARTS = {
    "MPR": 32000,
    "UPR": 47000,
    "LSP": 50000,
    "UQT": 22000,
    "LPR": 50000,
    "SCP": 22000,
}
EXAMPLE_STEPS = {"MPR": 2000, "UPR": 1600, "LSP": 1300, "UQT": 1500, "LPR": 1000, "SCP": 700}


def seed_pay_review(
    *, staff: dict[str, StaffMember], academy: Academy, academic_year: int
) -> PayReview | None:
    """Idempotent: a second run finds what the first made."""
    admin, hr, head = staff["admin"].user, staff["hr"].user, staff["a_head"].user
    if admin is None or hr is None or head is None:
        return None
    trust = academy.trust
    scale_set = PayScaleSet.objects.filter(trust=trust, pay_year=academic_year).first()
    if scale_set is None:
        scale_set = services.scale_set_create(
            actor=admin,
            trust=trust,
            pay_year=academic_year,
            effective_from=dt.date(academic_year, 9, 1),
            name="Example figures (not the trust's own amounts)",
            is_example=True,
        )
        for point in PayPoint.objects.filter(scale_set=scale_set):
            point.annual_amount = Decimal(
                EXAMPLE_STARTS[point.pay_range] + EXAMPLE_STEPS[point.pay_range] * point.position
            )
            if point.pay_range == "SCP":
                point.grade = f"Grade {1 + point.position // 4}"
            point.save(update_fields=["annual_amount", "grade"])
    review = PayReview.objects.filter(academy=academy, pay_year=academic_year).first()
    if review is not None:
        return review
    # When each person moved to their point, as an MIS export would say.
    for key, since in (
        ("a_t1", dt.date(academic_year - 1, 9, 1)),
        ("a_hod1", dt.date(academic_year - 1, 9, 1)),
        ("a_hod2", dt.date(academic_year - 3, 9, 1)),
    ):
        if key in staff:
            StaffMember.objects.filter(pk=staff[key].pk).update(pay_point_since=since)
    review = services.pay_review_open(actor=hr, academy=academy, pay_year=academic_year)
    recs = {r.staff_id: r for r in PayRecommendation.objects.filter(review=review)}
    # The teacher's is decided and its statement issued; a teaching assistant's waits for
    # the headteacher's approval; the rest wait for their reviewers' drafts.
    teacher = recs.get(staff["a_t1"].pk) if "a_t1" in staff else None
    if teacher is not None:
        _draft(teacher, _drafter(teacher, head))
        teacher.refresh_from_db()
        _through(teacher, head, hr)
    assistant = recs.get(staff["a_ta1"].pk) if "a_ta1" in staff else None
    if assistant is not None:
        _draft(assistant, _drafter(assistant, head))
    _decided_where_due(recs.values(), done={teacher, assistant}, head=head, hr=hr)
    return review


def _decided_where_due(
    recs: Iterable[PayRecommendation],
    *,
    done: set[PayRecommendation | None],
    head: object,
    hr: object,
) -> None:
    """Once the policy's pay decision date has passed, the review is as a real one would
    be: decided and its statements issued, except one recommendation still undrafted
    (genuinely overdue), so the pages show both."""
    today = timezone.localdate()
    left_undrafted = False
    for rec in sorted(recs, key=lambda r: r.pk):
        if rec in done or rec.decision_due is None or today <= rec.decision_due:
            continue
        if not left_undrafted:
            left_undrafted = True
            continue
        try:
            _draft(rec, _drafter(rec, head))
            rec.refresh_from_db()
            _through(rec, head, hr)
        except (services.PayError, PermissionDenied):
            continue


def _drafter(rec: PayRecommendation, head: object) -> object:
    """The reviewer, or the headteacher where the policy says the headteacher recommends."""
    if rec.recommender is not None and rec.recommender.user is not None:
        return rec.recommender.user
    return head


def _draft(rec: PayRecommendation, actor: object) -> None:
    services.recommendation_draft(
        actor=actor,  # type: ignore[arg-type]
        recommendation=rec,
        outcome=rec.suggested_outcome,
        proposed_point=rec.suggested_point,
        reason_key=rec.reason_key,
        evidence="Objectives met; the Teachers' Standards are met (annual review).",
    )


def _through(rec: PayRecommendation, head: object, hr: object) -> None:
    pay = rec.policy_version.rules.pay
    if pay.headteacher_approves_before_shared:
        rec = services.recommendation_move(actor=head, recommendation=rec, to=Stage.APPROVED)  # type: ignore[arg-type]
    rec = services.recommendation_move(actor=head, recommendation=rec, to=Stage.SHARED)  # type: ignore[arg-type]
    rec = services.recommendation_move(
        actor=hr,  # type: ignore[arg-type]
        recommendation=rec,
        to=Stage.DECIDED,
        outcome=rec.outcome,
        reason="Agreed by the pay committee",
    )
    services.recommendation_move(actor=hr, recommendation=rec, to=Stage.STATEMENT_ISSUED)  # type: ignore[arg-type]
