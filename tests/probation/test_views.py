"""The probation pages: a line manager starts a new teacher's probation from the list that
offers it, records a review meeting (a date outside probation is refused next to the
field) and the outcome; the probationer finds it from their home page; the lists make
as many queries for many probations as for one."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from probation.models import Probation, ProbationReview, ProbationStatus
from tests.factories import StaffMemberFactory
from tests.objectives.support import School, user
from tests.probation.support import JOINED, new_teacher, policy, started

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)


def client_for(member) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user(member))
    return client


def token(page: str) -> str:
    return page.split('name="submission_token" value="')[1].split('"')[0]


@time_machine.travel(TODAY, tick=False)
def test_a_line_manager_starts_reviews_and_decides_through_the_pages(school: School) -> None:
    policy(school)
    member = new_teacher(school)
    manager = client_for(school.reviewer)
    home = manager.get(reverse("home")).content.decode()
    assert reverse("probation:index") in home
    index = manager.get(reverse("probation:index")).content.decode()
    start_url = f"{reverse('probation:start')}?staff={member.pk}"
    assert start_url.replace("?", "?") in index.replace("&amp;", "&")
    form = manager.get(start_url).content.decode()
    assert 'value="2026-09-01"' in form
    response = manager.post(
        start_url, {"submission_token": token(form), "staff": member.pk, "starts_on": "2026-09-01"}
    )
    probation = Probation.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "probation:detail", args=[probation.pk]
    )
    detail = manager.get(response["Location"]).content.decode()
    assert "28 February 2027" in detail and "30 November 2026" in detail
    review_url = reverse("probation:review_add", args=[probation.pk])
    page = manager.get(review_url).content.decode()
    bad = manager.post(
        review_url,
        {"submission_token": token(page), "held_on": "2026-08-01", "successes": "Good start."},
    )
    body = bad.content.decode()
    assert bad.status_code == 200 and "govuk-error-summary" in body
    assert 'href="#id_held_on"' in body and "before probation started" in body
    assert not ProbationReview.objects.exists()
    page = manager.get(review_url).content.decode()
    manager.post(
        review_url,
        {
            "submission_token": token(page),
            "held_on": "2026-11-30",
            "successes": "Good start.",
            "development_areas": "Questioning.",
            "training": "Coaching with the phase leader.",
        },
    )
    assert ProbationReview.objects.get().training == "Coaching with the phase leader."
    decide_url = reverse("probation:decide", args=[probation.pk])
    page = manager.get(decide_url).content.decode()
    assert "Extended by 6 months" in page
    missing = manager.post(decide_url, {"version": probation.version + 1, "outcome": "extended"})
    assert missing.status_code == 200 and 'href="#id_note"' in missing.content.decode()
    probation.refresh_from_db()
    manager.post(
        decide_url,
        {"version": probation.version, "outcome": "extended", "note": "Concerns: planning."},
    )
    probation.refresh_from_db()
    assert probation.status == ProbationStatus.EXTENDED
    assert probation.ends_on == dt.date(2027, 8, 31)
    # The probationer finds it from their home page.
    own = client_for(member)
    home = own.get(reverse("home")).content.decode()
    assert "Your probation" in home
    assert (
        reverse("probation:detail", args=[probation.pk])
        in own.get(reverse("probation:index")).content.decode()
    )
    assert own.get(decide_url).status_code == 403


@time_machine.travel(TODAY, tick=False)
def test_bad_input_is_an_error_not_a_failure(school: School) -> None:
    policy(school)
    member = new_teacher(school)
    manager = client_for(school.reviewer)
    url = reverse("probation:start")
    page = manager.get(url).content.decode()
    response = manager.post(
        url, {"submission_token": token(page), "staff": "nonsense", "starts_on": "2099-13-01"}
    )
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()
    page = manager.get(url).content.decode()
    early = manager.post(
        url, {"submission_token": token(page), "staff": member.pk, "starts_on": "2026-08-01"}
    )
    assert 'href="#id_starts_on"' in early.content.decode()
    assert not Probation.objects.exists()
    # The colleague manages nobody: the start page is not found.
    assert client_for(school.colleague).get(url).status_code == 404


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize("who", ["hr", "reviewer"])
def test_the_lists_make_as_many_queries_for_many_probations_as_for_one(
    school: School,
    who: str,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    policy(school)
    client = client_for(getattr(school, who))
    url = reverse("probation:trust" if who == "hr" else "probation:index")

    def add(n: int) -> None:
        member = StaffMemberFactory(
            academy=school.academy, line_manager=school.reviewer, start_date=JOINED
        )
        started(school, member)
        del n

    add(0)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for n in range(4):
        add(n)
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(url).content.decode()
    assert body.count("28 Feb 2027") == 5
