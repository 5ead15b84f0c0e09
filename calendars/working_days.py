"""Working days at one academy: the pure rules, with no database.

A *working day* at an academy is a weekday (Monday to Friday) that

- is not an England bank holiday (England only: Scotland's 2 January and St Andrew's Day,
  or Northern Ireland's St Patrick's Day, are ordinary days here), after the platform's
  one-off bank holiday changes have been applied (an extra holiday added, a listed one
  cancelled);
- is not one of the academy's closure days;
- and, when the academy has entered term dates for that academic year (1 September to
  31 August), falls inside a term or is an INSET day. School holidays between terms are not
  working days; an INSET day is, because staff work on it.

When an academy has entered no terms for an academic year, every weekday of that year that is
not a bank holiday or a closure day counts: a sensible default rather than no answer at all.

``WorkingCalendar`` holds everything needed for one academy and a date range, so that a sweep
over thousands of staff computes due dates without touching the database. The selectors load
it (``calendars.selectors``); this module only knows dates.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import holidays
from django.utils import timezone

# The academic year runs from 1 September to 31 August (every policy's cycle and the
# DfE's school year use this boundary).
ACADEMIC_YEAR_FIRST_MONTH = 9
SATURDAY = 5


class OutsideCalendarRange(ValueError):
    """A question about a day the calendar was not loaded for: load a wider range."""


@dataclass(frozen=True)
class HolidayOverride:
    """A one-off change to England's bank holidays (``BankHolidayOverride`` without the ORM)."""

    date: dt.date
    name: str
    is_holiday: bool


# ----- Academic years --------------------------------------------------------------------


def academic_year_of(day: dt.date) -> int:
    """The academic year a day belongs to, named by the calendar year it starts in.

    >>> academic_year_of(dt.date(2027, 3, 26))
    2026
    """
    return day.year if day.month >= ACADEMIC_YEAR_FIRST_MONTH else day.year - 1


def academic_year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """First and last day of academic year ``year`` (1 September to 31 August)."""
    return dt.date(year, ACADEMIC_YEAR_FIRST_MONTH, 1), dt.date(
        year + 1, ACADEMIC_YEAR_FIRST_MONTH, 1
    ) - dt.timedelta(days=1)


def academic_year_label(year: int) -> str:
    return f"{year} to {year + 1}"


def academic_years_overlapping(first: dt.date, last: dt.date) -> range:
    return range(academic_year_of(first), academic_year_of(last) + 1)


# ----- Bank holidays ---------------------------------------------------------------------


@functools.lru_cache(maxsize=128)
def _england_holidays_in(year: int) -> tuple[tuple[dt.date, str], ...]:
    # subdiv="ENG" matters: without it the package mixes in Scotland's and Northern
    # Ireland's holidays, which are working days in English academies.
    listed = holidays.country_holidays("GB", subdiv="ENG", years=year)
    return tuple(sorted(listed.items()))


def england_bank_holidays(
    first: dt.date, last: dt.date, overrides: Iterable[HolidayOverride] = ()
) -> dict[dt.date, str]:
    """England's bank holidays from ``first`` to ``last`` (inclusive), by date, with names.

    Overrides apply on top of the package's list: ``is_holiday=True`` adds (or renames) a
    holiday, ``is_holiday=False`` cancels one.
    """
    found: dict[dt.date, str] = {}
    for year in range(first.year, last.year + 1):
        for day, name in _england_holidays_in(year):
            if first <= day <= last:
                found[day] = name
    for override in overrides:
        if not first <= override.date <= last:
            continue
        if override.is_holiday:
            found[override.date] = override.name
        else:
            found.pop(override.date, None)
    return dict(sorted(found.items()))


def inset_day_refusal(day: dt.date, bank_holidays: Mapping[dt.date, str]) -> str | None:
    """Why ``day`` cannot be an INSET (training) day: staff train on a working weekday, so
    not on a Saturday, a Sunday or a bank holiday."""
    label = f"{day:%A} {day.day} {day:%B %Y}"
    if day.weekday() >= 5:
        return f"{label} is a weekend day: an INSET day is a weekday."
    if day in bank_holidays:
        return f"{label} is a bank holiday ({bank_holidays[day]}): an INSET day is a working day."
    return None


# ----- The calendar ----------------------------------------------------------------------


