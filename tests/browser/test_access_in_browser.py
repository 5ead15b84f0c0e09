"""Confidentiality as a person meets it: a line manager sees their reviewees and only them,
and editing the address to reach a colleague's record shows the not-found page."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from tests.browser_support import assert_accessible, go, sign_in
from tests.personas import build_world

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_line_manager_sees_only_their_reviewees(browser_page: Page, live_server: Any) -> None:
    world = build_world()
    page = browser_page
    sign_in(page, world.user("line_manager").email)
    assert_accessible(page)

    go(page, reverse("cycles:reviewees"))
    assert_accessible(page)
    table = page.locator("main table")
    appraisee = world.staff["appraisee"]
    assert appraisee.full_name in table.inner_text()
    for other in ("colleague", "sibling_staff", "headteacher", "b_staff"):
        assert world.staff[other].full_name not in page.content()

    page.get_by_role("link", name=appraisee.full_name).click()
    page.wait_for_load_state()
    assert page.url.endswith(reverse("cycles:detail", args=[world.cycles["appraisee"].pk]))
    assert_accessible(page)

    # Editing the address to a colleague's record (same academy, another reviewer).
    colleague_cycle = world.cycles["colleague"]
    response = page.goto(page.base_url + reverse("cycles:detail", args=[colleague_cycle.pk]))  # type: ignore[attr-defined]
    assert response is not None and response.status == 404
    assert page.get_by_role("heading", name="Page not found").is_visible()
    assert world.staff["colleague"].full_name not in page.content()
    assert_accessible(page)
