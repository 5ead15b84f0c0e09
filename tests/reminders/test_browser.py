"""My deadlines in a real browser: accessible (axe-core, WCAG 2.2 AA), and the calendar
address can be reset without JavaScript."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from reminders.models import CalendarFeed
from tests.browser_support import assert_accessible, go, sign_in

from .conftest import FakeDeadlines
from .factories import World

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_my_deadlines_page(browser_page: Page, world: World, fake_deadlines: FakeDeadlines) -> None:
    today = timezone.localdate()
    fake_deadlines.add(world.cycle, "objectives_agreed", today - dt.timedelta(days=3), "reviewer")
    fake_deadlines.add(
        world.cycle, "observation_feedback", today + dt.timedelta(days=4), "reviewer"
    )
    page = browser_page
    sign_in(page, world.reviewer.email)

    page.get_by_role("link", name="My deadlines").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="My deadlines", level=1).is_visible()
    assert page.get_by_role("table", name="Overdue deadlines").is_visible()
    assert page.get_by_role("table", name="Deadlines coming up").is_visible()
    assert page.get_by_role("rowheader", name="Objectives agreed").is_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Get my calendar address").click()
    page.wait_for_load_state()
    assert page.get_by_text("Your calendar address is ready").is_visible()
    old = page.get_by_label("Your calendar address").input_value()
    page.get_by_role("button", name="Reset my calendar address").click()
    page.wait_for_load_state()
    new = page.get_by_label("Your calendar address").input_value()
    assert new != old
    assert new.endswith(f"/reminders/calendar/{CalendarFeed.objects.get().token}.ics")
    assert_accessible(page)


def test_my_deadlines_with_nothing_due(browser_page: Page, world: World) -> None:
    page = browser_page
    sign_in(page, world.appraisee.email)
    go(page, "/reminders/")
    assert page.get_by_text("Nothing is overdue.").is_visible()
    assert_accessible(page)
