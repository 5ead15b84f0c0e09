"""The headteacher's review committee in a real browser: the chair of governors sets it up
from their home page (classic §3.2), and a committee member records the headteacher's
objective on outcomes for students (classic §4.1). Every page is scanned with axe-core."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import Page, expect

from cycles.models import AppraisalCycle, CycleState
from objectives.models import Objective
from organisation.models import Role, StaffGroup
from organisation.services import role_grant
from policies.models import Policy, PolicyVersion
from policies.schema import CURRENT_SCHEMA_VERSION, SCHEMA_VERSION_KEY
from tests.browser_support import assert_accessible, sign_in
from tests.factories import AcademyFactory, StaffMemberFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.browser,
]


@time_machine.travel(dt.datetime(2026, 10, 5, 9, 0, tzinfo=dt.UTC), tick=True)
def test_the_chair_sets_up_the_committee_and_a_member_sets_an_objective(
    browser_page: Page,
) -> None:
    page = browser_page
    academy = AcademyFactory(name="Oak Primary", trust__name="Fen Trust")
    trust = academy.trust
    policy = Policy.objects.create(trust=trust, name="Fen appraisal policy")
    version = PolicyVersion.objects.create(
        policy=policy,
        number=1,
        effective_from=dt.date(2020, 1, 1),
        settings={
            SCHEMA_VERSION_KEY: CURRENT_SCHEMA_VERSION,
            "headteacher": {"chair_on_committee": True},
            "objectives": {
                "required_kinds_headteacher": ["student_outcomes"],
                "smart_required": False,
            },
        },
    )
    head = StaffMemberFactory(
        academy=academy, first_name="Hana", last_name="Head", staff_group=StaffGroup.LEADERSHIP
    )
    role_grant(user=head.user, role=Role.HEADTEACHER, trust=trust, academy=academy)
    cycle = AppraisalCycle.objects.create(
        trust=trust,
        academy=academy,
        appraisee=head,
        policy_version=version,
        starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2027, 8, 31),
        state=CycleState.PLANNING,
        is_headteacher_cycle=True,
    )
    chair = UserFactory(
        trust=trust, email="chair@example.org", first_name="Chris", last_name="Chair"
    )
    for role in (Role.GOVERNOR, Role.CHAIR_OF_GOVERNORS):
        role_grant(user=chair, role=role, trust=trust, academy=academy)
    governors = []
    for first in ("Gwen", "Glen"):
        user = UserFactory(
            trust=trust, email=f"{first.lower()}@example.org", first_name=first, last_name="Gov"
        )
        role_grant(user=user, role=Role.GOVERNOR, trust=trust, academy=academy)
        governors.append(user)

    sign_in(page, chair.email)
    assert_accessible(page)
    page.get_by_role("link", name="Headteachers' appraisals: review committees").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("link", name="Set up the review committee for Hana Head").click()
    page.wait_for_load_state()
    assert_accessible(page)
    # Two members is not the policy's committee of three: the rule, by the field.
    page.get_by_label("Chris Chair (chair of governors)").check()
    page.get_by_label("Gwen Gov (governor)").check()
    page.get_by_label("The committee's access ends on").fill("2027-12-31")
    page.get_by_role("button", name="Set up the committee").click()
    page.wait_for_load_state()
    expect(page.locator(".govuk-error-summary")).to_contain_text("has 3 members: you chose 2")
    assert_accessible(page)
    page.get_by_label("Glen Gov (governor)").check()
    page.get_by_role("button", name="Set up the committee").click()
    page.wait_for_load_state()
    expect(page.locator("#committee-members")).to_contain_text("Glen Gov")
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()

    sign_in(page, governors[0].email)
    page.get_by_role("link", name="Headteachers' appraisals: review committees").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Hana Head, 2026 to 2027").click()
    page.wait_for_load_state()
    expect(page.locator(".govuk-summary-list").first).to_contain_text(
        "review committee: Chris Chair"
    )
    assert_accessible(page)
    page.get_by_role("link", name="Add an objective").first.click()
    page.wait_for_load_state()
    page.get_by_label("Kind of objective").select_option(
        label="An objective on outcomes for students"
    )
    page.get_by_label("Objective", exact=True).fill("Raise attainment in reading at KS2")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert_accessible(page)
    objective = Objective.objects.get(cycle=cycle)
    assert objective.kind == "student_outcomes"
