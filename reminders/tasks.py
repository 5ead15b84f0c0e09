"""Celery tasks for reminders: thin wrappers that call the services.

Every task is idempotent (the dispatch ledger and the digest claim make a repeat a no-op),
which is what makes ``acks_late`` safe for them. No task is ever scheduled ahead with an
ETA: beat starts the daily sweep, and the sweep reads what is due from the database.
"""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.utils import timezone

from . import services
from .selectors import pending_recipient_ids

logger = logging.getLogger(__name__)


def _day(value: str | None) -> dt.date:
    return dt.date.fromisoformat(value) if value else timezone.localdate()


def _queue_digests(day: dt.date) -> int:
    stale_before = timezone.now() - services.CLAIM_TIMEOUT
    recipients = pending_recipient_ids(on=day, stale_before=stale_before)
    for recipient_id in recipients:
        send_reminder_digest.delay(recipient_id, day.isoformat())
    return len(recipients)


@shared_task(name="reminders.tasks.daily_reminders", ignore_result=True)
def daily_reminders(on: str | None = None) -> int:
    """Beat, once a day: record today's reminders, then queue one digest per person."""
    day = _day(on)
    services.reminders_sweep(on=day)
    return _queue_digests(day)


@shared_task(name="reminders.tasks.send_pending_reminders", ignore_result=True)
def send_pending_reminders(on: str | None = None) -> int:
    """Beat, through the working day: queue digests still waiting (a failed send, a
    sender that died and whose claim has timed out)."""
    return _queue_digests(_day(on))


@shared_task(name="reminders.tasks.send_reminder_digest", ignore_result=True)
def send_reminder_digest(recipient_id: int, on: str) -> str:
    """One person's digest for one day. A failure is logged and left for the next
    ``send_pending_reminders``: retrying here could only race it."""
    try:
        return services.reminder_digest_send(recipient_id=recipient_id, on=_day(on)).status
    except Exception:
        logger.exception("reminder digest failed recipient_id=%s on=%s", recipient_id, on)
        return "failed"
