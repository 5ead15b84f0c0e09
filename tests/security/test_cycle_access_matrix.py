"""Who may see and act on whose appraisal cycle: persona x action x cycle, exhaustively.

The expected answers are the access rules of docs/access.md; a change to
cycles/permissions.py that widens or narrows access fails here.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.http import Http404

from accounts.models import User
from cycles.models import AppraisalCycle
from cycles.permissions import (
    administered_cycles,
    can,
    get_cycle_for_user,
    listed_cycles,
    visible_cycles,
)
from organisation.principal import principal_for
from policies.schema import CURRENT_SCHEMA_VERSION, SCHEMA_VERSION_KEY
from tests.personas import ALL_PERSONAS

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shared_world):  # type: ignore[no-untyped-def]
    """The personas, built once for the module (tests/conftest.py)."""
    return shared_world


# persona -> the cycles (by appraisee persona) they may VIEW (read the record of). The world's
# policy keeps the default readers (the reviewer, the member of staff, the headteacher): HR and
# the delegated lead administer their cycles (``ADMINISTER``) without reading them.
VIEW = {
    "hr": set(),
    "trust_admin": set(),  # organisation and policy only, not appraisal content
    "ceo": set(),  # the default policy does not involve the CEO in the head's review
    "headteacher": {"appraisee", "colleague", "line_manager", "headteacher"},
    "delegate": set(),  # not among the default readers
    "senior_leader": {"colleague", "line_manager"},  # reviewer of these two
    "line_manager": {"appraisee", "line_manager"},  # reviewer, and their own
    "appraisee": {"appraisee"},
    "colleague": {"colleague"},
    "sibling_staff": {"sibling_staff"},
    "sibling_head": {"sibling_staff"},
    "inactive": set(),
    "governor": set(),
    "chair": set(),  # sets up the headteacher's committee; reads it only as a member
    "adviser": {"headteacher"},  # granted on that one cycle only
    "b_hr": set(),
    "b_headteacher": {"b_staff"},
    "b_staff": {"b_staff"},
}
EDIT = {
    "headteacher": {"appraisee", "colleague", "line_manager"},
    "senior_leader": {"colleague", "line_manager"},
    "line_manager": {"appraisee"},
    "sibling_head": {"sibling_staff"},
    "b_headteacher": {"b_staff"},
}
COMMENT = {
    p: {p} & {"appraisee", "colleague", "line_manager", "sibling_staff", "headteacher", "b_staff"}
    for p in ALL_PERSONAS
}
COMMENT["inactive"] = set()
MANAGE = {
    "hr": {"appraisee", "colleague", "line_manager", "sibling_staff", "headteacher"},
    "headteacher": {"appraisee", "colleague", "line_manager"},
    "delegate": {"appraisee", "colleague", "line_manager"},
    "sibling_head": {"sibling_staff"},
    "b_hr": {"b_staff"},
    "b_headteacher": {"b_staff"},
}
EXPECTED = {"view": VIEW, "edit": EDIT, "comment": COMMENT, "manage": MANAGE}
# persona -> the cycles whose process they run, reading them or not (``administered_cycles``).
ADMINISTER = {
    "hr": {"appraisee", "colleague", "line_manager", "sibling_staff", "headteacher"},
    "headteacher": {"appraisee", "colleague", "line_manager"},
    "delegate": {"appraisee", "colleague", "line_manager"},
    "sibling_head": {"sibling_staff"},
    "b_hr": {"b_staff"},
    "b_headteacher": {"b_staff"},
}


def test_every_persona_is_in_the_matrix(world):
    assert set(VIEW) == set(ALL_PERSONAS)


@pytest.mark.parametrize("action", ["view", "edit", "comment", "manage"])
@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_matrix(world, persona, action):
    principal = principal_for(world.user(persona))
    allowed = {key for key, cycle in world.cycles.items() if can(principal, action, cycle)}
    assert allowed == EXPECTED[action].get(persona, set())


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_visible_cycles_agrees_with_view_and_404s_the_rest(world, persona):
    principal = principal_for(world.user(persona))
    visible = set(visible_cycles(principal).values_list("pk", flat=True))
    expected = {world.cycles[key].pk for key in VIEW[persona]}
    assert visible == expected
    for key, cycle in world.cycles.items():
        if key in VIEW[persona]:
            fetched, access = get_cycle_for_user(principal, cycle.pk, request=None)
            assert fetched == cycle
            # The access level the fetch hands back answers exactly as ``can`` does.
            for action in ("edit", "comment", "manage"):
                assert access.allows(action) == can(principal, action, cycle), action
        else:
            with pytest.raises(Http404):
                get_cycle_for_user(principal, cycle.pk, request=None)


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_administrators_open_the_cycle_page_without_reading_the_record(world, persona):
    """HR and an academy's leads run every cycle they administer (its stage, people and
    access) whatever the policy's readers say; the access level says whether they read it."""
    principal = principal_for(world.user(persona))
    administered = set(administered_cycles(principal).values_list("pk", flat=True))
    assert administered == {world.cycles[key].pk for key in ADMINISTER.get(persona, set())}
    for key, cycle in world.cycles.items():
        if key in ADMINISTER.get(persona, set()) | VIEW[persona]:
            fetched, access = get_cycle_for_user(
                principal, cycle.pk, request=None, administering=True
            )
            assert fetched == cycle
            assert access.reads is (key in VIEW[persona])
        else:
            with pytest.raises(Http404):
                get_cycle_for_user(principal, cycle.pk, request=None, administering=True)


