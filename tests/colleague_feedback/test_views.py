"""The pages: the reviewer finds the offer on the cycle page, a wrong form says what is
wrong next to the field and saves nothing, the colleague finds their requests from the
home page, and the list of requests costs the same queries for one request or many."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from colleague_feedback.models import FeedbackAnswer, FeedbackRound, RequestStatus
from tests.colleague_feedback.support import ask, colleagues, cycle_under
from tests.factories import StaffMemberFactory
from tests.objectives.support import School, make_cycle, user

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2026, 11, 2, 9, 0)


def token(client: Client, url: str) -> str:
    """The one-time token of the form on ``url``, as a person's browser would send it."""
    page = client.get(url).content.decode()
    return page.split('name="submission_token" value="')[1].split('"')[0]


def signed_in(member: object) -> Client:
    client = Client()
    client.force_login(user(member))  # type: ignore[arg-type]
    return client


@time_machine.travel(TODAY, tick=False)
def test_the_reviewer_asks_from_the_cycle_page(school: School) -> None:
    cycle = cycle_under(school, "classic-objectives")
    client = signed_in(school.reviewer)
    page = client.get(reverse("cycles:detail", args=[cycle.pk])).content.decode()
    ask_url = reverse("colleague_feedback:ask", args=[cycle.pk])
    assert ask_url in page
    form = client.get(ask_url).content.decode()
    assert escape(school.colleague.full_name) in form
    assert escape(school.outsider.full_name) not in form
    assert escape(school.reviewer.full_name) not in form.split("<form", 1)[1]
    # Nothing chosen: the message is next to the field and in the summary; nothing saved.
    answer = client.post(
        ask_url, {"question": "Teamwork?", "submission_token": token(client, ask_url)}
    )
    assert answer.status_code == 200
    body = answer.content.decode()
    assert "Choose at least one colleague to ask." in body
    assert 'href="#id_colleagues' in body
    # Too few for the threshold: the domain rule, shown by the same field.
    answer = client.post(
        ask_url,
        {
            "question": "Teamwork?",
            "colleagues": [school.colleague.pk],
            "submission_token": token(client, ask_url),
        },
    )
    assert "Ask at least 3 colleagues" in answer.content.decode()
    assert not FeedbackRound.objects.exists()
    done = client.post(
        ask_url,
        {
            "question": "Teamwork?",
            "colleagues": [c.pk for c in colleagues(school)],
            "submission_token": token(client, ask_url),
        },
    )
    round_ = FeedbackRound.objects.get()
    assert done.status_code == 302
    assert done["Location"] == reverse("colleague_feedback:round_detail", args=[round_.pk])
    detail = client.get(done["Location"]).content.decode()
    assert "0 of 3 colleagues have answered" in detail


@time_machine.travel(TODAY, tick=False)
def test_a_policy_without_colleague_feedback_offers_nothing(school: School) -> None:
    cycle = cycle_under(school, "leger-pdp")
    client = signed_in(school.reviewer)
    page = client.get(reverse("cycles:detail", args=[cycle.pk])).content.decode()
    assert "Feedback from colleagues" not in page
    assert client.get(reverse("colleague_feedback:ask", args=[cycle.pk])).status_code == 404


@time_machine.travel(TODAY, tick=False)
def test_the_colleague_answers_from_their_home_page(school: School) -> None:
    round_ = ask(school, cycle_under(school, "classic-objectives"))
    request = round_.requests.get(colleague=school.colleague)
    client = signed_in(school.colleague)
    home = client.get(reverse("home")).content.decode()
    assert reverse("colleague_feedback:my_requests") in home and "(1 waiting)" in home
    listing = client.get(reverse("colleague_feedback:my_requests")).content.decode()
    url = reverse("colleague_feedback:request_detail", args=[request.pk])
    assert url in listing
    empty = client.post(url, {"text": "", "submission_token": token(client, url)})
    assert "Enter your feedback, or decline the request." in empty.content.decode()
    sent = client.post(
        url, {"text": "A generous colleague.", "submission_token": token(client, url)}
    )
    assert sent.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.ANSWERED
    assert FeedbackAnswer.objects.filter(round=round_, text="A generous colleague.").exists()
    assert "You have answered" in client.get(url).content.decode()
    again = client.post(url, {"text": "Again", "submission_token": "x"})
    assert again.status_code == 403
    other = round_.requests.get(colleague=school.leader)
    declined = signed_in(school.leader).post(
        reverse("colleague_feedback:request_decline", args=[other.pk])
    )
    assert declined.status_code == 302
    other.refresh_from_db()
    assert other.status == RequestStatus.DECLINED


@time_machine.travel(TODAY, tick=False)
def test_the_list_of_requests_costs_the_same_for_one_or_many(school: School) -> None:
    client = signed_in(school.colleague)
    ask(school, cycle_under(school, "classic-objectives"))
    client.get(reverse("colleague_feedback:my_requests"))  # warm the session and caches

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("colleague_feedback:my_requests")).status_code == 200
        return len(ctx.captured_queries)

    one = count()
    for _ in range(4):
        person = StaffMemberFactory(academy=school.academy, line_manager=school.reviewer)
        cycle = make_cycle(person, school.version("classic-objectives"), reviewer=school.reviewer)
        ask(school, cycle, [school.colleague, school.leader, school.ups_teacher])
    assert count() == one
