"""Single-cycle grants keep their promises: each kind only on the headteacher's own cycle,
and only to the people it is for (docs/access.md, "Grants on a single cycle")."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cycles.models import AppraisalCycle, CycleAccessGrant, CycleUserObjectPermission
from cycles.permissions import can
from cycles.services import CycleError, cycle_grant_access
from organisation.models import Role
from organisation.principal import principal_for
from organisation.services import role_grant
from tests.factories import UserFactory
from tests.form_tokens import with_token
from tests.personas import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(world: World) -> World:
    return world


ADVISER = "view_cycle_as_adviser"
COMMITTEE = "review_headteacher_cycle"


def client_for(w: World, persona: str) -> Client:
    client = Client()
    client.force_login(w.user(persona))
    return client


def detail(cycle: AppraisalCycle) -> str:
    return reverse("cycles:detail", args=[cycle.pk])


def post_grant(w: World, persona: str, cycle: AppraisalCycle, email: str, permission: str):  # type: ignore[no-untyped-def]
    return client_for(w, persona).post(
        reverse("cycles:access", args=[cycle.pk]),
        with_token(
            {
                "email": email,
                "permission": permission,
                "expires_on": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
                "reason": "Review support",
            }
        ),
    )


def test_headteacher_cannot_make_a_governor_adviser_on_a_teachers_cycle(w: World) -> None:
    """The probe: a headteacher granted a governor "External adviser" on a named member of
    staff's cycle, and the governor read it."""
    cycle = w.cycles["appraisee"]
    response = post_grant(w, "headteacher", cycle, w.user("governor").email, ADVISER)
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert "can only be given a headteacher&#x27;s own appraisal" in page
    assert not CycleAccessGrant.objects.filter(cycle=cycle).exists()
    assert client_for(w, "governor").get(detail(cycle)).status_code == 404


def test_committee_membership_on_a_teachers_cycle_is_refused(w: World) -> None:
    """The probe: "member of the headteacher's review committee" on an ordinary teacher's
    cycle, to a colleague teacher."""
    cycle = w.cycles["appraisee"]
    response = post_grant(w, "headteacher", cycle, w.user("colleague").email, COMMITTEE)
    page = response.content.decode()
    assert response.status_code == 200
    assert "membership can only be given on a headteacher&#x27;s own appraisal" in page
    assert not CycleAccessGrant.objects.filter(cycle=cycle).exists()
    assert client_for(w, "colleague").get(detail(cycle)).status_code == 404


@pytest.mark.parametrize("permission", [ADVISER, COMMITTEE])
def test_the_service_refuses_any_grant_on_an_ordinary_cycle(w: World, permission: str) -> None:
    with pytest.raises(CycleError, match="headteacher"):
        cycle_grant_access(
            cycle=w.cycles["appraisee"],
            user=w.user("adviser"),
            permission=permission,
            expires_at=timezone.now() + dt.timedelta(days=5),
            reason="Support",
            granted_by=w.user("hr"),
        )


@pytest.mark.parametrize(
    ("persona", "permission", "why"),
    [
        ("governor", ADVISER, "never as its external adviser"),
        ("colleague", COMMITTEE, "works at Alder Primary"),  # the headteacher manages them
        ("colleague", ADVISER, "works at Alder Primary"),
        ("adviser", COMMITTEE, "Only governors of Alder Primary"),
        ("sibling_staff", COMMITTEE, "Only governors of Alder Primary"),
    ],
)
def test_on_the_headteachers_cycle_each_kind_goes_to_its_own_people(
    w: World, persona: str, permission: str, why: str
) -> None:
    cycle = w.cycles["headteacher"]
    before = CycleAccessGrant.objects.filter(cycle=cycle).count()
    response = post_grant(w, "hr", cycle, w.user(persona).email, permission)
    assert response.status_code == 200
    assert why in response.content.decode()
    assert CycleAccessGrant.objects.filter(cycle=cycle).count() == before


