"""Moving a cycle between stages, changing its reviewer and a starter's first period."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from cycles.models import AppraisalCycle, CycleState
from cycles.services import (
    CycleError,
    cycle_change_reviewer,
    cycle_set_first_period_end,
    cycle_transition,
    moves_for,
)
from organisation.models import Academy, Role, StaffMember, Trust
from organisation.services import role_grant
from policies.models import PolicyVersion
from tests.factories import StaffMemberFactory, UserFactory

from .factories import CycleFactory, D, preset_version

pytestmark = pytest.mark.django_db

S = CycleState


@pytest.fixture
def hr(trust: Trust):  # type: ignore[no-untyped-def]
    user = UserFactory(trust=trust)
    role_grant(user=user, role=Role.HR, trust=trust)
    return user


@pytest.fixture
def appraisee(academy: Academy, manager: StaffMember) -> StaffMember:
    return StaffMemberFactory(academy=academy, line_manager=manager, last_name="Appraisee")


@pytest.fixture
def cycle(classic: PolicyVersion, appraisee: StaffMember) -> AppraisalCycle:
    return CycleFactory(appraisee=appraisee, policy_version=classic, state=S.PLANNING)


def reasons(cycle: AppraisalCycle) -> list[str]:
    return [h.history_change_reason for h in cycle.history.order_by("history_id")]


# Inside the annual review's window (it opens 12 weeks before the cycle's 31 August end),
# and after the year's last day, for closing it.
IN_REVIEW_WINDOW = dt.datetime(2027, 7, 1, 12, tzinfo=dt.UTC)
AFTER_THE_YEAR = dt.datetime(2027, 9, 6, 12, tzinfo=dt.UTC)


@time_machine.travel(IN_REVIEW_WINDOW, tick=False)
def test_the_reviewer_starts_the_year_and_begins_the_review(
    cycle: AppraisalCycle, manager: StaffMember
) -> None:
    cycle = cycle_transition(cycle=cycle, to=S.ACTIVE, actor=manager.user)
    cycle = cycle_transition(cycle=cycle, to=S.REVIEW, actor=manager.user)
    cycle.refresh_from_db()
    assert cycle.state == S.REVIEW
    latest = cycle.history.order_by("-history_id").first()
    assert latest is not None
    assert latest.history_user == manager.user
    assert latest.history_change_reason == "Begin the annual review"


@time_machine.travel(AFTER_THE_YEAR, tick=False)
def test_only_whoever_manages_closes_the_year(
    cycle: AppraisalCycle, manager: StaffMember, head: StaffMember
) -> None:
    AppraisalCycle.objects.filter(pk=cycle.pk).update(state=S.REVIEW)
    cycle.refresh_from_db()
    with pytest.raises(CycleError, match="cannot move this appraisal"):
        cycle_transition(cycle=cycle, to=S.CLOSED, actor=manager.user)
    cycle_transition(cycle=cycle, to=S.CLOSED, actor=head.user)
    cycle.refresh_from_db()
    assert cycle.state == S.CLOSED


def test_a_stage_cannot_be_skipped(cycle: AppraisalCycle, head: StaffMember) -> None:
    with pytest.raises(CycleError, match="“Planning” cannot move to “Closed”"):
        cycle_transition(cycle=cycle, to=S.CLOSED, actor=head.user)
    with pytest.raises(CycleError, match="Choose a stage"):
        cycle_transition(cycle=cycle, to="finished", actor=head.user)
    cycle.refresh_from_db()
    assert cycle.state == S.PLANNING


def test_nobody_moves_their_own_cycle(cycle: AppraisalCycle, appraisee: StaffMember) -> None:
    with pytest.raises(CycleError):
        cycle_transition(cycle=cycle, to=S.ACTIVE, actor=appraisee.user)
    assert moves_for(appraisee.user, cycle) == []


def test_a_colleague_cannot_move_the_cycle(cycle: AppraisalCycle, academy: Academy) -> None:
    colleague = StaffMemberFactory(academy=academy)
    with pytest.raises(CycleError):
        cycle_transition(cycle=cycle, to=S.ACTIVE, actor=colleague.user)


def test_capability_suspends_and_resumes_where_it_was(cycle: AppraisalCycle, hr) -> None:
    """classic §6.12.4: performance management is suspended when capability starts."""
    cycle_transition(cycle=cycle, to=S.ACTIVE, actor=hr)
    cycle = cycle_transition(
        cycle=cycle, to=S.SUSPENDED, actor=hr, reason="capability", note="Formal stage"
    )
    assert (cycle.state, cycle.suspended_from, cycle.suspension_reason) == (
        S.SUSPENDED,
        S.ACTIVE,
        "capability",
    )
    with pytest.raises(CycleError, match="resumes at the stage it was suspended from"):
        cycle_transition(cycle=cycle, to=S.REVIEW, actor=hr)

    cycle = cycle_transition(cycle=cycle, to=S.ACTIVE, actor=hr)
    cycle.refresh_from_db()
    assert (cycle.state, cycle.suspended_from, cycle.suspension_reason) == (S.ACTIVE, "", "")
    assert reasons(cycle)[-2:] == [
        "Suspended: The capability procedure applies. Formal stage",
        "Resumed at Active after: The capability procedure applies",
    ]


def test_suspending_needs_a_reason(cycle: AppraisalCycle, hr) -> None:
    with pytest.raises(CycleError, match="Say why"):
        cycle_transition(cycle=cycle, to=S.SUSPENDED, actor=hr)


def test_grievance_pauses_only_where_the_policy_says(
    cycle: AppraisalCycle, trust: Trust, academy: Academy, head: StaffMember, hr
) -> None:
    """staploe, Grievance: the headteacher may suspend the process while a grievance is
    dealt with; classic says nothing, so a grievance does not pause it."""
    with pytest.raises(CycleError, match="does not provide for pausing appraisal"):
        cycle_transition(cycle=cycle, to=S.SUSPENDED, actor=hr, reason="grievance")

    staploe = preset_version(trust, "staploe-associate")
    support = StaffMemberFactory(academy=academy, staff_group="support", line_manager=head)
    staploe_cycle = CycleFactory(appraisee=support, policy_version=staploe, state=S.ACTIVE)
    suspended = cycle_transition(
        cycle=staploe_cycle, to=S.SUSPENDED, actor=head.user, reason="grievance"
    )
    assert suspended.suspension_reason == "grievance"


def test_the_reviewer_cannot_suspend(cycle: AppraisalCycle, manager: StaffMember) -> None:
    with pytest.raises(CycleError):
        cycle_transition(cycle=cycle, to=S.SUSPENDED, actor=manager.user, reason="capability")


def test_moves_for_lists_only_what_the_actor_may_do(
    cycle: AppraisalCycle, manager: StaffMember, head: StaffMember
) -> None:
    assert [to for to, _ in moves_for(manager.user, cycle)] == [S.ACTIVE]
    assert [to for to, _ in moves_for(head.user, cycle)] == [S.ACTIVE, S.SUSPENDED]


def test_change_reviewer_after_a_move_keeps_the_record_whole(
    cycle: AppraisalCycle,
    appraisee: StaffMember,
    manager: StaffMember,
    other_academy: Academy,
    hr,
) -> None:
    """A member of staff moves academy part-way through the year: the reviewer changes,
    the record and its history stay whole (national context)."""
    cycle_transition(cycle=cycle, to=S.ACTIVE, actor=manager.user)
    new_manager = StaffMemberFactory(academy=other_academy)
    StaffMember.objects.filter(pk=appraisee.pk).update(academy=other_academy)

    changed = cycle_change_reviewer(
        cycle=cycle, reviewer=new_manager, actor=hr, reason="Moved to Ash Secondary"
    )

    assert changed.pk == cycle.pk
    changed.refresh_from_db()
    assert (changed.reviewer, changed.academy, changed.state) == (
        new_manager,
        other_academy,
        S.ACTIVE,
    )
    history = list(changed.history.order_by("history_date"))
    assert [h.reviewer_id for h in history] == [manager.pk, manager.pk, new_manager.pk]
    assert history[-1].history_change_reason == "Reviewer changed: Moved to Ash Secondary"


def test_the_new_academys_head_may_change_the_reviewer(
    cycle: AppraisalCycle, appraisee: StaffMember, trust: Trust, other_academy: Academy
) -> None:
    new_head = StaffMemberFactory(academy=other_academy)
    role_grant(user=new_head.user, role=Role.HEADTEACHER, trust=trust, academy=other_academy)
    with pytest.raises(CycleError):
        cycle_change_reviewer(cycle=cycle, reviewer=new_head, actor=new_head.user, reason="x")
    StaffMember.objects.filter(pk=appraisee.pk).update(academy=other_academy)
    changed = cycle_change_reviewer(
        cycle=cycle, reviewer=new_head, actor=new_head.user, reason="Joined us"
    )
    assert changed.academy_id == other_academy.pk


def test_change_reviewer_refusals(
    cycle: AppraisalCycle, appraisee: StaffMember, head: StaffMember, hr
) -> None:
    with pytest.raises(CycleError, match="Nobody can review their own"):
        cycle_change_reviewer(cycle=cycle, reviewer=appraisee, actor=hr, reason="x")
    with pytest.raises(CycleError, match="Say why"):
        cycle_change_reviewer(cycle=cycle, reviewer=head, actor=hr, reason=" ")
    outsider = StaffMemberFactory()
    with pytest.raises(CycleError, match="same trust"):
        cycle_change_reviewer(cycle=cycle, reviewer=outsider, actor=hr, reason="x")


# ----- A part-year starter's first period (aspire §4.3) ------------------------------------


@pytest.fixture
def starter_cycle(trust: Trust, academy: Academy, manager: StaffMember) -> AppraisalCycle:
    aspire = preset_version(trust, "aspire-grow")
    starter = StaffMemberFactory(academy=academy, line_manager=manager, start_date=D(2027, 1, 4))
    return CycleFactory(
        appraisee=starter,
        policy_version=aspire,
        starts_on=D(2027, 1, 4),
        ends_on=D(2027, 8, 31),
        state=S.PLANNING,
        part_year_start=True,
    )


def test_headteacher_sets_a_starters_first_cycle(
    starter_cycle: AppraisalCycle, head: StaffMember
) -> None:
    """aspire §4.3: the headteacher sets the first cycle's length to align with others."""
    changed = cycle_set_first_period_end(
        cycle=starter_cycle,
        ends_on=D(2028, 8, 31),
        actor=head.user,
        reason="Joined in January: first cycle runs to the end of next year",
    )
    assert changed.ends_on == D(2028, 8, 31)
    latest = changed.history.order_by("-history_date").first()
    assert latest is not None
    assert latest.history_change_reason.startswith("First cycle length set: Joined")


def test_first_cycle_limits(
    starter_cycle: AppraisalCycle, head: StaffMember, manager: StaffMember
) -> None:
    with pytest.raises(CycleError, match="31 August 2028 at the latest"):
        cycle_set_first_period_end(
            cycle=starter_cycle, ends_on=D(2028, 9, 30), actor=head.user, reason="x"
        )
    with pytest.raises(CycleError, match="end after it starts"):
        cycle_set_first_period_end(
            cycle=starter_cycle, ends_on=D(2027, 1, 1), actor=head.user, reason="x"
        )
    with pytest.raises(CycleError, match="Only the headteacher or HR"):
        cycle_set_first_period_end(
            cycle=starter_cycle, ends_on=D(2027, 7, 31), actor=manager.user, reason="x"
        )


def test_first_cycle_only_where_the_policy_lets_the_headteacher_decide(
    cycle: AppraisalCycle, head: StaffMember
) -> None:
    AppraisalCycle.objects.filter(pk=cycle.pk).update(part_year_start=True)
    cycle.refresh_from_db()
    with pytest.raises(CycleError, match="where the policy lets the headteacher decide"):
        cycle_set_first_period_end(cycle=cycle, ends_on=D(2027, 7, 31), actor=head.user, reason="x")
