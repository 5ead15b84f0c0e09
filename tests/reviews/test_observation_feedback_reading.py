"""The member of staff reads the feedback on their observations; the lines read as sentences."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from reviews import selectors
from reviews.models import ObservationKind
from reviews.rules import FeedbackState
from reviews.services import ObservationInput, observation_record, observation_record_feedback

NOW = dt.datetime(2025, 11, 20, 16, 0, tzinfo=dt.UTC)
NOTES = "Strengths: clear routines.\nNext steps: questioning to stretch the most able."


def when(month: int, day: int, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2025, month, day, hour, 0))


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def observation_section(html: str) -> str:
    return html[html.index('id="observations"') : html.index('id="evidence"')]


@pytest.fixture
def observed(s):  # type: ignore[no-untyped-def]
    obs = observation_record(
        actor=s.reviewer.user,
        cycle=s.cycle,
        data=ObservationInput(s.reviewer, when(11, 10), 30, ObservationKind.FORMAL, "", True),
    )
    observation_record_feedback(
        actor=s.reviewer.user,
        observation=obs,
        verbal_feedback_at=when(11, 11),
        written_feedback_at=None,
        feedback_notes=NOTES,
    )
    return obs


@time_machine.travel(NOW, tick=False)
def test_appraisee_reads_their_feedback_on_the_cycle_page(client, s, observed) -> None:  # type: ignore[no-untyped-def]
    client.force_login(s.appraisee.user)
    response = client.get(reverse("cycles:detail", args=[s.cycle.pk]))
    assert response.status_code == 200
    section = observation_section(response.content.decode())
    assert "Notes on the feedback" in section
    assert "Strengths: clear routines.<br>Next steps: questioning to stretch the most able." in (
        section
    )
    assert "Spoken feedback: given 11 November 2025" in text(section)
    assert "Record feedback" not in section


@time_machine.travel(NOW, tick=False)
def test_reviewer_reads_the_feedback_too(client, s, observed) -> None:  # type: ignore[no-untyped-def]
    client.force_login(s.reviewer.user)
    section = observation_section(
        client.get(reverse("cycles:detail", args=[s.cycle.pk])).content.decode()
    )
    assert "Next steps: questioning to stretch the most able." in section


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("who", ["colleague", "outsider", "sibling_head"])
def test_nobody_else_reads_the_feedback(client, s, observed, who) -> None:  # type: ignore[no-untyped-def]
    client.force_login(getattr(s, who).user)
    response = client.get(reverse("cycles:detail", args=[s.cycle.pk]))
    assert response.status_code == 404
    assert NOTES.splitlines()[0] not in response.content.decode()
    feedback_page = reverse("reviews:observation_feedback", args=[s.cycle.pk, observed.pk])
    assert client.get(feedback_page).status_code == 404


def line(
    state: FeedbackState,
    *,
    due: dt.datetime | None = None,
    given: dt.datetime | None = None,
    date_only: bool = True,
) -> str:
    feedback = selectors.FeedbackLine("Written feedback", due, given, state, date_only=date_only)
    html = render_to_string(
        "reviews/includes/feedback_line.html",
        {"line": feedback},
    )
    return "Written feedback: " + text(html)


DUE = dt.datetime(2026, 12, 3, 17, 0, tzinfo=dt.UTC)
GIVEN = dt.datetime(2026, 11, 27, 9, 30, tzinfo=dt.UTC)


def test_given_line_reads_naturally(db) -> None:  # type: ignore[no-untyped-def]
    assert line(FeedbackState.GIVEN, due=DUE, given=GIVEN) == (
        "Written feedback: given 27 November 2026"
    )


def test_due_line_reads_naturally(db) -> None:  # type: ignore[no-untyped-def]
    assert line(FeedbackState.DUE, due=DUE) == "Written feedback: due by 3 December 2026"


def test_due_in_hours_line_gives_the_time(db) -> None:  # type: ignore[no-untyped-def]
    assert line(FeedbackState.DUE, due=DUE, date_only=False) == (
        "Written feedback: due by 3 December 2026, 17:00"
    )


def test_overdue_line_reads_naturally(db) -> None:  # type: ignore[no-untyped-def]
    assert line(FeedbackState.OVERDUE, due=DUE) == (
        "Written feedback: overdue since 3 December 2026"
    )


def test_no_deadline_line_reads_naturally(db) -> None:  # type: ignore[no-untyped-def]
    assert line(FeedbackState.NO_DEADLINE) == "Written feedback: no date set"


@time_machine.travel(NOW, tick=False)
def test_cycle_page_list_wording(client, s, observed) -> None:  # type: ignore[no-untyped-def]
    """Spoken feedback given, written feedback overdue (classic: 5 working days)."""
    client.force_login(s.appraisee.user)
    section = text(
        observation_section(
            client.get(reverse("cycles:detail", args=[s.cycle.pk])).content.decode()
        )
    )
    due = timezone.localtime(observed.written_feedback_due_at)
    assert (
        "Spoken feedback: given 11 November 2025 Written feedback: overdue since "
        + (f"{due.day} November 2025")
        in section
    )
    assert "Given given" not in section
