"""The reviews access policy answers the same for the menus, the pages and the services."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from organisation.principal import principal_for
from reviews import permissions
from reviews.permissions import ReviewAction
from tests.personas import ALL_PERSONAS

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shared_world):  # type: ignore[no-untyped-def]
    """The personas, built once for the module (tests/conftest.py)."""
    return shared_world


# classic §5.8.1: the headteacher or their delegated appraisal lead for their own academy,
# HR for every academy of the trust; nobody else.
MODERATORS = {"hr", "headteacher", "delegate", "sibling_head", "b_hr", "b_headteacher"}


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_the_moderation_menu_appears_exactly_for_those_who_moderate(world, persona):
    user = world.user(persona)
    principal = principal_for(user)
    moderates = persona in MODERATORS
    assert permissions.moderates_anywhere(principal) is moderates
    assert permissions.moderation_academies(principal).exists() is moderates
    assert permissions.can(principal, ReviewAction.MODERATE, world.academy) is (
        persona in {"hr", "headteacher", "delegate"}
    )
    if not user.is_active:
        return
    client = Client()
    client.force_login(user)
    home = client.get(reverse("home"))
    assert home.status_code == 200
    link = reverse("reviews:moderation_index")
    assert (f'href="{link}"' in home.content.decode()) is moderates
    assert client.get(link).status_code == (200 if moderates else 404)


def test_moderation_of_another_trusts_academy_is_refused(world):
    principal = principal_for(world.user("hr"))
    assert not permissions.may_moderate(principal, world.other_academy)
    assert not permissions.can(principal, ReviewAction.MODERATE, world.cycles["appraisee"])


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("line_manager", {"record_observation", "add_evidence", "write_review"}),
        ("appraisee", {"add_evidence", "comment_on_review"}),
        ("headteacher", {"record_observation", "add_evidence", "write_review"}),
        ("hr", set()),
        ("colleague", set()),
    ],
)
def test_who_does_what_on_a_cycle(world, persona, expected):
    """The one table behind the pages' 403s and the services' refusals."""
    cycle = world.cycles["appraisee"]
    principal = principal_for(world.user(persona))
    on_cycle = {a.value for a in ReviewAction if a is not ReviewAction.MODERATE}
    assert {a for a in on_cycle if permissions.can(principal, a, cycle)} == expected


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("line_manager", True),
        ("appraisee", True),
        # The world's policy keeps the default readers, which leave trust staff (HR) out.
        ("hr", False),
        ("colleague", False),
        ("b_hr", False),
        ("sibling_head", False),
    ],
)
def test_visible_records_follow_the_cycle(world, persona, sees):
    """Observations, evidence and reviews are visible exactly where their cycle is."""
    import datetime as dt

    from django.utils import timezone

    from reviews.models import AnnualReview, Evidence, Observation

    cycle = world.cycles["appraisee"]
    observation = Observation.objects.create(
        trust=world.trust,
        cycle=cycle,
        observer=world.staff["line_manager"],
        observed_at=timezone.now() - dt.timedelta(days=1),
        duration_minutes=30,
        kind="formal",
    )
    evidence = Evidence.objects.create(
        trust=world.trust, cycle=cycle, kind="note", title="Plan", note="Plan"
    )
    review = AnnualReview.objects.create(trust=world.trust, cycle=cycle, framework="teachers")
    principal = principal_for(world.user(persona))
    assert permissions.visible_observations(principal).filter(pk=observation.pk).exists() is sees
    assert permissions.visible_evidence(principal).filter(pk=evidence.pk).exists() is sees
    assert permissions.visible_reviews(principal).filter(pk=review.pk).exists() is sees


@pytest.mark.parametrize(
    ("persona", "changes", "reopens"),
    [
        # The member of staff added it; the reviewer's side changes any piece.
        ("appraisee", True, False),
        ("line_manager", True, False),
        ("headteacher", True, True),
        # HR moderates every academy (so may reopen) but adds no evidence.
        ("hr", False, True),
        ("colleague", False, False),
        ("b_hr", False, False),
    ],
)
def test_who_changes_evidence_and_reopens_a_review(world, persona, changes, reopens):
    """Evidence: its adder or the reviewer's side. Reopening a completed review: those who
    moderate the academy at any time; the reviewer only when moderation asked for a change
    (none has here)."""
    from reviews.models import AnnualReview, Evidence
    from reviews.services import review_reopen_refusal

    cycle = world.cycles["appraisee"]
    evidence = Evidence.objects.create(
        trust=world.trust,
        cycle=cycle,
        kind="note",
        title="Plan",
        note="Plan",
        added_by=world.user("appraisee"),
    )
    review = AnnualReview.objects.create(trust=world.trust, cycle=cycle, framework="teachers")
    principal = principal_for(world.user(persona))
    assert permissions.can_change_evidence(principal, evidence) is changes
    assert (review_reopen_refusal(principal, review) is None) is reopens
