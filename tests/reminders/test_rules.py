"""When a deadline earns a reminder: working days across Christmas and a half-term.

Pure rules over a real academy calendar (2026-27 terms, England's bank holidays); no
database."""

from __future__ import annotations

import datetime as dt

import pytest

from calendars.working_days import WorkingCalendar, england_bank_holidays
from policies.schema import ReminderSettings
from reminders.models import ReminderStage
from reminders.rules import ReminderDue, last_working_day_by, reminder_due

from .factories import TERMS_2026_27

D = dt.date
FIRST, LAST = D(2025, 9, 1), D(2027, 8, 31)
CALENDAR = WorkingCalendar(
    first_day=FIRST,
    last_day=LAST,
    bank_holidays=england_bank_holidays(FIRST, LAST),
    terms=[(s, e) for _, s, e in TERMS_2026_27],
)
SETTINGS = ReminderSettings(days_before=3, remind_on_day=True, remind_when_overdue_every_days=5)


def due(
    due_on: dt.date, today: dt.date, settings: ReminderSettings = SETTINGS
) -> ReminderDue | None:
    return reminder_due(due_on=due_on, today=today, calendar=CALENDAR, settings=settings)


def days_reminded(due_on: dt.date, first: dt.date, last: dt.date) -> dict[dt.date, ReminderDue]:
    found = {}
    day = first
    while day <= last:
        answer = due(due_on, day)
        if answer is not None:
            found[day] = answer
        day += dt.timedelta(days=1)
    return found


def test_coming_up_counts_back_working_days_across_christmas() -> None:
    # Due Wednesday 6 January 2027. Three working days before, counting back over the
    # Christmas holiday (school closed 21 December to 1 January, with the Christmas and New
    # Year bank holidays inside it): Tuesday 5 January is one, Monday 4 January two, Friday
    # 18 December three.
    reminders = days_reminded(D(2027, 1, 6), D(2026, 12, 1), D(2027, 1, 6))
    assert reminders[D(2026, 12, 18)] == ReminderDue(ReminderStage.BEFORE)
    assert D(2026, 12, 17) not in reminders
    assert reminders[D(2027, 1, 4)] == reminders[D(2027, 1, 5)] == ReminderDue(ReminderStage.BEFORE)
    # Nobody is chased in the holiday.
    assert not any(D(2026, 12, 19) <= day <= D(2027, 1, 3) for day in reminders)
    assert reminders[D(2027, 1, 6)] == ReminderDue(ReminderStage.ON_DAY)


def test_due_in_the_holiday_is_reminded_on_the_last_working_day_before() -> None:
    # Due Thursday 31 December 2026 (the headteacher's review date, classic §2.1): the
    # academy is closed, so "due today" comes on Friday 18 December.
    assert last_working_day_by(CALENDAR, D(2026, 12, 31)) == D(2026, 12, 18)
    assert due(D(2026, 12, 31), D(2026, 12, 18)) == ReminderDue(ReminderStage.ON_DAY)
    assert due(D(2026, 12, 31), D(2026, 12, 31)) is None
    # Overdue from the first working day after it, Monday 4 January.
    assert due(D(2026, 12, 31), D(2027, 1, 4)) == ReminderDue(ReminderStage.OVERDUE, 1)


def test_overdue_repeats_every_n_working_days_skipping_february_half_term() -> None:
    # Due Thursday 11 February 2027; half-term is 15-19 February.
    reminders = days_reminded(D(2027, 2, 11), D(2027, 2, 12), D(2027, 3, 12))
    overdue = {day: r.occurrence for day, r in reminders.items()}
    # First overdue reminder: Friday 12 February (1 working day late). The second comes
    # after 5 more working days: 22, 23, 24, 25, 26 February, so on Friday 26 February.
    assert overdue[D(2027, 2, 12)] == 1
    assert overdue[D(2027, 2, 26)] == 2
    assert overdue[D(2027, 3, 5)] == 3
    assert all(r.stage == ReminderStage.OVERDUE for r in reminders.values())
    # No reminder at all in half-term week or at weekends.
    assert not any(D(2027, 2, 13) <= day <= D(2027, 2, 21) for day in reminders)
    # Each occurrence's window keeps its number, so a missed day catches up without a repeat.
    assert overdue[D(2027, 2, 22)] == 1 and overdue[D(2027, 2, 25)] == 1


