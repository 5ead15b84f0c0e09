"""The headteacher's review committee through its pages and services: HR or the chair of
governors sets it up (classic §3.2), appoints the external adviser (classic §3.1, leger
§7), and the committee does the reviewer's work on that one cycle; the headteacher's own
staff never see it. The CEO's committee is of trustees (aspire §5.1)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from cycles.models import AppraisalCycle, CycleAccessGrant
from cycles.permissions import can
from cycles.services import (
    CycleError,
    cycle_adviser_appoint,
    cycle_committee_set_up,
    cycles_open,
)
from organisation.models import Role
from organisation.principal import principal_for
from organisation.services import role_grant
from policies.schema import CURRENT_SCHEMA_VERSION, SCHEMA_VERSION_KEY
from tests.factories import UserFactory
from tests.form_tokens import with_token
from tests.personas import World

pytestmark = pytest.mark.django_db

COMMITTEE = "review_headteacher_cycle"
ADVISER = "view_cycle_as_adviser"
# The headteacher's own staff, and everyone else who must never read the head's review.
NEVER = ("senior_leader", "delegate", "line_manager", "appraisee", "colleague", "governor")


def _policy(w: World, **headteacher: Any) -> None:
    """The world's policy with only these headteacher settings (classic §3.2 by default:
    three members, the chair always one of them)."""
    version = w.policy_version
    assert version is not None
    version.settings = {
        SCHEMA_VERSION_KEY: CURRENT_SCHEMA_VERSION,
        "headteacher": {"chair_on_committee": True, **headteacher},
    }
    version.save()
    w.cycles["headteacher"].refresh_from_db()


def _governor(w: World, key: str) -> User:
    user = UserFactory(trust=w.trust, email=f"{key}@alder.example.org", first_name=key.title())
    role_grant(user=user, role=Role.GOVERNOR, trust=w.trust, academy=w.academy)
    return user


def _ends() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=60)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def w(world: World) -> World:
    _policy(world)
    return world


def _set_up(w: World, *members: User, actor: str = "chair") -> list[CycleAccessGrant]:
    return cycle_committee_set_up(
        cycle=w.cycles["headteacher"],
        members=list(members),
        expires_at=_ends(),
        actor=w.user(actor),
    )


def test_the_chair_sets_up_the_committee_and_it_does_the_reviewers_work(w: World) -> None:
    """classic §3.2: three governors including the chair; the members review the head."""
    head_cycle = w.cycles["headteacher"]
    one, two = _governor(w, "gwen"), _governor(w, "glen")
    _set_up(w, w.user("chair"), one, two)
    for member in (w.user("chair"), one, two):
        principal = principal_for(member)
        assert can(principal, "view", head_cycle) and can(principal, "edit", head_cycle)
        # That one cycle only.
        others = [c for key, c in w.cycles.items() if key != "headteacher"]
        assert not any(can(principal, "view", c) for c in others)
    for persona in NEVER:
        assert not can(principal_for(w.user(persona)), "view", head_cycle), persona
    # The cycle page names the committee as the reviewer.
    page = _client(one).get(reverse("cycles:detail", args=[head_cycle.pk])).content.decode()
    reviewer = page[page.index(">Reviewer<") : page.index(">Academy<")]
    assert "The headteacher's review committee: " in reviewer and "Gwen" in reviewer, reviewer


def test_a_committee_without_the_chair_is_refused_and_nothing_changes(w: World) -> None:
    with pytest.raises(CycleError, match="always includes the chair of governors"):
        _set_up(w, _governor(w, "gwen"), _governor(w, "glen"), w.user("governor"), actor="hr")
    assert not CycleAccessGrant.objects.filter(permission=COMMITTEE).exists()


@pytest.mark.policy_setting("headteacher.committee_size")
def test_the_page_refuses_the_wrong_size_with_the_rule_by_the_field(w: World) -> None:
    one = _governor(w, "gwen")
    url = reverse("cycles:committee", args=[w.cycles["headteacher"].pk])
    ends = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    data = {"members": [str(w.user("chair").pk), str(one.pk)], "expires_on": ends}
    response = _client(w.user("chair")).post(url, with_token(data))
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page and "has 3 members: you chose 2" in page
    assert 'href="#id_members' in page
    assert not CycleAccessGrant.objects.filter(permission=COMMITTEE).exists()
    # A date after the cycle's year is done with is a slip.
    late = (w.cycles["headteacher"].ends_on + dt.timedelta(days=400)).isoformat()
    two = _governor(w, "glen")
    data = {"members": [str(u.pk) for u in (w.user("chair"), one, two)], "expires_on": late}
    page = _client(w.user("chair")).post(url, with_token(data)).content.decode()
    assert "a year after this appraisal&#x27;s last day" in page
    data["expires_on"] = ends
    assert _client(w.user("chair")).post(url, with_token(data)).status_code == 302
    assert CycleAccessGrant.objects.filter(permission=COMMITTEE, revoked_at=None).count() == 3


def test_setting_up_again_replaces_the_committee(w: World) -> None:
    one, two, three = _governor(w, "gwen"), _governor(w, "glen"), _governor(w, "gus")
    _set_up(w, w.user("chair"), one, two)
    _set_up(w, w.user("chair"), one, three, actor="hr")
    assert not can(principal_for(two), "view", w.cycles["headteacher"])
    assert can(principal_for(three), "edit", w.cycles["headteacher"])


def test_one_at_a_time_the_last_seat_is_kept_for_the_chair(w: World) -> None:
    """The access page fills the committee one member at a time: the rule is the same."""
    from cycles.services import cycle_grant_access

    one, two, three = _governor(w, "gwen"), _governor(w, "glen"), _governor(w, "gus")
    for member in (one, two):
        cycle_grant_access(
            cycle=w.cycles["headteacher"],
            user=member,
            permission=COMMITTEE,
            expires_at=_ends(),
            reason="Committee",
            granted_by=w.user("hr"),
        )
    with pytest.raises(CycleError, match="kept for them"):
        cycle_grant_access(
            cycle=w.cycles["headteacher"],
            user=three,
            permission=COMMITTEE,
            expires_at=_ends(),
            reason="Committee",
            granted_by=w.user("hr"),
        )


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("chair", 200),
        ("hr", 200),
        ("governor", 404),
        ("headteacher", 404),
        ("senior_leader", 404),
        ("ceo", 404),
        ("adviser", 404),
        ("b_hr", 404),
    ],
)
def test_who_opens_the_committee_page(w: World, persona: str, status: int) -> None:
    url = reverse("cycles:committee", args=[w.cycles["headteacher"].pk])
    assert _client(w.user(persona)).get(url).status_code == status


def test_the_chair_of_another_academy_cannot_set_up_this_committee(w: World) -> None:
    other_chair = UserFactory(trust=w.trust, email="otherchair@alder.example.org")
    role_grant(
        user=other_chair, role=Role.CHAIR_OF_GOVERNORS, trust=w.trust, academy=w.sibling_academy
    )
    url = reverse("cycles:committee", args=[w.cycles["headteacher"].pk])
    assert _client(other_chair).get(url).status_code == 404
    # A teacher's cycle has no committee.
    url = reverse("cycles:committee", args=[w.cycles["appraisee"].pk])
    assert _client(w.user("chair")).get(url).status_code == 404


@pytest.mark.policy_setting("headteacher.external_adviser")
def test_the_chair_appoints_the_adviser_saying_why_they_are_suitable(w: World) -> None:
    """leger §7: the trust satisfies itself of the adviser's skills and objectivity; the
    reason is kept with the grant, which ends on its date."""
    _policy(w, external_adviser="required")
    cycle = w.cycles["headteacher"]
    adviser = UserFactory(trust=w.trust, email="newadviser@example.org")
    url = reverse("cycles:committee_adviser", args=[cycle.pk])
    ends = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    chair = _client(w.user("chair"))
    # A governor is never the adviser.
    data = {"email": w.user("governor").email, "expires_on": ends, "suitability": "Knows us"}
    page = chair.post(url, with_token(data)).content.decode()
    assert "never as its external adviser" in page
    data = {"email": adviser.email, "expires_on": ends, "suitability": "   "}
    assert "govuk-error-summary" in chair.post(url, with_token(data)).content.decode()
    data["suitability"] = "A former headteacher, independent of the academy"
    assert chair.post(url, with_token(data)).status_code == 302
    grant = CycleAccessGrant.objects.get(user=adviser, permission=ADVISER, revoked_at=None)
    assert "independent of the academy" in grant.reason
    assert can(principal_for(adviser), "view", cycle)
    assert not can(principal_for(adviser), "edit", cycle)
    # The earlier adviser (the persona) was withdrawn: one adviser at a time.
    assert not can(principal_for(w.user("adviser")), "view", cycle)


def test_the_committee_sets_objectives_with_one_on_student_outcomes(w: World) -> None:
    """classic §4.1: the governing body sets the headteacher's objectives, at least one on
    outcomes for students: a plan without one cannot be put to the headteacher."""
    from objectives.models import Objective
    from objectives.services import ObjectivesError, objective_create, plan_propose
    from objectives.services.plans import plan_breaches
    from policies.schema import ObjectiveKind

    version = w.policy_version
    assert version is not None
    version.settings = {
        SCHEMA_VERSION_KEY: CURRENT_SCHEMA_VERSION,
        "headteacher": {"chair_on_committee": True},
        "objectives": {"required_kinds_headteacher": [ObjectiveKind.STUDENT_OUTCOMES.value]},
    }
    version.save()
    cycle = AppraisalCycle.objects.get(pk=w.cycles["headteacher"].pk)
    member = _governor(w, "gwen")
    _set_up(w, w.user("chair"), member, _governor(w, "glen"))
    objective_create(actor=member, cycle=cycle, title="Develop the curriculum")
    with pytest.raises(ObjectivesError, match="cannot be proposed"):
        plan_propose(actor=member, cycle=cycle, expected_version=None)
    assert "objectives.required_kinds_headteacher" in {
        breach.setting for breach in plan_breaches(cycle)
    }
    objective_create(
        actor=member,
        cycle=cycle,
        title="Raise attainment at KS2",
        kind=ObjectiveKind.STUDENT_OUTCOMES.value,
    )
    assert "objectives.required_kinds_headteacher" not in {
        breach.setting for breach in plan_breaches(cycle)
    }
    assert Objective.objects.filter(cycle=cycle).count() == 2


def test_leader_reviews_lists_what_each_person_takes_part_in(w: World) -> None:
    one, two = _governor(w, "gwen"), _governor(w, "glen")
    _set_up(w, w.user("chair"), one, two)
    url = reverse("cycles:leader_reviews")
    chair_page = _client(w.user("chair")).get(url).content.decode()
    assert "Member of the review committee" in chair_page
    assert reverse("cycles:committee", args=[w.cycles["headteacher"].pk]) in chair_page
    member_page = _client(one).get(url).content.decode()
    assert reverse("cycles:detail", args=[w.cycles["headteacher"].pk]) in member_page
    assert reverse("cycles:committee", args=[w.cycles["headteacher"].pk]) not in member_page
    assert "External adviser" in _client(w.user("adviser")).get(url).content.decode()
    for persona in ("governor", "headteacher", "senior_leader", "b_hr"):
        assert _client(w.user(persona)).get(url).status_code == 404, persona
    # Home shows the way in to those it opens for.
    home = _client(one).get(reverse("home")).content.decode()
    assert url in home
    assert url not in _client(w.user("governor")).get(reverse("home")).content.decode()


def test_leader_reviews_query_count_is_flat(w: World, django_assert_max_num_queries: Any) -> None:
    from tests.factories import AcademyFactory, StaffMemberFactory

    def add_heads(n: int) -> None:
        for _ in range(n):
            academy = AcademyFactory(trust=w.trust)
            head = StaffMemberFactory(academy=academy)
            AppraisalCycle.objects.create(
                trust=w.trust,
                academy=academy,
                appraisee=head,
                policy_version=w.policy_version,
                starts_on=dt.date(2026, 9, 1),
                ends_on=dt.date(2027, 8, 31),
                is_headteacher_cycle=True,
            )

    client = _client(w.user("hr"))
    url = reverse("cycles:leader_reviews")
    add_heads(1)
    client.get(url)
    with django_assert_max_num_queries(30) as few:
        assert client.get(url).status_code == 200
    add_heads(6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


@pytest.mark.policy_setting("headteacher.ceo_appraised_by")
def test_the_ceos_cycle_is_reviewed_by_trustees_the_board_nominates(w: World) -> None:
    """aspire §5.1: the CEO is appraised by nominated representatives of the board. The
    CEO's cycle opens with no line manager as reviewer; HR sets up a committee of trustees."""
    _policy(w, ceo_appraised_by="Nominated representatives of the Board", chair_on_committee=False)
    from organisation.models import StaffGroup
    from policies.models import PolicyAssignment

    assert w.policy_version is not None
    PolicyAssignment.objects.create(
        trust=w.trust, staff_group=StaffGroup.LEADERSHIP, policy=w.policy_version.policy
    )
    cycles_open(trust=w.trust, academy=w.central, year=2026, actor=w.user("hr"))
    cycle = AppraisalCycle.objects.get(appraisee=w.staff["ceo"])
    assert cycle.is_headteacher_cycle and cycle.reviewer_id is None
    trustee = UserFactory(trust=w.trust, email="trustee@alder.example.org")
    role_grant(user=trustee, role=Role.TRUSTEE, trust=w.trust)
    with pytest.raises(CycleError, match="appraised by nominated representatives of the board"):
        cycle_committee_set_up(
            cycle=cycle, members=[w.user("chair")], expires_at=_ends(), actor=w.user("hr")
        )
    # The chair of governors sets up the headteacher's committee, never the CEO's.
    url = reverse("cycles:committee", args=[cycle.pk])
    assert _client(w.user("chair")).get(url).status_code == 404
    page = _client(w.user("hr")).get(url).content.decode()
    heading = page[page.index("<h1") : page.index("</h1>") + 300]
    assert "The CEO's review committee" in heading, heading
    assert "appraised by nominated representatives of the board" in heading
    cycle_committee_set_up(cycle=cycle, members=[trustee], expires_at=_ends(), actor=w.user("hr"))
    assert can(principal_for(trustee), "edit", cycle)
    # HR, who works in the central team the CEO leads, administers it but does not read it.
    assert not can(principal_for(w.user("hr")), "view", cycle)
    detail = _client(trustee).get(reverse("cycles:detail", args=[cycle.pk])).content.decode()
    assert "Nominated representatives of the Board" in detail


def test_appointing_an_adviser_needs_a_policy_with_one(w: World) -> None:
    _policy(w, external_adviser="none")
    with pytest.raises(CycleError, match="no external adviser"):
        cycle_adviser_appoint(
            cycle=w.cycles["headteacher"],
            adviser=UserFactory(trust=w.trust),
            expires_at=_ends(),
            suitability="Experienced",
            actor=w.user("hr"),
        )
