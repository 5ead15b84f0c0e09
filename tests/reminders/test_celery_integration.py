"""Beat and a worker against real Redis: the daily sweep fired twice sends one digest
each; a digest whose sender died is sent once by the retry job after the claim timeout.

A thread worker from ``celery.contrib.pytest``; eager execution is off, so every task goes
through the Redis broker and runs on the worker's own database connection.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from celery import Celery
from django.core import mail

from reminders import services
from reminders.models import DispatchStatus, ReminderDigest, ReminderDispatch
from reminders.tasks import send_pending_reminders

from .celery_support import *  # noqa: F403 - the worker fixtures
from .celery_support import beat_fires, queue_drained, wait_for
from .conftest import FakeDeadlines
from .factories import World

D = dt.date
pytestmark = [pytest.mark.celery_integration, pytest.mark.django_db(transaction=True)]

# Wednesday 18 November 2026, 06:30 in London: when beat starts the sweep.
TODAY = D(2026, 11, 18)
MORNING = dt.datetime(2026, 11, 18, 6, 30, 5, tzinfo=dt.UTC)


@pytest.fixture
def morning() -> Iterator[None]:
    # Time moves on from 06:30 (the broker's own timers need a running clock).
    with time_machine.travel(MORNING, tick=True):
        yield


def all_sent() -> bool:
    return (
        ReminderDispatch.objects.exists()
        and not ReminderDispatch.objects.exclude(status=DispatchStatus.SENT).exists()
        and not ReminderDigest.objects.exclude(status=DispatchStatus.SENT).exists()
    )


def test_beat_firing_twice_sends_one_digest_each(
    morning: None,
    world: World,
    fake_deadlines: FakeDeadlines,
    live_celery: Celery,
    tasks_run: list[tuple[str, str]],
) -> None:
    fake_deadlines.add(world.cycle, "objectives_agreed", TODAY, "reviewer")
    fake_deadlines.add(world.cycle, "observation_feedback", D(2026, 11, 16), "reviewer")
    fake_deadlines.add(world.cycle, "appraisee_comments", TODAY, "appraisee")

    beat_fires(live_celery, "reminders-daily-sweep")
    beat_fires(live_celery, "reminders-daily-sweep")

    # Every task queued (two sweeps, each queueing a digest task per person) has run.
    wait_for(lambda: all_sent() and queue_drained(), what="digests sent, queue empty")
    names = [name for name, _ in tasks_run]
    assert names.count("reminders.tasks.daily_reminders") == 2
    assert names.count("reminders.tasks.send_reminder_digest") == 4
    assert all(thread != "MainThread" for _, thread in tasks_run)  # the worker, not eager
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.reviewer.email, world.appraisee.email]
    )
    assert ReminderDispatch.objects.count() == 3
    assert ReminderDigest.objects.filter(status=DispatchStatus.SENT).count() == 2


def test_a_digest_whose_worker_died_is_sent_once_after_the_timeout(
    world: World,
    fake_deadlines: FakeDeadlines,
    live_celery: Celery,
    tasks_run: list[tuple[str, str]],
) -> None:
    fake_deadlines.add(world.cycle, "objectives_agreed", TODAY, "reviewer")
    with time_machine.travel(MORNING, tick=True):
        services.reminders_sweep(on=TODAY)
        # A worker claimed the digest, then died before sending.
        digest, _ = services._claim_digest(
            recipient_id=world.reviewer.user_id, on=TODAY, now=dt.datetime.now(dt.UTC)
        )
        assert digest is not None
        send_pending_reminders.delay(TODAY.isoformat())
        wait_for(lambda: len(tasks_run) == 1 and queue_drained(), what="the retry job")
        # Still claimed and not timed out: the retry job leaves it alone.
        assert mail.outbox == []
        assert ReminderDigest.objects.get().attempts == 1

    later = MORNING + services.CLAIM_TIMEOUT + dt.timedelta(minutes=5)
    with time_machine.travel(later, tick=True):
        send_pending_reminders.delay(TODAY.isoformat())
        send_pending_reminders.delay(TODAY.isoformat())
        wait_for(lambda: all_sent() and queue_drained(), what="the retried digest")
    assert len(mail.outbox) == 1
    assert ReminderDigest.objects.get().attempts == 2
