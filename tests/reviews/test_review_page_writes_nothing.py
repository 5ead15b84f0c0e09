"""Opening the annual review page writes nothing; the first save creates the review."""

from __future__ import annotations

import re

from django.urls import reverse

from objectives.models import Objective
from reviews.models import AnnualReview, ObjectiveAssessment, Outcome, StandardAssessment
from reviews.services import review_start


def _page(client, s):  # type: ignore[no-untyped-def]
    client.force_login(s.reviewer.user)
    return client.get(reverse("reviews:review_edit", args=[s.cycle.pk]))


def test_opening_the_review_creates_nothing(client, s) -> None:  # type: ignore[no-untyped-def]
    Objective.objects.create(trust=s.trust, cycle=s.cycle, title="Raise reading", position=1)
    response = _page(client, s)
    assert response.status_code == 200
    body = response.content.decode()
    # The whole review is on the page, as it will be saved ...
    assert "Objective: Raise reading" in body
    assert "TS1" in body and "TS8" in body
    # ... and nothing is stored until it is saved.
    assert not AnnualReview.objects.exists()
    assert not ObjectiveAssessment.objects.exists()
    assert not StandardAssessment.objects.exists()


def test_objectives_agreed_since_are_shown_not_added(client, s) -> None:  # type: ignore[no-untyped-def]
    review = review_start(actor=s.reviewer.user, cycle=s.cycle)
    Objective.objects.create(trust=s.trust, cycle=s.cycle, title="Added later", position=1)
    body = _page(client, s).content.decode()
    assert "Objective: Added later" in body
    assert not ObjectiveAssessment.objects.filter(review=review).exists()


def _post_what_the_page_shows(client, s, **extra: str):  # type: ignore[no-untyped-def]
    body = _page(client, s).content.decode()
    data = {"version": re.search(r'name="version" value="(\d+)"', body).group(1)}  # type: ignore[union-attr]
    for name in re.findall(r'name="((?:objective|standard)_[a-z0-9]+_outcome)"', body):
        data[name] = Outcome.PARTLY_MET
        data[name.replace("_outcome", "_comment")] = f"Comment for {name}"
    data.update(extra)
    return client.post(reverse("reviews:review_edit", args=[s.cycle.pk]), data)


def test_the_first_save_creates_the_review_with_what_was_entered(client, s) -> None:  # type: ignore[no-untyped-def]
    objective = Objective.objects.create(
        trust=s.trust, cycle=s.cycle, title="Raise reading", position=1
    )
    response = _post_what_the_page_shows(client, s, overview="Good year.", save="1")
    assert response.status_code == 302
    review = AnnualReview.objects.get()
    assert review.overview == "Good year."
    (assessment,) = review.objective_assessments.all()
    assert assessment.objective_id == objective.pk
    assert assessment.outcome == Outcome.PARTLY_MET
    standards = list(review.standard_assessments.all())
    assert len(standards) == 9
    assert {a.outcome for a in standards} == {Outcome.PARTLY_MET}


def test_a_first_save_refused_leaves_nothing_behind(client, s) -> None:  # type: ignore[no-untyped-def]
    """Completing without the required parts is refused; the review it would have created
    is not left half made, and the page keeps what was typed."""
    response = _post_what_the_page_shows(client, s, overview="Kept text", complete="1")
    assert response.status_code == 200
    body = response.content.decode()
    assert "To complete the review, add" in body
    assert "Kept text" in body
    assert not AnnualReview.objects.exists()
    assert not StandardAssessment.objects.exists()
