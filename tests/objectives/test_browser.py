"""A classic-objectives year's objectives, and an aspire-grow conversation with private
wellbeing notes, driven through the pages in a real browser; every page scanned with
axe-core for WCAG 2.2 AA."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from cycles.models import AppraisalCycle
from objectives.models import ObjectivePlan, PlanState, WellbeingNote
from tests.browser_support import assert_accessible, fill_date, go, sign_in

from .support import build_school

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.browser,
]


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def fill_objective(page: Page, title: str, kind_label: str) -> None:
    page.get_by_label("Kind of objective").select_option(label=kind_label)
    page.get_by_label("Objective", exact=True).fill(title)
    for label, text in (
        ("Specific", "Year 4 reading."),
        ("Measurable", "Reading age up 12 months."),
        ("Achievable", "Weekly guided reading."),
        ("Relevant (realistic)", "School improvement plan."),
        ("Time-bound", "By July."),
    ):
        page.get_by_label(label, exact=True).fill(text)
    page.get_by_label("plan it supports").select_option(label="School improvement/development plan")


def test_classic_objectives_proposed_answered_and_agreed(browser_page: Page) -> None:
    page = browser_page
    school = build_school()
    cycle: AppraisalCycle = school.cycle("classic-objectives")
    cycle_page = f"/objectives/cycles/{cycle.pk}/"

    sign_in(page, school.reviewer.email)
    go(page, cycle_page)
    assert_accessible(page)
    page.get_by_role("link", name="Add an objective").click()
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()  # nothing filled in
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    fill_objective(page, "Tidy the reading corner", "Another objective for their role")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()

    # classic §1.4: a teacher needs a student progress objective; the page says so.
    go(page, f"/objectives/cycles/{cycle.pk}/plan/")
    expect(page.get_by_text("A required kind of objective is missing")).to_be_visible()
    expect(page.get_by_text("(policy §1.4)").first).to_be_visible()
    assert_accessible(page)
    go(page, f"/objectives/cycles/{cycle.pk}/objectives/add/")
    fill_objective(page, "Raise Year 4 reading", "An objective on improving student progress")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    go(page, f"/objectives/cycles/{cycle.pk}/plan/")
    page.get_by_role("button", name="Propose these objectives").click()
    page.wait_for_load_state()
    sign_out(page)

    sign_in(page, school.teacher.email)
    go(page, f"/objectives/cycles/{cycle.pk}/plan/")
    assert_accessible(page)
    page.get_by_label("Yes, I agree them").check()
    page.get_by_role("button", name="Send your answer").click()
    page.wait_for_load_state()
    sign_out(page)

    sign_in(page, school.reviewer.email)
    go(page, f"/objectives/cycles/{cycle.pk}/plan/")
    page.get_by_role("button", name="Record the objectives as agreed").click()
    page.wait_for_load_state()
    assert ObjectivePlan.objects.get(cycle=cycle).state == PlanState.AGREED
    go(page, f"/objectives/cycles/{cycle.pk}/meetings/add/")
    assert_accessible(page)


def test_aspire_conversation_and_private_wellbeing_notes(browser_page: Page) -> None:
    page = browser_page
    school = build_school()
    cycle = school.cycle("aspire-grow")

    sign_in(page, school.teacher.email)
    go(page, f"/objectives/cycles/{cycle.pk}/wellbeing/")
    assert_accessible(page)
    page.get_by_role("button", name="I consent to wellbeing notes being kept").click()
    page.wait_for_load_state()
    page.get_by_label("Note").fill("Finding the commute hard.")
    page.get_by_role("button", name="Save the note").click()
    page.wait_for_load_state()
    assert_accessible(page)
    go(page, f"/objectives/cycles/{cycle.pk}/conversations/autumn/")
    assert_accessible(page)
    sign_out(page)

    sign_in(page, school.reviewer.email)
    go(page, f"/objectives/cycles/{cycle.pk}/conversations/autumn/")
    assert_accessible(page)
    fill_date(
        page, "Date the conversation was held", (dt.date.today() - dt.timedelta(days=1)).isoformat()
    )
    page.get_by_label("Areas for professional growth").fill("Questioning")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    go(page, f"/objectives/cycles/{cycle.pk}/")
    assert_accessible(page)
    expect(page.get_by_text("Finding the commute hard.")).to_have_count(0)
    assert WellbeingNote.objects.filter(cycle=cycle).count() == 1
