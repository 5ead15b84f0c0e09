"""Colleague feedback is kept with the appraisal record it belongs to and destroyed with
it, history and all."""

from __future__ import annotations

import datetime as dt

import pytest

from colleague_feedback.models import FeedbackAnswer, FeedbackRequest, FeedbackRound
from colleague_feedback.retention import COLLEAGUE_FEEDBACK, FEEDBACK_RECORD_TYPE
from cycles.models import AppraisalCycle, CycleState
from retention import services
from retention.registry import retention_registry
from tests.objectives.support import School, make_cycle, version_with

pytestmark = pytest.mark.django_db


def test_feedback_is_a_record_type_under_the_appraisal_record() -> None:
    assert retention_registry.record_type(COLLEAGUE_FEEDBACK) is FEEDBACK_RECORD_TYPE


def test_feedback_is_destroyed_with_its_cycle(school: School) -> None:
    version = version_with(school.trust, "classic-objectives", {"retention.default_years": 2})
    cycle = make_cycle(
        school.teacher,
        version,
        reviewer=school.reviewer,
        starts_on=dt.date(2019, 9, 1),
        ends_on=dt.date(2020, 8, 31),
        state=CycleState.CLOSED,
    )
    round_ = FeedbackRound.objects.create(
        trust=school.trust,
        academy=school.academy,
        cycle=cycle,
        asked_by=school.reviewer,
        question="How do they work with the team?",
        status="closed",
        asked_on=dt.date(2020, 3, 2),
    )
    FeedbackRequest.objects.create(trust=school.trust, round=round_, colleague=school.colleague)
    FeedbackAnswer.objects.create(trust=school.trust, round=round_, text="Supportive.")
    services.purge_expired_records(as_of=dt.date(2024, 9, 1))
    assert not AppraisalCycle.objects.filter(pk=cycle.pk).exists()
    assert not FeedbackRound.objects.filter(pk=round_.pk).exists()
    assert not FeedbackAnswer.history.filter(round_id=round_.pk).exists()
    assert not FeedbackRequest.history.filter(round_id=round_.pk).exists()
    assert not FeedbackRound.history.filter(id=round_.pk).exists()
