"""Pure rules of a request for a copy of personal data (no database)."""

from __future__ import annotations

import calendar
import datetime as dt


def one_month_after(day: dt.date) -> dt.date:
    """The day a request received on ``day`` must be answered by (UK GDPR art. 12(3), as
    the ICO counts it): the same date next month, or that month's last day when it has no
    such date (received 31 January: due 28 or 29 February)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_status(*, due_on: dt.date, today: dt.date, soon_days: int = 7) -> str:
    """``overdue``, ``today``, ``soon`` (within ``soon_days``) or ``later``."""
    if due_on < today:
        return "overdue"
    if due_on == today:
        return "today"
    if (due_on - today).days <= soon_days:
        return "soon"
    return "later"
