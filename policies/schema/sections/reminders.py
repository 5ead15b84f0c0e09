"""The policy document's section: Reminders."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from ..base import _Frozen


class ReminderSettings(_Frozen):
    """When people are reminded of what they have due (the daily digest email)."""

    TITLE: ClassVar[str] = "Reminders"
    EFFECTS: ClassVar[dict[str, str]] = {
        "days_before": "Sets how many working days before a due date the daily reminder "
        "email first lists it as coming up for the person responsible (0: no early "
        "reminder).",
        "remind_on_day": "Decides whether the daily reminder email lists a deadline as due "
        "today on its due date (or the last working day before it); when off, the coming-up "
        "reminder runs until the day before.",
        "remind_when_overdue_every_days": "Sets how many working days apart the daily "
        "reminder email repeats a deadline once it is overdue, until it is done (0: no "
        "overdue reminders).",
    }

    days_before: int = Field(
        5,
        ge=0,
        le=30,
        title="First reminder (working days before)",
        description="How many working days before something is due the person responsible "
        "is first reminded. 0 sends no early reminder.",
    )
    remind_on_day: bool = Field(
        True,
        title="Remind on the day it is due",
        description="Also remind on the due date itself (the last working day before it, "
        "when it falls on a day the academy is closed).",
    )
    remind_when_overdue_every_days: int = Field(
        5,
        ge=0,
        le=60,
        title="When overdue, remind every (working days)",
        description="Once something is overdue, remind again every this many working days "
        "until it is done. 0 sends no overdue reminders.",
    )
