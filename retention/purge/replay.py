"""Replaying the ledger: a destroyed record that exists again (restored from a backup)
is due again, whatever its dates say."""

from __future__ import annotations

from ..models import PurgeLedgerEntry
from ..registry import RetentionRoot, retention_registry
from .candidates import Candidate
from .holds import _held_root_ids


def _restored_of_type(
    root: RetentionRoot,
    record_type: str,
    back: dict[int, int],
    *,
    exclude: set[tuple[str, int]],
    held_staff: set[int],
) -> list[Candidate]:
    """``back`` maps each restored record id to its root id."""
    back = {pk: root_id for pk, root_id in back.items() if (record_type, pk) not in exclude}
    if not back:
        return []
    facts = root.facts(set(back.values()))
    entries = {
        e.record_id: e
        for e in PurgeLedgerEntry.objects.filter(record_type=record_type, record_id__in=list(back))
    }
    held_roots = _held_root_ids(root.key, facts)
    found = []
    for pk, root_id in sorted(back.items()):
        root_facts, entry = facts.get(root_id), entries.get(pk)
        if root_facts is None or entry is None:
            continue
        if root_id in held_roots or root_facts.person_id in held_staff:
            continue
        found.append(
            Candidate(
                record_type=record_type,
                record_id=pk,
                root_kind=root.key,
                root_id=root_id,
                trust_id=root_facts.trust_id,
                academy_id=root_facts.academy_id,
                person_id=root_facts.person_id,
                policy_version_id=root_facts.policy_version_id,
                starts_on=root_facts.starts_on,
                ends_on=root_facts.ends_on,
                years=entry.retention_years,
                counted_from=entry.counted_from,
                keep_until=entry.expired_on,
                restored=True,
                is_root=record_type == root.record_type,
            )
        )
    return found


def _restored_candidates(*, exclude: set[tuple[str, int]], held_staff: set[int]) -> list[Candidate]:
    """Records the ledger says were destroyed that exist again: a restore from a backup
    taken before the purge. Replaying the ledger keeps destroyed data destroyed. One
    query per registered root and record type (plus a few when something is back)."""
    found: list[Candidate] = []
    for root in retention_registry.roots():
        ledger = PurgeLedgerEntry.objects.filter(record_type=root.record_type)
        back = root.model._base_manager.filter(pk__in=ledger.values("record_id"))
        ids = list(back.values_list("pk", flat=True))
        found += _restored_of_type(
            root, root.record_type, {pk: pk for pk in ids}, exclude=exclude, held_staff=held_staff
        )
        for record_type in retention_registry.record_types_under(root.key):
            ledger = PurgeLedgerEntry.objects.filter(record_type=record_type.key)
            ids = list(
                record_type.model._base_manager.filter(
                    pk__in=ledger.values("record_id")
                ).values_list("pk", flat=True)
            )
            if ids:
                found += _restored_of_type(
                    root,
                    record_type.key,
                    record_type.roots_of(ids),
                    exclude=exclude,
                    held_staff=held_staff,
                )
    return found