class WorkingCalendar:
    """One academy's working days from ``first_day`` to ``last_day``, computed once.

    Every method is pure and answers in constant or logarithmic time. A question that needs
    a day outside the loaded range raises ``OutsideCalendarRange`` rather than guessing.
    """

    def __init__(
        self,
        *,
        first_day: dt.date,
        last_day: dt.date,
        bank_holidays: Mapping[dt.date, str],
        terms: Iterable[tuple[dt.date, dt.date]] = (),
        inset_days: Iterable[dt.date] = (),
        closure_days: Iterable[dt.date] = (),
        academy_id: int | None = None,
    ) -> None:
        if last_day < first_day:
            raise ValueError("A calendar must end on or after the day it starts.")
        self.academy_id = academy_id
        self.first_day = first_day
        self.last_day = last_day
        self.bank_holidays: dict[dt.date, str] = {
            d: n for d, n in bank_holidays.items() if first_day <= d <= last_day
        }
        self.terms: tuple[tuple[dt.date, dt.date], ...] = tuple(sorted(terms))
        self.inset_days: frozenset[dt.date] = frozenset(inset_days)
        self.closure_days: frozenset[dt.date] = frozenset(closure_days)
        self.years_with_terms: frozenset[int] = frozenset(
            year for start, end in self.terms for year in academic_years_overlapping(start, end)
        )
        in_term: set[dt.date] = set()
        for start, end in self.terms:
            low, high = max(start, first_day), min(end, last_day)
            in_term.update(low + dt.timedelta(days=i) for i in range((high - low).days + 1))
        self._in_term: frozenset[dt.date] = frozenset(in_term)
        days = (last_day - first_day).days + 1
        self._working: tuple[dt.date, ...] = tuple(
            day
            for day in (first_day + dt.timedelta(days=i) for i in range(days))
            if self._why_not_working(day) is None
        )
        self._working_set: frozenset[dt.date] = frozenset(self._working)

    def __repr__(self) -> str:
        return (
            f"<WorkingCalendar academy={self.academy_id} {self.first_day}..{self.last_day} "
            f"{len(self._working)} working days>"
        )

    # -- single days --------------------------------------------------------------------

    def covers(self, day: dt.date) -> bool:
        return self.first_day <= day <= self.last_day

    def has_terms_for(self, academic_year: int) -> bool:
        """True when term dates were entered for that academic year."""
        return academic_year in self.years_with_terms

    def _why_not_working(self, day: dt.date) -> str | None:
        if day.weekday() >= SATURDAY:
            return "weekend"
        if day in self.bank_holidays:
            return f"bank holiday ({self.bank_holidays[day]})"
        if day in self.closure_days:
            return "closure day"
        if day in self.inset_days:
            return None
        if academic_year_of(day) in self.years_with_terms and day not in self._in_term:
            return "school holiday"
        return None

    def _check(self, day: dt.date) -> None:
        if not self.covers(day):
            raise OutsideCalendarRange(
                f"{day:%d %B %Y} is outside the calendar loaded "
                f"({self.first_day:%d %B %Y} to {self.last_day:%d %B %Y})."
            )

    def is_working_day(self, day: dt.date) -> bool:
        self._check(day)
        return day in self._working_set

    def why_not_working(self, day: dt.date) -> str | None:
        """Why ``day`` is not a working day ("weekend", "bank holiday (...)", ...), or None."""
        self._check(day)
        return self._why_not_working(day)

    # -- counting -----------------------------------------------------------------------

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The date ``n`` working days after ``start``; ``start`` itself does not count.

        ``n == 0`` gives ``start`` if it is a working day, otherwise the next working day.
        A negative ``n`` counts backwards: ``-5`` is the fifth working day before ``start``
        (the latest day to give 5 working days' notice of a meeting on ``start``).
        """
        self._check(start)
        working = self._working
        if n > 0:
            index = bisect.bisect_right(working, start) + n - 1
        elif n == 0:
            index = bisect.bisect_left(working, start)
        else:
            index = bisect.bisect_left(working, start) + n
        if index < 0 or index >= len(working):
            direction = "after" if n >= 0 else "before"
            raise OutsideCalendarRange(
                f"{abs(n)} working days {direction} {start:%d %B %Y} falls outside the "
                f"calendar loaded ({self.first_day:%d %B %Y} to {self.last_day:%d %B %Y})."
            )
        return working[index]

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """How many working days after ``start`` up to and including ``end``.

        The inverse of ``add_working_days``: ``working_days_between(d, add_working_days(d, n))
        == n`` for any ``n`` other than 0. When ``end`` is before ``start`` the answer is
        negative: minus the working days from ``end`` up to but excluding ``start``.
        """
        self._check(start)
        self._check(end)
        working = self._working
        if end >= start:
            return bisect.bisect_right(working, end) - bisect.bisect_right(working, start)
        return -(bisect.bisect_left(working, start) - bisect.bisect_left(working, end))

    def count_working_days(self, first: dt.date, last: dt.date) -> int:
        """Working days from ``first`` to ``last``, both included (0 if ``last < first``)."""
        self._check(first)
        self._check(last)
        if last < first:
            return 0
        return bisect.bisect_right(self._working, last) - bisect.bisect_left(self._working, first)

    def due_after_hours(self, start: dt.datetime, hours: float) -> dt.datetime:
        """When something due ``hours`` after ``start`` is due, counting working days only.

        Policies that give a deadline in hours (staploe: observation feedback "within 48
        hours") mean working time, not a weekend. The rule used here: the hours become whole
        working days, ``ceil(hours / 24)`` (rounded up, so a deadline is never earlier than
        the policy allows), added to the local date of ``start`` with ``add_working_days``;
        the deadline is that day at the same local time of day as ``start``. So 48 hours
        from Friday 10:00 is Tuesday 10:00, and from a Saturday it is the second working day
        after it.
        """
        if timezone.is_naive(start):
            raise ValueError("due_after_hours needs a timezone-aware datetime.")
        if hours < 0:
            raise ValueError("The number of hours cannot be negative.")
        local = timezone.localtime(start)
        due_day = self.add_working_days(local.date(), math.ceil(hours / 24))
        return dt.datetime.combine(due_day, local.time(), tzinfo=local.tzinfo)
