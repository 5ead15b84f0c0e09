"""A support plan's deadlines reach the reminder sweep: meetings, the last day to send an
invitation, stage and sustain ends, to the plan's manager and HR; timed by the plan's own
pinned policy; reminded once however often the sweep runs; they keep running while the
appraisal cycle is suspended and stop when the plan closes."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail

from cycles.deadlines import Subject, all_deadlines
from cycles.models import AppraisalCycle, CycleState, SuspensionReason
from policies.models import PolicyVersion
from reminders.models import DispatchStatus, ReminderDispatch
from reminders.services import reminder_digest_send, reminders_sweep
from support_plans import deadlines as plan_deadlines
from support_plans.models import MeetingKind, PlanStatus, SupportMeeting, SupportPlan
from tests.objectives.support import School, user, version_with

pytestmark = pytest.mark.django_db
DAY = dt.date(2027, 5, 27)  # a Thursday; 31 May 2027 is a bank holiday
NOW = dt.datetime(2027, 5, 27, 6, 0, tzinfo=dt.UTC)


def suspended_cycle(school: School) -> AppraisalCycle:
    return school.cycle(
        "leger-pdp",
        state=CycleState.SUSPENDED,
        suspended_from=CycleState.ACTIVE,
        suspension_reason=SuspensionReason.CAPABILITY,
    )


def plan_with_meeting(school: School, version: PolicyVersion) -> SupportPlan:
    plan = SupportPlan.objects.create(
        trust=school.trust,
        academy=school.academy,
        staff=school.teacher,
        manager=school.reviewer,
        policy_version=version,
        stage="informal_support",  # leger: normally 4 weeks, so it ends on 7 June
        stage_started_on=dt.date(2027, 5, 10),
        opened_on=dt.date(2027, 5, 10),
    )
    SupportMeeting.objects.create(
        trust=school.trust,
        plan=plan,
        stage=plan.stage,
        kind=MeetingKind.SUPPORT,
        scheduled_for=dt.date(2027, 6, 9),
        notice_given_on=dt.date(2027, 5, 25),
    )
    return plan


def plan_rows() -> set[tuple[str, str, int]]:
    return set(
        ReminderDispatch.objects.filter(subject_kind="support_plan").values_list(
            "deadline_kind", "recipient_role", "recipient_id"
        )
    )


@time_machine.travel(NOW, tick=False)
def test_a_plans_deadlines_are_reminded_once_by_its_own_policy_while_the_cycle_is_suspended(
    school: School,
) -> None:
    suspended_cycle(school)  # the cycle's policy reminds 5 working days before
    early = version_with(school.trust, "leger-pdp", {"reminders.days_before": 10})
    plan = plan_with_meeting(school, early)
    reminders_sweep(on=DAY)
    manager, hr = user(school.reviewer).pk, user(school.hr).pk
    # The meeting on 9 June is 8 working days away: reminded only because the plan's own
    # policy reminds 10 working days before. The notice was given, so it is not reminded.
    assert plan_rows() == {
        ("support_meeting", "plan_manager", manager),
        ("support_stage_end", "plan_manager", manager),
        ("support_stage_end", "hr", hr),
    }
    assert set(ReminderDispatch.objects.values_list("subject_id", flat=True)) == {plan.pk}
    count = ReminderDispatch.objects.count()
    reminders_sweep(on=DAY)
    reminders_sweep(on=DAY)
    assert ReminderDispatch.objects.count() == count  # exactly once

    # Closing the plan stops them: what was waiting is not sent.
    SupportPlan.objects.filter(pk=plan.pk).update(
        status=PlanStatus.CLOSED, closed_on=DAY, sustain_until=None
    )
    outcome = reminder_digest_send(recipient_id=manager, on=DAY)
    assert outcome.status == "nothing_due"
    assert not mail.outbox
    assert not ReminderDispatch.objects.filter(
        recipient_id=manager, status=DispatchStatus.PENDING
    ).exists()
    reminders_sweep(on=DAY + dt.timedelta(days=1))
    assert ReminderDispatch.objects.count() == count


@time_machine.travel(NOW, tick=False)
def test_with_the_cycles_own_timing_the_meeting_is_not_due_yet(school: School) -> None:
    cycle = suspended_cycle(school)
    plan_with_meeting(school, cycle.policy_version)
    reminders_sweep(on=DAY)
    assert ("support_meeting", "plan_manager", user(school.reviewer).pk) not in plan_rows()


@time_machine.travel(NOW, tick=False)
def test_the_deadlines_name_the_plan_and_its_recipients(school: School) -> None:
    cycle = suspended_cycle(school)
    plan = plan_with_meeting(school, cycle.policy_version)
    SupportMeeting.objects.filter(plan=plan).update(notice_given_on=dt.date(2027, 6, 3))
    found = [d for d in all_deadlines([cycle]) if d.subject == Subject("support_plan", plan.pk)]
    kinds = {(d.kind, d.recipient, d.due_on) for d in found}
    # Leger's informal stage sets no notice; the meeting is listed, as is the stage end.
    assert ("support_meeting", "plan_manager", dt.date(2027, 6, 9)) in kinds
    assert ("support_stage_end", "hr", dt.date(2027, 6, 7)) in kinds
    assert all(d.policy_version_id == plan.policy_version_id for d in found)
    assert all(d.academy_id == plan.academy_id for d in found)
    # A paused plan has nothing falling due.
    SupportPlan.objects.filter(pk=plan.pk).update(paused_on=DAY, pause_reason="sickness")
    assert not [d for d in all_deadlines([cycle]) if d.subject.kind == "support_plan"]


@time_machine.travel(NOW, tick=False)
def test_a_closed_plan_reminds_the_end_of_its_sustain_period_until_it_passes(
    school: School,
) -> None:
    cycle = school.cycle("leger-pdp")
    plan = plan_with_meeting(school, cycle.policy_version)
    SupportPlan.objects.filter(pk=plan.pk).update(
        status=PlanStatus.CLOSED, closed_on=DAY, sustain_until=dt.date(2027, 6, 1)
    )
    found = {
        (d.kind, d.recipient)
        for d in all_deadlines([cycle])
        if d.subject == Subject("support_plan", plan.pk)
    }
    assert found == {("support_sustain_end", "plan_manager"), ("support_sustain_end", "hr")}
    SupportPlan.objects.filter(pk=plan.pk).update(sustain_until=dt.date(2027, 5, 26))
    assert not [d for d in all_deadlines([cycle]) if d.subject.kind == "support_plan"]


@time_machine.travel(NOW, tick=False)
def test_the_plan_manager_role_resolves_to_the_manager_and_never_the_member_of_staff(
    school: School,
) -> None:
    cycle = suspended_cycle(school)
    plan = plan_with_meeting(school, cycle.policy_version)
    found = [d for d in all_deadlines([cycle]) if d.subject.kind == "support_plan"]
    users = plan_deadlines.plan_manager_role.users_for(found, {cycle.pk: cycle}, DAY)
    assert users == {Subject("support_plan", plan.pk): [user(school.reviewer).pk]}
    school.reviewer.left_on = dt.date(2027, 5, 1)
    school.reviewer.save(update_fields=["left_on"])
    users = plan_deadlines.plan_manager_role.users_for(found, {cycle.pk: cycle}, DAY)
    assert users == {Subject("support_plan", plan.pk): []}
