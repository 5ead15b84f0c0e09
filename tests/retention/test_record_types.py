"""Retention per record type: each registered record type is kept for the years its own
``retention.*_years`` field sets, counted the way ``retention.counted_from`` says. Each
test changes one setting of the pinned policy and shows the purge doing something else."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from cycles.models import AppraisalCycle, CycleState
from policies.models import PolicyVersion
from retention import services
from retention.models import PurgeLedgerEntry
from reviews.models import Observation, ObservationKind
from tests.reminders.factories import World, make_world, preset_version

D = dt.date
AS_OF = D(2025, 9, 1)
pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db: Any) -> World:
    return make_world()


def closed_cycle(world: World, version: PolicyVersion, start_year: int) -> AppraisalCycle:
    return world.cycle_for(
        world.staff(),
        policy_version=version,
        starts_on=D(start_year, 9, 1),
        ends_on=D(start_year + 1, 8, 31),
        state=CycleState.CLOSED,
    )


def observation(world: World, cycle: AppraisalCycle) -> Observation:
    return Observation.objects.create(
        trust=world.trust,
        cycle=cycle,
        observer=world.reviewer,
        observed_at=dt.datetime(cycle.starts_on.year, 11, 5, 10, tzinfo=dt.UTC),
        duration_minutes=30,
        kind=ObservationKind.FORMAL,
        focus="Questioning in Year 9",
    )


def exists(obj: Any) -> bool:
    return bool(type(obj)._base_manager.filter(pk=obj.pk).exists())


# classic-objectives keeps everything 7 years (§1.9): a cycle that ended on 31 August 2021
# is kept until 31 August 2028.


@pytest.mark.policy_setting("retention.observation_years")
@pytest.mark.parametrize("observation_years", [None, 3])
def test_observations_go_after_their_own_years_while_the_record_is_kept(
    world: World, observation_years: int | None
) -> None:
    version = preset_version(
        world.trust, "classic-objectives", retention={"observation_years": observation_years}
    )
    cycle = closed_cycle(world, version, 2020)
    seen = observation(world, cycle)

    run = services.purge_expired_records(as_of=AS_OF)

    assert exists(cycle)  # the appraisal record itself: 7 years, until 2028
    if observation_years is None:
        assert exists(seen) and run.purged == 0
        return
    # 3 years from 31 August 2021: gone by 1 September 2025, on its own.
    assert not exists(seen)
    assert not Observation.history.filter(id=seen.pk).exists()
    entry = PurgeLedgerEntry.objects.get()
    assert (entry.record_type, entry.record_id) == ("observation", seen.pk)
    assert (entry.root_kind, entry.root_id) == ("appraisal_cycle", cycle.pk)
    assert entry.retention_years == 3 and entry.expired_on == D(2024, 8, 31)
    assert entry.rows_deleted["reviews.observation"] == 1
    assert "cycles.appraisalcycle" not in entry.rows_deleted
    assert entry.record_label == f"Observation {seen.pk} of appraisal record {cycle.pk}"
    # Done once: the next night changes nothing.
    assert services.purge_expired_records(as_of=AS_OF).purged == 0


@pytest.mark.policy_setting("retention.observation_years")
@pytest.mark.parametrize("observation_years", [None, 9])
def test_a_longer_observation_period_keeps_the_whole_record(
    world: World, observation_years: int | None
) -> None:
    version = preset_version(
        world.trust, "classic-objectives", retention={"observation_years": observation_years}
    )
    cycle = closed_cycle(world, version, 2016)  # ended 31 August 2017: 7 years are up
    seen = observation(world, cycle)

    services.purge_expired_records(as_of=AS_OF)

    assert exists(cycle) == (observation_years == 9)
    assert exists(seen) == (observation_years == 9)


@pytest.mark.policy_setting("retention.appraisal_record_years")
@pytest.mark.parametrize("appraisal_record_years", [None, 9])
def test_appraisal_record_years_sets_when_the_record_goes(
    world: World, appraisal_record_years: int | None
) -> None:
    version = preset_version(
        world.trust,
        "classic-objectives",
        retention={"appraisal_record_years": appraisal_record_years},
    )
    cycle = closed_cycle(world, version, 2016)  # ended 31 August 2017
    seen = observation(world, cycle)

    services.purge_expired_records(as_of=AS_OF)

    if appraisal_record_years is None:
        assert not exists(cycle) and not exists(seen)
        entry = PurgeLedgerEntry.objects.get()
        assert (entry.record_type, entry.retention_years) == ("appraisal_record", 7)
    else:
        # Kept 9 years; its observations, left at the trust's 7, go on their own.
        assert exists(cycle) and not exists(seen)
        assert PurgeLedgerEntry.objects.get().record_type == "observation"


@pytest.mark.policy_setting("retention.default_years")
@pytest.mark.parametrize("default_years", [7, 9])
def test_default_years_sets_when_every_record_goes(world: World, default_years: int) -> None:
    version = preset_version(
        world.trust, "classic-objectives", retention={"default_years": default_years}
    )
    cycle = closed_cycle(world, version, 2016)  # ended 31 August 2017
    seen = observation(world, cycle)

    run = services.purge_expired_records(as_of=AS_OF)

    assert exists(cycle) == (default_years == 9)
    assert exists(seen) == (default_years == 9)
    assert run.purged == (1 if default_years == 7 else 0)


def test_a_hold_on_the_record_keeps_its_observations(world: World) -> None:
    from organisation.models import Role
    from organisation.principal import principal_for
    from organisation.services import role_grant
    from tests.factories import UserFactory

    hr = UserFactory(trust=world.trust)
    role_grant(
        user=hr, role=Role.HR, trust=world.trust, starts_at=dt.datetime(2015, 1, 1, tzinfo=dt.UTC)
    )
    version = preset_version(world.trust, "classic-objectives", retention={"observation_years": 3})
    cycle = closed_cycle(world, version, 2020)
    seen = observation(world, cycle)
    services.legal_hold_set(principal=principal_for(hr), actor=hr, record=cycle, reason="Claim")

    run = services.purge_expired_records(as_of=AS_OF)

    assert exists(seen) and run.purged == 0 and run.held == 1


def test_a_restored_observation_is_destroyed_again(world: World) -> None:
    version = preset_version(world.trust, "classic-objectives", retention={"observation_years": 3})
    cycle = closed_cycle(world, version, 2020)
    seen = observation(world, cycle)
    values = {f.attname: getattr(seen, f.attname) for f in Observation._meta.concrete_fields}
    services.purge_expired_records(as_of=AS_OF)
    Observation.objects.bulk_create([Observation(**values)])  # the restore

    run = services.purge_expired_records(as_of=D(2022, 1, 1))

    assert [(o.record_type, o.record_id, o.status) for o in run.outcomes] == [
        ("observation", seen.pk, "purged")
    ]
    assert not exists(seen) and exists(cycle)
    assert PurgeLedgerEntry.objects.count() == 1