def test_a_governor_of_another_academy_is_not_on_this_committee(w: World) -> None:
    other_governor = UserFactory(trust=w.trust)
    role_grant(user=other_governor, role=Role.GOVERNOR, trust=w.trust, academy=w.sibling_academy)
    with pytest.raises(CycleError, match="Only governors of Alder Primary"):
        cycle_grant_access(
            cycle=w.cycles["headteacher"],
            user=other_governor,
            permission=COMMITTEE,
            expires_at=timezone.now() + dt.timedelta(days=5),
            reason="Committee",
            granted_by=w.user("hr"),
        )


def test_the_academys_governor_joins_the_committee_and_reads_only_that_cycle(w: World) -> None:
    cycle = w.cycles["headteacher"]
    response = post_grant(w, "hr", cycle, w.user("governor").email, COMMITTEE)
    assert response.status_code == 302
    governor = client_for(w, "governor")
    assert governor.get(detail(cycle)).status_code == 200
    assert governor.get(detail(w.cycles["appraisee"])).status_code == 404


def test_grants_written_around_the_rules_open_nothing(w: World) -> None:
    """Defence in depth for rows made before the rules (or by hand): a grant on an ordinary
    cycle opens nothing, and a governor's adviser grant opens nothing."""
    for cycle, user, permission in (
        (w.cycles["appraisee"], w.user("adviser"), ADVISER),
        (w.cycles["appraisee"], w.user("colleague"), COMMITTEE),
        (w.cycles["headteacher"], w.user("governor"), ADVISER),
    ):
        grant = CycleAccessGrant.objects.create(
            cycle=cycle,
            user=user,
            permission=permission,
            reason="Written by hand",
            expires_at=timezone.now() + dt.timedelta(days=5),
        )
        CycleUserObjectPermission.objects.create(
            user=user,
            permission=_permission(permission),
            content_object=cycle,
            grant=grant,
        )
    assert not can(principal_for(w.user("adviser")), "view", w.cycles["appraisee"])
    assert not can(principal_for(w.user("colleague")), "view", w.cycles["appraisee"])
    assert not can(principal_for(w.user("governor")), "view", w.cycles["headteacher"])
    # The external adviser's own grant on the headteacher's cycle still works.
    assert can(principal_for(w.user("adviser")), "view", w.cycles["headteacher"])


def _permission(codename: str):  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    return Permission.objects.get(
        content_type=ContentType.objects.get_for_model(AppraisalCycle), codename=codename
    )


