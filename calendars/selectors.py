"""Reads for academy calendars: working-day questions and the calendar pages.

Two ways to ask "which date is N working days after D":

- one-off questions (a view, a service): ``add_working_days(academy, start, n)`` and
  friends below. Each loads what it needs (three queries) and answers.
- sweeps over many people: ``calendars_for(academy_ids, start, end)`` loads every academy's
  ``WorkingCalendar`` in three queries whatever the number of academies, and its methods
  answer without the database, so 10,000 due dates cost three queries, not 10,000.

The rules themselves live in ``calendars.working_days`` (pure, no database).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from organisation.models import Academy

from .models import BankHolidayOverride, CalendarDay, CalendarDayKind, Term
from .working_days import (
    HolidayOverride,
    OutsideCalendarRange,
    WorkingCalendar,
    academic_year_bounds,
    academic_year_label,
    academic_year_of,
    england_bank_holidays,
)

__all__ = [
    "CalendarYear",
    "OutsideCalendarRange",
    "TermSummary",
    "WorkingCalendar",
    "add_working_days",
    "calendar_year",
    "calendars_for",
    "due_after_hours",
    "is_working_day",
    "load_calendar",
    "working_days_between",
]

T = TypeVar("T")
AcademyRef = Academy | int

# Academic years a one-off question first loads: a year holds about 190 working days at an
# academy with term dates, so this covers any notice period a policy sets in one go.
_WORKING_DAYS_A_YEAR_AT_LEAST = 150
# Give up widening after this many academic years: the question cannot have an answer.
_MAX_YEARS_LOADED = 64


def _academy_id(academy: AcademyRef) -> int:
    return academy if isinstance(academy, int) else academy.pk


def _overrides(first: dt.date, last: dt.date) -> list[HolidayOverride]:
    return [
        HolidayOverride(date=date, name=name, is_holiday=is_holiday)
        for date, name, is_holiday in BankHolidayOverride.objects.filter(
            date__range=(first, last)
        ).values_list("date", "name", "is_holiday")
    ]


def calendars_for(
    academy_ids: Iterable[int], start: dt.date, end: dt.date
) -> dict[int, WorkingCalendar]:
    """A ``WorkingCalendar`` for each academy, covering at least ``start`` to ``end``.

    Always three queries (terms, INSET/closure days, bank holiday overrides), however many
    academies. The range is widened to whole academic years, plus one more academic year
    after ``end``, so that due dates a few weeks after ``end`` (over a summer holiday, say)
    still resolve. Academies with nothing entered get a calendar of weekdays less bank
    holidays.
    """
    ids = list(dict.fromkeys(academy_ids))
    if not ids:
        return {}
    if end < start:
        start, end = end, start
    first = academic_year_bounds(academic_year_of(start))[0]
    last = academic_year_bounds(academic_year_of(end) + 1)[1]
    terms: dict[int, list[tuple[dt.date, dt.date]]] = {pk: [] for pk in ids}
    for academy_id, starts_on, ends_on in Term.objects.filter(
        academy_id__in=ids, starts_on__lte=last, ends_on__gte=first
    ).values_list("academy_id", "starts_on", "ends_on"):
        terms[academy_id].append((starts_on, ends_on))
    insets: dict[int, list[dt.date]] = {pk: [] for pk in ids}
    closures: dict[int, list[dt.date]] = {pk: [] for pk in ids}
    for academy_id, date, kind in CalendarDay.objects.filter(
        academy_id__in=ids, date__range=(first, last)
    ).values_list("academy_id", "date", "kind"):
        (insets if kind == CalendarDayKind.INSET else closures)[academy_id].append(date)
    bank_holidays = england_bank_holidays(first, last, _overrides(first, last))
    return {
        pk: WorkingCalendar(
            academy_id=pk,
            first_day=first,
            last_day=last,
            bank_holidays=bank_holidays,
            terms=terms[pk],
            inset_days=insets[pk],
            closure_days=closures[pk],
        )
        for pk in ids
    }


def load_calendar(academy: AcademyRef, start: dt.date, end: dt.date) -> WorkingCalendar:
    """One academy's ``WorkingCalendar`` covering at least ``start`` to ``end`` (3 queries)."""
    academy_id = _academy_id(academy)
    return calendars_for([academy_id], start, end)[academy_id]


