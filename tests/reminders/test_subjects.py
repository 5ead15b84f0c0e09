"""Reminders about records other than the cycle: a source names its subject and a
recipient role its app resolves, says whether a suspended cycle stops it, and the ledger
keeps one row per (subject, deadline, recipient, stage, due date)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence

import pytest
import time_machine
from django.core import mail

from cycles import extensions
from cycles.deadlines import Deadline, Subject, all_deadlines
from cycles.models import AppraisalCycle, CycleState
from organisation.models import Role, StaffMember
from organisation.principal import principal_for
from organisation.services import role_grant
from reminders import services
from reminders.models import DispatchStatus, ReminderDispatch
from reminders.selectors import my_deadlines

from .conftest import FakeDeadlines
from .factories import World, make_world

D = dt.date
pytestmark = pytest.mark.django_db

TODAY = D(2026, 11, 18)  # a Wednesday in term
MORNING = dt.datetime(2026, 11, 18, 6, 30, tzinfo=dt.UTC)
PLAN = "support_plan"


class PlanReviews:
    """What a support-plan app would register: a review due on each plan, about the plan
    (not the cycle), for the plan's manager, running while the cycle is suspended."""

    STOPPED_BY_SUSPENSION = False

    def __init__(self) -> None:
        self.plans: dict[int, int] = {}  # cycle id -> plan number

    def deadlines_for_cycles(
        self, cycles: Sequence[AppraisalCycle], calendars: object
    ) -> list[Deadline]:
        return [
            Deadline(
                cycle_id=c.pk,
                kind="support_plan_review",
                label="Review the support plan",
                due_on=TODAY,
                recipient="plan_manager",
                subject=Subject(PLAN, self.plans[c.pk]),
            )
            for c in cycles
            if c.pk in self.plans
        ]


class PlanManagers:
    """The app's recipient role: who manages each plan."""

    role = "plan_manager"
    label = "Support plan manager"

    def __init__(self) -> None:
        self.managers: dict[int, int] = {}  # plan number -> user id

    def users_for(
        self,
        deadlines: Sequence[Deadline],
        cycles: Mapping[int, AppraisalCycle],
        on: dt.date,
        /,
    ) -> Mapping[Subject, Sequence[int]]:
        return {
            d.subject: [self.managers[d.subject.pk]]
            for d in deadlines
            if d.subject.kind == PLAN and d.subject.pk in self.managers
        }


@pytest.fixture
def plans() -> Iterator[tuple[PlanReviews, PlanManagers]]:
    source, role = PlanReviews(), PlanManagers()
    # The support plans app's own "plan_manager" steps aside for the stand-in.
    real = extensions.recipient_roles.get(role.role)
    if real is not None:
        extensions.recipient_roles.unregister(real)
    extensions.deadline_sources.register(source)
    extensions.recipient_roles.register(role)
    yield source, role
    extensions.deadline_sources.unregister(source)
    extensions.recipient_roles.unregister(role)
    if real is not None:
        extensions.recipient_roles.register(real)


@pytest.fixture
def manager(world: World) -> StaffMember:
    return world.staff(first_name="Pat", last_name="Manager")


def suspend(cycle: AppraisalCycle) -> None:
    cycle.state = CycleState.SUSPENDED
    cycle.suspended_from = CycleState.ACTIVE
    cycle.suspension_reason = "capability"
    cycle.save(update_fields=["state", "suspended_from", "suspension_reason"])


def run_day() -> None:
    services.reminders_sweep(on=TODAY)
    services.reminders_send_pending(on=TODAY)


@time_machine.travel(MORNING, tick=False)
def test_a_deadline_about_another_record_is_reminded_once_to_its_role(
    world: World, manager: StaffMember, plans: tuple[PlanReviews, PlanManagers]
) -> None:
    source, role = plans
    source.plans[world.cycle.pk] = 77
    role.managers[77] = manager.user_id

    run_day()
    run_day()

    rows = ReminderDispatch.objects.filter(deadline_kind="support_plan_review")
    assert [(r.subject_kind, r.subject_id, r.cycle_id, r.recipient_id) for r in rows] == [
        (PLAN, 77, world.cycle.pk, manager.user_id)
    ]
    assert rows.get().recipient_role == "plan_manager"
    assert rows.get().status == DispatchStatus.SENT
    to_manager = [m for m in mail.outbox if m.to == [manager.email]]
    assert len(to_manager) == 1
    assert "Review the support plan" in to_manager[0].body
    assert "Ada Appraisee" in to_manager[0].body


