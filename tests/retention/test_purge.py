"""The retention purge: complete destruction of expired trees, nothing else touched,
crash-safe at every step, repeatable, and recorded in the ledger without content."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import psycopg
import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection

from cycles.models import AppraisalCycle, CycleAccessGrant, CycleState, CycleUserObjectPermission
from organisation.principal import principal_for
from reminders.models import ReminderDispatch
from retention import purge, services
from retention.models import LegalHold, PendingFileDeletion, PurgeLedgerEntry
from retention.purge import checkpoints
from tests.factories import UserFactory
from tests.reminders.factories import World, make_world, preset_version

from .tree import (
    BuiltTree,
    add_dead_child,
    add_traces,
    build_tree,
    media_containing,
    new_marker,
    tables_containing,
    where_markers_are,
)

D = dt.date
# A purge on 1 September 2025: classic (7 years) cycles that ended on or before
# 31 August 2018 have expired; leger (6 years) ones that ended by 31 August 2019.
AS_OF = D(2025, 9, 1)
pytestmark = pytest.mark.django_db(transaction=True)


class SimulatedCrash(BaseException):
    """The process dying mid-purge: not an ``Exception``, so nothing catches it."""


@dataclass
class Scene:
    world: World
    expired: BuiltTree
    recent: BuiltTree
    held: BuiltTree
    hr: object

    def markers(self) -> list[str]:
        return [self.expired.marker, self.recent.marker, self.held.marker]


def _hr_user(world: World):  # type: ignore[no-untyped-def]
    from organisation.models import Role
    from organisation.services import role_grant

    user = UserFactory(trust=world.trust)
    role_grant(
        user=user,
        role=Role.HR,
        trust=world.trust,
        starts_at=dt.datetime(2015, 1, 1, tzinfo=dt.UTC),
    )
    return user


def _closed_cycle(world: World, start_year: int, **fields: object) -> AppraisalCycle:
    appraisee = fields.pop("appraisee", None) or world.staff()
    return world.cycle_for(
        appraisee,  # type: ignore[arg-type]
        starts_on=D(start_year, 9, 1),
        ends_on=D(start_year + 1, 8, 31),
        state=CycleState.CLOSED,
        **fields,
    )


def _full_tree(world: World, cycle: AppraisalCycle, viewer: object) -> BuiltTree:
    tree = build_tree(cycle, marker=new_marker())
    add_traces(tree, viewer=viewer)  # type: ignore[arg-type]
    add_dead_child(tree)
    # Written directly: the service gives adviser access on a headteacher's cycle only,
    # and the purge must destroy a grant (and its guardian row) on any cycle.
    grant = CycleAccessGrant.objects.create(
        cycle=cycle,
        user=viewer,
        permission="view_cycle_as_adviser",
        expires_at=dt.datetime(2099, 1, 1, tzinfo=dt.UTC),
        reason=f"{tree.marker} adviser",
        granted_by=viewer,
    )
    CycleUserObjectPermission.objects.create(
        user=viewer,
        permission=Permission.objects.get(codename="view_cycle_as_adviser"),
        content_object=cycle,
        grant=grant,
    )
    # Saving the cycle again writes another history row.
    cycle.save()
    return tree


@pytest.fixture
def scene(db) -> Scene:  # type: ignore[no-untyped-def]
    world = make_world()
    hr = _hr_user(world)
    expired = _full_tree(world, _closed_cycle(world, 2017), hr)
    recent = _full_tree(world, _closed_cycle(world, 2019), hr)
    held_cycle = _closed_cycle(world, 2016)
    held = _full_tree(world, held_cycle, hr)
    services.legal_hold_set(
        principal=principal_for(hr),
        actor=hr,
        record=held_cycle,
        reason="Employment tribunal claim",
    )
    return Scene(world=world, expired=expired, recent=recent, held=held, hr=hr)


def every_table_count() -> dict[str, int]:
    return {m._meta.label_lower: m._base_manager.count() for m in apps.get_models()}


def trace_map(scene: Scene) -> dict[str, list[str]]:
    return where_markers_are(scene.markers())


def assert_purged_completely(scene: Scene) -> None:
    marker = scene.expired.marker
    assert tables_containing(marker) == []
    assert media_containing(marker) == []
    assert not AppraisalCycle.objects.filter(pk=scene.expired.cycle.pk).exists()
    for model, objs in scene.expired.objects.items():
        assert not model._base_manager.filter(pk__in=[o.pk for o in objs]).exists(), model
    assert PendingFileDeletion.objects.count() == 0
    for name in scene.expired.files:
        assert not default_storage.exists(name)


def test_the_tree_built_covers_the_apps(scene: Scene) -> None:
    """The generic builder really filled in the apps' models (so the purge tests below
    are about real data), and every text field of them carries the marker."""
    labels = scene.expired.labels()
    assert {"cycles.cycleaccessgrant", "reminders.reminderdispatch"} <= labels
    if apps.is_installed("reviews"):
        assert "reviews.evidence" in labels, scene.expired.skipped
    assert scene.expired.files, "no uploaded file in the tree"
    assert media_containing(scene.expired.marker)
    found = tables_containing(scene.expired.marker)
    assert any(t.startswith("audit_accesslogentry") for t in found)
    assert any(t.startswith("django_admin_log") for t in found)
    assert any("historical" in t for t in found)


def test_purge_destroys_the_expired_tree_and_nothing_else(scene: Scene) -> None:
    before = trace_map(scene)
    assert all(before.values())

    run = services.purge_expired_records(as_of=AS_OF)

    assert run.purged == 1
    assert run.held == 1
    assert_purged_completely(scene)
    # Unexpired and held records untouched, down to their history and logs.
    after = trace_map(scene)
    assert after[scene.recent.marker] == before[scene.recent.marker]
    assert after[scene.held.marker] == before[scene.held.marker]
    assert media_containing(scene.recent.marker) and media_containing(scene.held.marker)
    for tree in (scene.recent, scene.held):
        assert AppraisalCycle.objects.filter(pk=tree.cycle.pk).exists()
        for model, objs in tree.objects.items():
            assert model._base_manager.filter(pk__in=[o.pk for o in objs]).count() == len(objs)
    # The ledger: one row per record destroyed, numbers and a hash only.
    entry = PurgeLedgerEntry.objects.get()
    assert PurgeLedgerEntry.objects.count() == run.purged
    assert entry.record_id == scene.expired.cycle.pk
    assert entry.appraisee_staff_id == scene.expired.cycle.appraisee_id
    assert entry.record_ends_on == D(2018, 8, 31)
    assert entry.expired_on == D(2025, 8, 31) and entry.retention_years == 7
    assert len(entry.content_sha256) == 64
    assert entry.rows_deleted["cycles.appraisalcycle"] == 1
    assert entry.rows_deleted["cycles.historicalappraisalcycle"] >= 2
    assert entry.files_deleted == len(set(scene.expired.files))
    appraisee = scene.expired.cycle.appraisee
    ledger_text = repr(PurgeLedgerEntry.objects.values().get())
    assert scene.expired.marker not in ledger_text
    assert appraisee.last_name not in ledger_text and appraisee.email not in ledger_text


def test_a_second_run_changes_nothing(scene: Scene) -> None:
    services.purge_expired_records(as_of=AS_OF)
    counts = every_table_count()

    again = services.purge_expired_records(as_of=AS_OF)

    assert again.purged == 0 and again.outcomes == []
    assert every_table_count() == counts


STEPS_IN_TRANSACTION = [
    "collected",
    "rows_deleted",
    "history_deleted",
    "guardian_deleted",
    "logs_deleted",
    "ledger_written",
    "files_queued",
]


@pytest.mark.parametrize("step", [*STEPS_IN_TRANSACTION, "file_deleted"])
def test_a_crash_at_each_step_is_repaired_by_the_next_run(
    scene: Scene, step: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = trace_map(scene)
    counts_before = every_table_count()

    def crash(at: str, record_id: int) -> None:
        if at == step:
            raise SimulatedCrash(at)

    with monkeypatch.context() as patch:
        patch.setattr(checkpoints, "checkpoint", crash)
        with pytest.raises(SimulatedCrash):
            services.purge_expired_records(as_of=AS_OF)

    if step in STEPS_IN_TRANSACTION:
        # Rolled back whole: every row, history row, log row and file is still there.
        assert trace_map(scene) == before
        assert every_table_count() == counts_before
        assert media_containing(scene.expired.marker)
        assert PurgeLedgerEntry.objects.count() == 0
    else:
        # Committed; the file deletion was cut short and is still listed as pending.
        assert PurgeLedgerEntry.objects.count() == 1
        assert PendingFileDeletion.objects.exists()
        assert tables_containing(scene.expired.marker) == [
            "retention_pendingfiledeletion.storage_name"
        ]

    run = services.purge_expired_records(as_of=AS_OF)

    assert_purged_completely(scene)
    assert PurgeLedgerEntry.objects.count() == 1
    assert run.purged == (1 if step in STEPS_IN_TRANSACTION else 0)
    assert trace_map(scene)[scene.recent.marker] == before[scene.recent.marker]
    assert trace_map(scene)[scene.held.marker] == before[scene.held.marker]
    counts = every_table_count()
    services.purge_expired_records(as_of=AS_OF)
    assert every_table_count() == counts


def test_dry_run_lists_what_would_go_and_changes_nothing(scene: Scene, capsys) -> None:  # type: ignore[no-untyped-def]
    counts = every_table_count()

    run = services.purge_expired_records(as_of=AS_OF, dry_run=True)
    call_command("purge_expired", "--as-of", AS_OF.isoformat(), "--dry-run")

    assert [o.record_id for o in run.outcomes] == [scene.expired.cycle.pk]
    assert run.outcomes[0].status == "would_purge"
    assert run.outcomes[0].rows["cycles.appraisalcycle"] == 1
    assert every_table_count() == counts
    assert media_containing(scene.expired.marker)
    out = capsys.readouterr().out
    assert f"would_purge: appraisal record {scene.expired.cycle.pk}" in out
    assert "1 records would be destroyed; 1 kept by a legal hold" in out


def test_command_purges_as_of_a_date(scene: Scene, capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("purge_expired", "--as-of", "2025-08-31")
    assert PurgeLedgerEntry.objects.count() == 0  # the last day it must be kept
    call_command("purge_expired", "--as-of", AS_OF.isoformat())
    assert PurgeLedgerEntry.objects.count() == 1
    assert "1 records destroyed" in capsys.readouterr().out


def test_two_purges_never_overlap(scene: Scene) -> None:
    settings_db = connection.settings_dict
    other = psycopg.connect(
        host=settings_db["HOST"],
        port=settings_db["PORT"] or 5432,
        user=settings_db["USER"],
        password=settings_db["PASSWORD"] or None,
        dbname=settings_db["NAME"],
        autocommit=True,
    )
    try:
        other.execute("SELECT pg_advisory_lock(%s)", [purge.PURGE_LOCK_KEY])
        counts = every_table_count()
        run = services.purge_expired_records(as_of=AS_OF)
        assert run.locked_out and run.outcomes == []
        assert every_table_count() == counts
        other.execute("SELECT pg_advisory_unlock(%s)", [purge.PURGE_LOCK_KEY])
    finally:
        other.close()
    assert services.purge_expired_records(as_of=AS_OF).purged == 1


def test_lifting_a_hold_lets_the_next_purge_destroy_the_record(scene: Scene) -> None:
    services.purge_expired_records(as_of=AS_OF)
    hold = LegalHold.objects.get(lifted_at__isnull=True)
    services.legal_hold_lift(
        principal=principal_for(scene.hr),  # type: ignore[arg-type]
        actor=scene.hr,  # type: ignore[arg-type]
        hold=hold,
        reason="Claim settled",
    )

    run = services.purge_expired_records(as_of=AS_OF)

    assert run.purged == 1
    assert tables_containing(scene.held.marker) == []
    assert media_containing(scene.held.marker) == []
    assert PurgeLedgerEntry.objects.count() == 2


def test_a_lifted_hold_and_its_history_go_with_the_record(scene: Scene) -> None:
    """HR's reasons for setting and lifting a hold are about the record: they are destroyed
    with it. The ledger keeps the fact that there was a hold (its row counts), not the text."""
    services.purge_expired_records(as_of=AS_OF)
    hold = LegalHold.objects.get(lifted_at__isnull=True)
    services.legal_hold_lift(
        principal=principal_for(scene.hr),  # type: ignore[arg-type]
        actor=scene.hr,  # type: ignore[arg-type]
        hold=hold,
        reason="Claim settled QZXLIFTREASON",
    )
    history_ids = list(hold.history.values_list("history_id", flat=True))
    assert len(history_ids) == 2
    # The tree also holds a lifted hold the builder made, like any other row under a cycle.
    holds = LegalHold.objects.filter(root_kind="appraisal_cycle", root_id=scene.held.cycle.pk)
    hold_count = holds.count()
    hold_history = LegalHold.history.filter(id__in=holds.values("pk")).count()

    services.purge_expired_records(as_of=AS_OF)

    assert not LegalHold.objects.filter(pk=hold.pk).exists()
    assert not LegalHold.history.filter(id=hold.pk).exists()
    assert not LegalHold.history.filter(history_id__in=history_ids).exists()
    assert tables_containing("Employment tribunal claim") == []
    assert tables_containing("QZXLIFTREASON") == []
    entry = PurgeLedgerEntry.objects.get(record_id=scene.held.cycle.pk)
    assert entry.rows_deleted["retention.legalhold"] == hold_count
    assert entry.rows_deleted["retention.historicallegalhold"] == hold_history
    assert "QZXLIFTREASON" not in str(PurgeLedgerEntry.objects.values().get(pk=entry.pk))


def test_a_hold_on_a_person_keeps_all_their_records(scene: Scene) -> None:
    appraisee = scene.expired.cycle.appraisee
    older = _closed_cycle(scene.world, 2015, appraisee=appraisee)
    services.legal_hold_set(
        principal=principal_for(scene.hr),  # type: ignore[arg-type]
        actor=scene.hr,  # type: ignore[arg-type]
        staff_member=appraisee,
        reason="Subject access request",
    )

    run = services.purge_expired_records(as_of=AS_OF)

    assert run.purged == 0 and run.held == 3
    assert AppraisalCycle.objects.filter(pk__in=[older.pk, scene.expired.cycle.pk]).count() == 2


def test_retention_follows_each_cycles_pinned_policy(scene: Scene) -> None:
    """leger §14: 6 years. A leger cycle that ended 31 August 2019 has gone by
    1 September 2025; the classic cycle that ended the same day (7 years) has not."""
    leger = preset_version(scene.world.trust, "leger-pdp")
    leger_cycle = _closed_cycle(scene.world, 2018, policy_version=leger)
    run = services.purge_expired_records(as_of=AS_OF)
    purged = set(PurgeLedgerEntry.objects.values_list("record_id", flat=True))
    assert purged == {scene.expired.cycle.pk, leger_cycle.pk}
    assert run.purged == 2
    assert AppraisalCycle.objects.filter(pk=scene.recent.cycle.pk).exists()


@pytest.mark.policy_setting("retention.counted_from")
def test_counted_from_end_of_employment_waits_for_the_leaver(scene: Scene) -> None:
    version = preset_version(
        scene.world.trust, "staploe-associate", retention={"counted_from": "end_of_employment"}
    )
    stayer = _closed_cycle(scene.world, 2010, policy_version=version)
    leaver_staff = scene.world.staff(left_on=D(2019, 3, 31))
    leaver = _closed_cycle(scene.world, 2010, policy_version=version, appraisee=leaver_staff)
    services.purge_expired_records(as_of=AS_OF)
    assert AppraisalCycle.objects.filter(pk=stayer.pk).exists()
    assert not AppraisalCycle.objects.filter(pk=leaver.pk).exists()
    assert PurgeLedgerEntry.objects.get(record_id=leaver.pk).expired_on == D(2025, 3, 31)


def test_reminder_rows_and_grants_go_with_the_cycle(scene: Scene) -> None:
    cycle_pk = scene.expired.cycle.pk
    assert ReminderDispatch.objects.filter(cycle_id=cycle_pk).exists()
    services.purge_expired_records(as_of=AS_OF)
    assert not ReminderDispatch.objects.filter(cycle_id=cycle_pk).exists()
    from cycles.models import CycleAccessGrant, CycleUserObjectPermission

    assert not CycleAccessGrant.objects.filter(cycle_id=cycle_pk).exists()
    assert not CycleUserObjectPermission.objects.filter(content_object_id=cycle_pk).exists()
    assert CycleUserObjectPermission.objects.filter(content_object_id=scene.recent.cycle.pk)


def test_time_budget_stops_between_trees(scene: Scene) -> None:
    leger = preset_version(scene.world.trust, "leger-pdp")
    _closed_cycle(scene.world, 2010, policy_version=leger)
    first = services.purge_expired_records(as_of=AS_OF, max_seconds=0)
    assert not first.complete and first.purged == 1
    second = services.purge_expired_records(as_of=AS_OF, max_seconds=0)
    assert second.purged == 1
    third = services.purge_expired_records(as_of=AS_OF, max_seconds=0)
    assert third.complete and third.purged == 0


def test_sqlite_fallback_lock_uses_the_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with purge.purge_lock() as first, purge.purge_lock() as second:
        assert first and not second
    with purge.purge_lock() as again:
        assert again


def test_a_record_restored_from_backup_is_destroyed_again(scene: Scene) -> None:
    """Restoring a backup taken before the purge brings the cycle back; the next run
    replays the ledger and destroys it again, even at a date it would not expire by."""
    cycle = scene.expired.cycle
    values = {f.attname: getattr(cycle, f.attname) for f in AppraisalCycle._meta.concrete_fields}
    services.purge_expired_records(as_of=AS_OF)
    AppraisalCycle.objects.bulk_create([AppraisalCycle(**values)])  # the restore

    run = services.purge_expired_records(as_of=D(2020, 1, 1))

    assert [o.record_id for o in run.outcomes] == [cycle.pk]
    assert run.purged == 1
    assert not AppraisalCycle.objects.filter(pk=cycle.pk).exists()
    assert PurgeLedgerEntry.objects.count() == 1
