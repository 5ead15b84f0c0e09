"""aspire §6.2: the headteacher's professional development commitments are shared with the
local governing body: the academy's governors read them, and only them, on their home page
where the pinned policy says so."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from accounts.models import User
from objectives.models import Conversation
from organisation.models import Role
from organisation.services import role_grant
from policies.models import PolicyVersion
from tests.factories import UserFactory
from tests.objectives.support import School, make_cycle, preset_version, user, version_with

pytestmark = pytest.mark.django_db
SETTING = "confidentiality.headteacher_commitments_shared_with_governors"


def _home(account: User) -> str:
    client = Client()
    client.force_login(account)
    return client.get("/").content.decode()


def _headteacher_year(school: School, version: PolicyVersion) -> None:
    cycle = make_cycle(
        school.headteacher,
        version,
        starts_on=dt.date(2025, 9, 1),
        ends_on=dt.date(2026, 8, 31),
        is_headteacher_cycle=True,
    )
    Conversation.objects.create(
        trust=school.trust,
        cycle=cycle,
        key="autumn",
        held_on=dt.date(2025, 12, 10),
        growth_areas="Lead the reading strategy across the academy.",
        cpd_activities="National professional qualification for executive leadership.",
        agreed_notes="PRIVATE NOTES OF THE CONVERSATION",
    )


def _governor(school: School) -> User:
    governor = UserFactory(trust=school.trust, email="gov@willow.example.org", first_name="Gil")
    role_grant(user=governor, role=Role.GOVERNOR, trust=school.trust, academy=school.academy)
    return governor


@pytest.mark.policy_setting("confidentiality.headteacher_commitments_shared_with_governors")
def test_governors_read_only_the_headteachers_commitments_where_the_policy_says(
    school: School,
) -> None:
    shared = preset_version(school.trust, "aspire-grow")
    assert shared.rules.confidentiality.headteacher_commitments_shared_with_governors
    _headteacher_year(school, shared)
    governor = _governor(school)
    page = _home(governor)
    assert "development commitments" in page
    assert "Lead the reading strategy" in page and "National professional qualification" in page
    assert "PRIVATE NOTES" not in page
    # The headteacher's own staff do not read them from their home page.
    staff_page = _home(user(school.reviewer))
    assert "Lead the reading strategy" not in staff_page
    # A governor of the other academy does not.
    other = UserFactory(trust=school.trust, email="gov2@willow.example.org")
    role_grant(user=other, role=Role.GOVERNOR, trust=school.trust, academy=school.other_academy)
    assert "Lead the reading strategy" not in _home(other)


@pytest.mark.policy_setting("confidentiality.headteacher_commitments_shared_with_governors")
def test_with_the_setting_off_governors_see_none_of_it(school: School) -> None:
    _headteacher_year(school, version_with(school.trust, "aspire-grow", {SETTING: False}))
    page = _home(_governor(school))
    assert "development commitments" not in page and "Lead the reading strategy" not in page