def test_an_ordinary_cycles_access_page_offers_no_grant(w: World) -> None:
    page = client_for(w, "headteacher").get(
        reverse("cycles:access", args=[w.cycles["appraisee"].pk])
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "Exceptional access is only for a headteacher" in text
    assert "Give access</button>" not in text


# ----- What the policy's headteacher section says about these grants ----------------------


def _headteacher_policy(w: World, **headteacher: object) -> None:
    """The world's policy with only these headteacher settings changed."""
    from policies.schema import CURRENT_SCHEMA_VERSION, SCHEMA_VERSION_KEY

    version = w.policy_version
    assert version is not None
    version.settings = {SCHEMA_VERSION_KEY: CURRENT_SCHEMA_VERSION, "headteacher": headteacher}
    version.save()
    w.cycles["headteacher"].refresh_from_db()


def _governors(w: World, count: int) -> list:  # type: ignore[type-arg]
    people = []
    for n in range(count):
        user = UserFactory(trust=w.trust, email=f"governor{n}@alder.example.org")
        role_grant(user=user, role=Role.GOVERNOR, trust=w.trust, academy=w.academy)
        people.append(user)
    return people


def _grant(w: World, user, permission: str) -> None:  # type: ignore[no-untyped-def]
    cycle_grant_access(
        cycle=w.cycles["headteacher"],
        user=user,
        permission=permission,
        expires_at=timezone.now() + dt.timedelta(days=30),
        reason="Headteacher's review",
        granted_by=w.user("hr"),
    )


@pytest.mark.policy_setting("headteacher.committee_size")
@pytest.mark.parametrize(("size", "refused"), [(2, True), (3, False)])
def test_no_more_committee_members_than_the_policy_has(w: World, size: int, refused: bool) -> None:
    """classic §3.1: a committee of three. Two already sit; a third fits a committee of
    three and is refused, with the reason by the choice, on a committee of two."""
    _headteacher_policy(w, committee_size=size)
    first, second, third = _governors(w, 3)
    _grant(w, first, COMMITTEE)
    _grant(w, second, COMMITTEE)
    response = post_grant(w, "hr", w.cycles["headteacher"], third.email, COMMITTEE)
    if refused:
        assert response.status_code == 200
        page = response.content.decode()
        assert "review committee has 2 members, and 2 already have access" in page
        with pytest.raises(CycleError, match="withdraw one"):
            _grant(w, third, COMMITTEE)
    else:
        assert response.status_code == 302
    members = CycleAccessGrant.objects.filter(cycle=w.cycles["headteacher"], permission=COMMITTEE)
    assert members.count() == (2 if refused else 3)


@pytest.mark.policy_setting("headteacher.committee_size")
def test_a_withdrawn_member_frees_the_seat(w: World) -> None:
    from cycles.services import cycle_revoke_access

    _headteacher_policy(w, committee_size=1)
    first, second = _governors(w, 2)
    _grant(w, first, COMMITTEE)
    with pytest.raises(CycleError, match="has 1 member, and 1 already has access"):
        _grant(w, second, COMMITTEE)
    cycle_revoke_access(
        grant=CycleAccessGrant.objects.get(user=first, permission=COMMITTEE),
        revoked_by=w.user("hr"),
    )
    _grant(w, second, COMMITTEE)


@pytest.mark.policy_setting("headteacher.external_adviser")
@pytest.mark.parametrize("use", ["none", "optional"])
def test_an_adviser_is_offered_only_where_the_policy_has_one(w: World, use: str) -> None:
    _headteacher_policy(w, external_adviser=use)
    cycle = w.cycles["headteacher"]
    page = client_for(w, "hr").get(reverse("cycles:access", args=[cycle.pk])).content.decode()
    assert (f'value="{ADVISER}"' in page) is (use != "none")
    assert f'value="{COMMITTEE}"' in page
    newcomer = UserFactory(trust=w.trust, email="second.adviser@alder.example.org")
    if use == "none":
        with pytest.raises(CycleError, match="no external adviser"):
            _grant(w, newcomer, ADVISER)
    else:
        _grant(w, newcomer, ADVISER)
        assert can(principal_for(newcomer), "view", cycle)


@pytest.mark.policy_setting("headteacher.external_adviser")
@pytest.mark.parametrize("use", ["required", "optional"])
def test_a_required_adviser_not_yet_given_access_is_pointed_out(w: World, use: str) -> None:
    _headteacher_policy(w, external_adviser=use)
    cycle = w.cycles["headteacher"]
    CycleAccessGrant.objects.filter(cycle=cycle, permission=ADVISER).update(
        revoked_at=timezone.now()
    )
    page = client_for(w, "hr").get(reverse("cycles:access", args=[cycle.pk])).content.decode()
    assert ('id="adviser-required"' in page) is (use == "required")


@pytest.mark.policy_setting("headteacher.committee_includes", "headteacher.adviser_appointed_by")
@pytest.mark.parametrize(
    ("includes", "appointed_by"),
    [(["Chair of governors"], "The trust board"), (["The trust CEO"], "The local governing body")],
)
def test_the_access_form_says_who_the_committee_and_adviser_are(
    w: World, includes: list[str], appointed_by: str
) -> None:
    """The committee's members and the adviser's appointer are wording for the record
    (never searched to decide access): the grant form says them beside the choice."""
    _headteacher_policy(w, committee_includes=includes, adviser_appointed_by=appointed_by)
    page = (
        client_for(w, "hr")
        .get(reverse("cycles:access", args=[w.cycles["headteacher"].pk]))
        .content.decode()
    )
    assert f"always including {includes[0]}" in page
    assert f"appointed by: {appointed_by}" in page
    for other in ("Chair of governors", "The trust CEO"):
        if other not in includes:
            assert f"always including {other}" not in page
