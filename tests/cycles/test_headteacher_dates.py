"""The headteacher's own review and statement fall due on the headteacher section's dates
(classic §2.1, §5.7.2: the headteacher by 31 December), never the staff dates."""

from __future__ import annotations

import datetime as dt

import pytest

from cycles.models import AppraisalCycle
from policies.schema import PolicySettings, md
from reviews.deadlines import due_after_cycle, review_due_day, statement_due_day


def _rules(**headteacher: object) -> PolicySettings:
    rules = PolicySettings()
    return rules.model_copy(
        update={"headteacher": rules.headteacher.model_copy(update=headteacher)}
    )


def _cycle(is_headteacher_cycle: bool) -> AppraisalCycle:
    return AppraisalCycle(
        starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2027, 8, 31),
        is_headteacher_cycle=is_headteacher_cycle,
    )


@pytest.mark.policy_setting("headteacher.review_due")
def test_the_heads_review_is_due_on_the_heads_date() -> None:
    head, teacher = _cycle(True), _cycle(False)
    december = _rules(review_due=md(12, 31))
    november = _rules(review_due=md(11, 30))
    assert due_after_cycle(review_due_day(december, head, ""), head) == dt.date(2027, 12, 31)
    assert due_after_cycle(review_due_day(november, head, ""), head) == dt.date(2027, 11, 30)
    assert due_after_cycle(review_due_day(_rules(review_due=None), head, ""), head) is None
    # A member of staff's review does not move with it.
    assert review_due_day(december, teacher, "") == review_due_day(november, teacher, "")


@pytest.mark.policy_setting("headteacher.statement_due")
def test_the_heads_statement_is_due_on_the_heads_date() -> None:
    head, teacher = _cycle(True), _cycle(False)
    december = _rules(statement_due=md(12, 31))
    january = _rules(statement_due=md(1, 15))
    assert due_after_cycle(statement_due_day(december, head), head) == dt.date(2027, 12, 31)
    assert due_after_cycle(statement_due_day(january, head), head) == dt.date(2028, 1, 15)
    assert statement_due_day(december, teacher) == statement_due_day(january, teacher)
