"""A pay recommendation's deadlines reach the reminders by its policy's pay decision date;
a decided recommendation is its own retention root, destroyed after the policy's pay
years."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from cycles.deadlines import Subject, all_deadlines
from pay_progression.models import PayEvent, PayRecommendation, Stage
from retention import services as retention_services
from retention.models import PurgeLedgerEntry
from retention.registry import retention_registry
from tests.objectives.support import School, make_cycle, version_with
from tests.pay_progression.support import open_review, rec_for

pytestmark = pytest.mark.django_db
AUTUMN = dt.datetime(2026, 10, 5, 10, 0, tzinfo=dt.UTC)


@time_machine.travel(AUTUMN, tick=False)
def test_drafts_approvals_and_statements_are_due_by_the_decision_date(school: School) -> None:
    review = open_review(school)
    rec = rec_for(review, school.teacher)
    cycle = make_cycle(school.teacher, rec.policy_version, reviewer=school.reviewer)
    found = {
        (d.kind, d.recipient, d.due_on, d.done)
        for d in all_deadlines([cycle])
        if d.subject == Subject("pay_recommendation", rec.pk)
    }
    due = dt.date(2026, 10, 31)
    assert found == {
        ("pay_draft", "reviewer", due, False),
        ("pay_approval", "headteacher", due, False),
        ("pay_statement", "headteacher", due, False),
        ("pay_statement", "hr", due, False),
    }
    PayRecommendation.objects.filter(pk=rec.pk).update(stage=Stage.FINAL)
    assert not [d for d in all_deadlines([cycle]) if d.subject.kind == "pay_recommendation"]


def test_pay_recommendations_are_a_registered_root() -> None:
    assert retention_registry.root("pay_recommendation").model is PayRecommendation


@time_machine.travel(AUTUMN, tick=False)
@pytest.mark.policy_setting("retention.pay_years")
def test_the_pay_years_decide_when_a_decided_recommendation_is_destroyed(school: School) -> None:
    review = open_review(school)

    def survives(years: int) -> bool:
        version = version_with(
            school.trust, "leger-pdp", {"retention.pay_years": years}, label=f"pay={years}"
        )
        rec = rec_for(review, school.teacher)
        PayRecommendation.objects.filter(pk=rec.pk).update(
            policy_version=version, stage=Stage.FINAL, effective_from=dt.date(2021, 9, 1)
        )
        retention_services.purge_expired_records(as_of=dt.date(2026, 10, 1))
        gone = not PayRecommendation.objects.filter(pk=rec.pk).exists()
        if gone:
            assert not PayEvent.objects.filter(recommendation_id=rec.pk).exists()
            assert not PayRecommendation.history.filter(id=rec.pk).exists()
            assert PurgeLedgerEntry.objects.filter(record_type="pay_record", record_id=rec.pk)
        return not gone

    assert survives(7)
    assert not survives(4)
