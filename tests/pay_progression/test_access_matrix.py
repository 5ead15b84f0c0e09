"""Who may read and act on a pay recommendation: every persona of both trusts against the
appraisee's recommendation drafted by their line manager, before and after it is shared,
and the headteacher's own. Everyone not allowed gets "not found", and the refusal is
logged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLogEntry, SecurityEvent
from pay_progression.models import PayRecommendation, PayReview, PayScaleSet, Stage
from tests.personas import ALL_PERSONAS, World

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shared_world):  # type: ignore[no-untyped-def]
    """The personas, built once for the module (tests/conftest.py)."""
    return shared_world


DRAFT_READERS = {"hr", "headteacher", "line_manager"}
SHARED_READERS = {"hr", "headteacher", "appraisee"}
PERSONAS = [p for p in ALL_PERSONAS if p != "inactive"]


def make_rec(world: World, subject: str, stage: str, **kw: object) -> PayRecommendation:
    staff = world.staff[subject]
    scale_set, _ = PayScaleSet.objects.get_or_create(
        trust=world.trust,
        pay_year=2026,
        defaults={"effective_from": dt.date(2026, 9, 1), "name": "Pay 2026"},
    )
    review, _ = PayReview.objects.get_or_create(
        trust=world.trust, academy=staff.academy, pay_year=2026, defaults={"scale_set": scale_set}
    )
    return PayRecommendation.objects.create(
        trust=world.trust,
        academy=staff.academy,
        review=review,
        staff=staff,
        policy_version=world.policy_version,
        stage=stage,
        current_range="MPR",
        current_point="M3",
        suggested_outcome="progress",
        outcome="progress",
        proposed_point="M4",
        reason="Pay matrix reason",
        **kw,
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_reads_a_draft(world: World, persona: str) -> None:
    rec = make_rec(world, "appraisee", Stage.DRAFTED, recommender=world.staff["line_manager"])
    client = Client()
    client.force_login(world.user(persona))
    page = client.get(reverse("pay_progression:recommendation", args=[rec.pk]))
    draft = client.get(reverse("pay_progression:draft", args=[rec.pk]))
    approve = client.get(reverse("pay_progression:approve", args=[rec.pk]))
    if persona in DRAFT_READERS:
        assert page.status_code == 200, persona
        assert draft.status_code == 200, persona
        assert AccessLogEntry.objects.filter(
            object_type="pay_progression.payrecommendation", object_id=str(rec.pk)
        ).exists()
        # Only the headteacher and HR approve; the reviewer may see but not approve.
        assert approve.status_code == (403 if persona == "line_manager" else 200), persona
    else:
        assert page.status_code == 404 and draft.status_code == 404, persona
        assert approve.status_code == 404, persona
        if persona not in ("governor", "chair", "adviser") and not persona.startswith("b_"):
            assert SecurityEvent.objects.exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_reads_it_once_shared(world: World, persona: str) -> None:
    rec = make_rec(world, "appraisee", Stage.SHARED, recommender=world.staff["line_manager"])
    client = Client()
    client.force_login(world.user(persona))
    page = client.get(reverse("pay_progression:recommendation", args=[rec.pk]))
    decide = client.get(reverse("pay_progression:decide", args=[rec.pk]))
    mine = client.get(reverse("pay_progression:mine"))
    if persona in SHARED_READERS:
        assert page.status_code == 200, persona
        assert decide.status_code == (403 if persona == "appraisee" else 200), persona
    else:
        assert page.status_code == 404 and decide.status_code == 404, persona
    if mine.status_code == 200:
        assert ("Pay year 2026/27" in mine.content.decode()) is (persona == "appraisee")


@pytest.mark.parametrize(
    ("persona", "reads"),
    [("headteacher", False), ("hr", True), ("delegate", False), ("sibling_head", False)],
)
def test_the_headteachers_own_pay(world: World, persona: str, reads: bool) -> None:
    """The headteacher never reads or decides their own pay (not even once shared: HR and
    the governors deal with it; the headteacher reads it under My pay once shared)."""
    rec = make_rec(world, "headteacher", Stage.DRAFTED, is_headteacher=True)
    client = Client()
    client.force_login(world.user(persona))
    status = client.get(reverse("pay_progression:recommendation", args=[rec.pk])).status_code
    assert status == (200 if reads else 404)


@pytest.mark.parametrize("persona", ["governor", "b_hr", "appraisee", "line_manager"])
def test_review_pages_are_for_hr_and_headteachers(world: World, persona: str) -> None:
    rec = make_rec(world, "appraisee", Stage.DRAFTED)
    client = Client()
    client.force_login(world.user(persona))
    assert client.get(reverse("pay_progression:review", args=[rec.review_id])).status_code == 404
    assert (
        client.get(reverse("pay_progression:payroll_csv", args=[rec.review_id])).status_code == 404
    )


def test_the_headteachers_review_committee_reads_and_drafts_the_headteachers_pay(
    world: World,
) -> None:
    """classic §5.7.7, every persona: the committee's member (the chair here) reads and
    drafts the headteacher's own recommendation for the pay year the committee's cycle
    informs (2027 for 2026-27), HR reads it; everyone else, the adviser, the other governor
    and the headteacher's own staff included, gets "not found"."""
    from cycles.services import cycle_grant_access

    cycle_grant_access(
        cycle=world.cycles["headteacher"],
        user=world.users["chair"],
        permission="review_headteacher_cycle",
        expires_at=timezone.now() + dt.timedelta(days=60),
        reason="Review committee",
        granted_by=world.users["hr"],
    )
    rec = make_rec(world, "headteacher", Stage.PREPARED, is_headteacher=True)
    PayReview.objects.filter(pk=rec.review_id).update(pay_year=2027)
    for persona in PERSONAS:
        client = Client()
        client.force_login(world.user(persona))
        page = client.get(reverse("pay_progression:recommendation", args=[rec.pk])).status_code
        draft = client.get(reverse("pay_progression:draft", args=[rec.pk])).status_code
        if persona == "chair" or persona == "hr":
            assert (page, draft) == (200, 200), persona
        else:
            assert (page, draft) == (404, 404), persona
