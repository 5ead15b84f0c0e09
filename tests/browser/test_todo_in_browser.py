"""Each persona starts on the home page and does the first thing on their to-do list.

The trust of tests/personas.py on 12 January 2027: the teacher answers the objectives
their reviewer proposed, the line manager starts a reviewee's appraisal year, and the
headteacher starts the year for both of their reviewees at once. Each home page (before
and after) and every page on the way is scanned with axe-core for WCAG 2.2 AA.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from playwright.sync_api import Page, expect

from cycles.models import AppraisalCycle, CycleState
from objectives.models import ObjectivePlan, PlanState
from reminders.services import reminders_sweep
from tests.browser_support import assert_accessible, sign_in
from tests.personas import World, build_world

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TODAY = dt.datetime(2027, 1, 12, 9, 0, tzinfo=dt.UTC)


def _planning(world: World, persona: str, reviewer: str) -> AppraisalCycle:
    AppraisalCycle.objects.filter(appraisee=world.staff[persona]).delete()
    member = world.staff[persona]
    return AppraisalCycle.objects.create(
        trust=world.trust,
        academy=member.academy,
        appraisee=member,
        reviewer=world.staff[reviewer],
        policy_version=world.policy_version,
        starts_on=dt.date(2027, 1, 4),
        ends_on=dt.date(2027, 12, 31),
        state=CycleState.PLANNING,
    )


def _home(page: Page, persona: str, world: World) -> None:
    sign_in(page, world.staff[persona].email)  # lands on the home page
    expect(page.get_by_role("heading", name="Waiting for you")).to_be_visible()
    assert_accessible(page)


def _first_item(page: Page) -> str:
    link = page.locator("#todo-now a").first
    text = link.inner_text()
    link.click()
    page.wait_for_load_state()
    assert_accessible(page)
    return text


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def test_each_persona_does_their_first_to_do_item_from_home(browser_page: Page) -> None:
    page = browser_page
    with time_machine.travel(TODAY, tick=False):
        world = build_world()
        ObjectivePlan.objects.create(
            trust=world.trust, cycle=world.cycles["colleague"], state=PlanState.PROPOSED
        )
        started = _planning(world, "appraisee", "line_manager")
        for persona in ("delegate", "senior_leader"):
            _planning(world, persona, "headteacher")
        reminders_sweep()  # the daily sweep: the academy's overdue work is in its ledger
        teacher = world.staff["colleague"].full_name
        pupil = world.staff["appraisee"].full_name

        # The teacher: answers the objectives proposed to them.
        _home(page, "colleague", world)
        assert _first_item(page) == "Say whether you agree your proposed objectives"
        page.get_by_label("Yes, I agree them").check()
        page.get_by_role("button", name="Send your answer").click()
        page.wait_for_load_state()
        expect(page.get_by_text("Your answer has been recorded.")).to_be_visible()
        page.goto(page.base_url + "/")  # type: ignore[attr-defined]
        expect(page.locator("#todo-now")).not_to_contain_text("Say whether you agree")
        assert_accessible(page)
        _sign_out(page)

        # The line manager: starts the reviewee's year from the cycle page it links to.
        _home(page, "line_manager", world)
        expect(page.locator("#todo-now")).not_to_contain_text(teacher)
        assert _first_item(page) == f"Start {pupil}'s appraisal year"
        page.get_by_role("button", name="Start the appraisal year").click()
        page.wait_for_load_state()
        expect(page.get_by_text("The appraisal is now at “Active”.")).to_be_visible()
        assert AppraisalCycle.objects.get(pk=started.pk).state == CycleState.ACTIVE
        page.goto(page.base_url + "/")  # type: ignore[attr-defined]
        expect(page.locator("#todo-now")).not_to_contain_text("appraisal year")
        _sign_out(page)

        # The headteacher: starts the year for both reviewees at once, and sees the
        # academy's overdue objectives.
        _home(page, "headteacher", world)
        expect(page.locator("#todo-team")).to_contain_text(world.staff["line_manager"].full_name)
        page.get_by_role(
            "link", name="Start the appraisal year for all 2 of your reviewees"
        ).click()
        page.wait_for_load_state()
        assert_accessible(page)
        for persona in ("delegate", "senior_leader"):
            expect(page.get_by_label(re.compile(world.staff[persona].full_name))).to_be_checked()
        page.get_by_role("button", name="Start the appraisal year").click()
        page.wait_for_load_state()
        assert_accessible(page)
        expect(page.get_by_text("The appraisal year has started for 2 people.")).to_be_visible()
        page.get_by_role("link", name="Back to your to-do list").first.click()
        page.wait_for_load_state()
        expect(page.locator("#todo-now")).not_to_contain_text("appraisal year")
        assert_accessible(page)
