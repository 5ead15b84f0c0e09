"""The working-day rules, pure: no database.

Notice periods and deadlines in working days: classic §5.2.4 (verbal feedback within 2
working days, written within 5), leger §9 and §11 (5 working days' notice), aspire §11.2
(10 working days' notice); staploe's "feedback within 48 hours" uses ``due_after_hours``.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from calendars.working_days import (
    HolidayOverride,
    OutsideCalendarRange,
    WorkingCalendar,
    academic_year_bounds,
    academic_year_of,
    england_bank_holidays,
)

from .dates import HALF_TERM_INSET, INSET_2026_27, POLLING_DAY_CLOSURE, TERMS_2026_27

D = dt.date
LONDON = ZoneInfo("Europe/London")
FIRST, LAST = D(2025, 9, 1), D(2028, 8, 31)


def make_calendar(
    *,
    terms: list[tuple[dt.date, dt.date]] | None = None,
    insets: list[dt.date] | None = None,
    closures: list[dt.date] | None = None,
    overrides: list[HolidayOverride] | None = None,
    first: dt.date = FIRST,
    last: dt.date = LAST,
) -> WorkingCalendar:
    return WorkingCalendar(
        first_day=first,
        last_day=last,
        bank_holidays=england_bank_holidays(first, last, overrides or []),
        terms=terms or [],
        inset_days=insets or [],
        closure_days=closures or [],
    )


def oak_2026_27(**extra: object) -> WorkingCalendar:
    """Oak Primary: 2026-27 terms, two INSET days before term, an INSET day in half-term,
    a polling-day closure."""
    return make_calendar(
        terms=[(start, end) for _, start, end in TERMS_2026_27],
        insets=[*INSET_2026_27, HALF_TERM_INSET],
        closures=[POLLING_DAY_CLOSURE],
        **extra,  # type: ignore[arg-type]
    )


NO_TERMS = make_calendar()


# ----- Bank holidays and academic years ------------------------------------------------------


def test_england_bank_holidays_2026_27_are_englands_only() -> None:
    found = england_bank_holidays(D(2026, 9, 1), D(2027, 8, 31))
    assert list(found) == [
        D(2026, 12, 25),
        D(2026, 12, 26),
        D(2026, 12, 28),  # Boxing Day (substitute)
        D(2027, 1, 1),
        D(2027, 3, 26),  # Good Friday
        D(2027, 3, 29),  # Easter Monday
        D(2027, 5, 3),
        D(2027, 5, 31),
        D(2027, 8, 30),
    ]
    assert found[D(2027, 3, 26)] == "Good Friday"


def test_academic_year_runs_september_to_august() -> None:
    assert academic_year_of(D(2026, 9, 1)) == 2026
    assert academic_year_of(D(2027, 8, 31)) == 2026
    assert academic_year_of(D(2026, 8, 31)) == 2025
    assert academic_year_bounds(2026) == (D(2026, 9, 1), D(2027, 8, 31))


# ----- Christmas ------------------------------------------------------------------------------


def test_five_working_days_after_end_of_autumn_term_lands_in_january() -> None:
    # classic §5.2.4: written feedback within 5 working days of an observation on the last
    # day of term (Fri 18 Dec 2026). The Christmas holiday and the bank holidays (25 and 28
    # Dec, 1 Jan) do not count; spring term starts Mon 4 Jan 2027.
    assert oak_2026_27().add_working_days(D(2026, 12, 18), 5) == D(2027, 1, 8)


def test_without_terms_christmas_week_counts_but_bank_holidays_do_not() -> None:
    # 21, 22, 23, 24 Dec then (25 Christmas, 28 Boxing Day substitute) 29 Dec.
    assert NO_TERMS.add_working_days(D(2026, 12, 18), 5) == D(2026, 12, 29)
    # ... 29, 30, 31 Dec, (1 Jan New Year's Day) 4, 5 Jan.
    assert NO_TERMS.add_working_days(D(2026, 12, 18), 9) == D(2027, 1, 5)
    assert NO_TERMS.why_not_working(D(2027, 1, 1)) == "bank holiday (New Year's Day)"


# ----- Easter ---------------------------------------------------------------------------------


def test_easter_2027_bank_holidays_without_terms() -> None:
    # Good Friday 26 Mar and Easter Monday 29 Mar 2027 are not working days.
    assert not NO_TERMS.is_working_day(D(2027, 3, 26))
    assert not NO_TERMS.is_working_day(D(2027, 3, 29))
    assert NO_TERMS.add_working_days(D(2027, 3, 25), 1) == D(2027, 3, 30)
    # leger §11: 5 working days' notice from Thu 25 Mar: 30, 31 Mar, 1, 2, 5 Apr.
    assert NO_TERMS.add_working_days(D(2027, 3, 25), 5) == D(2027, 4, 5)


def test_easter_holiday_between_terms_is_not_working() -> None:
    cal = oak_2026_27()
    # Spring 2 ends Thu 25 Mar; summer term starts Mon 12 Apr 2027.
    assert cal.add_working_days(D(2027, 3, 25), 1) == D(2027, 4, 12)
    assert cal.why_not_working(D(2027, 4, 6)) == "school holiday"
    assert cal.why_not_working(D(2027, 3, 29)) == "bank holiday (Easter Monday)"


def test_easter_bank_holidays_inside_a_term_do_not_count() -> None:
    # An academy whose spring term runs over the Easter weekend (holiday 5-16 Apr 2027).
    cal = make_calendar(terms=[(D(2027, 2, 22), D(2027, 4, 2)), (D(2027, 4, 19), D(2027, 5, 28))])
    assert cal.working_days_between(D(2027, 3, 25), D(2027, 3, 30)) == 1
    # 22 Feb - 2 Apr: 6 weeks of 5 days less Good Friday and Easter Monday.
    assert cal.count_working_days(D(2027, 2, 22), D(2027, 4, 2)) == 28


# ----- Half-terms, INSET and closure days ------------------------------------------------------


def test_october_half_term_is_a_gap_between_terms() -> None:
    cal = make_calendar(terms=[(start, end) for _, start, end in TERMS_2026_27])
    assert cal.why_not_working(D(2026, 10, 26)) == "school holiday"
    assert cal.add_working_days(D(2026, 10, 23), 1) == D(2026, 11, 2)


def test_inset_day_in_half_term_week_counts_as_working() -> None:
    cal = oak_2026_27()
    assert cal.is_working_day(HALF_TERM_INSET)
    assert cal.add_working_days(D(2026, 10, 23), 1) == HALF_TERM_INSET
    assert cal.add_working_days(D(2026, 10, 23), 2) == D(2026, 11, 2)
    # The INSET days before the autumn term opens count too.
    assert cal.is_working_day(D(2026, 9, 1))
    assert not cal.is_working_day(D(2027, 7, 23))  # summer holiday


def test_closure_day_does_not_count_even_in_term() -> None:
    cal = oak_2026_27()
    assert cal.why_not_working(POLLING_DAY_CLOSURE) == "closure day"
    assert cal.add_working_days(D(2027, 5, 5), 1) == D(2027, 5, 7)
    # A closure day also stops a weekday counting when no terms are entered.
    assert not make_calendar(closures=[D(2026, 11, 10)]).is_working_day(D(2026, 11, 10))


def test_weekends_never_count() -> None:
    assert oak_2026_27().why_not_working(D(2026, 9, 5)) == "weekend"


def test_inset_day_on_a_bank_holiday_does_not_count() -> None:
    cal = make_calendar(insets=[D(2027, 8, 30)])
    assert not cal.is_working_day(D(2027, 8, 30))


# ----- Bank holiday overrides -----------------------------------------------------------------


def test_override_adds_an_extra_bank_holiday() -> None:
    extra = HolidayOverride(date=D(2027, 5, 14), name="Extra bank holiday", is_holiday=True)
    cal = oak_2026_27(overrides=[extra])
    assert cal.why_not_working(D(2027, 5, 14)) == "bank holiday (Extra bank holiday)"
    assert cal.add_working_days(D(2027, 5, 13), 1) == D(2027, 5, 17)


def test_override_cancels_a_listed_bank_holiday() -> None:
    # As in 2020, when the early May bank holiday moved to a Friday.
    moved = [
        HolidayOverride(date=D(2027, 5, 3), name="Early May bank holiday", is_holiday=False),
        HolidayOverride(date=D(2027, 5, 7), name="Early May bank holiday", is_holiday=True),
    ]
    cal = oak_2026_27(overrides=moved)
    assert cal.is_working_day(D(2027, 5, 3))
    assert not cal.is_working_day(D(2027, 5, 7))
    assert oak_2026_27().is_working_day(D(2027, 5, 7))


# ----- Academies without terms, and Scotland ---------------------------------------------------


def test_academy_without_terms_counts_every_weekday_but_bank_holidays() -> None:
    assert NO_TERMS.is_working_day(D(2026, 10, 26))  # half-term elsewhere
    assert NO_TERMS.is_working_day(D(2026, 8, 3))
    # 15 weekdays from 21 Dec to 8 Jan, less 25 Dec, 28 Dec and 1 Jan.
    assert NO_TERMS.count_working_days(D(2026, 12, 21), D(2027, 1, 8)) == 12


def test_terms_for_one_year_do_not_affect_the_next() -> None:
    cal = oak_2026_27()
    assert cal.has_terms_for(2026)
    assert not cal.has_terms_for(2027)
    assert not cal.is_working_day(D(2027, 8, 23))  # 2026-27 summer holiday
    assert cal.is_working_day(D(2027, 9, 6))  # 2027-28: nothing entered yet


@pytest.mark.parametrize(
    "day",
    [
        D(2026, 1, 2),  # Scotland's 2 January
        D(2026, 8, 3),  # Scotland's summer bank holiday
        D(2026, 11, 30),  # St Andrew's Day
        D(2027, 1, 4),  # Scotland's New Year holiday (substitute)
        D(2027, 3, 17),  # St Patrick's Day (Northern Ireland)
        D(2027, 7, 12),  # Battle of the Boyne (Northern Ireland)
    ],
)
def test_scottish_and_northern_irish_holidays_are_working_days(day: dt.date) -> None:
    assert NO_TERMS.is_working_day(day)


def test_scotland_new_year_substitute_does_not_push_a_deadline() -> None:
    # Spring term opens Mon 4 Jan 2027, a bank holiday in Scotland only.
    assert oak_2026_27().add_working_days(D(2026, 12, 18), 1) == D(2027, 1, 4)


# ----- Counting rules -------------------------------------------------------------------------


def test_start_day_does_not_count_and_zero_means_next_working_day() -> None:
    cal = oak_2026_27()
    assert cal.add_working_days(D(2026, 11, 2), 1) == D(2026, 11, 3)
    assert cal.add_working_days(D(2026, 11, 2), 0) == D(2026, 11, 2)
    assert cal.add_working_days(D(2026, 11, 7), 0) == D(2026, 11, 9)  # Saturday -> Monday
    assert cal.add_working_days(D(2026, 11, 7), 1) == D(2026, 11, 9)


def test_negative_counts_go_backwards() -> None:
    cal = oak_2026_27()
    # aspire §11.2: 10 working days' notice of a meeting on Mon 16 Nov 2026: send by Mon 2 Nov.
    assert cal.add_working_days(D(2026, 11, 16), -10) == D(2026, 11, 2)
    assert cal.add_working_days(D(2026, 11, 2), -1) == HALF_TERM_INSET
    assert cal.add_working_days(D(2026, 11, 2), -2) == D(2026, 10, 23)


def test_working_days_between_is_the_inverse_of_add() -> None:
    cal = oak_2026_27()
    start = D(2026, 9, 1)
    for offset in range(0, 300, 7):
        day = start + dt.timedelta(days=offset)
        for n in (1, 2, 5, 10, 40, -1, -5, -10):
            try:
                target = cal.add_working_days(day, n)
            except OutsideCalendarRange:
                continue
            assert cal.working_days_between(day, target) == n, (day, n)


def test_working_days_between_counts_end_not_start() -> None:
    cal = oak_2026_27()
    assert cal.working_days_between(D(2026, 11, 2), D(2026, 11, 6)) == 4
    assert cal.working_days_between(D(2026, 11, 6), D(2026, 11, 2)) == -4
    assert cal.working_days_between(D(2026, 11, 2), D(2026, 11, 2)) == 0


def test_questions_outside_the_loaded_range_are_refused() -> None:
    cal = make_calendar(first=D(2026, 9, 1), last=D(2026, 9, 30))
    with pytest.raises(OutsideCalendarRange):
        cal.is_working_day(D(2026, 10, 1))
    with pytest.raises(OutsideCalendarRange):
        cal.add_working_days(D(2026, 9, 28), 5)
    with pytest.raises(OutsideCalendarRange):
        cal.add_working_days(D(2026, 9, 2), -5)


# ----- Deadlines in hours ---------------------------------------------------------------------


def test_48_hours_is_two_working_days_at_the_same_time() -> None:
    # staploe: observation feedback "within 48 hours" = 2 working days.
    observed = dt.datetime(2026, 12, 18, 10, 0, tzinfo=LONDON)
    assert NO_TERMS.due_after_hours(observed, 48) == dt.datetime(2026, 12, 22, 10, tzinfo=LONDON)
    assert oak_2026_27().due_after_hours(observed, 48) == dt.datetime(2027, 1, 5, 10, tzinfo=LONDON)


def test_part_days_round_up_and_clock_changes_keep_local_time() -> None:
    cal = oak_2026_27()
    friday = dt.datetime(2026, 10, 23, 15, 0, tzinfo=LONDON)  # BST
    due = cal.due_after_hours(friday, 30)  # 2 working days: Fri 30 Oct (INSET), Mon 2 Nov
    assert due == dt.datetime(2026, 11, 2, 15, 0, tzinfo=LONDON)
    assert due.utcoffset() == dt.timedelta(0)  # GMT by then
    assert cal.due_after_hours(friday, 24).date() == HALF_TERM_INSET
    with pytest.raises(ValueError):
        cal.due_after_hours(dt.datetime(2026, 10, 23, 15, 0), 48)