def test_settings_switch_stages_off() -> None:
    quiet = ReminderSettings(days_before=0, remind_on_day=False, remind_when_overdue_every_days=0)
    assert days_reminded(D(2026, 11, 18), D(2026, 11, 1), D(2026, 12, 18)) != {}
    quiet_days = {}
    day = D(2026, 11, 1)
    while day <= D(2026, 12, 18):
        if (answer := due(D(2026, 11, 18), day, quiet)) is not None:
            quiet_days[day] = answer
        day += dt.timedelta(days=1)
    assert quiet_days == {}


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2026, 11, 12), None),  # Thursday: four working days before
        (D(2026, 11, 13), ReminderDue(ReminderStage.BEFORE)),  # three working days before
        (D(2026, 11, 16), ReminderDue(ReminderStage.BEFORE)),  # catch-up window
        (D(2026, 11, 17), ReminderDue(ReminderStage.BEFORE)),
        (D(2026, 11, 18), ReminderDue(ReminderStage.ON_DAY)),
        (D(2026, 11, 19), ReminderDue(ReminderStage.OVERDUE, 1)),
        (D(2026, 11, 21), None),  # Saturday
    ],
)
def test_stage_on_each_day_around_an_ordinary_due_date(
    today: dt.date, expected: ReminderDue | None
) -> None:
    assert due(D(2026, 11, 18), today) == expected


def test_no_on_day_reminder_extends_coming_up_to_the_day_before() -> None:
    settings = ReminderSettings(
        days_before=2, remind_on_day=False, remind_when_overdue_every_days=0
    )
    assert due(D(2026, 11, 18), D(2026, 11, 17), settings) == ReminderDue(ReminderStage.BEFORE)
    assert due(D(2026, 11, 18), D(2026, 11, 18), settings) is None


# ----- Each setting on its own: the same deadline, one setting changed -------------------

ORDINARY_DUE = D(2026, 11, 18)  # a Wednesday in term


@pytest.mark.policy_setting("reminders.days_before")
def test_days_before_sets_the_first_coming_up_reminder() -> None:
    five = SETTINGS.model_copy(update={"days_before": 5})
    none = SETTINGS.model_copy(update={"days_before": 0})
    # Wednesday 11 November is five working days before; Friday 13th is three.
    assert due(ORDINARY_DUE, D(2026, 11, 11)) is None
    assert due(ORDINARY_DUE, D(2026, 11, 11), five) == ReminderDue(ReminderStage.BEFORE)
    assert due(ORDINARY_DUE, D(2026, 11, 13)) == ReminderDue(ReminderStage.BEFORE)
    assert due(ORDINARY_DUE, D(2026, 11, 17), none) is None


@pytest.mark.policy_setting("reminders.remind_on_day")
def test_remind_on_day_decides_the_due_today_reminder() -> None:
    off = SETTINGS.model_copy(update={"remind_on_day": False})
    assert due(ORDINARY_DUE, ORDINARY_DUE) == ReminderDue(ReminderStage.ON_DAY)
    assert due(ORDINARY_DUE, ORDINARY_DUE, off) is None
    # The coming-up reminder is still there the day before, either way.
    assert due(ORDINARY_DUE, D(2026, 11, 17), off) == ReminderDue(ReminderStage.BEFORE)


@pytest.mark.policy_setting("reminders.remind_when_overdue_every_days")
def test_overdue_every_days_sets_how_often_an_overdue_item_is_repeated() -> None:
    every_two = SETTINGS.model_copy(update={"remind_when_overdue_every_days": 2})
    never = SETTINGS.model_copy(update={"remind_when_overdue_every_days": 0})
    # Monday 23 November is three working days late: still the first overdue reminder
    # every five days, the second every two.
    assert due(ORDINARY_DUE, D(2026, 11, 23)) == ReminderDue(ReminderStage.OVERDUE, 1)
    assert due(ORDINARY_DUE, D(2026, 11, 23), every_two) == ReminderDue(ReminderStage.OVERDUE, 2)
    assert due(ORDINARY_DUE, D(2026, 11, 19), never) is None
