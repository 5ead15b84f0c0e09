"""The policy document's section: The appraisal cycle."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import ClassVar

from pydantic import Field, model_validator

from ..base import FieldError, MonthDay, _Frozen, md


class CycleSettings(_Frozen):
    """When the appraisal year runs."""

    TITLE: ClassVar[str] = "The appraisal cycle"

    EFFECTS: ClassVar[dict[str, str]] = {
        "starts_on": "Sets the day each cycle starts when the year is opened, and so every "
        "deadline counted from it.",
        "length_months": "Sets the day a cycle ends when no end day is set, when the year is "
        "opened, and the latest a part-year starter's first cycle may run to.",
        "ends_on": "Ends each cycle on this day instead of after its full length, when the "
        "year is opened.",
        "formal_mid_year_review": "When off, cycles have no mid-point check-in (none can be "
        "planned and no deadline or reminder for one appears) and the appraisal record says "
        "there is no formal mid-year review.",
        "evidence_reviewed_through_year": "When on, the appraisal record tells reviewer and "
        "member of staff that evidence is looked at as it is added through the year; when "
        "off, that it is looked at at the end-of-year review.",
    }

    starts_on: MonthDay = Field(
        default_factory=lambda: md(9, 1),
        title="Cycle starts on",
        description="The day each appraisal cycle begins.",
    )
    length_months: int = Field(
        12,
        ge=1,
        le=24,
        title="Cycle length (months)",
        description="How long a cycle runs, unless an end day is set below.",
    )
    ends_on: MonthDay | None = Field(
        None,
        title="Cycle ends on",
        description="Set only when the cycle ends earlier than its full length (for example "
        "September to July). Leave empty to run the full length.",
    )
    formal_mid_year_review: bool = Field(
        True,
        title="A formal mid-year review takes place",
        description="Whether there is a formal review part-way through the year. The "
        "meetings section says how often.",
    )
    evidence_reviewed_through_year: bool = Field(
        True,
        title="Evidence is reviewed throughout the year",
        description="Reviewers look at evidence as it is added, not only at the end.",
    )

    @model_validator(mode="after")
    def _ends_within_length(self) -> CycleSettings:
        if self.ends_on is not None:
            start, end = self.dates_for(2024)
            if end <= start:
                raise FieldError("The cycle must end after it starts.", field="ends_on")
        return self

    def dates_for(self, year: int) -> tuple[dt.date, dt.date]:
        """First and last day of the cycle that starts in ``year``."""
        start = self.starts_on.in_year(year)
        full_end = _add_months(start, self.length_months) - dt.timedelta(days=1)
        if self.ends_on is None:
            return start, full_end
        end = self.ends_on.next_on_or_after(start + dt.timedelta(days=1))
        return start, min(end, full_end)

    def cycle_containing(self, on: dt.date) -> tuple[dt.date, dt.date]:
        """The cycle (first and last day) that is running on ``on``, or the next one if
        ``on`` falls in a gap between cycles (e.g. August for a September-July cycle)."""
        for year in (on.year - 1, on.year):
            start, end = self.dates_for(year)
            if start <= on <= end:
                return start, end
        return self.dates_for(on.year if self.starts_on.in_year(on.year) > on else on.year + 1)


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
