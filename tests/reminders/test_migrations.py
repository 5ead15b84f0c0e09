"""Dispatch rows recorded when reminders were only about cycles are carried over: each
names its cycle as its subject, and the next sweep does not record them again."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from .factories import make_world

BEFORE = [("reminders", "0001_initial")]
AFTER = [("reminders", "0002_dispatch_subject")]


def migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_dispatch_rows_name_their_cycle_as_subject() -> None:
    world = make_world()
    old = migrate(BEFORE)
    try:
        row = old.get_model("reminders", "ReminderDispatch").objects.create(
            trust_id=world.trust.pk,
            cycle_id=world.cycle.pk,
            deadline_kind="objectives_agreed",
            recipient_role="reviewer",
            recipient_id=world.reviewer.user_id,
            due_on=dt.date(2026, 10, 31),
            stage="before",
            remind_on=dt.date(2026, 10, 28),
            label="Agree objectives",
        )
    finally:
        new = migrate(AFTER)

    model = new.get_model("reminders", "ReminderDispatch")
    moved = model.objects.get(pk=row.pk)
    assert (moved.subject_kind, moved.subject_id) == ("appraisal_cycle", world.cycle.pk)
    assert moved.cycle_id == world.cycle.pk
    # The same reminder, recorded again by a later sweep, is the same key: nothing new.
    model.objects.bulk_create(
        [
            model(
                trust_id=world.trust.pk,
                subject_kind="appraisal_cycle",
                subject_id=world.cycle.pk,
                cycle_id=world.cycle.pk,
                deadline_kind="objectives_agreed",
                recipient_role="reviewer",
                recipient_id=world.reviewer.user_id,
                due_on=dt.date(2026, 10, 31),
                stage="before",
                occurrence=0,
                remind_on=dt.date(2026, 10, 29),
                label="Agree objectives",
            )
        ],
        ignore_conflicts=True,
    )
    assert model.objects.count() == 1
