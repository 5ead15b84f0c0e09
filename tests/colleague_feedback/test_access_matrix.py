"""Who may open colleague feedback: every persona of both trusts against a round about the
appraisee asked by their reviewer (the line manager), with a request to the colleague in
another team. Only the reviewer, the appraisee and (for their own request) the colleague
asked open anything; everyone else gets "not found", and the refusal is logged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLogEntry, SecurityEvent
from colleague_feedback.models import FeedbackAnswer, FeedbackRequest, FeedbackRound, RoundStatus
from tests.personas import ALL_PERSONAS, World

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shared_world):  # type: ignore[no-untyped-def]
    """The personas, built once for the module (tests/conftest.py)."""
    return shared_world


ROUND_READERS = {"line_manager", "appraisee"}
# The colleague's request is still open; the other three have answered.
ASKED = ("colleague", "delegate", "senior_leader", "trust_admin")
ANSWER = "Plans lessons with the phase team every week."


def feedback_world(world: World) -> tuple[FeedbackRound, FeedbackRequest]:
    version = world.policy_version
    assert version is not None
    version.settings = {
        "review": {"colleague_feedback": True},
        "confidentiality": {"reviewee_agrees_before_colleagues_asked": True},
    }
    version.save(update_fields=["settings"])
    version.__dict__.pop("_rules", None)
    cycle = world.cycles["appraisee"]
    cycle.policy_version = version
    today = timezone.localdate()
    round_ = FeedbackRound.objects.create(
        trust=world.trust,
        academy=world.academy,
        cycle=cycle,
        asked_by=world.staff["line_manager"],
        question="How do they work with the team?",
        status=RoundStatus.OPEN,
        asked_on=today,
        agreed_on=today,
        opened_on=today,
        closes_on=today + dt.timedelta(days=20),
    )
    asked = [world.staff[k] for k in ASKED]
    requests = [
        FeedbackRequest.objects.create(trust=world.trust, round=round_, colleague=c) for c in asked
    ]
    for _ in asked[1:]:
        FeedbackAnswer.objects.create(trust=world.trust, round=round_, text=ANSWER)
    FeedbackRequest.objects.filter(round=round_).update(status="answered")
    FeedbackRequest.objects.filter(pk=requests[0].pk).update(status="waiting")
    return round_, requests[0]


def test_who_opens_colleague_feedback(world: World) -> None:
    round_, request = feedback_world(world)
    cycle = world.cycles["appraisee"]
    for persona in [p for p in ALL_PERSONAS if p != "inactive"]:
        client = Client()
        client.force_login(world.user(persona))
        detail = client.get(reverse("colleague_feedback:round_detail", args=[round_.pk]))
        own = client.get(reverse("colleague_feedback:request_detail", args=[request.pk]))
        ask = client.get(reverse("colleague_feedback:ask", args=[cycle.pk]))
        mine = client.get(reverse("colleague_feedback:my_requests"))
        expected = 200 if persona in ROUND_READERS else 404
        assert detail.status_code == expected, persona
        assert own.status_code == (200 if persona == "colleague" else 404), persona
        # The round already open: the reviewer may not ask again, but the page is theirs.
        assert ask.status_code == (200 if persona == "line_manager" else 404), persona
        listing = mine.content.decode() if mine.status_code == 200 else ""
        assert (cycle.appraisee.last_name in listing) is (persona in ASKED), persona
        body = detail.content.decode()
        # Only the reviewer reads the answers; the reviewee sees who was asked.
        assert (ANSWER in body) is (persona == "line_manager"), persona
        if persona == "appraisee":
            assert world.staff["colleague"].last_name in body
        page = client.get(reverse("cycles:detail", args=[cycle.pk]))
        if page.status_code == 200:
            shown = "Feedback from colleagues" in page.content.decode()
            assert shown is (persona in ROUND_READERS), persona
            assert ANSWER not in page.content.decode()
    assert AccessLogEntry.objects.filter(
        object_type="colleague_feedback.feedbackround", object_id=str(round_.pk)
    ).exists()
    assert AccessLogEntry.objects.filter(
        object_type="colleague_feedback.feedbackrequest", object_id=str(request.pk)
    ).exists()
    assert SecurityEvent.objects.filter(user=world.user("headteacher")).exists()


def test_a_policy_that_does_not_list_the_reviewee_keeps_them_out(world: World) -> None:
    round_, _ = feedback_world(world)
    version = world.policy_version
    assert version is not None
    version.settings = {
        **version.settings,
        "confidentiality": {"readers": ["reviewer", "headteacher"]},
    }
    version.save(update_fields=["settings"])
    client = Client()
    client.force_login(world.user("appraisee"))
    assert (
        client.get(reverse("colleague_feedback:round_detail", args=[round_.pk])).status_code == 404
    )
