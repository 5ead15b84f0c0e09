"""Probation through its services, by the policy's paragraphs: langley §9 (six months,
extendable by six with HR told, three-monthly reviews recording successes, areas for
development and training), staploe "Scope" and aspire §3 (probationers are left out of
appraisal until probation is completed)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail

from cycles.models import AppraisalCycle
from cycles.services import cycles_open
from probation import services
from probation.models import (
    Probation,
    ProbationEvent,
    ProbationEventKind,
    ProbationReview,
    ProbationStatus,
)
from tests.objectives.support import School, user
from tests.probation.support import JOINED, new_teacher, policy, started

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)


@time_machine.travel(TODAY, tick=False)
@pytest.mark.policy_setting("scope.probation_months")
def test_langley_9_probation_runs_for_the_policys_length(school: School) -> None:
    policy(school)
    probation = started(school, new_teacher(school))
    assert (probation.starts_on, probation.ends_on) == (JOINED, dt.date(2027, 2, 28))
    assert probation.status == ProbationStatus.IN_PROGRESS
    assert ProbationEvent.objects.filter(probation=probation, kind="started").exists()
    # The same policy with a nine-month probation.
    Probation.objects.all().delete()
    policy(school, **{"scope.probation_months": 9})
    probation = started(school, new_teacher(school, email="n2@example.org", staff_number="N2"))
    assert probation.ends_on == dt.date(2027, 5, 31)


@time_machine.travel(TODAY, tick=False)
@pytest.mark.policy_setting("scope.probation_review_every_months")
def test_langley_9_review_meetings_fall_every_three_months(school: School) -> None:
    from probation.selectors import probation_page

    policy(school)
    probation = started(school, new_teacher(school))
    page = probation_page(probation)
    assert [d.due_on for d in page.schedule] == [dt.date(2026, 11, 30), dt.date(2027, 2, 28)]
    Probation.objects.all().delete()
    policy(school, **{"scope.probation_review_every_months": 2})
    probation = started(school, new_teacher(school, email="n2@example.org", staff_number="N2"))
    assert [d.due_on for d in probation_page(probation).schedule] == [
        dt.date(2026, 10, 31),
        dt.date(2026, 12, 31),
        dt.date(2027, 2, 28),
    ]


@time_machine.travel(TODAY, tick=False)
def test_langley_9_a_review_records_successes_development_and_training(school: School) -> None:
    policy(school)
    probation = started(school, new_teacher(school))
    review = services.probation_review_record(
        actor=user(school.reviewer),
        probation=probation,
        held_on=dt.date(2026, 11, 30),
        successes="Settled quickly; strong behaviour management.",
        development_areas="Marking feedback.",
        training="Assessment for learning course.",
    )
    assert review.training == "Assessment for learning course."
    assert review.history.count() == 1
    assert ProbationEvent.objects.filter(kind=ProbationEventKind.REVIEW_RECORDED).count() == 1


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(
    ("held_on", "message"),
    [
        (dt.date(2026, 8, 31), "before probation started"),
        (dt.date(2026, 12, 2), "future"),
    ],
)
def test_a_review_meeting_outside_probation_is_refused(
    school: School, held_on: dt.date, message: str
) -> None:
    policy(school)
    probation = started(school, new_teacher(school))
    with pytest.raises(services.ProbationError, match=message) as caught:
        services.probation_review_record(
            actor=user(school.reviewer),
            probation=probation,
            held_on=held_on,
            successes="Good.",
            development_areas="",
            training="",
        )
    assert caught.value.field == "held_on"
    assert not ProbationReview.objects.exists()


@time_machine.travel(dt.datetime(2027, 4, 1, 10, 0, tzinfo=dt.UTC), tick=False)
def test_a_review_meeting_after_probation_ends_is_refused(school: School) -> None:
    policy(school)
    probation = started(school, new_teacher(school))
    with pytest.raises(services.ProbationError, match="after probation ends"):
        services.probation_review_record(
            actor=user(school.reviewer),
            probation=probation,
            held_on=dt.date(2027, 3, 1),
            successes="Good.",
            development_areas="",
            training="",
        )


@time_machine.travel(TODAY, tick=False)
@pytest.mark.policy_setting("scope.probation_extension_months")
def test_langley_9_extension_needs_a_reason_moves_the_end_and_tells_hr(school: School) -> None:
    policy(school)
    probation = started(school, new_teacher(school))
    manager = user(school.reviewer)
    with pytest.raises(services.ProbationError, match="Say why") as caught:
        services.probation_decide(actor=manager, probation=probation, outcome="extended")
    assert caught.value.field == "note"
    mail.outbox.clear()
    with pytest.raises(services.ProbationError):  # nothing sent for a refused change
        services.probation_decide(actor=manager, probation=probation, outcome="extended")
    assert not mail.outbox
    extended = services.probation_decide(
        actor=manager,
        probation=probation,
        outcome="extended",
        note="Areas for development have become concerns: planning.",
    )
    assert extended.status == ProbationStatus.EXTENDED
    assert extended.ends_on == dt.date(2027, 8, 31)
    assert extended.original_ends_on == dt.date(2027, 2, 28)
    assert extended.hr_told_at is not None
    assert ProbationEvent.objects.filter(kind=ProbationEventKind.HR_TOLD).exists()
    # Extended once only.
    with pytest.raises(services.ProbationError, match="already been extended"):
        services.probation_decide(
            actor=manager, probation=extended, outcome="extended", note="Again."
        )
    # A policy that does not allow extension refuses it.
    Probation.objects.all().delete()
    policy(school, **{"scope.probation_extension_months": 0})
    other = started(school, new_teacher(school, email="n2@example.org", staff_number="N2"))
    with pytest.raises(services.ProbationError, match="does not allow"):
        services.probation_decide(actor=manager, probation=other, outcome="extended", note="x")


def test_langley_9_hr_is_emailed_once_the_extension_is_committed(
    school: School,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    with time_machine.travel(TODAY, tick=False):
        policy(school)
        probation = started(school, new_teacher(school))
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.probation_decide(
                actor=user(school.reviewer),
                probation=probation,
                outcome="extended",
                note="Concerns about planning.",
            )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [school.hr.user.email]  # type: ignore[union-attr]
    assert "extended" in mail.outbox[0].subject
    assert "planning" not in mail.outbox[0].body  # the reason stays behind the sign-in


@time_machine.travel(TODAY, tick=False)
def test_the_outcome_confirmed_or_not_confirmed_ends_probation(school: School) -> None:
    policy(school)
    manager = user(school.reviewer)
    probation = started(school, new_teacher(school))
    with pytest.raises(services.ProbationError, match="not confirmed"):
        services.probation_decide(actor=manager, probation=probation, outcome="not_confirmed")
    with pytest.raises(services.ProbationError, match="Choose"):
        services.probation_decide(actor=manager, probation=probation, outcome="maybe")
    confirmed = services.probation_decide(actor=manager, probation=probation, outcome="confirmed")
    assert confirmed.status == ProbationStatus.CONFIRMED
    assert confirmed.decided_on == dt.date(2026, 12, 1)
    with pytest.raises(services.ProbationError, match="cannot change"):
        services.probation_decide(actor=manager, probation=confirmed, outcome="not_confirmed")
    assert confirmed.history.first().history_change_reason == "Confirmed in post"  # type: ignore[union-attr]


@time_machine.travel(TODAY, tick=False)
def test_a_stale_form_changes_nothing(school: School) -> None:
    policy(school)
    probation = started(school, new_teacher(school))
    with pytest.raises(services.ProbationError, match="Someone else"):
        services.probation_decide(
            actor=user(school.reviewer),
            probation=probation,
            outcome="confirmed",
            expected_version=probation.version + 1,
        )
    probation.refresh_from_db()
    assert probation.status == ProbationStatus.IN_PROGRESS


@time_machine.travel(TODAY, tick=False)
def test_who_may_start_a_probation(school: School) -> None:
    policy(school)
    member = new_teacher(school)
    for someone in (school.colleague, member, school.outsider):
        with pytest.raises(services.ProbationError, match="Only HR or their line manager"):
            services.probation_start(actor=user(someone), staff=member, starts_on=JOINED)
    services.probation_start(actor=user(school.hr), staff=member, starts_on=JOINED)
    with pytest.raises(services.ProbationError, match="already on probation"):
        services.probation_start(actor=user(school.reviewer), staff=member, starts_on=JOINED)
    with pytest.raises(services.ProbationError, match="before they joined"):
        services.probation_start(
            actor=user(school.hr), staff=school.teacher, starts_on=dt.date(1990, 1, 1)
        )


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize("key", ["classic-objectives", "leger-pdp"])
def test_a_policy_with_no_probation_refuses_one(school: School, key: str) -> None:
    policy(school, key)
    with pytest.raises(services.ProbationError, match="no probationary period"):
        started(school, new_teacher(school))


@pytest.mark.parametrize("key", ["langley-interim", "staploe-associate", "aspire-grow"])
def test_opening_the_year_leaves_out_a_probationer_until_probation_ends(
    school: School, key: str
) -> None:
    """langley §9, staploe "Scope", aspire §3: someone on probation is not appraised; once
    it has ended they join by their policy's part-year rule."""
    with time_machine.travel(TODAY, tick=False):
        policy(school, key)
        member = new_teacher(school)
        probation = started(school, member)
        result = cycles_open(trust=school.trust, year=2026, actor=user(school.hr))
        excluded = {p.staff_id: p for p in result.excluded}
        assert excluded[member.pk].reason == "probation"
        assert "28 February 2027" in excluded[member.pk].detail
    with time_machine.travel(dt.datetime(2027, 3, 1, 10, 0, tzinfo=dt.UTC), tick=False):
        services.probation_decide(
            actor=user(school.reviewer), probation=probation, outcome="confirmed"
        )
        result = cycles_open(trust=school.trust, year=2026, actor=user(school.hr))
    cycle = AppraisalCycle.objects.filter(appraisee=member).first()
    if key == "aspire-grow":  # §4.3: the headteacher sets a part-year starter's first cycle
        assert cycle is not None and cycle.part_year_start
    else:
        assert cycle is not None
        assert cycle.starts_on == dt.date(2027, 3, 1) and cycle.part_year_start


