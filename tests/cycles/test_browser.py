"""The cycle pages in a real browser: a headteacher opens the year for their academy,
follows it on the overview and manages one appraisal; the reviewer and the member of staff
find it from the header. Every page is scanned with axe-core for WCAG 2.2 AA."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import Page, expect

from cycles.models import AppraisalCycle, CycleState
from organisation.models import Role, StaffGroup
from organisation.services import rebuild_line_management, role_grant
from tests.browser_support import assert_accessible, sign_in
from tests.factories import AcademyFactory, StaffMemberFactory, UserFactory

from .factories import preset_version

# serialized_rollback: the flush after a transactional test must put back the reference
# data that migrations load (the Teachers' and Headteachers' Standards).
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.browser,
]


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


@time_machine.travel(dt.datetime(2026, 9, 2, 9, 0, tzinfo=dt.UTC), tick=True)
def test_a_headteacher_opens_and_manages_the_year(browser_page: Page) -> None:
    page = browser_page
    academy = AcademyFactory(name="Oak Primary", trust__name="Fen Trust")
    trust = academy.trust
    preset_version(trust, "classic-objectives")
    head = StaffMemberFactory(
        academy=academy, first_name="Hana", last_name="Head", staff_group=StaffGroup.LEADERSHIP
    )
    role_grant(user=head.user, role=Role.HEADTEACHER, trust=trust, academy=academy)
    hr = UserFactory(trust=trust, email="hr@example.org")
    role_grant(user=hr, role=Role.HR, trust=trust)
    manager = StaffMemberFactory(
        academy=academy, first_name="Mo", last_name="Manager", line_manager=head
    )
    teacher = StaffMemberFactory(
        academy=academy, first_name="Tia", last_name="Teacher", line_manager=manager
    )
    StaffMemberFactory(academy=academy, first_name="Eve", last_name="Early", is_ect=True)
    adviser = UserFactory(trust=trust, email="adviser@example.org")
    rebuild_line_management(trust=trust)

    sign_in(page, head.email)
    page.get_by_role("link", name="Academy overview", exact=True).click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("link", name="Open a year's appraisal cycles").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label("Appraisal year").select_option(label="2026 to 2027")
    page.get_by_role("button", name="Open cycles").click()
    page.wait_for_load_state()
    assert_accessible(page)
    expect(page.get_by_role("heading", name="3 cycles opened")).to_be_visible()
    expect(page.get_by_text("Early career teacher in induction")).to_be_visible()

    page.get_by_role("link", name="Academy overview", exact=True).click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("link", name="Tia Teacher").click()
    page.wait_for_load_state()
    assert_accessible(page)
    expect(page.get_by_text("Classic objectives linked to pay, version 1")).to_be_visible()
    page.get_by_role("button", name="Start the appraisal year").click()
    page.wait_for_load_state()
    expect(page.get_by_text("The appraisal is now at “Active”")).to_be_visible()
    page.get_by_text("Suspend appraisal").first.click()  # opens the details
    page.get_by_label("Note for the record (optional)").fill("Formal capability began")
    page.get_by_role("button", name="Suspend appraisal").click()
    page.wait_for_load_state()
    assert_accessible(page)
    cycle = AppraisalCycle.objects.get(appraisee=teacher)
    assert (cycle.state, cycle.suspended_from) == (CycleState.SUSPENDED, CycleState.ACTIVE)
    page.get_by_role("button", name="Resume appraisal").click()
    page.wait_for_load_state()

    # Exceptional access is for a headteacher's own appraisal only: not offered here.
    expect(page.get_by_role("link", name="Give someone else access to this record")).to_have_count(
        0
    )
    page.get_by_role("link", name="Change the reviewer").click()
    page.wait_for_load_state()
    assert_accessible(page)
    sign_out(page)

    sign_in(page, manager.email)
    page.get_by_role("link", name="My reviewees").click()
    page.wait_for_load_state()
    assert_accessible(page)
    expect(page.get_by_role("link", name="Tia Teacher")).to_be_visible()
    sign_out(page)

    sign_in(page, teacher.email)
    page.get_by_role("link", name="My appraisal").click()
    page.wait_for_load_state()
    assert_accessible(page)
    expect(page.get_by_role("heading", name="Appraisal 2026 to 2027")).to_be_visible()
    sign_out(page)

    # HR gives the external adviser the headteacher's own appraisal.
    sign_in(page, hr.email)
    page.get_by_role("link", name="Academy overview", exact=True).click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Hana Head").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Give someone else access to this record").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("button", name="Give access").click()  # nothing filled in
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Email address of their account").fill(adviser.email)
    page.get_by_label("External adviser (read only)").check()
    page.get_by_label("Access ends on").fill("2026-12-31")
    page.get_by_label("Why they need access").fill("Supports the review committee")
    page.get_by_role("button", name="Give access").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Supports the review committee")).to_be_visible()
    assert_accessible(page)
