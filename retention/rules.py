"""How long a record is kept: pure rules over a policy's retention schedule, no database.

A root's record tree (a cycle, its objectives, meetings, observations, evidence, review
and everything else recorded under it) is one record for destruction. It is kept for the
longest period the pinned policy version sets for any record type the tree holds, so that
no part is destroyed before its own schedule says. A record type with a shorter period
than its root's (observations kept 3 years in a 7-year appraisal record) is destroyed on
its own once its period ends. The years are counted from the end of the cycle, or from
the end of the person's employment when the schedule says so (and a person still
employed then keeps every record).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from policies.schema import RetentionFrom, RetentionSettings

# The record types (``RetentionSettings.RECORD_TYPES``) that live inside a cycle's tree
# when every app is installed (the purge asks the registry, ``retention.registry``).
CYCLE_TREE_RECORD_TYPES: tuple[str, ...] = ("appraisal_record", "observation")


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (or earlier); 29 February becomes 28 February."""
    year = day.year + years
    return dt.date(year, day.month, min(day.day, calendar.monthrange(year, day.month)[1]))


@dataclass(frozen=True)
class RetentionDecision:
    record_types: tuple[str, ...]
    years: int
    counted_from: RetentionFrom
    # The day the years are counted from; None while the person is still employed (for a
    # schedule counted from the end of employment).
    counted_from_day: dt.date | None
    # The last day the record must be kept; None if not yet known.
    keep_until: dt.date | None

    def expired(self, as_of: dt.date) -> bool:
        return self.keep_until is not None and as_of > self.keep_until


def years_for_types(schedule: RetentionSettings, record_types: tuple[str, ...]) -> int:
    return max(schedule.years_for(t) for t in record_types)


def cycle_retention(
    schedule: RetentionSettings,
    *,
    cycle_ends_on: dt.date,
    left_on: dt.date | None,
    as_of: dt.date,
    record_types: tuple[str, ...] = CYCLE_TREE_RECORD_TYPES,
) -> RetentionDecision:
    """How long a cycle's record tree is kept under ``schedule`` (its pinned policy's)."""
    return record_retention(
        schedule, ends_on=cycle_ends_on, left_on=left_on, as_of=as_of, record_types=record_types
    )


def separately_destroyed(
    schedule: RetentionSettings, *, root_types: tuple[str, ...], record_type: str
) -> bool:
    """Whether records of ``record_type`` under a root kept for ``root_types`` are
    destroyed on their own, before the root (their period is shorter than the root's)."""
    return schedule.years_for(record_type) < years_for_types(schedule, root_types)


def record_retention(
    schedule: RetentionSettings,
    *,
    ends_on: dt.date,
    left_on: dt.date | None,
    as_of: dt.date,
    record_types: tuple[str, ...],
) -> RetentionDecision:
    """How long a record (a root's tree, or records of one type under it) is kept under
    ``schedule``: the longest period of ``record_types``, counted from ``ends_on`` (the
    end of the record's year) or from the person's leaving day, as the schedule says."""
    years = years_for_types(schedule, record_types)
    if schedule.counted_from == RetentionFrom.END_OF_EMPLOYMENT:
        anchor = left_on if left_on is not None and left_on <= as_of else None
        # A record made after the person left (a late-closed cycle) counts from its end.
        if anchor is not None and ends_on > anchor:
            anchor = ends_on
    else:
        anchor = ends_on
    return RetentionDecision(
        record_types=record_types,
        years=years,
        counted_from=schedule.counted_from,
        counted_from_day=anchor,
        keep_until=add_years(anchor, years) if anchor is not None else None,
    )


def latest_expired_anchor(as_of: dt.date, years: int) -> dt.date:
    """Any record whose years are counted from this day or earlier has expired by ``as_of``
    (used to narrow the candidates query; each candidate is then checked exactly)."""
    return add_years(as_of, -years) - dt.timedelta(days=1)
