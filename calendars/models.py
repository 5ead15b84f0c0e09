"""Academy calendars: terms, INSET and closure days, and one-off bank holiday changes.

Together with England's bank holidays (the ``holidays`` package) they answer "is this a
working day at this academy" and "which date is N working days after D".
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from organisation.models import Academy


class Term(models.Model):
    """A term as the academy publishes it. Days between terms are school holidays."""

    academy = models.ForeignKey(Academy, on_delete=models.CASCADE, related_name="terms")
    name = models.CharField(max_length=60, help_text='e.g. "Autumn 1 2026"')
    starts_on = models.DateField()
    ends_on = models.DateField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="term_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.starts_on:%d %b %Y} to {self.ends_on:%d %b %Y})"


class CalendarDayKind(models.TextChoices):
    INSET = "inset", "INSET (staff training) day: staff work, pupils do not"
    CLOSURE = "closure", "Closure day: nobody works"


class CalendarDay(models.Model):
    academy = models.ForeignKey(Academy, on_delete=models.CASCADE, related_name="calendar_days")
    date = models.DateField()
    kind = models.CharField(max_length=10, choices=CalendarDayKind.choices)
    description = models.CharField(max_length=120, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["academy", "date"], name="one_calendar_entry_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d %b %Y}: {self.get_kind_display()}"


class BankHolidayOverride(models.Model):
    """A one-off change to England's bank holidays (a royal occasion, a moved holiday)."""

    date = models.DateField(unique=True)
    name = models.CharField(max_length=120)
    is_holiday = models.BooleanField(
        default=True, help_text="Untick to cancel a bank holiday the holidays package lists."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d %b %Y} {self.name}"
