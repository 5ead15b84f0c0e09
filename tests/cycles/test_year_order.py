"""The year keeps its order: each step only in the window the pinned policy gives it.

The rules are pure functions (``cycles.order``), tested here without a database; then the
services that call them."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from cycles import order
from cycles.deadlines import Deadline, all_deadlines
from cycles.models import AppraisalCycle, CycleOpening, CycleState
from cycles.services import CycleError, cycle_opening_request, cycle_transition
from organisation.models import Academy, StaffMember, Trust
from policies.schema import PolicySettings

from .factories import CycleFactory, D

S = CycleState
# The trust defaults: no policy sets when the review window opens.
CLASSIC = PolicySettings()
END = D(2027, 8, 31)


def with_review(rules: PolicySettings, **values: object) -> PolicySettings:
    return rules.model_copy(update={"review": rules.review.model_copy(update=values)})


# ----- The annual review's window (pure) -----------------------------------------------


def test_the_review_window_opens_twelve_weeks_before_the_cycle_ends() -> None:
    assert order.review_window_opens(CLASSIC, ends_on=END) == D(2027, 6, 9)


@pytest.mark.policy_setting("review.opens_weeks_before_cycle_ends")
def test_the_window_follows_the_policy_setting() -> None:
    assert order.review_window_opens(
        with_review(CLASSIC, opens_weeks_before_cycle_ends=4), ends_on=END
    ) == D(2027, 8, 4)
    # 0: only once the year is over.
    after = with_review(CLASSIC, opens_weeks_before_cycle_ends=0)
    assert order.review_window_opens(after, ends_on=END) == D(2027, 9, 1)
    assert order.review_complete_refusal(
        after, today=D(2027, 8, 31), ends_on=END, review_begun=False
    )
    assert (
        order.review_complete_refusal(after, today=D(2027, 9, 1), ends_on=END, review_begun=False)
        is None
    )


def test_the_review_begins_in_its_window_and_early_only_with_a_reason() -> None:
    assert order.review_begin_refusal(CLASSIC, today=D(2027, 6, 9), ends_on=END) is None
    refusal = order.review_begin_refusal(CLASSIC, today=D(2026, 12, 1), ends_on=END)
    assert refusal is not None and "9 June 2027" in refusal and "say why" in refusal
    assert (
        order.review_begin_refusal(CLASSIC, today=D(2026, 12, 1), ends_on=END, early_reason="   ")
        is not None
    )
    assert (
        order.review_begin_refusal(
            CLASSIC, today=D(2026, 12, 1), ends_on=END, early_reason="Leaves in December"
        )
        is None
    )


@pytest.mark.policy_setting("review.early_review_with_reason")
def test_a_policy_may_refuse_an_early_review_whatever_the_reason() -> None:
    strict = with_review(CLASSIC, early_review_with_reason=False)
    refusal = order.review_begin_refusal(
        strict, today=D(2026, 12, 1), ends_on=END, early_reason="Leaves in December"
    )
    assert refusal == "The annual review can begin from 9 June 2027, under this policy."


def test_a_review_is_not_completed_months_before_its_window() -> None:
    refusal = order.review_complete_refusal(
        CLASSIC, today=D(2026, 12, 1), ends_on=END, review_begun=False
    )
    assert refusal is not None and "9 June 2027" in refusal
    # Begun early with a reason: it may be completed.
    assert (
        order.review_complete_refusal(CLASSIC, today=D(2026, 12, 1), ends_on=END, review_begun=True)
        is None
    )
    assert (
        order.review_complete_refusal(CLASSIC, today=D(2027, 6, 9), ends_on=END, review_begun=False)
        is None
    )


def test_a_year_closes_after_its_last_day_unless_reviewed_early() -> None:
    assert order.close_refusal(today=END, ends_on=END, begun_early=False) is not None
    assert order.close_refusal(today=D(2027, 9, 1), ends_on=END, begun_early=False) is None
    assert order.close_refusal(today=D(2027, 1, 5), ends_on=END, begun_early=True) is None


# ----- A later step done means the earlier is done (pure) --------------------------------


def _d(kind: str, done: bool, cycle_id: int = 1) -> Deadline:
    return Deadline(
        cycle_id=cycle_id,
        kind=kind,
        label=kind,
        due_on=D(2027, 9, 1),
        recipient="reviewer",
        done=done,
    )


def test_a_completed_review_means_the_review_was_begun() -> None:
    listed = [
        _d("cycle_started", False),
        _d("cycle_review_started", False),
        _d("annual_review", True),
        _d("statement", False),
        _d("objectives_agreed", False),
        _d("cycle_review_started", False, cycle_id=2),
    ]
    done = {(d.cycle_id, d.kind): d.done for d in order.in_order(listed)}
    assert done[(1, "cycle_started")] and done[(1, "cycle_review_started")]
    assert not done[(1, "statement")]  # a later step is not implied by an earlier one
    assert not done[(1, "objectives_agreed")]  # outside the chain: left as it is
    assert not done[(2, "cycle_review_started")]  # another cycle is its own


# ----- Opening next year early (pure) -----------------------------------------------------


def test_opening_a_year_more_than_a_term_ahead_is_early() -> None:
    assert order.opening_is_early(today=D(2026, 12, 1), year=2027) == D(2027, 9, 1)
    assert order.opening_is_early(today=D(2027, 6, 1), year=2027) is None
    assert order.opening_is_early(today=D(2026, 12, 1), year=2026) is None


def test_a_day_outside_the_cycle_is_named() -> None:
    assert order.outside_cycle(D(2026, 9, 1), starts_on=D(2026, 9, 1), ends_on=END) is None
    refusal = order.outside_cycle(D(2025, 9, 1), starts_on=D(2026, 9, 1), ends_on=END)
    assert refusal == "Enter a date within this appraisal year, 1 September 2026 to 31 August 2027."


def test_a_january_to_december_year_is_one_year() -> None:
    assert AppraisalCycle(starts_on=D(2027, 1, 1), ends_on=D(2027, 12, 31)).period_label == "2027"
    assert AppraisalCycle(starts_on=D(2026, 9, 1), ends_on=END).period_label == "2026 to 2027"


# ----- The services ---------------------------------------------------------------------


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2027, 1, 15, 12, tzinfo=dt.UTC), tick=False)
def test_the_review_cannot_begin_or_the_year_close_months_early(
    classic, appraisee_cycle: AppraisalCycle, head: StaffMember, manager: StaffMember
) -> None:
    with pytest.raises(CycleError, match="can begin from 9 June 2027"):
        cycle_transition(cycle=appraisee_cycle, to=S.REVIEW, actor=manager.user)
    appraisee_cycle.refresh_from_db()
    assert (appraisee_cycle.state, appraisee_cycle.review_begun_early_reason) == (S.ACTIVE, "")
    moved = cycle_transition(
        cycle=appraisee_cycle, to=S.REVIEW, actor=manager.user, note="Leaves on 31 December"
    )
    assert moved.review_begun_early_reason == "Leaves on 31 December"
    # Reviewed early for a leaver: the year may close before its last day.
    closed = cycle_transition(cycle=moved, to=S.CLOSED, actor=head.user)
    assert closed.state == S.CLOSED


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2027, 7, 1, 12, tzinfo=dt.UTC), tick=False)
def test_a_year_reviewed_in_its_window_closes_only_after_its_last_day(
    classic, appraisee_cycle: AppraisalCycle, head: StaffMember, manager: StaffMember
) -> None:
    moved = cycle_transition(cycle=appraisee_cycle, to=S.REVIEW, actor=manager.user)
    assert moved.review_begun_early_reason == ""
    with pytest.raises(CycleError, match="runs to 31 August 2027"):
        cycle_transition(cycle=moved, to=S.CLOSED, actor=head.user)
    with time_machine.travel(dt.datetime(2027, 9, 2, 12, tzinfo=dt.UTC), tick=False):
        assert cycle_transition(cycle=moved, to=S.CLOSED, actor=head.user).state == S.CLOSED


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2027, 1, 15, 12, tzinfo=dt.UTC), tick=False)
def test_begin_the_review_reads_done_once_the_review_is_begun(
    appraisee_cycle: AppraisalCycle,
) -> None:
    AppraisalCycle.objects.filter(pk=appraisee_cycle.pk).update(state=S.REVIEW)
    found = {
        d.kind: d.done for d in all_deadlines(AppraisalCycle.objects.filter(pk=appraisee_cycle.pk))
    }
    assert found["cycle_started"] and found["cycle_review_started"]


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2027, 1, 15, 12, tzinfo=dt.UTC), tick=False)
def test_opening_next_year_early_needs_a_confirmation_that_is_recorded(
    trust: Trust, academy: Academy, head: StaffMember
) -> None:
    with pytest.raises(CycleError, match="starts on 1 September 2027: confirm"):
        cycle_opening_request(trust=trust, academy=academy, year=2027, actor=head.user)
    assert not CycleOpening.objects.exists()
    opening = cycle_opening_request(
        trust=trust, academy=academy, year=2027, actor=head.user, confirmed_early=True
    )
    assert opening.confirmed_early
    this_year = cycle_opening_request(trust=trust, academy=academy, year=2026, actor=head.user)
    assert not this_year.confirmed_early


@pytest.fixture
def appraisee_cycle(classic, manager: StaffMember) -> AppraisalCycle:  # type: ignore[no-untyped-def]
    from tests.factories import StaffMemberFactory

    appraisee = StaffMemberFactory(academy=manager.academy, line_manager=manager)
    return CycleFactory(appraisee=appraisee, policy_version=classic, state=S.ACTIVE)


# ----- A deadline due at a time of day (staploe: feedback within 48 hours) ----------------


def test_a_deadline_due_at_a_time_is_overdue_from_that_moment_everywhere() -> None:
    """One answer for the observation table, the cycle page, My deadlines and the
    overview: overdue once the moment has passed, on its due day too."""
    from reviews.rules import FeedbackState, feedback_state

    due_at = dt.datetime(2027, 1, 14, 14, 0, tzinfo=dt.UTC)
    deadline = Deadline(
        cycle_id=1,
        kind="observation_feedback",
        label="Give feedback",
        due_on=due_at.date(),
        recipient="reviewer",
        due_at=due_at,
    )
    for moment, overdue in (
        (dt.datetime(2027, 1, 14, 13, 0, tzinfo=dt.UTC), False),
        (dt.datetime(2027, 1, 14, 15, 0, tzinfo=dt.UTC), True),
        (dt.datetime(2027, 1, 15, 9, 0, tzinfo=dt.UTC), True),
    ):
        with time_machine.travel(moment, tick=False):
            assert deadline.is_overdue() is overdue
            assert deadline.status() == ("overdue" if overdue else "due")
            table = feedback_state(due_at, None, moment)
            assert (table == FeedbackState.OVERDUE) is overdue
