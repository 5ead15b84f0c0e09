"""The run: every due tree, a batch at a time, to a time budget, under the lock."""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, field

from django.utils import timezone

from ..registry import retention_registry
from ._common import _schedule
from .candidates import Candidate
from .destroy import TreeOutcome, purge_tree
from .discovery import collect_trees
from .files import delete_pending_files
from .lock import purge_lock
from .schedule import expired_candidates
from .tree import RecordTree

logger = logging.getLogger(__name__)

# Roots whose trees are discovered together: a fixed number of queries per batch,
# whatever its size, instead of the same number per tree.
COLLECT_BATCH = 200


@dataclass
class PurgeRun:
    as_of: dt.date
    dry_run: bool
    locked_out: bool = False
    complete: bool = True
    held: int = 0
    outcomes: list[TreeOutcome] = field(default_factory=list)
    files_cleared: int = 0
    seconds: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def purged(self) -> int:
        return self.count("purged")


def _batches(candidates: list[Candidate]) -> list[list[Candidate]]:
    """Candidates in batches of one record type each (discovered together), keeping the
    order they came in within each type; record types in the order first seen."""
    by_type: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        by_type.setdefault(candidate.record_type, []).append(candidate)
    return [
        group[first : first + COLLECT_BATCH]
        for group in by_type.values()
        for first in range(0, len(group), COLLECT_BATCH)
    ]


def _collect(batch: list[Candidate]) -> dict[int, RecordTree]:
    first = batch[0]
    ids = [c.record_id for c in batch]
    root = retention_registry.root(first.root_kind)
    if root is None:
        raise LookupError(f"no retention root {first.root_kind!r}")
    if first.is_root:
        return collect_trees(ids, model=root.model, root_kind=root.key, files=root.files)
    record_type = retention_registry.record_type(first.record_type)
    if record_type is None:
        raise LookupError(f"no retention record type {first.record_type!r}")
    return collect_trees(ids, model=record_type.model, files=record_type.files)


def purge_expired(
    *,
    as_of: dt.date | None = None,
    dry_run: bool = False,
    max_seconds: float | None = None,
) -> PurgeRun:
    """Destroy every expired, unheld record tree of every registered root and record
    type as of ``as_of`` (default today).

    ``max_seconds`` stops between trees once spent (``complete`` is then False and the
    caller runs again); each tree is all-or-nothing whenever the run stops.
    """
    as_of = as_of or timezone.localdate()
    started = time.monotonic()
    run = PurgeRun(as_of=as_of, dry_run=dry_run)
    with purge_lock() as acquired:
        if not acquired:
            run.locked_out = True
            run.complete = False
            logger.warning("purge skipped: another purge holds the lock")
            return run
        if not dry_run:
            # Files a crashed run left behind go first.
            run.files_cleared = delete_pending_files()
        _schedule.cache_clear()
        candidates, run.held = expired_candidates(as_of)

        def out_of_time() -> bool:
            # At least one tree per run, so a run always makes progress.
            spent = time.monotonic() - started
            return max_seconds is not None and bool(run.outcomes) and spent > max_seconds

        for batch in _batches(candidates):
            if out_of_time():
                run.complete = False
                break
            try:
                trees = _collect(batch)
            except Exception as exc:
                logger.exception(
                    "purge could not collect record_type=%s record_ids=%s",
                    batch[0].record_type,
                    [c.record_id for c in batch],
                )
                run.outcomes += [
                    TreeOutcome(
                        c.record_id,
                        "failed",
                        detail=type(exc).__name__,
                        record_type=c.record_type,
                    )
                    for c in batch
                ]
                continue
            for candidate in batch:
                if out_of_time():
                    run.complete = False
                    break
                try:
                    run.outcomes.append(
                        purge_tree(
                            candidate, trees[candidate.record_id], as_of=as_of, dry_run=dry_run
                        )
                    )
                except Exception as exc:
                    # One tree that cannot be destroyed (its transaction rolled back) must
                    # not stop the others; it is tried again on the next run.
                    logger.exception(
                        "purge failed record_type=%s record_id=%s",
                        candidate.record_type,
                        candidate.record_id,
                    )
                    run.outcomes.append(
                        TreeOutcome(
                            candidate.record_id,
                            "failed",
                            detail=type(exc).__name__,
                            record_type=candidate.record_type,
                        )
                    )
            if not run.complete:
                break
    run.seconds = time.monotonic() - started
    logger.info(
        "purge as_of=%s dry_run=%s purged=%s would=%s held=%s blocked=%s complete=%s",
        as_of,
        dry_run,
        run.purged,
        run.count("would_purge"),
        run.held + run.count("held"),
        run.count("blocked"),
        run.complete,
    )
    return run
