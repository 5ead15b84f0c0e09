"""A capability case as the people in it meet it: the headteacher takes a leger case from
informal support to capability; the appraisal cycle shows suspended and its reminders stop;
HR sees the case on the escalations page; the member of staff reads their plan; a line
manager of another team gets the not-found page. axe-core on every page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from cycles.deadlines import all_deadlines
from cycles.models import AppraisalCycle, CycleState
from reminders.models import ReminderDispatch
from reminders.services import reminders_sweep
from support_plans import services
from support_plans.models import CAPABILITY, SupportPlan
from tests.browser_support import assert_accessible, go, sign_in
from tests.objectives.support import preset_version
from tests.personas import build_world

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _weeks_at_stage(plan_id: int) -> None:
    """As if the plan had run its stage for eight weeks (leger §9: at least four)."""
    plan = SupportPlan.objects.get(pk=plan_id)
    SupportPlan.objects.filter(pk=plan_id).update(
        stage_started_on=plan.stage_started_on - dt.timedelta(weeks=8)
    )


def test_a_headteacher_takes_a_leger_case_to_capability(
    browser_page: Page, live_server: Any
) -> None:
    world = build_world()
    cycle = world.cycles["appraisee"]
    AppraisalCycle.objects.filter(pk=cycle.pk).update(
        policy_version=preset_version(world.trust, "leger-pdp"), state=CycleState.ACTIVE
    )
    cycle.refresh_from_db()
    own_due = sorted(
        {d.due_on for d in all_deadlines([cycle]) if d.subject.kind == "appraisal_cycle"}
    )
    staff = world.staff["appraisee"]
    concern = services.concern_record(
        actor=world.user("headteacher"),
        staff=staff,
        about="standard",
        about_detail="Teachers' Standard 4",
        evidence="Three lessons without structure.",
        raised_with_them_on=dt.date.today(),
    )
    page = browser_page
    sign_in(page, world.user("headteacher").email)
    page.get_by_role("link", name="Concerns and support plans: yours and those you may see").click()
    page.wait_for_load_state()
    assert_accessible(page)
    go(page, reverse("support_plans:concern_detail", args=[concern.pk]))
    assert_accessible(page)
    page.get_by_role("link", name="Open a support plan").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("button", name="Open the support plan").click()
    page.wait_for_load_state()
    plan = SupportPlan.objects.get(staff=staff)
    assert page.url.endswith(reverse("support_plans:plan_detail", args=[plan.pk]))
    assert "Informal support plan" in page.content()
    assert_accessible(page)
    for stage in ("Formal support plan", "Formal review meeting", "Capability procedure"):
        _weeks_at_stage(plan.pk)
        page.reload()
        page.get_by_role("link", name="Move to").click()
        page.wait_for_load_state()
        assert_accessible(page)
        page.get_by_label(stage, exact=False).first.check()
        page.get_by_role("button", name="Move the plan on").click()
        page.wait_for_load_state()
        assert stage in page.locator("main").inner_text()
        assert_accessible(page)
    plan.refresh_from_db()
    assert plan.stage == CAPABILITY
    assert "Formal capability meeting (now)" in page.locator("main").inner_text()

    # The appraisal cycle shows suspended, and its own reminders stop.
    go(page, reverse("cycles:detail", args=[cycle.pk]))
    assert "Suspended" in page.locator("main").inner_text()
    assert_accessible(page)
    for day in own_due[:3]:
        reminders_sweep(on=day)
    assert not ReminderDispatch.objects.filter(subject_kind="appraisal_cycle", cycle=cycle).exists()

    # HR sees the case on the escalations page, from their home page.
    page.context.clear_cookies()
    sign_in(page, world.user("hr").email)
    page.get_by_role("link", name="Escalations", exact=False).click()
    page.wait_for_load_state()
    main = page.locator("main").inner_text()
    assert staff.full_name in main and "Capability procedure" in main
    assert_accessible(page)

    # The member of staff reads their own plan.
    page.context.clear_cookies()
    sign_in(page, world.user("appraisee").email)
    go(page, reverse("support_plans:index"))
    assert_accessible(page)
    page.get_by_role("link", name="Capability procedure", exact=False).first.click()
    page.wait_for_load_state()
    assert page.url.endswith(reverse("support_plans:plan_detail", args=[plan.pk]))
    assert "Your comments" in page.content()
    assert_accessible(page)

    # A line manager of another team: not found, and nothing of the case shown.
    page.context.clear_cookies()
    sign_in(page, world.user("senior_leader").email)
    response = page.goto(page.base_url + reverse("support_plans:plan_detail", args=[plan.pk]))  # type: ignore[attr-defined]
    assert response is not None and response.status == 404
    assert page.get_by_role("heading", name="Page not found").is_visible()
    assert "Three lessons" not in page.content()
    assert_accessible(page)
