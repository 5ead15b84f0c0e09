"""Beat and a worker against real Redis run the nightly purge and its housekeeping."""

from __future__ import annotations

import datetime as dt

import pytest
from celery import Celery
from django.utils import timezone

from cycles.models import AppraisalCycle, CycleAccessGrant, CycleState, CycleUserObjectPermission
from cycles.services import cycle_grant_access
from retention.models import PurgeLedgerEntry
from tests.factories import UserFactory
from tests.reminders.celery_support import *  # noqa: F403 - the worker fixtures
from tests.reminders.celery_support import beat_fires, queue_drained, wait_for
from tests.reminders.factories import make_world

D = dt.date
pytestmark = [pytest.mark.celery_integration, pytest.mark.django_db(transaction=True)]


def test_beat_runs_the_purge_once_however_often_it_fires(
    live_celery: Celery, tasks_run: list[tuple[str, str]]
) -> None:
    world = make_world()  # classic: 7 years
    today = timezone.localdate()
    expired = world.cycle_for(
        world.staff(),
        starts_on=D(today.year - 9, 9, 1),
        ends_on=D(today.year - 8, 8, 31),
        state=CycleState.CLOSED,
    )
    kept = world.cycle_for(
        world.staff(),
        starts_on=D(today.year - 3, 9, 1),
        ends_on=D(today.year - 2, 8, 31),
        state=CycleState.CLOSED,
    )

    beat_fires(live_celery, "retention-purge-expired-records")
    beat_fires(live_celery, "retention-purge-expired-records")
    wait_for(lambda: len(tasks_run) >= 2 and queue_drained(), what="both purge tasks")

    assert [name for name, _ in tasks_run] == ["retention.tasks.purge_expired_records"] * 2
    assert list(PurgeLedgerEntry.objects.values_list("record_id", flat=True)) == [expired.pk]
    assert not AppraisalCycle.objects.filter(pk=expired.pk).exists()
    assert AppraisalCycle.objects.filter(pk=kept.pk).exists()


def test_beat_expires_access_grants(live_celery: Celery) -> None:
    world = make_world()
    adviser = UserFactory(trust=world.trust)
    head = world.headteacher.staff_member
    grant = cycle_grant_access(
        cycle=world.cycle_for(head, reviewer=None, is_headteacher_cycle=True),
        user=adviser,
        permission="view_cycle_as_adviser",
        expires_at=timezone.now() + dt.timedelta(days=1),
        reason="External adviser",
        granted_by=world.headteacher,
    )
    CycleAccessGrant.objects.filter(pk=grant.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert CycleUserObjectPermission.objects.filter(grant=grant).exists()

    beat_fires(live_celery, "cycles-expire-access-grants")
    wait_for(
        lambda: (
            not CycleUserObjectPermission.objects.filter(grant=grant).exists() and queue_drained()
        ),
        what="the expired grant's permission row gone",
    )
    assert CycleAccessGrant.objects.filter(pk=grant.pk).exists()  # the record of it stays
