"""Probation driven through the pages (langley §9): the line manager starts a new
teacher's probation from the list that offers it, records a review meeting (a meeting
before probation started is refused by the field) and the outcome; the teacher reads it
from their home page; HR reads the trust's list. Every page visited is scanned with
axe-core for WCAG 2.2 AA. Nothing after the set-up calls a service."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from organisation.models import StaffMember
from tests.browser_support import assert_accessible, sign_in
from tests.objectives.support import build_school
from tests.probation.support import new_teacher, policy

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def click(page: Page, role: str, name: str | re.Pattern[str]) -> None:
    page.get_by_role(role, name=name, exact=True).click()  # type: ignore[arg-type]
    page.wait_for_load_state()
    assert_accessible(page)


def sign_in_as(page: Page, member: StaffMember) -> None:
    sign_in(page, member.email)
    assert_accessible(page)


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def test_a_line_manager_takes_a_new_teacher_through_probation(browser_page: Page) -> None:
    page = browser_page
    school = build_school()
    policy(school)
    today = timezone.localdate()
    joined = today - dt.timedelta(days=40)
    member = new_teacher(school, joined=joined)

    sign_in_as(page, school.reviewer)
    click(page, "link", "Probation of the people you manage")
    click(page, "link", f"Start probation for {member.full_name}")
    click(page, "button", "Start the probation")
    expect(page.get_by_text(re.compile("^Probation started: it ends on"))).to_be_visible()
    click(page, "link", "Record a review meeting")
    before = joined - dt.timedelta(days=1)
    page.get_by_label("Date of the meeting").fill(before.isoformat())
    page.get_by_label("Successes: what has gone well").fill("Settled quickly.")
    click(page, "button", "Save the review meeting")
    expect(page.get_by_role("link", name=re.compile("before probation started"))).to_be_visible()
    page.get_by_label("Date of the meeting").fill(today.isoformat())
    page.get_by_label("Areas for development").fill("Questioning in maths.")
    page.get_by_label("Training and support agreed").fill("Coaching with the phase leader.")
    click(page, "button", "Save the review meeting")
    expect(page.get_by_text("Coaching with the phase leader.")).to_be_visible()
    click(page, "link", "Record the outcome")
    page.get_by_label("Confirmed in post", exact=True).check()
    click(page, "button", "Save the outcome")
    expect(page.get_by_text("Outcome recorded: Confirmed in post.")).to_be_visible()
    sign_out(page)

    sign_in_as(page, member)
    click(page, "link", "Your probation: its review meetings and outcome")
    page.get_by_role("link", name=re.compile(": your probation$")).click()
    page.wait_for_load_state()
    assert_accessible(page)
    expect(page.get_by_text("Questioning in maths.")).to_be_visible()
    sign_out(page)

    sign_in_as(page, school.hr)
    click(page, "link", "Every probation across the trust")
    expect(page.get_by_role("link", name=member.full_name)).to_be_visible()
