"""Celery tasks for retention and access housekeeping: thin wrappers over services.

The purge works to a time budget well inside the broker's visibility timeout and queues
its own continuation (no ETA) when there is more to do, so no single task runs long
enough for Redis to hand it to a second worker. Each tree is all-or-nothing and a repeat
is a no-op, which is what makes ``acks_late`` safe here.
"""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.utils import timezone

from cycles.services import expire_access_grants as expire_grants

from . import services

logger = logging.getLogger(__name__)

# Seconds one purge task may spend before handing over to a fresh task.
PURGE_TASK_BUDGET_SECONDS = 20 * 60


@shared_task(name="retention.tasks.purge_expired_records", ignore_result=True)
def purge_expired_records(as_of: str | None = None) -> int:
    day = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
    run = services.purge_expired_records(as_of=day, max_seconds=PURGE_TASK_BUDGET_SECONDS)
    if not run.complete and not run.locked_out:
        purge_expired_records.delay(day.isoformat())
    return run.purged


@shared_task(name="retention.tasks.delete_pending_files", ignore_result=True)
def delete_pending_files() -> int:
    return services.delete_pending_files()


@shared_task(name="retention.tasks.expire_access_grants", ignore_result=True)
def expire_access_grants() -> int:
    """Delete the guardian rows of expired per-cycle grants (access checks already ignore
    them; this keeps guardian's own tables in line)."""
    return expire_grants()
