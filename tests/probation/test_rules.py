"""Probation's pure rules, from the policy's scope settings (langley §9: six months,
extendable by six, a review meeting every three months)."""

from __future__ import annotations

import datetime as dt

from policies.schema.sections.scope import ScopeSettings
from probation import rules

LANGLEY = ScopeSettings(
    probation_months=6, probation_extension_months=6, probation_review_every_months=3
)
START = dt.date(2026, 9, 1)


def test_langley_probation_is_six_months_with_reviews_at_three_and_six() -> None:
    assert rules.probation_ends_on(LANGLEY, START) == dt.date(2027, 2, 28)
    assert rules.review_due_dates(LANGLEY, START, dt.date(2027, 2, 28)) == [
        dt.date(2026, 11, 30),
        dt.date(2027, 2, 28),
    ]


def test_an_extension_runs_to_twelve_months_with_two_more_reviews() -> None:
    ends = rules.extended_ends_on(LANGLEY, START)
    assert ends == dt.date(2027, 8, 31)
    assert rules.review_due_dates(LANGLEY, START, ends) == [
        dt.date(2026, 11, 30),
        dt.date(2027, 2, 28),
        dt.date(2027, 5, 31),
        dt.date(2027, 8, 31),
    ]


def test_the_next_review_after_those_held() -> None:
    ends = rules.probation_ends_on(LANGLEY, START)
    assert rules.next_review_due(LANGLEY, START, ends, 0) == dt.date(2026, 11, 30)
    assert rules.next_review_due(LANGLEY, START, ends, 1) == ends
    assert rules.next_review_due(LANGLEY, START, ends, 2) is None


def test_a_month_end_start_keeps_to_month_ends() -> None:
    assert rules.add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)
    assert rules.add_months(dt.date(2027, 1, 31), 1) == dt.date(2027, 2, 28)


def test_no_extension_and_no_probation() -> None:
    assert not rules.may_extend(ScopeSettings(probation_extension_months=0))
    assert rules.may_extend(LANGLEY)
    assert not rules.has_probation(ScopeSettings(probation_months=0))


def test_a_review_meeting_must_fall_within_probation_and_not_ahead() -> None:
    ends = dt.date(2027, 2, 28)
    today = dt.date(2026, 12, 1)
    assert rules.review_date_refusal(dt.date(2026, 8, 31), START, ends, today) is not None
    assert rules.review_date_refusal(dt.date(2027, 3, 1), START, ends, dt.date(2027, 4, 1))
    assert "future" in (rules.review_date_refusal(dt.date(2026, 12, 2), START, ends, today) or "")
    assert rules.review_date_refusal(dt.date(2026, 11, 30), START, ends, today) is None


def test_probation_cannot_start_before_they_joined() -> None:
    assert rules.start_date_refusal(dt.date(2026, 8, 31), START) is not None
    assert rules.start_date_refusal(START, START) is None
