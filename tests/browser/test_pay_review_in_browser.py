"""The annual pay review as the people in it meet it (classic): the headteacher opens the
academy's review from the pay page, the reviewer drafts the teacher's recommendation, the
headteacher approves and shares it and records the pay committee's decision and issues the
statement, and the teacher downloads the pay statement from My pay. axe-core on every page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import Page

from pay_progression import services
from pay_progression.models import PayRecommendation, Stage
from policies.models import PolicyAssignment
from tests.browser_support import assert_accessible, sign_in
from tests.objectives.support import preset_version
from tests.personas import build_world

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def click(page: Page, role: str, name: str) -> None:
    page.get_by_role(role, name=name, exact=False).first.click()  # type: ignore[arg-type]
    page.wait_for_load_state()
    assert_accessible(page)


def test_a_pay_recommendation_from_draft_to_statement(browser_page: Page, live_server: Any) -> None:
    world = build_world()
    version = preset_version(world.trust, "classic-objectives")
    PolicyAssignment.objects.filter(trust=world.trust).delete()
    for group in ("teaching", "support", "leadership"):
        PolicyAssignment.objects.create(trust=world.trust, staff_group=group, policy=version.policy)
    year = dt.date.today().year if dt.date.today().month >= 9 else dt.date.today().year - 1
    services.scale_set_create(
        actor=world.user("trust_admin"),
        trust=world.trust,
        pay_year=year,
        effective_from=dt.date(year, 9, 1),
        name="Teachers' pay award",
    )
    teacher = world.staff["appraisee"]
    page = browser_page

    # The headteacher opens the academy's pay review from their home page.
    sign_in(page, world.user("headteacher").email)
    click(page, "link", "Pay reviews and the pay recommendations you draft")
    click(page, "link", f"Open the pay review of {world.academy.name}")
    click(page, "button", "Open the pay review")
    assert teacher.full_name in page.locator("main").inner_text()
    rec = PayRecommendation.objects.get(staff=teacher)
    assert rec.recommender_id == world.staff["line_manager"].pk

    # The reviewer drafts it.
    page.context.clear_cookies()
    sign_in(page, world.user("line_manager").email)
    click(page, "link", "Pay reviews and the pay recommendations you draft")
    assert "Pay recommendations for you to draft" in page.locator("main").inner_text()
    click(page, "link", teacher.full_name)
    click(page, "link", "Draft the recommendation")
    page.get_by_label("The appraisal evidence").fill("All three objectives met.")
    click(page, "button", "Save the draft")
    assert "The recommendation is drafted." in page.locator("main").inner_text()

    # The headteacher approves, shares, records the decision and issues the statement.
    page.context.clear_cookies()
    sign_in(page, world.user("headteacher").email)
    click(page, "link", "Pay reviews and the pay recommendations you draft")
    click(page, "link", "Open since")
    click(page, "link", teacher.full_name)
    click(page, "link", "Approve")
    click(page, "button", "Approve the recommendation")
    click(page, "link", f"Share with {teacher.first_name}")
    click(page, "button", "Share it with the member of staff")
    click(page, "link", "Record the pay committee's decision")
    click(page, "button", "Record the decision")
    click(page, "link", "Issue the pay statement")
    click(page, "button", "Issue the pay statement")
    rec.refresh_from_db()
    assert rec.stage == Stage.STATEMENT_ISSUED

    # The teacher downloads the pay statement from My pay.
    page.context.clear_cookies()
    sign_in(page, world.user("appraisee").email)
    click(page, "link", "Your pay")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download your pay statement", exact=False).click()
    path = download.value.path()
    assert path is not None
    with open(path, "rb") as handle:
        assert handle.read(5) == b"%PDF-"
