"""Which records are due: every expired root of every registered kind, by its policy
version's schedule, and records of a type with a shorter period than their root's."""

from __future__ import annotations

import datetime as dt

from policies.models import PolicyVersion
from policies.schema import RetentionSettings

from ..registry import RetentionRecordType, RetentionRoot, RootFacts, retention_registry
from ..rules import add_years, record_retention, separately_destroyed
from .candidates import Candidate
from .holds import _held_root_ids, _held_staff_ids
from .replay import _restored_candidates


def _expired(
    root: RetentionRoot,
    version_id: int,
    schedule: RetentionSettings,
    fields: tuple[str, ...],
    as_of: dt.date,
) -> list[tuple[RootFacts, int, dt.date]]:
    """Roots of this version whose ``fields`` have all expired: (facts, years, kept until)."""
    years = max(schedule.years_for(f) for f in fields)
    # Narrow in SQL (a day's slack), decide exactly below.
    latest = add_years(as_of, -years) + dt.timedelta(days=1)
    found = []
    for facts in root.candidates(version_id, schedule.counted_from, latest):
        decision = record_retention(
            schedule,
            ends_on=facts.ends_on,
            left_on=facts.left_on,
            as_of=as_of,
            record_types=fields + facts.extra_fields,
        )
        if decision.expired(as_of) and decision.keep_until is not None:
            found.append((facts, decision.years, decision.keep_until))
    return found


def _candidate(
    record_type: str,
    record_id: int,
    root: RetentionRoot,
    facts: RootFacts,
    years: int,
    keep_until: dt.date,
    schedule: RetentionSettings,
    *,
    is_root: bool,
) -> Candidate:
    return Candidate(
        record_type=record_type,
        record_id=record_id,
        root_kind=root.key,
        root_id=facts.pk,
        trust_id=facts.trust_id,
        academy_id=facts.academy_id,
        person_id=facts.person_id,
        policy_version_id=facts.policy_version_id,
        starts_on=facts.starts_on,
        ends_on=facts.ends_on,
        years=years,
        counted_from=str(schedule.counted_from),
        keep_until=keep_until,
        is_root=is_root,
    )


def _under_expired_roots(
    root: RetentionRoot,
    record_type: RetentionRecordType,
    version_id: int,
    schedule: RetentionSettings,
    as_of: dt.date,
    skip_roots: set[int],
) -> list[Candidate]:
    """Records of ``record_type`` whose own (shorter) period has ended, under roots that
    are kept for longer."""
    roots = {
        facts.pk: (facts, years, keep_until)
        for facts, years, keep_until in _expired(
            root, version_id, schedule, (record_type.retention_field,), as_of
        )
        if facts.pk not in skip_roots
    }
    if not roots:
        return []
    return [
        _candidate(record_type.key, pk, root, *roots[root_id], schedule, is_root=False)
        for pk, root_id in record_type.under(list(roots))
    ]


def expired_candidates(as_of: dt.date) -> tuple[list[Candidate], int]:
    """Every expired record not under a legal hold, oldest first, and how many expired
    records a hold kept. A fixed number of queries per root kind and policy version (a
    trust has a handful of versions)."""
    found: list[Candidate] = []
    held_staff = _held_staff_ids()
    held = 0
    versions = list(PolicyVersion.objects.only("pk", "settings"))
    for root in retention_registry.roots():
        types = retention_registry.record_types_under(root.key)
        fields = retention_registry.retention_fields(root)
        for version in versions:
            schedule = version.rules.retention
            chunk = [
                _candidate(
                    root.record_type, facts.pk, root, facts, years, keep, schedule, is_root=True
                )
                for facts, years, keep in _expired(root, version.pk, schedule, fields, as_of)
            ]
            whole = {c.root_id for c in chunk}
            for record_type in types:
                if separately_destroyed(
                    schedule, root_types=fields, record_type=record_type.retention_field
                ):
                    chunk += _under_expired_roots(
                        root, record_type, version.pk, schedule, as_of, whole
                    )
            held_roots = _held_root_ids(root.key, {c.root_id for c in chunk})
            for candidate in chunk:
                if candidate.root_id in held_roots or candidate.person_id in held_staff:
                    held += 1
                else:
                    found.append(candidate)
    found += _restored_candidates(exclude={c.key for c in found}, held_staff=held_staff)
    found.sort(key=lambda c: (c.keep_until, c.root_kind, c.root_id, not c.is_root, c.record_id))
    return found, held
