"""Who looked at which confidential record, and who was refused: append-only.

History (django-simple-history) records writes; reading an appraisal leaves no trace there,
so views of confidential records call ``audit.services.record_access``. Refusals (a 404 or
403 for a record that exists) and lockouts are ``SecurityEvent`` rows.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete an audit row."""


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("Audit rows cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit rows cannot be deleted.")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Audit rows cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit rows cannot be deleted.")


class AccessAction(models.TextChoices):
    VIEW = "view", "Viewed"
    DOWNLOAD = "download", "Downloaded"
    EXPORT = "export", "Exported"


class AccessLogEntry(AppendOnlyModel):
    trust = models.ForeignKey("organisation.Trust", on_delete=models.PROTECT, related_name="+")
    # Accounts are deactivated, not deleted; if one ever is, the row stays without a name.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=12, choices=AccessAction.choices)
    object_type = models.CharField(max_length=100, help_text='e.g. "cycles.cycle".')
    object_id = models.CharField(max_length=64)
    label = models.CharField(
        max_length=200, blank=True, help_text="Names the record, never its content."
    )
    ip = models.GenericIPAddressField("IP address", null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "access log entry"
        verbose_name_plural = "access log"
        indexes = [
            models.Index(fields=["trust", "at"], name="audit_access_trust_at"),
            models.Index(fields=["trust", "user", "at"], name="audit_access_trust_user_at"),
            # The retention purge finds and deletes the rows naming each destroyed record.
            models.Index(fields=["object_type", "object_id"], name="audit_access_object"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_type} {self.object_id}"

    @property
    def record_name(self) -> str:
        """What HR reads in the log: the label written with the row (the record's name, e.g.
        "Appraisal 2026-27, Jo Smith"), else the kind of record in words."""
        if self.label:
            return self.label
        try:
            model = apps.get_model(self.object_type)
        except (LookupError, ValueError):
            return "A record no longer in the service"
        return f"{capfirst(model._meta.verbose_name)}, record number {self.object_id}"


class SecurityEventKind(models.TextChoices):
    NOT_FOUND = "not_found", "Refused: record not visible to them"
    FORBIDDEN = "forbidden", "Refused: action not allowed"
    LOCKED_OUT = "locked_out", "Account locked after failed sign-ins"
    TWO_STEP_WRONG = "two_step_wrong", "Wrong two-step verification code"
    TWO_STEP_LIMITED = "two_step_limit", "Two-step code refused: too many tries"


class SecurityEvent(AppendOnlyModel):
    # Null when the attempt cannot be tied to a trust (an address no account has).
    trust = models.ForeignKey(
        "organisation.Trust", on_delete=models.PROTECT, null=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=16, choices=SecurityEventKind.choices)
    path = models.CharField(max_length=500)
    ip = models.GenericIPAddressField("IP address", null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["trust", "at"], name="audit_security_trust_at"),
            models.Index(fields=["trust", "user", "at"], name="audit_security_trust_user_at"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.path}"