@pytest.mark.policy_setting("scope.exclude_probationers")
def test_where_the_policy_appraises_probationers_they_are_not_left_out(school: School) -> None:
    with time_machine.travel(TODAY, tick=False):
        policy(school, **{"scope.exclude_probationers": False})
        member = new_teacher(school)
        started(school, member)
        result = cycles_open(trust=school.trust, year=2026, actor=user(school.hr))
    assert member.pk not in {p.staff_id for p in result.excluded}
    assert AppraisalCycle.objects.filter(appraisee=member).exists()


@time_machine.travel(TODAY, tick=False)
def test_new_staff_are_offered_a_probation_on_the_lists(school: School) -> None:
    from organisation.principal import principal_for
    from probation.selectors import new_staff_without_probation

    policy(school)
    member = new_teacher(school)
    long_ago = new_teacher(
        school, joined=dt.date(2020, 9, 1), email="old@example.org", staff_number="OLD"
    )
    offered = new_staff_without_probation(principal_for(user(school.reviewer)))
    assert member in offered and long_ago not in offered
    assert member in new_staff_without_probation(principal_for(user(school.hr)))
    assert not new_staff_without_probation(principal_for(user(school.colleague)))
    started(school, member)
    assert member not in new_staff_without_probation(principal_for(user(school.hr)))
