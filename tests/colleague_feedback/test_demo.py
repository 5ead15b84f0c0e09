"""The demo trust has colleague feedback to look at: the line manager reads a summary of
three answers and the demo teacher has a request waiting on their home page."""

from __future__ import annotations

import pytest

from appraisal_site.demo import seed_demo
from colleague_feedback.models import FeedbackAnswer, FeedbackRequest, RequestStatus
from organisation.models import StaffMember

pytestmark = pytest.mark.django_db


def test_the_classic_demo_trust_has_feedback_to_read_and_a_request_to_answer() -> None:
    result = seed_demo(preset="classic-objectives", academic_year=2026)
    assert FeedbackAnswer.objects.filter(round__trust=result.trust).count() == 3
    teacher = StaffMember.objects.get(trust=result.trust, email__startswith="a.t1@")
    assert FeedbackRequest.objects.get(colleague=teacher).status == RequestStatus.WAITING
    seed_demo(preset="classic-objectives", academic_year=2026)  # again: nothing added
    assert FeedbackAnswer.objects.filter(round__trust=result.trust).count() == 3
