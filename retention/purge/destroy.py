"""Destroying one tree (a root's, or one record's under a root) in one transaction,
with its ledger entry and its files queued."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from django.contrib.admin.models import LogEntry
from django.db import models, transaction

from audit.models import AccessLogEntry

from ..models import PendingFileDeletion, PurgeLedgerEntry
from ..registry import retention_registry
from ..rules import record_retention, separately_destroyed
from . import checkpoints
from ._common import RECORD_TYPE, _chunks, _schedule
from .candidates import Candidate
from .files import delete_pending_files
from .generic_refs import _generic_querysets
from .history import _history_querysets
from .holds import _is_held
from .tree import RecordTree

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TreeOutcome:
    record_id: int
    # "purged", "would_purge", "held", "not_expired", "gone", "blocked", "failed"
    status: str
    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0
    detail: str = ""
    # The registered record type destroyed: a root's own, or one under a root.
    record_type: str = RECORD_TYPE


def _raw_delete(qs: models.QuerySet[Any]) -> int:
    """Delete in one statement, without signals: the purge removes history itself (a
    signal would write a fresh "-" history row for each deleted row), and no business
    rule hangs off a deletion signal in this project."""
    return int(qs._raw_delete(qs.db))


def purge_tree(
    candidate: Candidate, tree: RecordTree, *, as_of: dt.date, dry_run: bool = False
) -> TreeOutcome:
    """Destroy one expired record tree in one transaction (or, in a dry run, say what
    would go). Re-checks hold and expiry under the root's row lock, the lock
    ``legal_hold_set`` also takes, so a hold set while the purge runs wins."""
    record_id = candidate.record_id

    def outcome(status: str, **kwargs: Any) -> TreeOutcome:
        return TreeOutcome(record_id, status, record_type=candidate.record_type, **kwargs)

    if tree.blocked_by:
        logger.warning(
            "purge blocked record_type=%s record_id=%s by=%s",
            candidate.record_type,
            record_id,
            sorted(tree.blocked_by),
        )
        return outcome("blocked", detail=", ".join(sorted(tree.blocked_by)))
    if dry_run:
        return outcome("would_purge", rows=tree.row_counts(), files=len(tree.files))
    root = retention_registry.root(candidate.root_kind)
    if root is None:
        return outcome("failed", detail=f"no retention root {candidate.root_kind!r}")
    with transaction.atomic():
        facts = root.facts([candidate.root_id], lock=True).get(candidate.root_id)
        if facts is None:
            return outcome("gone")
        if _is_held(root.key, facts.pk, facts.person_id):
            return outcome("held")
        schedule = _schedule(facts.policy_version_id)
        fields = retention_registry.retention_fields(root) + facts.extra_fields
        if not candidate.is_root:
            record_type = retention_registry.record_type(candidate.record_type)
            if record_type is None or record_type.root_key != root.key:
                return outcome("failed", detail=f"no record type {candidate.record_type!r}")
            if record_type.roots_of([record_id]).get(record_id) != facts.pk:
                return outcome("gone")
            if not candidate.restored and not separately_destroyed(
                schedule, root_types=fields, record_type=record_type.retention_field
            ):
                return outcome("not_expired")
            fields = (record_type.retention_field,)
        decision = record_retention(
            schedule, ends_on=facts.ends_on, left_on=facts.left_on, as_of=as_of, record_types=fields
        )
        expired = decision.expired(as_of) and decision.keep_until is not None
        if not expired and not candidate.restored:
            return outcome("not_expired")
        checkpoints.checkpoint("collected", record_id)
        counts: dict[str, int] = {}

        def note(label: str, n: int) -> None:
            if n:
                counts[label] = counts.get(label, 0) + n

        for (related, fk), pks in tree.cleared.items():
            if pks:
                related._base_manager.filter(pk__in=sorted(pks)).update(
                    **{fk.attname: fk.get_default() if fk.has_default() else None}
                )
        # Children first; PostgreSQL checks the foreign keys at commit, so anything added
        # to the tree since it was found makes the whole transaction fail, not orphan.
        for model in reversed(list(tree.live)):
            for chunk in _chunks(tree.live[model]):
                note(model._meta.label_lower, _raw_delete(model._base_manager.filter(pk__in=chunk)))
        checkpoints.checkpoint("rows_deleted", record_id)
        for qs in _history_querysets(tree):
            note(qs.model._meta.label_lower, _raw_delete(qs))
        checkpoints.checkpoint("history_deleted", record_id)
        for qs in _generic_querysets(tree):
            if qs.model is not AccessLogEntry and qs.model is not LogEntry:
                note(qs.model._meta.label_lower, _raw_delete(qs))
        checkpoints.checkpoint("guardian_deleted", record_id)
        for qs in _generic_querysets(tree):
            if qs.model is AccessLogEntry or qs.model is LogEntry:
                note(qs.model._meta.label_lower, _raw_delete(qs))
        checkpoints.checkpoint("logs_deleted", record_id)
        entry = (
            PurgeLedgerEntry.objects.filter(
                record_type=candidate.record_type, record_id=record_id
            ).first()
            if candidate.restored
            else None
        )
        if entry is not None:
            # Back from a backup and destroyed again: the first entry stands (the ledger
            # is append-only); the log says it happened.
            logger.warning(
                "purge replayed for a restored record record_type=%s record_id=%s",
                candidate.record_type,
                record_id,
            )
        else:
            entry = PurgeLedgerEntry.objects.create(
                trust_id=facts.trust_id,
                record_type=candidate.record_type,
                record_id=record_id,
                root_kind=root.key,
                root_id=facts.pk,
                appraisee_staff_id=facts.person_id,
                academy_id_at_purge=facts.academy_id,
                policy_version_id_at_purge=facts.policy_version_id,
                record_starts_on=facts.starts_on,
                record_ends_on=facts.ends_on,
                retention_years=decision.years,
                counted_from=str(decision.counted_from),
                expired_on=decision.keep_until or candidate.keep_until,
                as_of=as_of,
                content_sha256=tree.content_sha256,
                rows_deleted=dict(sorted(counts.items())),
                files_deleted=len(tree.files),
            )
        checkpoints.checkpoint("ledger_written", record_id)
        files = set(tree.files)
        if files:
            PendingFileDeletion.objects.bulk_create(
                [PendingFileDeletion(storage_name=name, ledger_entry=entry) for name in files],
                ignore_conflicts=True,
            )
        checkpoints.checkpoint("files_queued", record_id)
        # After the commit only; a failure there is logged and the pending rows stay for
        # the next run.
        if files:
            transaction.on_commit(
                lambda: delete_pending_files(names=files, record_id=record_id), robust=True
            )
    return outcome("purged", rows=counts, files=len(files))
