"""The purge, legal holds, the ledger, the pages and crash recovery work for any
registered root, not only the appraisal cycle.

A test-only root is registered for the duration of each test: a moderation sample (not
a cycle, nothing under a cycle), implementing the ``RetentionRoot`` Protocol by hand,
governed by one given policy version and kept from the end of its academic year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from organisation.models import Role
from organisation.principal import principal_for
from organisation.services import role_grant
from policies.schema import RetentionFrom
from retention import services
from retention.models import LegalHold, PurgeLedgerEntry
from retention.purge import checkpoints
from retention.registry import RegistryError, RetentionRoot, RootFacts, retention_registry
from reviews.models import ModerationItem, ModerationKind, ModerationSample
from tests.factories import UserFactory
from tests.form_tokens import with_token
from tests.reminders.factories import World, make_world

D = dt.date
AS_OF = D(2025, 9, 1)
ROOT_KEY = "test_moderation_sample"


class SimulatedCrash(BaseException):
    """The process dying mid-purge: not an ``Exception``, so nothing catches it."""


@dataclass(frozen=True)
class ModerationSampleRoot:
    version_id: int
    key: str = ROOT_KEY
    record_type: str = "test_moderation_sample_record"
    label: str = "Moderation sample"
    model: type[ModerationSample] = ModerationSample
    retention_field: str = "default"

    def _facts(self, rows: Iterable[ModerationSample]) -> Iterator[RootFacts]:
        for sample in rows:
            yield RootFacts(
                pk=sample.pk,
                trust_id=sample.trust_id,
                academy_id=sample.academy_id,
                policy_version_id=self.version_id,
                starts_on=D(sample.year, 9, 1),
                ends_on=D(sample.year + 1, 8, 31),
            )

    def candidates(
        self, policy_version_id: int, counted_from: RetentionFrom, latest: dt.date, /
    ) -> Iterable[RootFacts]:
        if policy_version_id != self.version_id:
            return []
        rows = ModerationSample.objects.filter(year__lte=latest.year - 1).order_by("year", "pk")
        return [f for f in self._facts(rows) if f.ends_on <= latest]

    def facts(self, pks: Collection[int], /, *, lock: bool = False) -> dict[int, RootFacts]:
        rows = ModerationSample.objects.filter(pk__in=list(pks))
        if lock:
            rows = rows.select_for_update(of=("self",))
        return {f.pk: f for f in self._facts(rows)}

    def files(self, pks: Collection[int], /) -> Iterable[tuple[int, str]]:
        return ()


@dataclass
class Scene:
    world: World
    hr: Any
    old: ModerationSample
    recent: ModerationSample
    root: ModerationSampleRoot


def _sample(world: World, year: int) -> ModerationSample:
    sample = ModerationSample.objects.create(
        trust=world.trust,
        academy=world.academy,
        year=year,
        kind=ModerationKind.STATEMENTS,
        requested_size=1,
        population_size=1,
        seed=42,
    )
    ModerationItem.objects.create(sample=sample, cycle=world.cycle, position=1, note="Fair")
    sample.save()  # a second history row
    return sample


@pytest.fixture
def scene(db: Any) -> Iterator[Scene]:
    world = make_world()
    hr = UserFactory(trust=world.trust)
    role_grant(
        user=hr, role=Role.HR, trust=world.trust, starts_at=dt.datetime(2015, 1, 1, tzinfo=dt.UTC)
    )
    root = ModerationSampleRoot(version_id=world.version.pk)
    retention_registry.register_root(root)
    try:
        yield Scene(
            world=world, hr=hr, old=_sample(world, 2016), recent=_sample(world, 2020), root=root
        )
    finally:
        retention_registry.unregister(root)
    assert retention_registry.root(ROOT_KEY) is None


def gone(sample: ModerationSample) -> bool:
    return (
        not ModerationSample._base_manager.filter(pk=sample.pk).exists()
        and not ModerationSample.history.filter(id=sample.pk).exists()
        and not ModerationItem._base_manager.filter(sample_id=sample.pk).exists()
    )


def hold(scene: Scene, sample: ModerationSample) -> LegalHold:
    return services.legal_hold_set(
        principal=principal_for(scene.hr), actor=scene.hr, record=sample, reason="Tribunal"
    )


@pytest.mark.django_db
def test_the_purge_destroys_an_expired_record_of_another_root(scene: Scene) -> None:
    run = services.purge_expired_records(as_of=AS_OF)

    assert gone(scene.old)
    assert ModerationSample.objects.filter(pk=scene.recent.pk).exists()
    # The cycle the sample's item pointed at is a different record, and stays.
    assert scene.world.cycle.__class__.objects.filter(pk=scene.world.cycle.pk).exists()
    entry = PurgeLedgerEntry.objects.get()
    assert run.purged == 1
    assert (entry.record_type, entry.record_id) == (scene.root.record_type, scene.old.pk)
    assert (entry.root_kind, entry.root_id) == (ROOT_KEY, scene.old.pk)
    assert entry.rows_deleted["reviews.moderationsample"] == 1
    assert entry.rows_deleted["reviews.moderationitem"] == 1
    assert entry.rows_deleted["reviews.historicalmoderationsample"] == 2
    assert entry.retention_years == 7 and entry.expired_on == D(2024, 8, 31)
    assert entry.record_label == f"Moderation sample {scene.old.pk}"
    assert services.purge_expired_records(as_of=AS_OF).purged == 0


@pytest.mark.django_db
def test_a_hold_keeps_it_and_goes_with_it_once_lifted(scene: Scene) -> None:
    held = hold(scene, scene.old)
    assert (held.root_kind, held.root_id) == (ROOT_KEY, scene.old.pk)

    first = services.purge_expired_records(as_of=AS_OF)

    assert first.purged == 0 and first.held == 1
    assert ModerationSample.objects.filter(pk=scene.old.pk).exists()
    services.legal_hold_lift(
        principal=principal_for(scene.hr), actor=scene.hr, hold=held, reason="Settled"
    )

    second = services.purge_expired_records(as_of=AS_OF)

    assert second.purged == 1 and gone(scene.old)
    assert not LegalHold.objects.filter(pk=held.pk).exists()
    assert not LegalHold.history.filter(id=held.pk).exists()
    assert PurgeLedgerEntry.objects.get().rows_deleted["retention.legalhold"] == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("step", ["collected", "history_deleted", "ledger_written"])
def test_a_crash_is_rolled_back_and_repaired_by_the_next_run(
    scene: Scene, step: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(at: str, record_id: int) -> None:
        if at == step:
            raise SimulatedCrash(at)

    with monkeypatch.context() as patch:
        patch.setattr(checkpoints, "checkpoint", crash)
        with pytest.raises(SimulatedCrash):
            services.purge_expired_records(as_of=AS_OF)

    assert ModerationSample.objects.filter(pk=scene.old.pk).exists()
    assert ModerationSample.history.filter(id=scene.old.pk).count() == 2
    assert PurgeLedgerEntry.objects.count() == 0

    run = services.purge_expired_records(as_of=AS_OF)

    assert run.purged == 1 and gone(scene.old)
    assert PurgeLedgerEntry.objects.count() == 1
    assert ModerationSample.objects.filter(pk=scene.recent.pk).exists()


@pytest.mark.django_db
def test_hr_holds_one_by_kind_and_number_and_the_page_names_it(scene: Scene) -> None:
    client = Client()
    client.force_login(scene.hr)
    url = reverse("retention:hold_add")
    form = client.get(url).content.decode()
    assert "Kind of record" in form and "Moderation sample" in form

    wrong = client.post(
        url, with_token({"record_kind": ROOT_KEY, "cycle_number": "999999", "reason": "x"})
    )
    assert "There is no moderation sample with that number" in wrong.content.decode()
    response = client.post(
        url,
        with_token({"record_kind": ROOT_KEY, "cycle_number": str(scene.old.pk), "reason": "SAR"}),
    )

    assert response.status_code == 302
    held = LegalHold.objects.get()
    assert (held.root_kind, held.root_id) == (ROOT_KEY, scene.old.pk)
    page = client.get(reverse("retention:index")).content.decode()
    assert f"Moderation sample {scene.old.pk}" in page


def test_a_root_must_have_the_protocol_shape_and_a_free_key(scene: Scene) -> None:
    assert isinstance(scene.root, RetentionRoot)
    with pytest.raises(RegistryError):
        retention_registry.register_root(object())  # type: ignore[arg-type]
    with pytest.raises(RegistryError, match="already registered"):
        retention_registry.register_root(ModerationSampleRoot(version_id=0))
    with pytest.raises(RegistryError, match="retention_field"):
        retention_registry.register_root(
            ModerationSampleRoot(version_id=0, key="other", retention_field="nonsense")
        )
    # Registering the same root again (``ready()`` run twice) changes nothing.
    retention_registry.register_root(scene.root)
    assert [r.key for r in retention_registry.roots()].count(ROOT_KEY) == 1
