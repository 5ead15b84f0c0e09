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
