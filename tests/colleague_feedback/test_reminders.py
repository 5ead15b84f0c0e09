"""Each colleague asked is reminded to answer by the closing day (the recipient role
"feedback_colleague"), once however often the sweep runs; nobody else is, and nothing
after they answer or decline."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from colleague_feedback import services
from colleague_feedback.deadlines import FEEDBACK_COLLEAGUE, FEEDBACK_REQUEST
from cycles.deadlines import all_deadlines
from reminders.models import ReminderDispatch
from reminders.services import reminders_sweep
from tests.colleague_feedback.support import ask, colleagues, cycle_under
from tests.objectives.support import School, user

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 2, 6, 0, tzinfo=dt.UTC)


def test_the_colleagues_asked_are_reminded_by_the_closing_day(school: School) -> None:
    with time_machine.travel(NOW, tick=False):
        cycle = cycle_under(school, "classic-objectives")
        round_ = ask(school, cycle)
        first = round_.requests.order_by("pk").first()
        assert first is not None
        services.feedback_decline(actor=user(first.colleague), request=first)
        found = [d for d in all_deadlines([cycle]) if d.subject.kind == FEEDBACK_REQUEST]
    assert {d.recipient for d in found} == {FEEDBACK_COLLEAGUE}
    assert {d.due_on for d in found} == {round_.closes_on}
    assert len(found) == 2  # the one who declined owes nothing
    assert round_.closes_on is not None
    on_the_day = dt.datetime.combine(round_.closes_on, dt.time(6), tzinfo=dt.UTC)
    with time_machine.travel(on_the_day, tick=False):
        reminders_sweep(on=round_.closes_on)
        reminders_sweep(on=round_.closes_on)
    rows = set(
        ReminderDispatch.objects.filter(subject_kind=FEEDBACK_REQUEST).values_list(
            "recipient_id", flat=True
        )
    )
    waiting = {user(c).pk for c in colleagues(school) if c.pk != first.colleague_id}
    assert rows == waiting
    assert ReminderDispatch.objects.filter(subject_kind=FEEDBACK_REQUEST).count() == len(waiting)
    # Nothing goes to the reviewer or the member of staff about the feedback.
    assert not ReminderDispatch.objects.filter(
        subject_kind=FEEDBACK_REQUEST,
        recipient_id__in=[user(school.reviewer).pk, user(school.teacher).pk],
    ).exists()
