"""The demo trust's probationer (``probation.demo``): a teacher who joined this September,
on probation under langley §9 with their line manager, the first review recorded once it
fell due; building it again leaves the one probation as it is; a policy with no probation
gives none."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from probation.demo import seed_probation
from probation.models import Probation, ProbationStatus
from tests.objectives.support import School
from tests.probation.support import new_teacher, policy

pytestmark = pytest.mark.django_db


@time_machine.travel(dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC), tick=False)
def test_the_demo_has_a_probationer_under_langley(school: School) -> None:
    policy(school)
    member = new_teacher(school, joined=dt.date(2019, 9, 1))
    probation = seed_probation(staff={"a_t4": member}, academic_year=2026)
    assert probation is not None and probation.status == ProbationStatus.IN_PROGRESS
    assert (probation.starts_on, probation.ends_on) == (dt.date(2026, 9, 1), dt.date(2027, 2, 28))
    assert probation.reviews.count() == 1  # the first review fell due on 30 November
    member.refresh_from_db()
    assert member.start_date == dt.date(2026, 9, 1)
    assert seed_probation(staff={"a_t4": member}, academic_year=2026) == probation
    assert Probation.objects.count() == 1


@time_machine.travel(dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC), tick=False)
def test_a_demo_whose_policy_has_no_probation_has_no_probationer(school: School) -> None:
    policy(school, "classic-objectives")
    member = new_teacher(school)
    assert seed_probation(staff={"a_t4": member}, academic_year=2026) is None
    assert not Probation.objects.exists()
