"""Who may read and act on a probation: every persona of both trusts against the
appraisee's probation (their line manager is ``line_manager``), and the headteacher's
own. Everyone not allowed gets "not found", and the refusal is logged; reads are noted
in the access log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AccessLogEntry, SecurityEvent
from probation.models import Probation
from tests.personas import ALL_PERSONAS, World

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shared_world):  # type: ignore[no-untyped-def]
    """The personas, built once for the module (tests/conftest.py)."""
    return shared_world


READERS = {"hr", "headteacher", "line_manager", "appraisee"}
MANAGERS = {"hr", "headteacher", "line_manager"}


def make_probation(world: World, subject: str) -> Probation:
    staff = world.staff[subject]
    return Probation.objects.create(
        trust=world.trust,
        academy=staff.academy,
        staff=staff,
        policy_version=world.policy_version,
        starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2027, 2, 28),
        original_ends_on=dt.date(2027, 2, 28),
        extension_reason="Lesson planning concerns",
    )


@pytest.mark.parametrize("persona", [p for p in ALL_PERSONAS if p != "inactive"])
def test_who_reads_and_manages_a_probation(world: World, persona: str) -> None:
    probation = make_probation(world, "appraisee")
    Probation.objects.filter(pk=probation.pk).update(extended_on=dt.date(2026, 11, 1))
    client = Client()
    client.force_login(world.user(persona))
    detail = client.get(reverse("probation:detail", args=[probation.pk]))
    review = client.get(reverse("probation:review_add", args=[probation.pk]))
    decide = client.get(reverse("probation:decide", args=[probation.pk]))
    if persona in READERS:
        assert detail.status_code == 200, persona
        assert "Lesson planning concerns" in detail.content.decode()
        assert AccessLogEntry.objects.filter(
            object_type="probation.probation", object_id=str(probation.pk)
        ).exists()
    else:
        assert detail.status_code == 404, persona
        if persona not in ("governor", "chair", "adviser") and not persona.startswith("b_"):
            assert SecurityEvent.objects.exists()
    expected = 200 if persona in MANAGERS else 403 if persona in READERS else 404
    assert review.status_code == expected, persona
    assert decide.status_code == expected, persona
    index = client.get(reverse("probation:index")).content.decode()
    assert (reverse("probation:detail", args=[probation.pk]) in index) is (persona in READERS)
    trust_list = client.get(reverse("probation:trust"))
    # HR of each trust reads their own trust's list (trust B's has nothing of trust A's).
    assert trust_list.status_code == (200 if persona in ("hr", "b_hr") else 404), persona
    listed = reverse("probation:detail", args=[probation.pk]) in trust_list.content.decode()
    assert listed is (persona == "hr"), persona


@pytest.mark.parametrize(
    ("persona", "reads", "manages"),
    [
        ("headteacher", 200, 403),
        ("hr", 200, 200),
        ("senior_leader", 404, 404),  # line-manages others, not the headteacher
        ("delegate", 404, 404),
        ("sibling_head", 404, 404),
    ],
)
def test_the_headteachers_own_probation(
    world: World, persona: str, reads: int, manages: int
) -> None:
    """The headteacher reads their own probation as its subject but never manages it."""
    probation = make_probation(world, "headteacher")
    client = Client()
    client.force_login(world.user(persona))
    assert client.get(reverse("probation:detail", args=[probation.pk])).status_code == reads
    assert client.get(reverse("probation:decide", args=[probation.pk])).status_code == manages


@pytest.mark.parametrize("persona", ["hr", "line_manager", "headteacher", "appraisee"])
def test_another_trusts_probation_is_not_found(world: World, persona: str) -> None:
    staff = world.staff["b_staff"]
    theirs = Probation.objects.create(
        trust=world.other_trust,
        academy=staff.academy,
        staff=staff,
        policy_version=world.other_policy_version,
        starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2027, 2, 28),
        original_ends_on=dt.date(2027, 2, 28),
    )
    client = Client()
    client.force_login(world.user(persona))
    assert client.get(reverse("probation:detail", args=[theirs.pk])).status_code == 404
    for name in ("probation:review_add", "probation:decide"):
        url = reverse(name, args=[theirs.pk])
        assert client.get(url).status_code == 404, name
        assert client.post(url, {}).status_code == 404, name
