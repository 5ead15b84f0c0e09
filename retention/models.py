"""Retention: legal holds, the purge ledger (the record of destruction), and files waiting
to be deleted once the database rows that named them are gone."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from audit.models import AppendOnlyModel
from organisation.models import StaffMember, Trust

from .registry import retention_registry


class LegalHold(models.Model):
    """HR's instruction to keep a record (one appraisal record or other registered root,
    or everything about one member of staff) past its retention period: litigation, a
    tribunal, a subject access request in progress. Lifting it lets the next nightly purge
    destroy the record if it has expired.
    """

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="+")
    # The held record, by its root's registered key (``retention.registry``) and id. A
    # hold on a record is part of that record's tree: while it is in place the purge
    # skips the tree; once lifted, the purge destroys it (and its history, with HR's
    # reasons) with the record. The ledger's row counts keep the fact that it existed.
    root_kind = models.CharField(
        max_length=40, blank=True, help_text='The kind of record held, e.g. "appraisal_cycle".'
    )
    root_id = models.BigIntegerField(
        null=True,
        blank=True,
        help_text="The held record's number (the purge looks holds up by it).",
    )
    staff_member = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=300)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    set_at = models.DateTimeField(auto_now_add=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-set_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(root_id__isnull=False) & ~Q(root_kind=""))
                | Q(staff_member__isnull=False),
                name="legal_hold_names_a_record",
            ),
        ]
        indexes = [
            models.Index(
                fields=["root_kind", "root_id"],
                condition=Q(lifted_at__isnull=True),
                name="legal_hold_active_root",
            ),
        ]

    def __str__(self) -> str:
        what = (
            f"{self.root_kind} {self.root_id}" if self.root_id else f"staff {self.staff_member_id}"
        )
        return f"Legal hold on {what}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None

    @property
    def root_label(self) -> str:
        """What HR calls the held record's kind ("Appraisal record")."""
        root = retention_registry.root(self.root_kind)
        return root.label if root is not None else self.root_kind.replace("_", " ").capitalize()


class PurgeLedgerEntry(AppendOnlyModel):
    """One destroyed record tree. Numbers, dates and a hash only: no name, no content, so
    the ledger can be kept for ever and replayed after a restore from backup."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="+")
    # What was destroyed, by its registered record type (``retention.registry``): a root
    # ("appraisal_record", the whole cycle) or a record type under one ("observation").
    record_type = models.CharField(max_length=40)
    record_id = models.BigIntegerField()
    # The root it was (or is) under; the same as the record for a root.
    root_kind = models.CharField(max_length=40, blank=True)
    root_id = models.BigIntegerField(null=True, blank=True)
    appraisee_staff_id = models.BigIntegerField(null=True, blank=True)
    academy_id_at_purge = models.BigIntegerField(null=True, blank=True)
    policy_version_id_at_purge = models.BigIntegerField(null=True, blank=True)
    record_starts_on = models.DateField(null=True, blank=True)
    record_ends_on = models.DateField(null=True, blank=True)
    retention_years = models.PositiveSmallIntegerField()
    counted_from = models.CharField(max_length=20)
    expired_on = models.DateField(help_text="The last day the record had to be kept.")
    as_of = models.DateField(help_text="The day the purge ran for.")
    purged_at = models.DateTimeField(auto_now_add=True)
    content_sha256 = models.CharField(
        max_length=64, help_text="SHA-256 of every destroyed row, serialised in a fixed order."
    )
    rows_deleted = models.JSONField(
        default=dict, help_text='Rows destroyed per table, e.g. {"cycles.appraisalcycle": 1}.'
    )
    files_deleted = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-purged_at", "-pk"]
        verbose_name = "purge ledger entry"
        verbose_name_plural = "purge ledger"
        constraints = [
            models.UniqueConstraint(fields=["record_type", "record_id"], name="purged_once"),
        ]
        indexes = [
            models.Index(fields=["trust", "purged_at"], name="purge_ledger_trust_at"),
            models.Index(fields=["root_kind", "root_id"], name="purge_ledger_root"),
        ]

    def __str__(self) -> str:
        return f"{self.record_type} {self.record_id} purged {self.purged_at:%d %b %Y}"

    @property
    def record_label(self) -> str:
        """What was destroyed, in HR's words: "Appraisal record 1234", or "Observation 55
        of appraisal record 1234" for a record destroyed before its root."""
        label = f"{retention_registry.label_for(self.record_type)} {self.record_id}"
        root = retention_registry.root(self.root_kind)
        if root is not None and self.record_type != root.record_type and self.root_id:
            label += f" of {root.label.lower()} {self.root_id}"
        return label

    @property
    def total_rows(self) -> int:
        return sum(int(v) for v in self.rows_deleted.values())


class PendingFileDeletion(models.Model):
    """A stored file whose database rows have been destroyed, waiting to be removed from
    storage. Written in the same transaction as the deletion; removed once the file is."""

    storage_name = models.CharField(max_length=500, unique=True)
    ledger_entry = models.ForeignKey(
        PurgeLedgerEntry, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"File deletion {self.pk}"
