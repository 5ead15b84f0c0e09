"""The staff list filters as HR types (htmx), and works the same with the button alone."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser_support import assert_accessible, go, sign_in
from tests.factories import TEST_PASSWORD
from tests.personas import build_world

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_staff_list_filters_as_you_type(browser_page: Page) -> None:
    world = build_world()
    page = browser_page
    sign_in(page, world.user("hr").email)
    go(page, reverse("organisation:staff_list"))
    appraisee = world.staff["appraisee"]
    colleague = world.staff["colleague"]
    results = page.locator("#staff-results")
    expect(results).to_contain_text(colleague.full_name)

    page.get_by_label("Search").fill(appraisee.staff_number)
    # No button pressed: the results refresh in place and the address follows.
    expect(results).not_to_contain_text(colleague.full_name)
    expect(results).to_contain_text(appraisee.full_name)
    assert f"q={appraisee.staff_number}" in page.url
    assert_accessible(page)


def test_staff_list_search_without_javascript(browser: object, live_server: object) -> None:
    world = build_world()
    context = browser.new_context(java_script_enabled=False)  # type: ignore[attr-defined]
    page = context.new_page()
    page.base_url = live_server.url  # type: ignore[attr-defined]
    go(page, reverse("account_login"))
    page.get_by_label("Email").fill(world.user("hr").email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    go(page, reverse("organisation:staff_list"))
    appraisee = world.staff["appraisee"]
    page.get_by_label("Search").fill(appraisee.staff_number)
    page.get_by_role("button", name="Show staff").click()
    page.wait_for_load_state()
    assert appraisee.full_name in page.locator("#staff-results").inner_text()
    assert world.staff["colleague"].full_name not in page.locator("#staff-results").inner_text()
    context.close()
