"""A decided probation is its own retention root (destroyed whole after the policy's
probation years, else the trust default); reminders of review meetings and the end of
probation reach the line manager (and HR for the end) once, for probationers with no
appraisal cycle."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail

from probation.models import Probation, ProbationReminder, ProbationReview, ProbationStatus
from probation.reminders import probation_reminders_sweep
from probation.retention import PROBATION_ROOT
from retention import services as retention
from retention.models import PurgeLedgerEntry
from retention.registry import retention_registry
from tests.objectives.support import School, version_with
from tests.probation.support import new_teacher, policy, started

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2024, 9, 1)


def decided(school: School, years: dict[str, int]) -> Probation:
    label = ",".join(f"{k}={v}" for k, v in years.items())
    version = version_with(
        school.trust,
        "langley-interim",
        {f"retention.{k}": v for k, v in years.items()},
        label=label,
    )
    probation = Probation.objects.create(
        trust=school.trust,
        academy=school.academy,
        staff=school.teacher,
        policy_version=version,
        starts_on=dt.date(2021, 1, 4),
        ends_on=dt.date(2021, 7, 3),
        original_ends_on=dt.date(2021, 7, 3),
        status=ProbationStatus.CONFIRMED,
        decided_on=dt.date(2021, 7, 31),
    )
    ProbationReview.objects.create(
        trust=school.trust, probation=probation, held_on=dt.date(2021, 4, 1), successes="Good."
    )
    return probation


def survives(school: School, **years: int) -> bool:
    probation = decided(school, years)
    retention.purge_expired_records(as_of=AS_OF)
    gone = not Probation.objects.filter(pk=probation.pk).exists()
    if gone:
        assert not ProbationReview.objects.filter(probation_id=probation.pk).exists()
        assert not Probation.history.filter(id=probation.pk).exists()
        assert PurgeLedgerEntry.objects.filter(
            record_type="probation_record", record_id=probation.pk
        ).exists()
    Probation.objects.filter(pk=probation.pk).delete()
    return not gone


def test_probation_is_a_registered_root() -> None:
    assert retention_registry.root("probation") is PROBATION_ROOT


@pytest.mark.policy_setting("retention.probation_years")
def test_the_probation_years_decide_when_a_decided_probation_is_destroyed(
    school: School,
) -> None:
    assert not survives(school, probation_years=2)
    assert survives(school, probation_years=4)


def test_with_no_probation_years_the_trust_default_applies(school: School) -> None:
    assert not survives(school, default_years=2)
    assert survives(school, default_years=4)


def test_a_running_probation_is_never_destroyed(school: School) -> None:
    probation = decided(school, {"probation_years": 1})
    Probation.objects.filter(pk=probation.pk).update(
        status=ProbationStatus.IN_PROGRESS, decided_on=None
    )
    retention.purge_expired_records(as_of=AS_OF)
    assert Probation.objects.filter(pk=probation.pk).exists()


def test_review_and_end_reminders_reach_the_line_manager_once(school: School) -> None:
    with time_machine.travel(dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC), tick=False):
        policy(school)
        probation = started(school, new_teacher(school))
    # 30 November 2026 was the first review's due day (a Monday): the next day is overdue.
    with time_machine.travel(dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC), tick=False):
        mail.outbox.clear()
        sent = probation_reminders_sweep(on=dt.date(2026, 12, 1))
        assert sent == 1 and probation_reminders_sweep(on=dt.date(2026, 12, 1)) == 0
    assert mail.outbox[0].to == [school.reviewer.user.email]  # type: ignore[union-attr]
    assert "probation review meeting" in mail.outbox[0].subject
    row = ProbationReminder.objects.get()
    assert (row.kind, row.due_on) == ("probation_review", dt.date(2026, 11, 30))
    # The end of probation reminds HR too, and never the probationer.
    with time_machine.travel(dt.datetime(2027, 3, 1, 10, 0, tzinfo=dt.UTC), tick=False):
        ProbationReview.objects.create(
            trust=school.trust,
            probation=probation,
            held_on=dt.date(2026, 11, 30),
            successes="Good.",
        )
        probation_reminders_sweep(on=dt.date(2027, 3, 1))
    ends = ProbationReminder.objects.filter(kind="probation_end")
    assert {r.recipient_id for r in ends} == {school.reviewer.user_id, school.hr.user_id}
