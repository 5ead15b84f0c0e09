"""Replaying the ledger: a destroyed cycle that exists again (restored from a backup)
is due again, whatever its dates say."""

from __future__ import annotations

from cycles.models import AppraisalCycle

from ..models import PurgeLedgerEntry
from ._common import RECORD_TYPE
from .candidates import Candidate
from .holds import _held_cycle_ids


def _restored_candidates(*, exclude: set[int], held_staff: set[int]) -> list[Candidate]:
    """Cycles the ledger says were destroyed that exist again: a restore from a backup
    taken before the purge. Replaying the ledger keeps destroyed data destroyed."""
    ledger = PurgeLedgerEntry.objects.filter(record_type=RECORD_TYPE)
    back = list(
        AppraisalCycle.objects.filter(pk__in=ledger.values("record_id"))
        .exclude(pk__in=exclude)
        .values(
            "pk",
            "trust_id",
            "academy_id",
            "appraisee_id",
            "policy_version_id",
            "starts_on",
            "ends_on",
        )
    )
    if not back:
        return []
    entries = {e.record_id: e for e in ledger.filter(record_id__in=[row["pk"] for row in back])}
    held_cycles = _held_cycle_ids(row["pk"] for row in back)
    return [
        Candidate(
            record_id=row["pk"],
            trust_id=row["trust_id"],
            academy_id=row["academy_id"],
            appraisee_id=row["appraisee_id"],
            policy_version_id=row["policy_version_id"],
            starts_on=row["starts_on"],
            ends_on=row["ends_on"],
            years=entries[row["pk"]].retention_years,
            counted_from=entries[row["pk"]].counted_from,
            keep_until=entries[row["pk"]].expired_on,
            restored=True,
        )
        for row in back
        if row["pk"] not in held_cycles and row["appraisee_id"] not in held_staff
    ]
