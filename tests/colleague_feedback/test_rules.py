"""The rules of colleague feedback, without a database."""

from __future__ import annotations

import datetime as dt

from colleague_feedback import rules
from colleague_feedback.models import RequestStatus, RoundStatus
from policies.schema import ConfidentialitySettings, ReviewSettings

TODAY = dt.date(2026, 11, 2)


def test_only_a_policy_with_colleague_feedback_lets_the_reviewer_ask() -> None:
    off = ReviewSettings()
    on = ReviewSettings(colleague_feedback=True)
    assert rules.asking_refusal(off, cycle_ends_on=dt.date(2027, 8, 31), today=TODAY)
    assert rules.asking_refusal(on, cycle_ends_on=dt.date(2027, 8, 31), today=TODAY) is None
    assert "ended" in (
        rules.asking_refusal(on, cycle_ends_on=TODAY - dt.timedelta(1), today=TODAY) or ""
    )


def test_agreement_first_decides_the_first_status_and_who_the_reviewee_sees() -> None:
    staploe = ConfidentialitySettings(reviewee_agrees_before_colleagues_asked=True)
    classic = ConfidentialitySettings()
    assert rules.status_when_asked(staploe) == RoundStatus.AWAITING_AGREEMENT
    assert rules.status_when_asked(classic) == RoundStatus.OPEN
    assert rules.reviewee_sees_who(staploe) and not rules.reviewee_sees_who(classic)


def test_a_request_closes_after_the_working_days_or_at_the_cycle_end() -> None:
    review = ReviewSettings(colleague_feedback_working_days=10)
    far = dt.date(2027, 8, 31)
    assert rules.closes_on(
        review, opened_on=TODAY, cycle_ends_on=far, add_working_days=rules.weekdays_after
    ) == dt.date(2026, 11, 16)
    near = dt.date(2026, 11, 6)
    assert (
        rules.closes_on(
            review, opened_on=TODAY, cycle_ends_on=near, add_working_days=rules.weekdays_after
        )
        == near
    )


def test_weekdays_skip_the_weekend() -> None:
    friday = dt.date(2026, 11, 6)
    assert rules.weekdays_after(friday, 1) == dt.date(2026, 11, 9)


def test_answers_are_readable_only_from_the_threshold() -> None:
    review = ReviewSettings(colleague_feedback_min_answers=3)
    assert not rules.answers_readable(review, 2)
    assert rules.answers_readable(review, 3)


def test_who_may_still_answer() -> None:
    kw = {"round_status": RoundStatus.OPEN, "closes": TODAY, "today": TODAY}
    assert rules.answer_refusal(request_status=RequestStatus.WAITING, **kw) is None  # type: ignore[arg-type]
    assert rules.answer_refusal(request_status=RequestStatus.ANSWERED, **kw)  # type: ignore[arg-type]
    assert rules.answer_refusal(request_status=RequestStatus.DECLINED, **kw)  # type: ignore[arg-type]
    assert rules.answer_refusal(
        round_status=RoundStatus.OPEN,
        request_status=RequestStatus.WAITING,
        closes=TODAY,
        today=TODAY + dt.timedelta(1),
    )
    assert rules.answer_refusal(
        round_status=RoundStatus.AWAITING_AGREEMENT,
        request_status=RequestStatus.WAITING,
        closes=None,
        today=TODAY,
    )


def test_the_transition_table() -> None:
    assert rules.transition_refusal(RoundStatus.AWAITING_AGREEMENT, RoundStatus.OPEN) is None
    assert rules.transition_refusal(RoundStatus.AWAITING_AGREEMENT, RoundStatus.REFUSED) is None
    assert rules.transition_refusal(RoundStatus.OPEN, RoundStatus.REFUSED)
    assert rules.transition_refusal(RoundStatus.REFUSED, RoundStatus.OPEN)
    assert rules.transition_refusal(RoundStatus.CLOSED, RoundStatus.OPEN)