def test_missing_cycle_is_the_same_404(world):
    principal = principal_for(world.user("hr"))
    with pytest.raises(Http404):
        get_cycle_for_user(
            principal, AppraisalCycle.objects.order_by("-pk").first().pk + 1000, request=None
        )


def test_adviser_grant_expires(world):
    adviser = world.user("adviser")
    cycle = world.cycles["headteacher"]
    assert can(principal_for(adviser), "view", cycle)
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=61)):
        adviser.refresh_from_db()
        assert not can(principal_for(adviser), "view", cycle)


def test_delegation_expires(world):
    _readers(world, [*DEFAULT_READERS, "appraisal_delegate"])
    delegate = world.user("delegate")
    assert can(principal_for(delegate), "view", world.cycles["appraisee"])
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=201)):
        delegate.refresh_from_db()
        del delegate._principal
        assert not can(principal_for(delegate), "view", world.cycles["appraisee"])
        assert not administered_cycles(principal_for(delegate)).exists()


def test_reviewer_line_managers_read_only_where_policy_says(world):
    """staploe 'Confidentiality': each of the reviewer's line managers may read."""
    headteacher = world.user("headteacher")
    version = world.policy_version
    version.settings = {
        "confidentiality": {
            "readers": ["reviewer", "reviewee", "headteacher", "reviewer_line_managers"]
        }
    }
    version.save()
    senior = world.user("senior_leader")
    # The senior leader is above the appraisee's reviewer (line_manager).
    assert can(principal_for(senior), "view", world.cycles["appraisee"])
    assert not can(principal_for(senior), "edit", world.cycles["appraisee"])
    assert headteacher  # the head sees everything in the academy regardless


def test_ceo_reads_headteacher_cycle_where_policy_says(world):
    """leger §7: the committee includes the trust CEO."""
    version = world.policy_version
    version.settings = {"headteacher": {"committee_includes": ["Trust CEO", "Chair"]}}
    version.save()
    assert can(principal_for(world.user("ceo")), "view", world.cycles["headteacher"])
    assert not can(principal_for(world.user("ceo")), "view", world.cycles["appraisee"])


# ----- The policy's readers (confidentiality.readers) ----------------------------------

DEFAULT_READERS = ["reviewer", "reviewee", "headteacher"]
EVERY_READER = [
    "reviewer",
    "reviewee",
    "headteacher",
    "appraisal_delegate",
    "reviewer_line_managers",
    "trust_staff",
]


def _readers(world, readers):
    version = world.policy_version
    version.settings = {
        SCHEMA_VERSION_KEY: CURRENT_SCHEMA_VERSION,
        "confidentiality": {"readers": readers},
    }
    version.save()


