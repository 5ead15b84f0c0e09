"""classic §5.5.5 ("colleagues, including peers, and for line managers, their staff"):
a reviewer may ask colleagues of the same trust based at other academies where they work
with the member of staff (the peers of their own team, their line manager); never anyone
else at another academy. A colleague asked finds the request on their own *My deadlines*
with its closing day."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from colleague_feedback import permissions, services
from organisation.principal import principal_for
from reminders.selectors import my_deadlines
from tests.colleague_feedback.support import ask, colleagues, cycle_under
from tests.factories import StaffMemberFactory
from tests.objectives.support import School, user

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2026, 11, 2, 9, 0)  # a Monday in term


@time_machine.travel(TODAY, tick=False)
def test_team_peers_at_other_academies_may_be_asked_and_see_it_on_my_deadlines(
    school: School,
) -> None:
    cycle = cycle_under(school, "classic-objectives")
    # Tom's line manager also manages Petra, who teaches at the trust's other academy.
    peer = StaffMemberFactory(
        academy=school.other_academy, first_name="Petra", line_manager=school.reviewer
    )
    stranger = StaffMemberFactory(academy=school.other_academy, first_name="Stan")
    allowed = set(permissions.colleagues_to_ask(cycle).values_list("pk", flat=True))
    assert peer.pk in allowed and stranger.pk not in allowed
    with pytest.raises(services.FeedbackError, match="peers of their own team"):
        ask(school, cycle, [*colleagues(school)[:2], stranger])
    feedback_round = ask(school, cycle, [*colleagues(school)[:2], peer])
    due = feedback_round.closes_on
    assert due is not None
    mine = my_deadlines(principal_for(user(peer)))
    assert [(m.deadline.label, m.deadline.due_on) for m in mine] == [
        ("Give feedback on Tom Tester's work", due)
    ]
    # Only the request: none of Tom's own deadlines, and nothing for someone not asked.
    assert not my_deadlines(principal_for(user(stranger)))
    client = Client()
    client.force_login(user(peer))
    page = client.get(reverse("reminders:mine")).content.decode()
    assert "Give feedback on Tom Tester&#x27;s work" in page
    assert f"{due:%-d %B %Y}" in page
