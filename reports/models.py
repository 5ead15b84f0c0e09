"""The headteacher's report to the governing body (leger §13): each term, the academy's
figures from the suppressed appraisal-year report, with the headteacher's own commentary.

The figures are never stored: the report is laid out from the year's suppressed report each
time it is read, so it shows exactly what the governors' report page shows. What the
headteacher writes is kept with its history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from organisation.models import Academy, Trust


class SchoolTerm(models.TextChoices):
    AUTUMN = "autumn", "Autumn term"
    SPRING = "spring", "Spring term"
    SUMMER = "summer", "Summer term"


class TermlyReportState(models.TextChoices):
    DRAFT = "draft", "Draft"
    ISSUED = "issued", "Issued to the governors"


class HeadteacherReport(models.Model):
    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="+")
    academy = models.ForeignKey(Academy, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField(help_text="The academic year's first calendar year.")
    term = models.CharField(max_length=10, choices=SchoolTerm.choices)
    commentary = models.TextField(blank=True)
    state = models.CharField(
        max_length=10, choices=TermlyReportState.choices, default=TermlyReportState.DRAFT
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "term", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["academy", "year", "term"], name="one_headteacher_report_per_term"
            )
        ]

    def __str__(self) -> str:
        return f"Headteacher's report, {self.get_term_display()} {self.year} to {self.year + 1}"

    @property
    def is_issued(self) -> bool:
        return self.state == TermlyReportState.ISSUED
