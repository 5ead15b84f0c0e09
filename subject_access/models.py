"""A request for a copy of everything the service holds about one member of staff (UK GDPR
art. 15), and the archive built for it.

The member of staff asks from their home page; HR asks on behalf of a current or former
member of staff of the trust (who asked, and the day it reached the trust, are recorded:
the one-month deadline of art. 12(3) runs from that day). The archive is built in the
background; its file is kept for ``SUBJECT_ACCESS_LINK_DAYS`` and then removed by the
nightly file clean-up, the row staying as the record that the request was answered.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from organisation.models import StaffMember, Trust


class RequestStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to be built"
    BUILDING = "building", "Being built"
    READY = "ready", "Ready to download"
    FAILED = "failed", "Could not be built"
    EXPIRED = "expired", "Link expired"


class AccessRequest(models.Model):
    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    on_behalf = models.BooleanField(
        default=False, help_text="HR asked for it on the person's behalf."
    )
    asked_by = models.CharField(
        max_length=200, blank=True, help_text="Who made the request to HR, and how."
    )
    received_on = models.DateField(help_text="The day the request reached the trust.")
    due_on = models.DateField(help_text="One month after it was received (UK GDPR art. 12(3)).")
    responded_on = models.DateField(
        null=True, blank=True, help_text="The day HR gave the copy to the person."
    )
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.QUEUED
    )
    parts_done = models.PositiveSmallIntegerField(default=0)
    parts_total = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    file = models.FileField(upload_to="subject_access/", max_length=200, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    size_bytes = models.PositiveBigIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = "copy of personal data"
        verbose_name_plural = "copies of personal data"
        indexes = [
            models.Index(fields=["trust", "staff"], name="subject_access_trust_staff"),
            models.Index(fields=["status", "expires_at"], name="subject_access_expiry"),
        ]

    def __str__(self) -> str:
        return f"Copy of personal data {self.pk}"

    @property
    def is_open(self) -> bool:
        """Still to be answered: HR's requests until HR records that the copy was given;
        a person's own until its archive is ready (or could not be built)."""
        if self.on_behalf:
            return self.responded_on is None
        return self.status in (RequestStatus.QUEUED, RequestStatus.BUILDING)

    @property
    def percent(self) -> int:
        if self.status in (RequestStatus.READY, RequestStatus.EXPIRED):
            return 100
        return int(100 * self.parts_done / self.parts_total) if self.parts_total else 0
