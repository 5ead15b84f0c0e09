"""Whether the CEO reads the headteacher's appraisal is a typed policy setting
(``headteacher.ceo_on_committee``, or a CEO appraiser), never a search of free text."""

from __future__ import annotations

from typing import Any

import pytest

from cycles.permissions import can, visible_cycles
from organisation.principal import principal_for
from policies.schema import CURRENT_SCHEMA_VERSION, SCHEMA_VERSION_KEY
from tests.personas import World

pytestmark = pytest.mark.django_db


def _policy_says(world: World, headteacher: dict[str, Any]) -> None:
    version = world.policy_version
    assert version is not None
    version.settings = {SCHEMA_VERSION_KEY: CURRENT_SCHEMA_VERSION, "headteacher": headteacher}
    version.save()


def _ceo_reads(world: World) -> bool:
    principal = principal_for(world.user("ceo"))
    cycle = world.cycles["headteacher"]
    by_rule = can(principal, "view", cycle)
    # The list every page uses agrees with the single-cycle answer.
    assert visible_cycles(principal).filter(pk=cycle.pk).exists() is by_rule
    # Never anyone else's appraisal.
    assert not can(principal, "view", world.cycles["appraisee"])
    return by_rule


def test_the_ceo_on_the_committee_reads_it_whatever_the_list_is_called(world: World) -> None:
    _policy_says(world, {"ceo_on_committee": True, "committee_includes": ["Chief executive"]})
    assert _ceo_reads(world)


def test_a_list_naming_the_ceo_does_not_open_it_by_itself(world: World) -> None:
    # "The trust CEO" is wording for the record; the setting says the CEO is not on it.
    _policy_says(world, {"ceo_on_committee": False, "committee_includes": ["The trust CEO"]})
    assert not _ceo_reads(world)


@pytest.mark.parametrize("appraiser", ["ceo", "governing_body_with_ceo"])
def test_a_ceo_appraiser_reads_it(world: World, appraiser: str) -> None:
    _policy_says(world, {"appraised_by": appraiser, "ceo_on_committee": False})
    assert _ceo_reads(world)


def test_by_default_the_ceo_does_not_read_it(world: World) -> None:
    _policy_says(world, {})
    assert not _ceo_reads(world)


def test_a_version_stored_before_the_setting_keeps_its_answer(world: World) -> None:
    # Stored before documents were versioned: the upgrade reads the old wording once.
    version = world.policy_version
    assert version is not None
    version.settings = {"headteacher": {"committee_includes": ["The trust CEO"]}}
    version.save()
    assert _ceo_reads(world)


@pytest.mark.policy_setting("headteacher.ceo_on_committee")
@pytest.mark.parametrize("on_committee", [True, False])
def test_ceo_on_committee_alone_decides_it(world: World, on_committee: bool) -> None:
    _policy_says(world, {"ceo_on_committee": on_committee})
    assert _ceo_reads(world) is on_committee


@pytest.mark.policy_setting("headteacher.appraised_by")
@pytest.mark.parametrize(
    ("appraiser", "reads"),
    [
        ("governors_committee", False),
        ("trust_board", False),
        ("ceo", True),
        ("governing_body_with_ceo", True),
    ],
)
def test_who_appraises_the_head_decides_whether_the_ceo_reads(
    world: World, appraiser: str, reads: bool
) -> None:
    _policy_says(world, {"appraised_by": appraiser})
    assert _ceo_reads(world) is reads
