"""Helpers for browser tests: Playwright drives Debian's Chromium against the live server.

No browser is downloaded. Every page a browser test visits is scanned with axe-core for
WCAG 2.0/2.1/2.2 A and AA violations (``assert_accessible``)."""

from __future__ import annotations

import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from tests.factories import TEST_PASSWORD

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

_axe = Axe()


def go(page: Page, path: str) -> None:
    page.goto(page.base_url + path)  # type: ignore[attr-defined]


def assert_accessible(page: Page) -> None:
    """Zero axe-core violations for WCAG 2.2 AA on the current page."""
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    if results.violations_count:
        pytest.fail(
            f"{results.violations_count} accessibility violation(s) on {page.url}:\n"
            + results.generate_report()
        )


def sign_in(page: Page, email: str, password: str = TEST_PASSWORD) -> None:
    go(page, "/accounts/login/")
    assert_accessible(page)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def fill_date(page: Page, legend: str, value: str) -> None:
    """Types ``YYYY-MM-DD`` (or ``YYYY-MM-DDTHH:MM``) into the GOV.UK date boxes (day, month,
    year, and time where the field has one) of the fieldset whose legend is ``legend``."""
    group = page.get_by_role("group", name=legend)
    day, _, time = value.partition("T")
    year, month, date = day.split("-")
    group.get_by_label("Day", exact=True).fill(str(int(date)))
    group.get_by_label("Month", exact=True).fill(str(int(month)))
    group.get_by_label("Year", exact=True).fill(year)
    if time:
        group.get_by_label("Time", exact=True).fill(time)
