"""A trust administrator changes one section of a policy in the browser: from the list of
sections, through a mistake linked from the error summary, to the comparison that shows the
one setting changed. Every page on the way is scanned with axe-core."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from organisation.models import Role
from organisation.services import role_grant
from policies.services import policy_create_from_preset
from tests.browser_support import assert_accessible, go, sign_in
from tests.factories import TrustFactory, UserFactory

pytestmark = [pytest.mark.browser]


def test_admin_changes_one_section_and_sees_only_that_change(
    browser_page: Page, live_server: Any
) -> None:
    trust = TrustFactory(name="Oak Trust", slug="oak")
    admin = UserFactory(trust=trust)
    role_grant(user=admin, role=Role.TRUST_ADMIN, trust=trust)
    policy = policy_create_from_preset(
        trust=trust, preset_key="classic-objectives", effective_from=dt.date(2025, 9, 1)
    )
    page = browser_page
    sign_in(page, admin.email)
    go(page, f"/policies/{policy.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Change keeping records").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change: Keeping records")
    assert_accessible(page)

    years = page.get_by_label("Keep records for (years)")
    years.fill("999")
    page.locator("#id_effective_from").fill("2027-09-01")
    page.get_by_label("What changed and why").fill("Board review")
    page.get_by_role("button", name="Save as a new version").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem: nothing was saved")
    assert_accessible(page)
    summary.get_by_role("link").first.click()
    expect(years).to_be_focused()

    years.fill("8")
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.locator(".govuk-notification-banner, .govuk-panel").first).to_contain_text(
        "Version 2 saved"
    )
    go(page, f"/policies/{policy.pk}/versions/2/?compare=previous")
    expect(page.locator(".govuk-summary-list__row")).to_have_count(1)
    expect(page.locator("ins")).to_have_text("8")
    assert_accessible(page)
    go(page, f"/policies/{policy.pk}/?section=retention")
    expect(page.get_by_text("Keep records for (years)")).to_be_visible()
    assert_accessible(page)