def _counting_from(
    academy: AcademyRef, start: dt.date, n: int, answer: Callable[[WorkingCalendar], T]
) -> T:
    """Load a calendar around ``start`` wide enough for ``n`` working days, widening it if
    the academy's year has fewer working days than usual (e.g. one short term entered)."""
    years = 1 + abs(n) // _WORKING_DAYS_A_YEAR_AT_LEAST
    while True:
        reach = dt.timedelta(days=366 * years)
        first, last = (start, start + reach) if n >= 0 else (start - reach, start)
        try:
            return answer(load_calendar(academy, first, last))
        except OutsideCalendarRange:
            if years >= _MAX_YEARS_LOADED:
                raise
            years *= 2


def is_working_day(academy: AcademyRef, day: dt.date) -> bool:
    return load_calendar(academy, day, day).is_working_day(day)


def add_working_days(academy: AcademyRef, start: dt.date, n: int) -> dt.date:
    """The date ``n`` working days after ``start`` at ``academy`` (``start`` not counted).

    ``n=0``: ``start`` if it is a working day, else the next one. Negative ``n`` counts back.
    """
    return _counting_from(academy, start, n, lambda cal: cal.add_working_days(start, n))


def working_days_between(academy: AcademyRef, start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (negative if end < start)."""
    return load_calendar(academy, min(start, end), max(start, end)).working_days_between(start, end)


def due_after_hours(academy: AcademyRef, start_datetime: dt.datetime, hours: float) -> dt.datetime:
    """A deadline ``hours`` after ``start_datetime`` counting working days only.

    Whole working days = ``ceil(hours / 24)``, added to the local date of
    ``start_datetime``; the deadline keeps its local time of day (see
    ``WorkingCalendar.due_after_hours``). E.g. staploe's "feedback within 48 hours".
    """
    if timezone.is_naive(start_datetime):
        raise ValueError("due_after_hours needs a timezone-aware datetime.")
    local_day = timezone.localtime(start_datetime).date()
    days = math.ceil(hours / 24) if hours > 0 else 0
    return _counting_from(
        academy, local_day, days, lambda cal: cal.due_after_hours(start_datetime, hours)
    )


# ----- Pages ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TermSummary:
    term: Term
    working_days: int


@dataclass(frozen=True)
class CalendarYear:
    """Everything the calendar page shows for one academy and academic year."""

    academy: Academy
    year: int
    first_day: dt.date
    last_day: dt.date
    terms: list[TermSummary]
    inset_days: list[CalendarDay]
    closure_days: list[CalendarDay]
    bank_holidays: list[tuple[dt.date, str]]
    working_days: int
    calendar: WorkingCalendar

    @property
    def label(self) -> str:
        return academic_year_label(self.year)

    @property
    def has_terms(self) -> bool:
        return bool(self.terms)


def calendar_year(academy: Academy, year: int) -> CalendarYear:
    """The academy's academic year ``year`` (1 Sep ``year`` to 31 Aug): 3 queries."""
    first, last = academic_year_bounds(year)
    terms = list(
        Term.objects.filter(academy=academy, starts_on__lte=last, ends_on__gte=first).order_by(
            "starts_on"
        )
    )
    days = list(CalendarDay.objects.filter(academy=academy, date__range=(first, last)))
    bank_holidays = england_bank_holidays(first, last, _overrides(first, last))
    calendar = WorkingCalendar(
        academy_id=academy.pk,
        first_day=first,
        last_day=last,
        bank_holidays=bank_holidays,
        terms=[(t.starts_on, t.ends_on) for t in terms],
        inset_days=[d.date for d in days if d.kind == CalendarDayKind.INSET],
        closure_days=[d.date for d in days if d.kind == CalendarDayKind.CLOSURE],
    )
    return CalendarYear(
        academy=academy,
        year=year,
        first_day=first,
        last_day=last,
        terms=[
            TermSummary(
                term=t,
                working_days=calendar.count_working_days(
                    max(t.starts_on, first), min(t.ends_on, last)
                ),
            )
            for t in terms
        ],
        inset_days=[d for d in days if d.kind == CalendarDayKind.INSET],
        closure_days=[d for d in days if d.kind == CalendarDayKind.CLOSURE],
        bank_holidays=list(bank_holidays.items()),
        working_days=calendar.count_working_days(first, last),
        calendar=calendar,
    )


def academies_for_index(*, trust_id: int, year: int) -> QuerySet[Academy]:
    """The trust's academies, each flagged ``has_terms`` for academic year ``year`` (1 query)."""
    first, last = academic_year_bounds(year)
    return Academy.objects.filter(trust_id=trust_id).annotate(
        has_terms=Exists(
            Term.objects.filter(academy=OuterRef("pk"), starts_on__lte=last, ends_on__gte=first)
        )
    )
