"""Holds and ledger rows made when they pointed at the cycle by foreign key are carried
over to the generic (root kind, number) reference."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.reminders.factories import make_world

BEFORE = [("retention", "0002_lifted_hold_goes_with_its_record")]
AFTER = [("retention", "0003_holds_and_ledger_name_any_root")]


def migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_holds_and_ledger_rows_name_the_cycle_after_the_migration() -> None:
    world = make_world()
    old = migrate(BEFORE)
    try:
        hold = old.get_model("retention", "LegalHold").objects.create(
            trust_id=world.trust.pk,
            cycle_id=world.cycle.pk,
            cycle_ref=world.cycle.pk,
            reason="Tribunal",
        )
        old.get_model("retention", "HistoricalLegalHold").objects.create(
            id=hold.pk,
            trust_id=world.trust.pk,
            cycle_id=world.cycle.pk,
            cycle_ref=world.cycle.pk,
            reason="Tribunal",
            set_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
            history_date=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
            history_type="+",
        )
        person = old.get_model("retention", "LegalHold").objects.create(
            trust_id=world.trust.pk, staff_member_id=world.appraisee.pk, reason="SAR"
        )
        old.get_model("retention", "PurgeLedgerEntry").objects.create(
            trust_id=world.trust.pk,
            record_type="appraisal_record",
            record_id=4242,
            retention_years=7,
            counted_from="end_of_cycle",
            expired_on=dt.date(2024, 8, 31),
            as_of=dt.date(2024, 9, 1),
            content_sha256="a" * 64,
        )
    finally:
        new = migrate(AFTER)

    moved = new.get_model("retention", "LegalHold").objects.get(pk=hold.pk)
    assert (moved.root_kind, moved.root_id) == ("appraisal_cycle", world.cycle.pk)
    history = new.get_model("retention", "HistoricalLegalHold").objects.get(id=hold.pk)
    assert (history.root_kind, history.root_id) == ("appraisal_cycle", world.cycle.pk)
    on_person = new.get_model("retention", "LegalHold").objects.get(pk=person.pk)
    assert (on_person.root_kind, on_person.root_id) == ("", None)
    assert on_person.staff_member_id == world.appraisee.pk
    entry = new.get_model("retention", "PurgeLedgerEntry").objects.get(record_id=4242)
    assert (entry.root_kind, entry.root_id) == ("appraisal_cycle", 4242)