@time_machine.travel(MORNING, tick=False)
def test_two_subjects_on_one_cycle_are_two_reminders(
    world: World, manager: StaffMember, plans: tuple[PlanReviews, PlanManagers]
) -> None:
    """The key is the subject, not the cycle: the same deadline kind, due the same day for
    the same person, about the cycle and about a plan, is two rows."""
    source, role = plans
    source.plans[world.cycle.pk] = 77
    role.managers[77] = world.reviewer.user_id  # the reviewer also manages the plan
    also_on_cycle = FakeDeadlines()
    also_on_cycle.add(world.cycle, "support_plan_review", TODAY, "reviewer")
    extensions.deadline_sources.register(also_on_cycle)
    try:
        services.reminders_sweep(on=TODAY)
        services.reminders_sweep(on=TODAY)
    finally:
        extensions.deadline_sources.unregister(also_on_cycle)

    keys = set(
        ReminderDispatch.objects.filter(deadline_kind="support_plan_review").values_list(
            "subject_kind", "subject_id", "recipient_id"
        )
    )
    assert keys == {
        (PLAN, 77, world.reviewer.user_id),
        ("appraisal_cycle", world.cycle.pk, world.reviewer.user_id),
    }


@time_machine.travel(MORNING, tick=False)
def test_a_source_a_suspension_does_not_stop_still_reminds_on_a_suspended_cycle(
    world: World, manager: StaffMember, plans: tuple[PlanReviews, PlanManagers]
) -> None:
    source, role = plans
    source.plans[world.cycle.pk] = 77
    role.managers[77] = manager.user_id
    stopped = FakeDeadlines()  # like objectives and reviews: stopped by a suspension
    stopped.add(world.cycle, "objectives_agreed", TODAY, "reviewer")
    extensions.deadline_sources.register(stopped)
    suspend(world.cycle)
    try:
        found = all_deadlines(AppraisalCycle.objects.filter(pk=world.cycle.pk))
        run_day()
    finally:
        extensions.deadline_sources.unregister(stopped)

    # Only the plan's deadline: the year's own (and the cycle's milestones) are paused.
    assert [(d.kind, d.subject) for d in found] == [("support_plan_review", Subject(PLAN, 77))]
    assert list(ReminderDispatch.objects.values_list("deadline_kind", "recipient_id")) == [
        ("support_plan_review", manager.user_id)
    ]
    assert [m.to for m in mail.outbox] == [[manager.email]]


@time_machine.travel(MORNING, tick=False)
def test_a_plan_reminder_is_not_sent_once_the_plan_has_a_new_manager(
    world: World, manager: StaffMember, plans: tuple[PlanReviews, PlanManagers]
) -> None:
    source, role = plans
    source.plans[world.cycle.pk] = 77
    role.managers[77] = manager.user_id
    services.reminders_sweep(on=TODAY)
    role.managers[77] = world.reviewer.user_id

    services.reminders_send_pending(on=TODAY)

    assert [m for m in mail.outbox if m.to == [manager.email]] == []
    row = ReminderDispatch.objects.get(recipient_id=manager.user_id)
    assert row.status == DispatchStatus.CANCELLED


@time_machine.travel(MORNING, tick=False)
def test_my_deadlines_lists_what_the_person_holds_a_role_for(
    world: World, manager: StaffMember, plans: tuple[PlanReviews, PlanManagers]
) -> None:
    """The plan manager sees the plan's review when they are on the cycle (here: its
    reviewer); the role's label says what part they have in it."""
    source, role = plans
    source.plans[world.cycle.pk] = 77
    role.managers[77] = world.reviewer.user_id
    principal = principal_for(world.reviewer.user)
    mine = {m.deadline.kind: m for m in my_deadlines(principal, on=TODAY)}
    assert mine["support_plan_review"].role_label == "Support plan manager"
    role.managers[77] = manager.user_id
    assert "support_plan_review" not in {
        m.deadline.kind for m in my_deadlines(principal_for(world.reviewer.user), on=TODAY)
    }


@time_machine.travel(MORNING, tick=False)
def test_hr_is_a_recipient_role_across_the_trust_never_about_their_own_appraisal(
    world: World, fake_deadlines: FakeDeadlines
) -> None:
    """A role of the access policy as recipient: HR of the cycle's trust, whichever
    academy; not HR of another trust, and not the HR officer about their own appraisal."""
    hr = world.staff(first_name="Hal", last_name="Resources")
    role_grant(
        user=hr.user,
        role=Role.HR,
        trust=world.trust,
        starts_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
    )
    elsewhere = make_world()
    role_grant(
        user=elsewhere.reviewer.user,
        role=Role.HR,
        trust=elsewhere.trust,
        starts_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
    )
    fake_deadlines.add(world.cycle, "pay_recommendation_checked", TODAY, "hr")
    fake_deadlines.add(world.cycle_for(hr), "pay_recommendation_checked", TODAY, "hr")

    run_day()

    assert list(ReminderDispatch.objects.values_list("cycle_id", "recipient_id")) == [
        (world.cycle.pk, hr.user_id)
    ]
    assert [m.to for m in mail.outbox] == [[hr.email]]
