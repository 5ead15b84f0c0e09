"""Colleague feedback driven through the pages (classic §5.5.5): the reviewer asks three
colleagues from the reviewee's cycle page, each answers from their home page, and the
reviewer reads the summary: three answers, without names. Every page visited is scanned
with axe-core for WCAG 2.2 AA. Nothing after the set-up calls a service."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from cycles.models import CycleState
from organisation.models import StaffMember
from tests.browser_support import assert_accessible, sign_in
from tests.objectives.support import build_school

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ANSWERS = (
    "Shares planning with the phase team every week.",
    "Calm routines; the class settles quickly.",
    "Could lead a staff meeting on questioning.",
)


def click(page: Page, role: str, name: str | re.Pattern[str]) -> None:
    page.get_by_role(role, name=name, exact=True).click()  # type: ignore[arg-type]
    page.wait_for_load_state()
    assert_accessible(page)


def starts_with(text: str) -> re.Pattern[str]:
    return re.compile("^" + re.escape(text))


def sign_in_as(page: Page, member: StaffMember) -> None:
    sign_in(page, member.email)
    assert_accessible(page)


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def test_the_reviewer_asks_three_colleagues_and_reads_the_summary(browser_page: Page) -> None:
    page = browser_page
    school = build_school()
    teacher, reviewer = school.teacher, school.reviewer
    school.cycle("classic-objectives", state=CycleState.ACTIVE)
    asked = [school.ups_teacher, school.leader, school.colleague]

    sign_in_as(page, reviewer)
    click(page, "link", "My reviewees")
    click(page, "link", starts_with(teacher.full_name))
    click(page, "link", f"Ask colleagues for feedback on {teacher.full_name}'s work")
    # Sending it empty says what is missing, by the field.
    click(page, "button", "Ask these colleagues")
    expect(page.get_by_text("Choose at least one colleague to ask.").first).to_be_visible()
    for person in asked:
        page.get_by_label(starts_with(person.full_name)).check()
    page.get_by_label("What would you like them to comment on?").fill(
        "How does Tom work with the phase team?"
    )
    click(page, "button", "Ask these colleagues")
    expect(page.get_by_text("0 of 3 colleagues have answered")).to_be_visible()
    sign_out(page)

    for person, text in zip(asked, ANSWERS, strict=True):
        sign_in_as(page, person)
        click(page, "link", "Feedback colleagues have asked you for (1 waiting)")
        click(page, "link", starts_with(teacher.full_name))
        page.get_by_label("Your feedback").fill(text)
        click(page, "button", "Send your feedback")
        expect(page.get_by_text("Thank you: your feedback has been sent.")).to_be_visible()
        sign_out(page)

    sign_in_as(page, reviewer)
    click(page, "link", "My reviewees")
    click(page, "link", starts_with(teacher.full_name))
    page.get_by_role("link", name=re.compile("^Colleagues asked on")).click()
    page.wait_for_load_state()
    assert_accessible(page)
    summary = page.locator("main").inner_text()
    assert "3 answers, in no particular order and without names" in summary
    said = summary.split("What colleagues said", 1)[1]
    for text in ANSWERS:
        assert text in said
    for person in asked:
        assert person.full_name not in said
    sign_out(page)
