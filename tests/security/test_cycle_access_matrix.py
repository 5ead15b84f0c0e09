"""Who may see and act on whose appraisal cycle: persona x action x cycle, exhaustively.

The expected answers are the access rules of docs/access.md; a change to
cycles/permissions.py that widens or narrows access fails here.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.http import Http404

from cycles.models import AppraisalCycle
from cycles.permissions import can, get_cycle_for_user, visible_cycles
from organisation.principal import principal_for
from tests.personas import ALL_PERSONAS

pytestmark = pytest.mark.django_db

# persona -> the cycles (by appraisee persona) they may VIEW.
VIEW = {
    "hr": {"appraisee", "colleague", "line_manager", "sibling_staff", "headteacher"},
    "trust_admin": set(),  # organisation and policy only, not appraisal content
    "ceo": set(),  # the default policy does not involve the CEO in the head's review
    "headteacher": {"appraisee", "colleague", "line_manager", "headteacher"},
    "delegate": {"appraisee", "colleague", "line_manager"},  # not the head's own
    "senior_leader": {"colleague", "line_manager"},  # reviewer of these two
    "line_manager": {"appraisee", "line_manager"},  # reviewer, and their own
    "appraisee": {"appraisee"},
    "colleague": {"colleague"},
    "sibling_staff": {"sibling_staff"},
    "sibling_head": {"sibling_staff"},
    "inactive": set(),
    "governor": set(),
    "adviser": {"headteacher"},  # granted on that one cycle only
    "b_hr": {"b_staff"},
    "b_headteacher": {"b_staff"},
    "b_staff": {"b_staff"},
}
EDIT = {
    "headteacher": {"appraisee", "colleague", "line_manager"},
    "delegate": {"appraisee", "colleague", "line_manager"},
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
    delegate = world.user("delegate")
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=201)):
        delegate.refresh_from_db()
        assert not can(principal_for(delegate), "view", world.cycles["appraisee"])


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
