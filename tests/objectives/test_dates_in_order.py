"""Dates checked against the cycle, the term and each other: a conversation held in the
term the policy gives it, and a meeting's notice given before the meeting."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from objectives import services
from objectives.models import Conversation, Meeting
from objectives.rules import check_meeting, conversation_date_refusal, season_of
from objectives.services import ObjectivesError
from policies.schema import PolicySettings
from tests.form_tokens import with_token

from .support import School, user

D = dt.date
YEAR = {"starts_on": D(2026, 9, 1), "ends_on": D(2027, 8, 31)}


# ----- Pure rules ------------------------------------------------------------------------


def test_the_season_of_a_day_follows_the_academys_terms_when_entered() -> None:
    assert season_of(D(2026, 10, 1)) == "autumn"
    assert season_of(D(2027, 2, 1)) == "spring"
    assert season_of(D(2027, 6, 1)) == "summer"
    # Spring term running to 9 April: a day in it is spring, whatever its month.
    assert season_of(D(2027, 4, 8), [(D(2027, 1, 4), D(2027, 4, 9))]) == "spring"


def test_an_autumn_conversation_is_held_in_the_autumn_term() -> None:
    kwargs = {"term": "autumn", "name": "Autumn conversation", **YEAR}
    assert conversation_date_refusal(held_on=D(2026, 10, 15), **kwargs) is None
    assert conversation_date_refusal(held_on=D(2027, 3, 1), **kwargs) == (
        "The Autumn conversation is held in the autumn term: enter a date in it."
    )


def test_a_mid_year_conversation_is_not_held_in_the_autumn() -> None:
    """aspire §6.3: the mid-year conversation takes place in the spring/summer term."""
    kwargs = {"term": "spring_or_summer", "name": "Mid-year conversation", **YEAR}
    assert conversation_date_refusal(held_on=D(2026, 11, 20), **kwargs) == (
        "The Mid-year conversation is held in the spring or summer term: enter a date in it."
    )
    assert conversation_date_refusal(held_on=D(2027, 2, 10), **kwargs) is None
    assert conversation_date_refusal(held_on=D(2027, 6, 10), **kwargs) is None


def test_a_conversation_is_held_within_the_cycle() -> None:
    refusal = conversation_date_refusal(
        term="autumn", name="Autumn conversation", held_on=D(2025, 10, 15), **YEAR
    )
    assert refusal == "Enter a date within this appraisal year, 1 September 2026 to 31 August 2027."


@pytest.mark.parametrize("kind", ["annual_review", "other"])
def test_notice_of_a_meeting_is_given_before_it(kind: str) -> None:
    breaches = check_meeting(
        PolicySettings(),
        kind=kind,
        scheduled_for=D(2027, 1, 12),
        notice_given_on=D(2027, 1, 20),
        planned_minutes=60,
    )
    late = [b for b in breaches if b.rule == "Notice given after the meeting"]
    assert len(late) == 1
    assert late[0].field == "notice_given_on"
    assert "on or before 12 January 2027" in late[0].message
    on_the_day = check_meeting(
        PolicySettings(),
        kind=kind,
        scheduled_for=D(2027, 1, 12),
        notice_given_on=D(2027, 1, 12),
        planned_minutes=60,
    )
    assert not [b for b in on_the_day if b.rule == "Notice given after the meeting"]


# ----- Services and pages -----------------------------------------------------------------


def _client(school: School) -> Client:
    client = Client()
    client.force_login(user(school.reviewer))
    return client


@time_machine.travel(dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC))
def test_a_mid_year_conversation_held_in_the_autumn_is_refused_by_the_field(
    school: School,
) -> None:
    cycle = school.cycle("aspire-grow")
    with pytest.raises(ObjectivesError, match="spring or summer term") as refused:
        services.conversation_record(
            actor=user(school.reviewer),
            cycle=cycle,
            key="spring_summer",
            expected_version=0,
            held_on=D(2026, 11, 20),
        )
    assert refused.value.field == "held_on"
    url = reverse("objectives:conversation", args=[cycle.pk, "spring_summer"])
    form = {"version": 0, "held_on": "2026-11-20", "growth_areas": "Phonics", "cpd_activities": ""}
    response = _client(school).post(url, with_token(form))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_held_on"' in body and 'id="id_held_on-error"' in body
    assert not Conversation.objects.filter(cycle=cycle, held_on__isnull=False).exists()


@time_machine.travel(dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC))
def test_a_meeting_whose_notice_is_given_after_it_is_refused(school: School) -> None:
    cycle = school.cycle("classic-objectives")
    with pytest.raises(ObjectivesError) as refused:
        services.meeting_schedule(
            actor=user(school.reviewer),
            cycle=cycle,
            kind="other",
            scheduled_for=D(2027, 1, 12),
            notice_given_on=D(2027, 1, 20),
        )
    assert [b.field for b in refused.value.breaches] == ["notice_given_on"]
    assert not Meeting.objects.exists()


@time_machine.travel(dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC))
def test_the_date_is_entered_in_day_month_and_year_boxes(school: School) -> None:
    """GOV.UK's date input: three boxes; a missing part or an impossible date is said in
    GOV.UK's words, and the error summary links to the first box."""
    cycle = school.cycle("aspire-grow")
    url = reverse("objectives:conversation", args=[cycle.pk, "autumn"])
    client = _client(school)
    page = client.get(url).content.decode()
    assert 'class="govuk-date-input"' in page
    assert 'id="id_held_on" name="held_on-day"' in page and 'name="held_on-year"' in page
    form = {"version": 0, "growth_areas": "Phonics", "cpd_activities": ""}
    for parts, message in (
        (
            {"held_on-day": "20", "held_on-month": "", "held_on-year": "2026"},
            "must include a month",
        ),
        (
            {"held_on-day": "31", "held_on-month": "11", "held_on-year": "2026"},
            "must be a real date",
        ),
        (
            {"held_on-day": "x", "held_on-month": "11", "held_on-year": "2026"},
            "must be a real date",
        ),
        (
            {"held_on-day": "9" * 30, "held_on-month": "1", "held_on-year": "2026"},
            "must be a real date",
        ),
    ):
        response = client.post(url, with_token({**form, **parts}))
        body = response.content.decode()
        assert response.status_code == 200, parts
        assert f"Date {message}" in body, parts
        assert 'href="#id_held_on"' in body
        assert f'value="{parts["held_on-year"]}"' in body  # what was typed is kept
    response = client.post(
        url,
        with_token({**form, "held_on-day": "20", "held_on-month": "11", "held_on-year": "2026"}),
    )
    assert response.status_code == 302
    assert Conversation.objects.get(cycle=cycle, key="autumn").held_on == D(2026, 11, 20)
