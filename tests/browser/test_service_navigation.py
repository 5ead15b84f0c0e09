"""The service navigation stays on one line on a 1280 px screen for the people with the most
items, and folds behind GOV.UK Frontend's "Menu" toggle on a phone; the pages it leads to
that are new (Administration, the invitation, "Page not found") meet WCAG 2.2 AA."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.services import invitation_link
from tests.browser_support import assert_accessible, go, sign_in
from tests.factories import StaffMemberFactory
from tests.personas import build_world

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# HR has the most items, then a headteacher; an appraisee the fewest.
PERSONAS = ("hr", "headteacher", "appraisee")


def _item_rows(page: Page) -> set[int]:
    items = page.locator(".govuk-service-navigation__item")
    boxes = [items.nth(i).bounding_box() for i in range(items.count())]
    return {round(box["y"]) for box in boxes if box is not None}


def test_navigation_is_one_line_on_a_desktop_and_a_menu_on_a_phone(
    browser_page: Page, live_server: Any
) -> None:
    world = build_world()
    page = browser_page
    for persona in PERSONAS:
        page.context.clear_cookies()
        page.set_viewport_size({"width": 1280, "height": 900})
        sign_in(page, world.user(persona).email)
        go(page, "/")
        assert len(_item_rows(page)) == 1, f"{persona}: the navigation wraps at 1280 px"
        expect(page.get_by_role("button", name="Menu")).to_be_hidden()
        assert_accessible(page)

        page.set_viewport_size({"width": 390, "height": 844})
        go(page, "/")
        menu = page.get_by_role("button", name="Menu")
        expect(menu).to_be_visible()
        expect(page.get_by_role("button", name="Sign out")).to_be_hidden()
        menu.click()
        expect(menu).to_have_attribute("aria-expanded", "true")
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()
        assert_accessible(page)


def test_administration_and_the_invitation_pages_are_accessible(
    browser_page: Page, live_server: Any
) -> None:
    world = build_world()
    newcomer = StaffMemberFactory(academy=world.academy, first_name="Nia")  # never signed in
    page = browser_page
    sign_in(page, world.user("hr").email)
    page.get_by_role("link", name="Administration", exact=True).click()
    expect(page.get_by_role("heading", name="Administration", level=1)).to_be_visible()
    assert_accessible(page)
    go(page, reverse("organisation:staff_detail", args=[newcomer.pk]))
    assert_accessible(page)
    page.get_by_role("button", name="Resend invitation").click()
    expect(page.get_by_text("A new invitation has been sent to")).to_be_visible()
    assert_accessible(page)
    go(page, reverse("organisation:staff_invitation", args=[newcomer.pk]))
    assert_accessible(page)
    # The invitation's link, as the newcomer opens it (signed out).
    newcomer.user.set_unusable_password()
    newcomer.user.save(update_fields=["password"])
    page.context.clear_cookies()
    page.goto(invitation_link(newcomer.user).replace(settings.SITE_URL.rstrip("/"), page.base_url))  # type: ignore[attr-defined]
    expect(page.get_by_role("heading", name="Choose your password")).to_be_visible()
    assert_accessible(page)
    sign_in(page, world.user("hr").email)
    go(page, "/no-such-page/")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    assert_accessible(page)
