"""Reads for the HR retention page."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import LegalHold, PurgeLedgerEntry


def ledger_for_trust(trust_id: int) -> QuerySet[PurgeLedgerEntry]:
    return PurgeLedgerEntry.objects.filter(trust_id=trust_id).order_by("-purged_at", "-pk")


def holds_for_trust(trust_id: int) -> QuerySet[LegalHold]:
    return (
        LegalHold.objects.filter(trust_id=trust_id)
        .select_related("staff_member", "set_by", "lifted_by")
        .order_by("lifted_at", "-set_at", "-pk")
    )


def hold_for_trust(trust_id: int, pk: int) -> LegalHold | None:
    return holds_for_trust(trust_id).filter(pk=pk).first()
