"""A closed support plan is its own retention root: destroyed whole (meetings, comments,
events, written plans and their history) once its pinned policy's support plan years, or
capability years for a plan that reached capability, have passed; held by a legal hold;
an open plan is never destroyed. The HR director's termly meetings with headteachers are a
root of their own, kept for the same years from the end of their term."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from calendars.models import Term
from organisation.principal import principal_for
from policies.models import PolicyVersion
from retention import services
from retention.models import PurgeLedgerEntry
from retention.registry import retention_registry
from support_plans.models import (
    CAPABILITY,
    Concern,
    MeetingKind,
    PlanComment,
    PlanEvent,
    PlanStatus,
    SupportMeeting,
    SupportPlan,
    TermlyReview,
)
from support_plans.retention import CONCERN_ROOT, SUPPORT_PLAN_ROOT, TERMLY_REVIEW_ROOT
from tests.objectives.support import School, user, version_with

pytestmark = pytest.mark.django_db
CLOSED = dt.date(2021, 7, 31)
AS_OF = dt.date(2024, 9, 1)  # three years and a month after the plan closed


def closed_plan(school: School, version: PolicyVersion, *, capability: bool = False) -> SupportPlan:
    plan = SupportPlan.objects.create(
        trust=school.trust,
        academy=school.academy,
        staff=school.teacher,
        manager=school.reviewer,
        policy_version=version,
        stage=CAPABILITY if capability else "informal_support",
        stage_started_on=dt.date(2021, 3, 1),
        opened_on=dt.date(2021, 1, 11),
        capability_started_on=dt.date(2021, 3, 1) if capability else None,
        capability_ended_on=dt.date(2021, 7, 1) if capability else None,
        status=PlanStatus.CLOSED,
        closed_on=CLOSED,
        outcome="Improvement sustained.",
    )
    SupportMeeting.objects.create(
        trust=school.trust,
        plan=plan,
        stage=plan.stage,
        kind=MeetingKind.SUPPORT,
        scheduled_for=dt.date(2021, 2, 1),
        notice_given_on=dt.date(2021, 1, 20),
        notes="Went through the lesson plans.",
    )
    PlanComment.objects.create(trust=school.trust, plan=plan, text="I disagree with point 2.")
    return plan


def version(school: School, **retention: Any) -> PolicyVersion:
    changes = {f"retention.{k}": v for k, v in retention.items()}
    label = ",".join(f"{k}={v}" for k, v in retention.items())
    if label not in school.versions:
        school.versions[label] = version_with(school.trust, "leger-pdp", changes, label=label)
    return school.versions[label]


def survives(school: School, plan_version: PolicyVersion, *, capability: bool = False) -> bool:
    plan = closed_plan(school, plan_version, capability=capability)
    services.purge_expired_records(as_of=AS_OF)
    gone = not SupportPlan.objects.filter(pk=plan.pk).exists()
    if gone:
        assert not SupportMeeting.objects.filter(plan_id=plan.pk).exists()
        assert not PlanComment.objects.filter(plan_id=plan.pk).exists()
        assert not SupportPlan.history.filter(id=plan.pk).exists()
        assert not SupportMeeting.history.filter(plan_id=plan.pk).exists()
        assert PurgeLedgerEntry.objects.filter(
            record_type="support_plan_record", record_id=plan.pk
        ).exists()
    SupportPlan.objects.filter(pk=plan.pk).delete()  # the next run's plan is the only one
    return not gone


def test_support_plans_are_a_registered_root() -> None:
    assert retention_registry.root("support_plan") is SUPPORT_PLAN_ROOT


@pytest.mark.policy_setting("retention.support_plan_years")
def test_the_support_plan_years_decide_when_a_closed_plan_is_destroyed(school: School) -> None:
    assert not survives(school, version(school, support_plan_years=2))
    assert survives(school, version(school, support_plan_years=4))


def test_with_no_support_plan_years_the_trust_default_applies(school: School) -> None:
    assert not survives(school, version(school, default_years=2))
    assert survives(school, version(school, default_years=4))


@pytest.mark.policy_setting("retention.capability_years")
def test_the_capability_years_keep_a_plan_that_reached_capability(school: School) -> None:
    assert not survives(
        school, version(school, support_plan_years=2, capability_years=2), capability=True
    )
    assert survives(
        school, version(school, support_plan_years=2, capability_years=5), capability=True
    )
    # A plan that never reached capability is not a capability record.
    assert not survives(school, version(school, support_plan_years=2, capability_years=5))


def test_a_legal_hold_keeps_the_plan_and_an_open_plan_is_never_destroyed(school: School) -> None:
    short = version(school, support_plan_years=1)
    held = closed_plan(school, short)
    services.legal_hold_set(
        principal=principal_for(user(school.hr)),
        actor=user(school.hr),
        reason="Employment tribunal claim",
        record=held,
    )
    services.purge_expired_records(as_of=AS_OF)
    assert SupportPlan.objects.filter(pk=held.pk).exists()
    SupportPlan.objects.filter(pk=held.pk).delete()
    still_open = closed_plan(school, short)
    SupportPlan.objects.filter(pk=still_open.pk).update(status=PlanStatus.OPEN, closed_on=None)
    services.purge_expired_records(as_of=AS_OF)
    assert SupportPlan.objects.filter(pk=still_open.pk).exists()


def _concern(school: School, plan_version: PolicyVersion) -> Concern:
    concern = Concern.objects.create(
        trust=school.trust,
        academy=school.academy,
        staff=school.teacher,
        raised_by=school.reviewer,
        policy_version=plan_version,
        about="standard",
        about_detail="Standard 4",
        evidence="Lessons without structure.",
        raised_with_them_on=CLOSED,
    )
    PlanEvent.objects.create(trust=school.trust, concern=concern, kind="concern_recorded")
    return concern


@pytest.mark.policy_setting("retention.support_plan_years")
def test_a_concern_that_never_became_a_plan_is_kept_for_the_support_plan_years(
    school: School,
) -> None:
    assert retention_registry.root("support_concern") is CONCERN_ROOT
    short, long = version(school, support_plan_years=2), version(school, support_plan_years=4)
    gone, kept = _concern(school, short), _concern(school, long)
    # A concern a plan was opened from goes with the plan, never on its own.
    with_plan = _concern(school, short)
    plan = closed_plan(school, long)
    SupportPlan.objects.filter(pk=plan.pk).update(concern=with_plan)
    services.purge_expired_records(as_of=AS_OF)
    assert not Concern.objects.filter(pk=gone.pk).exists()
    assert not Concern.history.filter(id=gone.pk).exists()
    assert not PlanEvent.objects.filter(concern_id=gone.pk).exists()
    assert PurgeLedgerEntry.objects.filter(
        record_type="support_concern_record", record_id=gone.pk
    ).exists()
    assert Concern.objects.filter(pk__in=[kept.pk, with_plan.pk]).count() == 2


def _termly(school: School, review_version: PolicyVersion) -> TermlyReview:
    """A meeting held in a summer term that ended with the plan above."""
    term = Term.objects.create(
        academy=school.academy,
        name=f"Summer 2021 ({review_version.pk})",
        starts_on=dt.date(2021, 4, 19),
        ends_on=CLOSED,
    )
    review = TermlyReview.objects.create(
        trust=school.trust,
        academy=school.academy,
        term=term,
        policy_version=review_version,
        scheduled_for=dt.date(2021, 6, 14),
        held_on=dt.date(2021, 6, 14),
        attendees="HR director, headteacher",
        action_agreed="Formal support plan for one teacher.",
    )
    review.staff_discussed.set([school.teacher])
    return review


def termly_survives(school: School, review_version: PolicyVersion) -> bool:
    review = _termly(school, review_version)
    services.purge_expired_records(as_of=AS_OF)
    gone = not TermlyReview.objects.filter(pk=review.pk).exists()
    if gone:
        assert not TermlyReview.history.filter(id=review.pk).exists()
        assert not TermlyReview.staff_discussed.through.objects.filter(
            termlyreview_id=review.pk
        ).exists()
        assert PurgeLedgerEntry.objects.filter(
            record_type="support_termly_review_record", record_id=review.pk
        ).exists()
        Term.objects.filter(pk=review.term_id).delete()
    return not gone


def test_termly_meetings_are_a_registered_root() -> None:
    assert retention_registry.root("support_termly_review") is TERMLY_REVIEW_ROOT
    assert retention_registry.root_for_model(TermlyReview) is TERMLY_REVIEW_ROOT


@pytest.mark.policy_setting("retention.support_plan_years")
def test_the_support_plan_years_decide_when_a_termly_meeting_is_destroyed(
    school: School,
) -> None:
    assert not termly_survives(school, version(school, support_plan_years=2))
    assert termly_survives(school, version(school, support_plan_years=4))


def test_a_termly_meeting_with_no_support_plan_years_keeps_the_trust_default(
    school: School,
) -> None:
    assert not termly_survives(school, version(school, default_years=2))
    assert termly_survives(school, version(school, default_years=4))


def test_a_termly_meeting_counts_from_its_term_when_the_policy_counts_from_leaving(
    school: School,
) -> None:
    # It is about an academy, not one person: nobody's leaving day keeps it for ever.
    counted = version(school, support_plan_years=2, counted_from="end_of_employment")
    assert not termly_survives(school, counted)


def test_a_legal_hold_keeps_a_termly_meeting(
    school: School,
) -> None:
    held = _termly(school, version(school, support_plan_years=1))
    services.legal_hold_set(
        principal=principal_for(user(school.hr)),
        actor=user(school.hr),
        reason="Employment tribunal claim",
        record=held,
    )
    services.purge_expired_records(as_of=AS_OF)
    assert TermlyReview.objects.filter(pk=held.pk).exists()