def _fresh(world, persona):
    """The persona's principal as a new request would load it."""
    return principal_for(User.objects.get(pk=world.user(persona).pk))


@pytest.mark.policy_setting("confidentiality.readers")
@pytest.mark.parametrize(
    ("persona", "reader", "key"),
    [
        ("hr", "trust_staff", "appraisee"),
        ("hr", "trust_staff", "headteacher"),
        ("delegate", "appraisal_delegate", "appraisee"),
        ("headteacher", "headteacher", "colleague"),
        ("line_manager", "reviewer", "appraisee"),
        ("appraisee", "reviewee", "appraisee"),
        ("senior_leader", "reviewer_line_managers", "appraisee"),
    ],
)
def test_a_role_reads_only_where_the_policy_lists_it(world, persona, reader, key):
    """The same cycle, the same person: listed, they read it; left out, "Page not found"
    (from the record's pages and from every list, which filter by the same versions)."""
    cycle = world.cycles[key]
    # The headteacher manages every reviewer of the academy: the up-chain reader would let
    # them in as well, so it is listed only where it is the reader being shown.
    others = [r for r in EVERY_READER if r not in {reader, "reviewer_line_managers"}]
    _readers(world, [*others, reader])
    listed = _fresh(world, persona)
    assert can(listed, "view", cycle)
    assert visible_cycles(listed).filter(pk=cycle.pk).exists()
    assert get_cycle_for_user(listed, cycle.pk, request=None)[0] == cycle

    _readers(world, others)
    left_out = _fresh(world, persona)
    assert not can(left_out, "view", cycle)
    assert not visible_cycles(left_out).filter(pk=cycle.pk).exists()
    with pytest.raises(Http404):
        get_cycle_for_user(left_out, cycle.pk, request=None)
    # Nor do they work on or comment on a record they do not read.
    assert not can(left_out, "edit", cycle)
    assert not can(left_out, "comment", cycle)


@pytest.mark.policy_setting("confidentiality.readers")
def test_hr_left_out_still_runs_the_cycle_but_does_not_read_it(world):
    """classic §1.8 lists no HR reader: HR keeps administering the cycle (its stage, people
    and access) and reads its record only under a policy that lists trust staff."""
    cycle = world.cycles["appraisee"]
    for readers, reads in ((DEFAULT_READERS, False), ([*DEFAULT_READERS, "trust_staff"], True)):
        _readers(world, readers)
        hr = _fresh(world, "hr")
        fetched, access = get_cycle_for_user(hr, cycle.pk, request=None, administering=True)
        assert fetched == cycle
        assert access.reads is reads
        assert access.can_manage
        assert can(hr, "view", cycle) is reads


def test_governors_read_no_named_record_whatever_the_policy_lists(world):
    """Governors see anonymised reports only: under a policy listing every reader there
    is, a governor of the academy reads none of its records (a headteacher's appraisal
    only by a committee grant on that one cycle, tested with the access grants)."""
    _readers(world, EVERY_READER)
    governor = _fresh(world, "governor")
    assert not any(can(governor, "view", cycle) for cycle in world.cycles.values())
    assert not visible_cycles(governor).exists()
    assert not any(can(governor, "edit", cycle) for cycle in world.cycles.values())


def test_another_trusts_policy_listing_everyone_opens_nothing_here(world):
    """Cross-tenant: trust B's version lists every reader; nobody of trust A reads by it,
    and trust B's HR reads only trust B's record."""
    version = world.other_policy_version
    version.settings = {
        SCHEMA_VERSION_KEY: CURRENT_SCHEMA_VERSION,
        "confidentiality": {"readers": EVERY_READER},
    }
    version.save()
    b_cycle = world.cycles["b_staff"]
    for persona in ALL_PERSONAS:
        principal = _fresh(world, persona)
        if persona.startswith("b_"):
            assert can(principal, "view", b_cycle), persona
            assert set(visible_cycles(principal).values_list("trust_id", flat=True)) == {
                world.other_trust.pk
            }
        else:
            assert not visible_cycles(principal).filter(pk=b_cycle.pk).exists(), persona
            assert not listed_cycles(principal).filter(pk=b_cycle.pk).exists(), persona
