"""classic §5.7.7: the headteacher's review committee makes the headteacher's pay
recommendation and refers it to the appropriate governors' committee; HR records that
committee's decision. The headteacher's own staff never see it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from cycles.models import AppraisalCycle
from cycles.services import cycle_grant_access, cycle_revoke_access
from organisation.models import Role
from organisation.principal import principal_for
from organisation.services import role_grant
from pay_progression import permissions, rules, services
from pay_progression.models import PayRecommendation, PayReview, Stage
from reminders.selectors import my_deadlines
from tests.factories import UserFactory
from tests.objectives.support import School, make_cycle, user
from tests.pay_progression.support import open_review, rec_for

pytestmark = pytest.mark.django_db
AUTUMN = dt.datetime(2026, 10, 5, 10, 0, tzinfo=dt.UTC)


def _client(account: User) -> Client:
    client = Client()
    client.force_login(account)
    return client


def _sees(account: User, rec: PayRecommendation) -> bool:
    return permissions.visible_recommendations(principal_for(account)).filter(pk=rec.pk).exists()


def _committee(school: School, review: PayReview) -> tuple[AppraisalCycle, User]:
    """The headteacher's 2025-26 cycle (it informs the 2026 pay year) and the chair of
    governors on its review committee."""
    head_cycle = make_cycle(
        school.headteacher,
        rec_for(review, school.headteacher).policy_version,
        starts_on=dt.date(2025, 9, 1),
        ends_on=dt.date(2026, 8, 31),
        is_headteacher_cycle=True,
    )
    chair = UserFactory(trust=school.trust, email="chair@willow.example.org", first_name="Cleo")
    role_grant(user=chair, role=Role.CHAIR_OF_GOVERNORS, trust=school.trust, academy=school.academy)
    cycle_grant_access(
        cycle=head_cycle,
        user=chair,
        permission="review_headteacher_cycle",
        expires_at=timezone.now() + dt.timedelta(days=90),
        reason="Review committee",
        granted_by=user(school.hr),
    )
    return head_cycle, chair


def test_a_cycle_informs_the_pay_year_that_starts_after_it() -> None:
    assert rules.pay_years_informed_by(dt.date(2025, 9, 1), dt.date(2026, 8, 31)) == [2026]
    assert rules.pay_years_informed_by(dt.date(2026, 1, 1), dt.date(2026, 12, 31)) == [2026]


@time_machine.travel(AUTUMN, tick=False)
def test_the_committee_drafts_the_headteachers_pay_and_refers_it(school: School) -> None:
    review = open_review(school)
    rec = rec_for(review, school.headteacher)
    head_cycle, chair = _committee(school, review)
    teacher_rec = rec_for(review, school.teacher)
    assert _sees(chair, rec) and not _sees(chair, teacher_rec)
    # The headteacher's own staff never see it; nor does the headteacher before it is shared.
    for member in (school.headteacher, school.reviewer, school.teacher, school.colleague):
        assert not _sees(user(member), rec), member
    rec = services.recommendation_draft(
        actor=chair,
        recommendation=rec,
        outcome="progress",
        proposed_point="L21",
        evidence="The committee's review of 2025-26.",
    )
    rec = services.recommendation_move(actor=chair, recommendation=rec, to=Stage.SHARED)
    # Only HR records the governors' pay committee's decision, never the review committee.
    assert not permissions.can(principal_for(chair), "decide", rec)
    assert permissions.can(principal_for(user(school.hr)), "decide", rec)
    assert _sees(user(school.headteacher), rec)
    assert not _sees(user(school.reviewer), rec)
    # The committee's access ends with its grant.
    for grant in head_cycle.grants.all():
        cycle_revoke_access(grant=grant, revoked_by=user(school.hr))
    assert not _sees(User.objects.get(pk=chair.pk), rec)


@time_machine.travel(AUTUMN, tick=False)
def test_the_headteachers_cycle_page_links_the_committee_to_the_draft(school: School) -> None:
    review = open_review(school)
    rec = rec_for(review, school.headteacher)
    head_cycle, chair = _committee(school, review)
    page = _client(chair).get(reverse("cycles:detail", args=[head_cycle.pk])).content.decode()
    assert reverse("pay_progression:recommendation", args=[rec.pk]) in page
    assert "refers it to the governors' pay committee" in page
    draft_url = reverse("pay_progression:draft", args=[rec.pk])
    bad = _client(chair).post(draft_url, {"outcome": "progress", "version": rec.version})
    assert bad.status_code == 200 and "govuk-error-summary" in bad.content.decode()
    # Someone at the academy who is not on the committee is told nothing exists.
    assert _client(user(school.reviewer)).get(draft_url).status_code == 404


@time_machine.travel(AUTUMN, tick=False)
def test_the_committee_sees_the_draft_on_its_deadlines_until_it_is_drafted(school: School) -> None:
    review = open_review(school)
    rec = rec_for(review, school.headteacher)
    _, chair = _committee(school, review)
    make_cycle(
        school.headteacher,
        rec.policy_version,
        starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2027, 8, 31),
        is_headteacher_cycle=True,
    )
    mine = my_deadlines(principal_for(chair))
    assert [(m.deadline.kind, m.deadline.due_on) for m in mine] == [("pay_draft", rec.decision_due)]
    services.recommendation_draft(
        actor=chair, recommendation=rec, outcome="progress", proposed_point="L21", evidence="Met."
    )
    assert not my_deadlines(principal_for(User.objects.get(pk=chair.pk)))
