"""The pay review through its services: opening, drafting, approval, sharing, deciding and
the statement, each refusal a clear message (the policy paragraph named)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from organisation.principal import principal_for
from pay_progression import permissions, services
from pay_progression.models import PayEvent, PayPlacement, PayRecommendation, Stage
from support_plans.models import CAPABILITY, Concern, SupportPlan
from tests.objectives.support import School, user
from tests.pay_progression.support import PAY_YEAR, open_review, rec_for

pytestmark = pytest.mark.django_db
AUTUMN = dt.datetime(2026, 10, 5, 10, 0, tzinfo=dt.UTC)


def visible_to(member, rec: PayRecommendation) -> bool:  # type: ignore[no-untyped-def]
    return (
        permissions.visible_recommendations(principal_for(user(member))).filter(pk=rec.pk).exists()
    )


@time_machine.travel(AUTUMN, tick=False)
def test_opening_prepares_one_recommendation_per_person_with_a_pay_range(school: School) -> None:
    review = open_review(school)
    recs = {r.staff_id: r for r in review.recommendations.all()}
    # HR (central team) and the other academy's staff are not in this academy's review.
    assert school.hr.pk not in recs and school.outsider.pk not in recs
    teacher = recs[school.teacher.pk]
    assert (teacher.current_point, teacher.suggested_outcome, teacher.suggested_point) == (
        "M3",
        "progress",
        "M4",
    )
    assert teacher.recommender_id == school.reviewer.pk
    assert teacher.stage == Stage.PREPARED
    # classic §2.3: decided by 31 October; the headteacher's own by 31 December.
    assert teacher.decision_due == dt.date(2026, 10, 31)
    head = recs[school.headteacher.pk]
    assert head.is_headteacher and head.recommender_id is None
    assert head.decision_due == dt.date(2026, 12, 31)
    # Pay history starts from the staff record.
    assert PayPlacement.objects.filter(staff=school.teacher, point="M3").exists()
    assert PayEvent.objects.filter(recommendation=teacher, kind="opened").count() == 1


@time_machine.travel(AUTUMN, tick=False)
def test_opening_needs_the_years_pay_scales_and_happens_once(school: School) -> None:
    review = open_review(school)
    with pytest.raises(services.PayError, match="already open"):
        services.pay_review_open(actor=user(school.hr), academy=school.academy, pay_year=PAY_YEAR)
    with pytest.raises(services.PayError, match="Enter the pay scales for 2027/28 first") as error:
        services.pay_review_open(actor=user(school.hr), academy=school.academy, pay_year=2027)
    assert error.value.field == "pay_year"
    with pytest.raises(services.PayError, match="cannot open"):
        services.pay_review_open(
            actor=user(school.teacher), academy=school.academy, pay_year=PAY_YEAR
        )
    assert review.recommendations.count() == 7


@time_machine.travel(AUTUMN, tick=False)
def test_classic_5_7_7_the_employee_sees_nothing_until_approved_and_shared(school: School) -> None:
    review = open_review(school)
    rec = rec_for(review, school.teacher)
    assert visible_to(school.reviewer, rec) and not visible_to(school.teacher, rec)
    rec = services.recommendation_draft(
        actor=user(school.reviewer),
        recommendation=rec,
        outcome="progress",
        proposed_point="M4",
        evidence="All three objectives met; Teachers' Standards met.",
    )
    assert not visible_to(school.teacher, rec)
    with pytest.raises(services.PayError, match="approves the recommendation before it is shared"):
        services.recommendation_move(
            actor=user(school.headteacher), recommendation=rec, to=Stage.SHARED
        )
    with pytest.raises(services.PayError, match="cannot make this change"):
        services.recommendation_move(
            actor=user(school.reviewer), recommendation=rec, to=Stage.APPROVED
        )
    rec = services.recommendation_move(
        actor=user(school.headteacher), recommendation=rec, to=Stage.APPROVED
    )
    assert not visible_to(school.teacher, rec)
    # Approved, the reviewer's draft is no longer theirs to read.
    assert not visible_to(school.reviewer, rec)
    rec = services.recommendation_move(
        actor=user(school.headteacher), recommendation=rec, to=Stage.SHARED
    )
    assert visible_to(school.teacher, rec)


@time_machine.travel(AUTUMN, tick=False)
def test_deciding_backdates_the_award_and_enters_the_pay_history(school: School) -> None:
    review = open_review(school)
    rec = rec_for(review, school.teacher)
    rec = services.recommendation_draft(
        actor=user(school.reviewer),
        recommendation=rec,
        outcome="progress",
        proposed_point="M4",
        evidence="Objectives met.",
    )
    for to in (Stage.APPROVED, Stage.SHARED):
        rec = services.recommendation_move(
            actor=user(school.headteacher), recommendation=rec, to=to
        )
    rec = services.recommendation_move(
        actor=user(school.hr), recommendation=rec, to=Stage.DECIDED, outcome="progress"
    )
    # classic §2.3: backdated to September.
    assert rec.effective_from == dt.date(2026, 9, 1)
    school.teacher.refresh_from_db()
    assert (school.teacher.pay_point, school.teacher.pay_point_since) == ("M4", dt.date(2026, 9, 1))
    assert PayPlacement.objects.filter(staff=school.teacher, point="M4", source="decision").exists()
    rec = services.recommendation_move(
        actor=user(school.hr), recommendation=rec, to=Stage.STATEMENT_ISSUED
    )
    assert rec.statement_file.file_sha256
    pdf = services.statement_bytes(rec)
    assert pdf.startswith(b"%PDF")


@time_machine.travel(AUTUMN, tick=False)
def test_deciding_otherwise_needs_the_committees_reason(school: School) -> None:
    review = open_review(school)
    rec = rec_for(review, school.teacher)
    rec = services.recommendation_draft(
        actor=user(school.reviewer),
        recommendation=rec,
        outcome="progress",
        proposed_point="M4",
        evidence="Objectives met.",
    )
    for to in (Stage.APPROVED, Stage.SHARED):
        rec = services.recommendation_move(
            actor=user(school.headteacher), recommendation=rec, to=to
        )
    with pytest.raises(services.PayError, match="reason for deciding otherwise") as error:
        services.recommendation_move(
            actor=user(school.hr), recommendation=rec, to=Stage.DECIDED, outcome="no_progression"
        )
    assert error.value.field == "reason"
    rec.refresh_from_db()
    assert rec.stage == Stage.SHARED


@time_machine.travel(AUTUMN, tick=False)
@pytest.mark.policy_setting("pay.performance_related_pay")
def test_prp_requires_the_appraisal_evidence_in_the_draft(school: School) -> None:
    review = open_review(school)
    rec = rec_for(review, school.teacher)
    assert rec.evidence_required
    with pytest.raises(services.PayError, match="appraisal evidence") as error:
        services.recommendation_draft(
            actor=user(school.reviewer), recommendation=rec, outcome="progress", proposed_point="M4"
        )
    assert error.value.field == "evidence"


@time_machine.travel(AUTUMN, tick=False)
def test_in_capability_comes_from_the_support_plan_records(school: School) -> None:
    version = school.version("classic-objectives")
    SupportPlan.objects.create(
        trust=school.trust,
        academy=school.academy,
        staff=school.teacher,
        manager=school.reviewer,
        policy_version=version,
        stage=CAPABILITY,
        stage_started_on=dt.date(2026, 6, 1),
        capability_started_on=dt.date(2026, 6, 1),
        opened_on=dt.date(2026, 5, 1),
    )
    review = open_review(school)
    rec = rec_for(review, school.teacher)
    assert rec.suggested_outcome == "no_progression"
    assert rec.reason_key == "formal_capability"


@time_machine.travel(AUTUMN, tick=False)
def test_staploe_withholding_needs_concerns_raised_and_support_given_first(school: School) -> None:
    review = open_review(school, "staploe-associate")
    rec = rec_for(review, school.support)
    assert rec.recommender_id is None  # the headteacher recommends
    with pytest.raises(services.PayError, match="support given first") as error:
        services.recommendation_draft(
            actor=user(school.headteacher),
            recommendation=rec,
            outcome="no_progression",
            reason_key="unsatisfactory_after_support",
        )
    assert error.value.field == "reason_key"
    concern = Concern.objects.create(
        trust=school.trust,
        academy=school.academy,
        staff=school.support,
        raised_by=school.reviewer,
        policy_version=rec.policy_version,
        about="role",
        about_detail="Timekeeping",
        evidence="Late on 12 occasions.",
        raised_with_them_on=dt.date(2026, 3, 2),
    )
    SupportPlan.objects.create(
        trust=school.trust,
        academy=school.academy,
        staff=school.support,
        manager=school.reviewer,
        concern=concern,
        policy_version=rec.policy_version,
        stage="support_plan",
        stage_started_on=dt.date(2026, 3, 9),
        opened_on=dt.date(2026, 3, 9),
        status="closed",
        closed_on=dt.date(2026, 6, 1),
    )
    rec = services.recommendation_draft(
        actor=user(school.headteacher),
        recommendation=rec,
        outcome="no_progression",
        reason_key="unsatisfactory_after_support",
    )
    assert rec.stage == Stage.DRAFTED


@time_machine.travel(AUTUMN, tick=False)
@pytest.mark.policy_setting("pay.honorarium_allowed")
def test_an_honorarium_is_refused_where_the_policy_has_none(school: School) -> None:
    review = open_review(school)
    rec = rec_for(review, school.support)
    with pytest.raises(services.PayError, match="does not provide for an honorarium"):
        services.recommendation_draft(
            actor=user(school.reviewer),
            recommendation=rec,
            outcome="progress",
            proposed_point="13",
            evidence="Met.",
            honorarium=True,
            honorarium_note="Ran the trip",
        )


@time_machine.travel(AUTUMN, tick=False)
@pytest.mark.policy_setting("pay.headteacher_approves_before_shared")
def test_without_approval_in_the_policy_the_draft_is_shared_directly(school: School) -> None:
    review = open_review(
        school, "classic-objectives", **{"pay.headteacher_approves_before_shared": False}
    )
    rec = rec_for(review, school.teacher)
    rec = services.recommendation_draft(
        actor=user(school.reviewer),
        recommendation=rec,
        outcome="progress",
        proposed_point="M4",
        evidence="Met.",
    )
    rec = services.recommendation_move(
        actor=user(school.reviewer), recommendation=rec, to=Stage.SHARED
    )
    assert visible_to(school.teacher, rec)


@time_machine.travel(AUTUMN, tick=False)
def test_the_headteacher_never_sees_or_decides_their_own_pay(school: School) -> None:
    review = open_review(school)
    rec = rec_for(review, school.headteacher)
    assert not visible_to(school.headteacher, rec)
    assert visible_to(school.hr, rec)
    assert not permissions.can(principal_for(user(school.headteacher)), "decide", rec)


@time_machine.travel(AUTUMN, tick=False)
def test_hr_opens_every_academys_review_at_once(school: School) -> None:
    first = open_review(school)
    opened = services.pay_reviews_open_for_trust(actor=user(school.hr), pay_year=PAY_YEAR)
    # The other academy and the central team; the one already open is left alone.
    assert {r.academy_id for r in opened} == {school.other_academy.pk, school.hr.academy_id}
    assert first.recommendations.count() == 7
    with pytest.raises(services.PayError, match="Only HR"):
        services.pay_reviews_open_for_trust(actor=user(school.headteacher), pay_year=PAY_YEAR)
