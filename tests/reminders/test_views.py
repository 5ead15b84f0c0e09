"""My deadlines page and the calendar feed: each person sees only their own deadlines."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from reminders.models import CalendarFeed
from tests.factories import TEST_PASSWORD, StaffMemberFactory

from .conftest import FakeDeadlines
from .factories import World

D = dt.date
pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 18, 10, 0, tzinfo=dt.UTC)


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def deadlines(world: World, fake_deadlines: FakeDeadlines) -> FakeDeadlines:
    fake_deadlines.add(
        world.cycle, "objectives_agreed", D(2026, 11, 20), "reviewer", label="Agree objectives"
    )
    fake_deadlines.add(
        world.cycle, "appraisee_comments", D(2026, 11, 25), "appraisee", label="Add your comments"
    )
    fake_deadlines.add(
        world.cycle,
        "statement_approval",
        D(2026, 11, 10),
        "headteacher",
        label="Approve the statement",
    )
    fake_deadlines.add(
        world.cycle, "pay_decision", D(2026, 12, 1), "headteacher", label="Decide pay"
    )
    fake_deadlines.add(
        world.cycle, "done_thing", D(2026, 11, 19), "appraisee", done=True, label="Already done"
    )
    return fake_deadlines


@time_machine.travel(NOW, tick=False)
def test_page_needs_sign_in(client: Client) -> None:
    response = client.get(reverse("reminders:mine"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@time_machine.travel(NOW, tick=False)
def test_each_person_sees_only_their_own(world: World, deadlines: FakeDeadlines) -> None:
    appraisee_page = signed_in(world.appraisee.user).get(reverse("reminders:mine")).content.decode()
    assert "Add your comments" in appraisee_page
    assert (
        "Agree objectives" not in appraisee_page and "Approve the statement" not in appraisee_page
    )
    assert "Already done" not in appraisee_page

    reviewer_page = signed_in(world.reviewer.user).get(reverse("reminders:mine")).content.decode()
    assert "Agree objectives" in reviewer_page and "Ada Appraisee" in reviewer_page
    assert "Add your comments" not in reviewer_page
    # "Your part" names the role the person holds for it.
    assert '<td class="govuk-table__cell">Reviewer</td>' in reviewer_page

    head_page = signed_in(world.headteacher).get(reverse("reminders:mine")).content.decode()
    assert "Approve the statement" in head_page and "Overdue" in head_page
    assert "Decide pay" in head_page  # on their own page, not in the feed

    stranger = StaffMemberFactory()  # another trust
    stranger_page = signed_in(stranger.user).get(reverse("reminders:mine")).content.decode()
    for label in ("Agree objectives", "Add your comments", "Approve the statement"):
        assert label not in stranger_page


@time_machine.travel(NOW, tick=False)
def test_page_query_count_is_flat(
    world: World,
    fake_deadlines: FakeDeadlines,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    client = signed_in(world.reviewer.user)
    client.get(reverse("reminders:mine"))

    def add(n: int) -> None:
        for _ in range(n):
            cycle = world.cycle_for(world.staff())
            fake_deadlines.add(cycle, "objectives_agreed", D(2026, 11, 20), "reviewer")

    add(2)
    with django_assert_max_num_queries(25) as few:
        assert client.get(reverse("reminders:mine")).status_code == 200
    add(25)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("reminders:mine"))
    assert response.content.decode().count("Objectives agreed") == 27


@time_machine.travel(NOW, tick=False)
def test_feed_has_own_deadlines_without_pay(world: World, deadlines: FakeDeadlines) -> None:
    client = signed_in(world.headteacher)
    client.post(reverse("reminders:feed_reset"))
    token = CalendarFeed.objects.get(user=world.headteacher).token

    response = Client().get(reverse("reminders:feed", args=[token]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert "SUMMARY:Approve the statement: Ada Appraisee" in body
    assert "DTSTART;VALUE=DATE:20261110" in body
    assert "Decide pay" not in body
    assert "Agree objectives" not in body and "Add your comments" not in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


@time_machine.travel(NOW, tick=False)
def test_resetting_the_feed_address_retires_the_old_one(
    world: World, deadlines: FakeDeadlines
) -> None:
    client = signed_in(world.appraisee.user)
    first = client.post(reverse("reminders:feed_reset"), follow=True).content.decode()
    assert "Your calendar address is ready" in first
    page = client.get(reverse("reminders:mine")).content.decode()
    old = CalendarFeed.objects.get(user=world.appraisee.user).token
    assert f"/reminders/calendar/{old}.ics" in page

    assert client.get(reverse("reminders:feed_reset")).status_code == 405
    response = client.post(reverse("reminders:feed_reset"), follow=True)

    new = CalendarFeed.objects.get(user=world.appraisee.user).token
    assert new != old
    assert "has been reset" in response.content.decode()
    assert Client().get(reverse("reminders:feed", args=[old])).status_code == 404
    assert Client().get(reverse("reminders:feed", args=[new])).status_code == 200


@time_machine.travel(NOW, tick=False)
def test_feed_of_a_deactivated_account_or_a_guess_is_not_found(world: World) -> None:
    signed_in(world.appraisee.user).post(reverse("reminders:feed_reset"))
    token = CalendarFeed.objects.get(user=world.appraisee.user).token
    assert Client().get(reverse("reminders:feed", args=["not-a-real-token"])).status_code == 404
    world.appraisee.user.is_active = False
    world.appraisee.user.save(update_fields=["is_active"])
    assert Client().get(reverse("reminders:feed", args=[token])).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_sign_in_page_then_deadlines(world: World, deadlines: FakeDeadlines) -> None:
    """Through the real sign-in form, then the page from the header link."""
    client = Client()
    response = client.post(
        reverse("account_login"),
        {"login": world.appraisee.email, "password": TEST_PASSWORD},
        follow=True,
    )
    assert response.status_code == 200
    page = client.get(reverse("reminders:mine")).content.decode()
    assert 'href="/reminders/"' in page
    assert "Add your comments" in page


def test_the_calendar_address_is_made_only_when_asked_for(world: World) -> None:
    """Opening "My deadlines" writes nothing; the address comes from the button (a POST)."""
    client = signed_in(world.appraisee.user)
    page = client.get(reverse("reminders:mine")).content.decode()
    assert not CalendarFeed.objects.filter(user=world.appraisee.user).exists()
    assert "Get my calendar address" in page and ".ics" not in page
    client.post(reverse("reminders:feed_reset"))
    token = CalendarFeed.objects.get(user=world.appraisee.user).token
    page = client.get(reverse("reminders:mine")).content.decode()
    assert f"/reminders/calendar/{token}.ics" in page
