"""Loading working calendars from the database: overrides, many academies, flat query counts."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from calendars import selectors
from calendars.models import CalendarDay, CalendarDayKind, Term
from organisation.models import Academy
from tests.factories import AcademyFactory

from .dates import HALF_TERM_INSET
from .factories import BankHolidayOverrideFactory, CalendarDayFactory, TermFactory

D = dt.date
pytestmark = pytest.mark.django_db


def test_one_off_questions_use_the_academy_calendar(academy_with_2026_27: Academy) -> None:
    academy = academy_with_2026_27
    # classic §5.2.4: written feedback 5 working days after Fri 18 Dec 2026.
    assert selectors.add_working_days(academy, D(2026, 12, 18), 5) == D(2027, 1, 8)
    # classic §5.2.4: verbal feedback within 2 working days; the half-term INSET day counts.
    assert selectors.add_working_days(academy.pk, D(2026, 10, 22), 2) == HALF_TERM_INSET
    assert selectors.is_working_day(academy, HALF_TERM_INSET)
    assert not selectors.is_working_day(academy, D(2026, 10, 29))
    assert selectors.working_days_between(academy, D(2026, 12, 18), D(2027, 1, 8)) == 5


def test_due_after_hours(academy_with_2026_27: Academy) -> None:
    london = ZoneInfo("Europe/London")
    observed = dt.datetime(2026, 12, 17, 14, 30, tzinfo=london)
    # staploe: 48 hours = 2 working days: Fri 18 Dec, then Mon 4 Jan after Christmas.
    assert selectors.due_after_hours(academy_with_2026_27, observed, 48) == dt.datetime(
        2027, 1, 4, 14, 30, tzinfo=london
    )


def test_bank_holiday_overrides_from_the_database(academy_with_2026_27: Academy) -> None:
    BankHolidayOverrideFactory(date=D(2027, 5, 14), name="Extra bank holiday", is_holiday=True)
    BankHolidayOverrideFactory(date=D(2027, 5, 3), name="Early May (moved)", is_holiday=False)
    assert not selectors.is_working_day(academy_with_2026_27, D(2027, 5, 14))
    assert selectors.is_working_day(academy_with_2026_27, D(2027, 5, 3))
    year = selectors.calendar_year(academy_with_2026_27, 2026)
    names = dict(year.bank_holidays)
    assert names[D(2027, 5, 14)] == "Extra bank holiday"
    assert D(2027, 5, 3) not in names


def test_long_counts_widen_the_calendar(academy: Academy) -> None:
    # One short term is all that is entered for 2026-27: counting 30 working days from it
    # runs past the year loaded first, so the selector loads more and still answers.
    TermFactory(academy=academy, starts_on=D(2026, 9, 7), ends_on=D(2026, 9, 11))
    assert selectors.add_working_days(academy, D(2026, 9, 4), 5) == D(2026, 9, 11)
    # After 11 Sep nothing counts until 2027-28, which has no terms entered.
    assert selectors.add_working_days(academy, D(2026, 9, 11), 1) == D(2027, 9, 1)
    assert selectors.add_working_days(academy, D(2026, 9, 4), 400) > D(2028, 9, 1)


def test_calendars_for_many_academies_in_three_queries(
    academy_with_2026_27: Academy, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    others = AcademyFactory.create_batch(20, trust=academy_with_2026_27.trust)
    for other in others:
        TermFactory(academy=other, starts_on=D(2026, 9, 3), ends_on=D(2026, 12, 18))
        CalendarDayFactory(academy=other, date=D(2026, 11, 20), kind=CalendarDayKind.CLOSURE)
    ids = [academy_with_2026_27.pk, *(o.pk for o in others)]
    with django_assert_num_queries(3):
        small = selectors.calendars_for(ids[:2], D(2026, 9, 1), D(2027, 7, 31))
    with django_assert_num_queries(3):
        calendars = selectors.calendars_for(ids, D(2026, 9, 1), D(2027, 7, 31))
    assert set(small) == set(ids[:2])
    assert set(calendars) == set(ids)
    assert calendars[academy_with_2026_27.pk].is_working_day(D(2026, 11, 20))
    assert not calendars[others[0].pk].is_working_day(D(2026, 11, 20))
    # The range is widened to whole academic years plus one: due dates after it resolve.
    assert calendars[others[0].pk].covers(D(2028, 8, 31))


def test_a_sweep_over_ten_thousand_people_makes_no_queries(
    academy_with_2026_27: Academy, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    academies = [academy_with_2026_27, *AcademyFactory.create_batch(4)]
    calendars = selectors.calendars_for([a.pk for a in academies], D(2026, 9, 1), D(2027, 7, 31))
    observed = [D(2026, 9, 1) + dt.timedelta(days=i % 300) for i in range(10_000)]
    with django_assert_num_queries(0):
        due = [
            calendars[academies[i % len(academies)].pk].add_working_days(day, 5)
            for i, day in enumerate(observed)
        ]
    assert len(due) == 10_000
    assert due[0] == calendars[academy_with_2026_27.pk].add_working_days(D(2026, 9, 1), 5)


def test_calendars_for_nothing_asks_nothing(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    with django_assert_num_queries(0):
        assert selectors.calendars_for([], D(2026, 9, 1), D(2027, 7, 31)) == {}


def test_calendar_year_summary(academy_with_2026_27: Academy, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    with django_assert_num_queries(3):
        year = selectors.calendar_year(academy_with_2026_27, 2026)
    assert year.has_terms
    assert [row.term.name for row in year.terms][:2] == ["Autumn 1 2026", "Autumn 2 2026"]
    # Autumn 1: Thu 3 Sep - Fri 23 Oct 2026 = 2 + 6 * 5 + 5 = 37 weekdays, no bank holidays.
    assert year.terms[0].working_days == 37
    # Spring 2 (22 Feb - Thu 25 Mar 2027): 24 weekdays.
    assert year.terms[3].working_days == 24
    # Summer 1 (12 Apr - 28 May 2027): 35 weekdays less May Day and the polling-day closure.
    assert year.terms[4].working_days == 33
    term_days = sum(row.working_days for row in year.terms)
    assert year.working_days == term_days + 3  # plus the three INSET days outside terms
    assert [d.date for d in year.closure_days] == [D(2027, 5, 6)]
    assert len(year.inset_days) == 3


def test_calendar_year_without_terms(academy: Academy) -> None:
    year = selectors.calendar_year(academy, 2026)
    assert not year.has_terms
    assert year.working_days == 261 - 8  # weekdays of 2026-27 less 8 weekday bank holidays


def test_index_flags_academies_missing_term_dates(
    academy_with_2026_27: Academy, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    AcademyFactory.create_batch(5, trust=academy_with_2026_27.trust)
    AcademyFactory()  # another trust's
    with django_assert_num_queries(1):
        rows = list(
            selectors.academies_for_index(trust_id=academy_with_2026_27.trust_id, year=2026)
        )
    assert len(rows) == 6
    assert {a.name for a in rows if a.has_terms} == {"Oak Primary"}
    assert Term.objects.count() == 6 and CalendarDay.objects.count() == 4
