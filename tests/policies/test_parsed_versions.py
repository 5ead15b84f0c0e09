"""A policy version's settings are parsed once per version id, whatever row object reads them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from unittest import mock

import pytest

from cycles.models import AppraisalCycle
from policies.models import PolicyVersion
from policies.schema import PolicySettings
from policies.schema.stored import ParsedVersions, parsed_versions
from policies.services import policy_create, policy_version_create
from tests.factories import TrustFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    parsed_versions.clear()
    yield
    parsed_versions.clear()


@pytest.fixture
def version() -> PolicyVersion:
    policy = policy_create(
        trust=TrustFactory(),
        name="Ours",
        settings={"retention": {"default_years": 7}},
        effective_from=dt.date(2025, 9, 1),
    )
    return policy.versions.get()


def count_validations() -> mock._patch[mock.MagicMock]:
    return mock.patch.object(PolicySettings, "model_validate", wraps=PolicySettings.model_validate)


def test_two_row_objects_of_one_version_share_one_parse(version: PolicyVersion) -> None:
    first = PolicyVersion.objects.get(pk=version.pk)
    second = PolicyVersion.objects.get(pk=version.pk)
    assert first is not second and first.settings is not second.settings
    with count_validations() as validate:
        a, b = first.rules, second.rules
        # Read again: the instance keeps it too.
        assert first.rules is a
    assert validate.call_count == 1
    assert a is b
    assert a.retention.default_years == 7


def test_select_related_rows_share_one_parse(world) -> None:  # type: ignore[no-untyped-def]
    cycles = list(AppraisalCycle.objects.select_related("policy_version"))
    assert len({c.policy_version_id for c in cycles}) < len(cycles)  # several per version
    parsed_versions.clear()  # building the world's grants already read its policy
    with count_validations() as validate:
        for cycle in cycles:
            assert cycle.policy_version.rules is not None
    assert validate.call_count == len({c.policy_version_id for c in cycles})


def test_a_changed_document_is_parsed_again(version: PolicyVersion) -> None:
    # Versions are immutable through the services; one changed around them (a data
    # migration, the shell) must never be answered from the old parse.
    assert PolicyVersion.objects.get(pk=version.pk).rules.retention.default_years == 7
    settings = dict(version.settings)
    settings["retention"] = {**settings["retention"], "default_years": 9}
    PolicyVersion.objects.filter(pk=version.pk).update(settings=settings)
    with count_validations() as validate:
        assert PolicyVersion.objects.get(pk=version.pk).rules.retention.default_years == 9
        assert PolicyVersion.objects.get(pk=version.pk).rules.retention.default_years == 9
    assert validate.call_count == 1


def test_changing_the_caller_dict_in_place_does_not_change_the_cache() -> None:
    cache = ParsedVersions()
    data: dict = {"retention": {"default_years": 7}}
    assert cache.rules(1, data).retention.default_years == 7
    data["retention"]["default_years"] = 8
    assert cache.rules(1, data).retention.default_years == 8


def test_an_unsaved_version_is_not_cached() -> None:
    cache = ParsedVersions()
    cache.rules(None, {})
    assert len(cache) == 0


def test_the_cache_is_bounded() -> None:
    cache = ParsedVersions(maxsize=2)
    for pk in (1, 2, 3):
        cache.rules(pk, {})
    assert len(cache) == 2
    with count_validations() as validate:
        cache.rules(3, {})  # still there
        cache.rules(1, {})  # the least recently used went first
    assert validate.call_count == 1


def test_every_cycle_of_a_version_reads_the_identical_settings_object(world) -> None:  # type: ignore[no-untyped-def]
    """Each row of a ``select_related`` list has its own PolicyVersion object; all of them
    answer with one parsed object per version id, parsed once."""
    version = world.policy_version
    for key in ("appraisee", "colleague", "line_manager"):
        assert world.cycles[key].policy_version_id == version.pk
    parsed_versions.clear()
    with count_validations() as validate:
        cycles = list(
            AppraisalCycle.objects.select_related("policy_version").filter(policy_version=version)
        )
        assert len(cycles) >= 3
        assert len({id(c.policy_version) for c in cycles}) == len(cycles)
        parsed = {id(c.policy_version.rules) for c in cycles}
        # A later request's rows get the same object again.
        again = AppraisalCycle.objects.select_related("policy_version").get(pk=cycles[0].pk)
        assert again.policy_version.rules is cycles[0].policy_version.rules
    assert len(parsed) == 1
    assert validate.call_count == 1


def test_new_settings_make_a_new_version_and_leave_the_pinned_one_as_it_was(
    version: PolicyVersion,
) -> None:
    """A pinned version is never edited: new settings are a new version, and the old one's
    document and parse stay what the cycles pinned."""
    stored = PolicyVersion.objects.get(pk=version.pk)
    document, parsed = stored.settings, stored.rules
    changed = {**document, "retention": {**document["retention"], "default_years": 9}}
    newer = policy_version_create(
        policy=version.policy,
        settings=changed,
        effective_from=dt.date(2026, 9, 1),
        change_note="Longer",
        actor=None,
    )
    assert newer.pk != version.pk and newer.number == 2
    assert PolicyVersion.objects.get(pk=newer.pk).rules.retention.default_years == 9
    old = PolicyVersion.objects.get(pk=version.pk)
    assert old.settings == document
    assert old.rules is parsed
    assert old.rules.retention.default_years == 7
