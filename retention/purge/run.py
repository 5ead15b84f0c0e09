"""The run: every due tree, a batch at a time, to a time budget, under the lock."""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, field

from django.utils import timezone

from ._common import _schedule
from .destroy import TreeOutcome, purge_tree
from .discovery import collect_trees
from .files import delete_pending_files
from .lock import purge_lock
from .schedule import expired_candidates

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


def purge_expired(
    *,
    as_of: dt.date | None = None,
    dry_run: bool = False,
    max_seconds: float | None = None,
) -> PurgeRun:
    """Destroy every expired, unheld record tree as of ``as_of`` (default today).

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

        for first in range(0, len(candidates), COLLECT_BATCH):
            batch = candidates[first : first + COLLECT_BATCH]
            if out_of_time():
                run.complete = False
                break
            try:
                trees = collect_trees(c.record_id for c in batch)
            except Exception as exc:
                logger.exception(
                    "purge could not collect record_ids=%s", [c.record_id for c in batch]
                )
                run.outcomes += [
                    TreeOutcome(c.record_id, "failed", detail=type(exc).__name__) for c in batch
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
                    logger.exception("purge failed record_id=%s", candidate.record_id)
                    run.outcomes.append(
                        TreeOutcome(candidate.record_id, "failed", detail=type(exc).__name__)
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
