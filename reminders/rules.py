"""When a deadline earns a reminder: pure rules, no database.

A reminder goes out only on a working day of the appraisee's academy (nobody is chased in
the summer holiday or at a weekend), in one of three stages:

- *coming up*: from ``days_before`` working days before the due date until the day
  before the "due today" reminder. The stage is sent once; if the sweep did not run on
  the first day of that window (a server down overnight), the next working day catches up;
- *due today*: on the due date, or on the last working day before it when the academy is
  closed on the due date itself;
- *overdue*: on the first working day after the due date, then every
  ``remind_when_overdue_every_days`` working days until done. Each repeat has its own
  number (``occurrence``) so it is sent once, and a missed day is caught up the same way.

The numbers come from the policy version pinned to the cycle (``rules.reminders``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .models import ReminderStage

if TYPE_CHECKING:
    from calendars.working_days import WorkingCalendar
    from policies.schema import ReminderSettings

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class ReminderDue:
    stage: ReminderStage
    occurrence: int = 0


def last_working_day_by(calendar: WorkingCalendar, day: dt.date) -> dt.date:
    """``day`` if it is a working day, else the last working day before it."""
    return calendar.add_working_days(day + ONE_DAY, -1)


def reminder_due(
    *,
    due_on: dt.date,
    today: dt.date,
    calendar: WorkingCalendar,
    settings: ReminderSettings,
) -> ReminderDue | None:
    """Which reminder (if any) the person responsible for a deadline due on ``due_on``
    should get ``today``. The calendar must cover both dates and some working days on
    either side (``calendars.selectors.calendars_for`` loads whole academic years)."""
    if not calendar.is_working_day(today):
        return None
    if today > due_on:
        every = settings.remind_when_overdue_every_days
        if every <= 0:
            return None
        late = calendar.working_days_between(due_on, today)
        if late < 1:
            return None
        return ReminderDue(ReminderStage.OVERDUE, occurrence=(late - 1) // every + 1)
    last_day = last_working_day_by(calendar, due_on)
    if settings.remind_on_day and today == last_day:
        return ReminderDue(ReminderStage.ON_DAY)
    if settings.days_before > 0 and today < due_on:
        first_day = calendar.add_working_days(due_on, -settings.days_before)
        if first_day <= today and (today < last_day or not settings.remind_on_day):
            return ReminderDue(ReminderStage.BEFORE)
    return None
