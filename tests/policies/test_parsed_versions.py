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
from policies.services import policy_create
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
