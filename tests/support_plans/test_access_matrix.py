"""Who may read and act on a support plan and a concern: every persona of both trusts
against a plan about the appraisee managed by their line manager, and the headteacher's
own case. Everyone not allowed gets "not found", and the refusal is logged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AccessLogEntry, SecurityEvent
from support_plans.models import Concern, SupportPlan
from tests.personas import ALL_PERSONAS, World

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shared_world):  # type: ignore[no-untyped-def]
    """The personas, built once for the module (tests/conftest.py)."""
    return shared_world


READERS = {"hr", "headteacher", "line_manager", "appraisee"}
MANAGERS = {"hr", "headteacher", "line_manager"}


def make_plan(world: World, subject: str, manager: str) -> SupportPlan:
    staff = world.staff[subject]
    concern = Concern.objects.create(
        trust=world.trust,
        academy=staff.academy,
        staff=staff,
        raised_by=world.staff[manager],
        policy_version=world.policy_version,
        about="role",
        about_detail="Lesson planning",
        evidence="Seen in three lessons.",
        raised_with_them_on=dt.date(2026, 10, 1),
    )
    return SupportPlan.objects.create(
        trust=world.trust,
        academy=staff.academy,
        staff=staff,
        manager=world.staff[manager],
        concern=concern,
        policy_version=world.policy_version,
        stage="informal_support",
        stage_started_on=dt.date(2026, 10, 5),
        opened_on=dt.date(2026, 10, 5),
    )


@pytest.mark.parametrize("persona", [p for p in ALL_PERSONAS if p != "inactive"])
def test_who_reads_and_manages_a_plan(world: World, persona: str) -> None:
    plan = make_plan(world, "appraisee", "line_manager")
    client = Client()
    client.force_login(world.user(persona))
    detail = client.get(reverse("support_plans:plan_detail", args=[plan.pk]))
    concern = client.get(reverse("support_plans:concern_detail", args=[plan.concern_id]))
    move = client.get(reverse("support_plans:plan_move", args=[plan.pk]))
    if persona in READERS:
        assert detail.status_code == 200 and concern.status_code == 200
        assert AccessLogEntry.objects.filter(
            object_type="support_plans.supportplan", object_id=str(plan.pk)
        ).exists()
    else:
        assert detail.status_code == 404 and concern.status_code == 404, persona
        if persona not in ("governor", "chair", "adviser") and not persona.startswith("b_"):
            assert SecurityEvent.objects.exists()
    if persona in MANAGERS:
        assert move.status_code == 200
    else:
        assert move.status_code in (403 if persona in READERS else 404,), persona
    index = client.get(reverse("support_plans:index")).content.decode()
    assert ("Lesson planning" in index) is (persona in READERS)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("headteacher", 403),
        ("hr", 200),
        ("chair", 200),
        ("governor", 404),
        ("delegate", 404),
        ("sibling_head", 404),
        ("ceo", 404),
    ],
)
def test_the_headteachers_own_case(world: World, persona: str, status: int) -> None:
    """The headteacher reads their own plan as its subject but never manages it; HR and the
    academy's chair of governors run it; no other governor sees it."""
    plan = make_plan(world, "headteacher", "hr")
    client = Client()
    client.force_login(world.user(persona))
    assert client.get(reverse("support_plans:plan_move", args=[plan.pk])).status_code == status
    reads = client.get(reverse("support_plans:plan_detail", args=[plan.pk])).status_code
    assert reads == (200 if persona in ("headteacher", "hr", "chair") else 404)
    concern = client.get(reverse("support_plans:concern_detail", args=[plan.concern_id]))
    assert concern.status_code == reads


def test_the_chair_finds_the_headteachers_case_from_their_home_page(world: World) -> None:
    plan = make_plan(world, "headteacher", "hr")
    client = Client()
    client.force_login(world.user("chair"))
    home = client.get(reverse("home")).content.decode()
    assert reverse("support_plans:index") in home
    index = client.get(reverse("support_plans:index")).content.decode()
    assert reverse("support_plans:plan_detail", args=[plan.pk]) in index


def test_the_chair_loses_the_case_when_the_headteacher_is_no_longer_headteacher(
    world: World,
) -> None:
    from organisation.models import Role, RoleAssignment

    plan = make_plan(world, "headteacher", "hr")
    RoleAssignment.objects.filter(user=world.user("headteacher"), role=Role.HEADTEACHER).update(
        revoked_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    )
    client = Client()
    client.force_login(world.user("chair"))
    assert client.get(reverse("support_plans:plan_detail", args=[plan.pk])).status_code == 404
