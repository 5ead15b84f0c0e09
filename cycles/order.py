"""The order of the appraisal year: when each step may happen. Pure rules, no database.

Each function answers "why not now?" (a sentence for the page) or None when the step may
happen, from the dates of the cycle and the settings of the policy version pinned to it, so
views, services and tests ask the same question the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from policies.schema import PolicySettings

from .rules import ACADEMIC_YEAR_START

if TYPE_CHECKING:
    from .deadlines import Deadline


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def review_window_opens(rules: PolicySettings, *, ends_on: dt.date) -> dt.date:
    """The first day the annual review may begin and be completed: the policy's
    ``review.opens_weeks_before_cycle_ends`` weeks before the cycle's last day (0: the day
    after it)."""
    weeks = rules.review.opens_weeks_before_cycle_ends
    if weeks == 0:
        return ends_on + dt.timedelta(days=1)
    return ends_on - dt.timedelta(weeks=weeks) + dt.timedelta(days=1)


def review_begin_refusal(
    rules: PolicySettings, *, today: dt.date, ends_on: dt.date, early_reason: str = ""
) -> str | None:
    """Why the annual review cannot begin today, or None. Before its window opens it may
    begin only with a recorded reason, and only where the policy allows that."""
    opens = review_window_opens(rules, ends_on=ends_on)
    if today >= opens:
        return None
    if not rules.review.early_review_with_reason:
        return f"The annual review can begin from {long_date(opens)}, under this policy."
    if early_reason.strip():
        return None
    return (
        f"The annual review can begin from {long_date(opens)}. To begin it earlier (for "
        "example, the member of staff is leaving), say why."
    )


def review_complete_refusal(
    rules: PolicySettings, *, today: dt.date, ends_on: dt.date, review_begun: bool
) -> str | None:
    """Why the review cannot be completed (and its statement issued) today, or None: not
    before its window opens, unless the annual review was begun (early, with a reason)."""
    opens = review_window_opens(rules, ends_on=ends_on)
    if today >= opens or review_begun:
        return None
    return (
        f"The annual review can be completed from {long_date(opens)}, when its window "
        "opens. Begin the annual review early, with the reason, if it cannot wait."
    )


def close_refusal(*, today: dt.date, ends_on: dt.date, begun_early: bool) -> str | None:
    """A year closes after its last day, unless its review was begun early (with a
    recorded reason, e.g. the member of staff leaves)."""
    if today > ends_on or begun_early:
        return None
    return f"This appraisal year runs to {long_date(ends_on)}: close it after its last day."


# The steps of one cycle in the order they happen. A later step done means each earlier
# one is done (or was skipped): the deadlines never read "Begin the annual review: Due"
# beside "Complete the annual review: Done".
STEP_ORDER: tuple[str, ...] = (
    "cycle_started",
    "cycle_review_started",
    "annual_review",
    "statement",
)


def in_order(deadlines: Iterable[Deadline]) -> list[Deadline]:
    """``deadlines`` with each step of ``STEP_ORDER`` marked done when a later step of the
    same cycle is done. Other deadlines are left as they are."""
    listed = list(deadlines)
    rank = {kind: i for i, kind in enumerate(STEP_ORDER)}
    latest_done: dict[int, int] = {}
    for d in listed:
        if d.done and d.kind in rank and d.cycle_id is not None:
            latest_done[d.cycle_id] = max(latest_done.get(d.cycle_id, -1), rank[d.kind])
    return [
        replace(d, done=True)
        if not d.done
        and d.kind in rank
        and d.cycle_id is not None
        and rank[d.kind] < latest_done.get(d.cycle_id, -1)
        else d
        for d in listed
    ]


# Opening a year whose cycles start more than this many days ahead asks to confirm: about a
# term, the time it takes to plan a year (no policy sets a number).
EARLY_OPENING_DAYS = 120


def opening_is_early(*, today: dt.date, year: int) -> dt.date | None:
    """The day ``year``'s first cycles start when opening them today is early (more than a
    term ahead), else None."""
    first = dt.date(year, *ACADEMIC_YEAR_START)
    return first if (first - today).days > EARLY_OPENING_DAYS else None


def outside_cycle(day: dt.date, *, starts_on: dt.date, ends_on: dt.date) -> str | None:
    """Why ``day`` is not within the cycle, or None."""
    if starts_on <= day <= ends_on:
        return None
    return (
        f"Enter a date within this appraisal year, {long_date(starts_on)} to {long_date(ends_on)}."
    )
