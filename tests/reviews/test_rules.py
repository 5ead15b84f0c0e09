"""The policy's observation, review and moderation rules as pure functions (no database)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from calendars.working_days import WorkingCalendar, england_bank_holidays
from policies.presets import load_preset
from policies.schema import PolicySettings
from reviews.models import Framework, ObservationKind
from reviews.rules import (
    FeedbackState,
    ObservationFacts,
    StatementPart,
    appraisal_use,
    check_observation,
    draw_sample,
    feedback_due,
    feedback_state,
    framework_for,
    pay_reference_required,
    statement_part_for,
)

LONDON = ZoneInfo("Europe/London")


def rules(key: str) -> PolicySettings:
    return load_preset(key).rules


def facts(**kw: object) -> ObservationFacts:
    base: dict[str, object] = {
        "kind": ObservationKind.FORMAL,
        "duration_minutes": 60,
        "appraisee_is_teacher": True,
        "observer_has_qts": True,
        "advance_notice_given": True,
    }
    base.update(kw)
    return ObservationFacts(**base)  # type: ignore[arg-type]


def codes(breaches: list) -> set[str]:  # type: ignore[type-arg]
    return {b.code for b in breaches}


# ----- Who may observe ------------------------------------------------------------------


@pytest.mark.parametrize("key", ["classic-objectives", "aspire-grow"])
def test_teachers_are_observed_only_by_qts_holders(key: str) -> None:
    """classic §5.2.2 and aspire §7.3: observers of teachers hold QTS."""
    breaches = check_observation(rules(key), facts(observer_has_qts=False))
    assert "observer_needs_qts" in codes(breaches)
    assert all(b.refuses for b in breaches if b.code == "observer_needs_qts")
    assert check_observation(rules(key), facts(observer_has_qts=True)) == []


def test_support_staff_may_be_observed_without_qts() -> None:
    """classic §5.2.2 speaks of teachers: a support assistant's observer needs no QTS."""
    breaches = check_observation(
        rules("classic-objectives"), facts(appraisee_is_teacher=False, observer_has_qts=False)
    )
    assert breaches == []


def test_nobody_observes_themself() -> None:
    assert "self_observation" in codes(
        check_observation(rules("classic-objectives"), facts(observer_is_appraisee=True))
    )


# ----- The yearly cap -------------------------------------------------------------------


def test_yearly_cap_refuses_the_observation_that_would_go_beyond() -> None:
    """aspire §7.2: observation for performance and development at most 3 hours a year."""
    aspire = rules("aspire-grow")
    assert aspire.observations.yearly_cap_minutes == 180
    assert check_observation(aspire, facts(minutes_used_this_year=120, duration_minutes=60)) == []
    breaches = check_observation(aspire, facts(minutes_used_this_year=150, duration_minutes=60))
    (cap,) = [b for b in breaches if b.code == "yearly_cap"]
    assert cap.refuses
    assert "3 hours" in cap.message and "30 minutes remain" in cap.message


def test_yearly_cap_ignores_observations_not_used_for_appraisal() -> None:
    """aspire §7.4: a learning walk without concerns is not appraisal observation, so it
    does not use up the §7.2 allowance."""
    breaches = check_observation(
        rules("aspire-grow"),
        facts(kind=ObservationKind.LEARNING_WALK, minutes_used_this_year=180, duration_minutes=30),
    )
    assert "yearly_cap" not in codes(breaches)


def test_classic_sets_no_cap() -> None:
    """classic §5.2: no yearly limit is set."""
    assert check_observation(rules("classic-objectives"), facts(minutes_used_this_year=5000)) == []


# ----- Kinds the policy does not use for appraisal --------------------------------------


@pytest.mark.parametrize(
    "kind", [ObservationKind.OFSTED_INSPECTION, ObservationKind.OTHER_MONITORING]
)
def test_ofsted_and_monitoring_are_not_used_for_appraisal(kind: str) -> None:
    """classic §5.2.6: Ofsted and other monitoring observations are not used."""
    use = appraisal_use(rules("classic-objectives"), facts(kind=kind))
    assert not use.usable
    assert "does not use" in use.reason


def test_external_adviser_used_only_with_advance_notice() -> None:
    """classic §5.2.6: an external adviser's observation only if planned and told in advance."""
    classic = rules("classic-objectives")
    assert appraisal_use(
        classic, facts(kind=ObservationKind.EXTERNAL, advance_notice_given=True)
    ).usable
    assert not appraisal_use(
        classic, facts(kind=ObservationKind.EXTERNAL, advance_notice_given=False)
    ).usable


def test_learning_walks_not_used_unless_concerns_arise() -> None:
    """aspire §7.4: learning walks are not used for appraisal unless concerns arise."""
    aspire = rules("aspire-grow")
    walk = appraisal_use(aspire, facts(kind=ObservationKind.LEARNING_WALK, concerns_arose=False))
    assert not walk.usable and "no concerns arose" in walk.reason
    assert appraisal_use(
        aspire, facts(kind=ObservationKind.LEARNING_WALK, concerns_arose=True)
    ).usable


def test_a_formal_observation_is_used() -> None:
    assert appraisal_use(rules("classic-objectives"), facts()).usable


# ----- Formal observations a cycle --------------------------------------------------------


def test_one_formal_observation_a_cycle_normally_is_a_warning() -> None:
    """staploe (Regular Review Meetings): one formal work observation a cycle, normally."""
    staploe = rules("staploe-associate")
    assert check_observation(staploe, facts(appraisee_is_teacher=False, formal_this_cycle=0)) == []
    (warning,) = check_observation(staploe, facts(appraisee_is_teacher=False, formal_this_cycle=1))
    assert warning.code == "formal_per_cycle" and not warning.refuses


# ----- Feedback due dates ---------------------------------------------------------------

# An academy's 2025/26 year: autumn half-term 27-31 Oct, Christmas 22 Dec - 2 Jan.
TERMS = [
    (dt.date(2025, 9, 3), dt.date(2025, 10, 24)),
    (dt.date(2025, 11, 3), dt.date(2025, 12, 19)),
    (dt.date(2026, 1, 5), dt.date(2026, 2, 13)),
    (dt.date(2026, 2, 23), dt.date(2026, 3, 27)),
    (dt.date(2026, 4, 13), dt.date(2026, 5, 22)),
    (dt.date(2026, 6, 1), dt.date(2026, 7, 22)),
]


@pytest.fixture
def calendar() -> WorkingCalendar:
    first, last = dt.date(2025, 9, 1), dt.date(2027, 8, 31)
    return WorkingCalendar(
        first_day=first,
        last_day=last,
        bank_holidays=england_bank_holidays(first, last),
        terms=TERMS,
    )


def at(y: int, m: int, d: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(y, m, d, hour, 0, tzinfo=LONDON)


def test_feedback_due_across_a_weekend(calendar: WorkingCalendar) -> None:
    """classic §5.2.4: verbal within 2 working days, written within 5."""
    due = feedback_due(rules("classic-objectives"), at(2025, 10, 9), calendar)  # a Thursday
    assert due.verbal is not None and due.written is not None
    assert due.verbal.date() == dt.date(2025, 10, 13)  # Fri, then Mon
    assert due.written.date() == dt.date(2025, 10, 16)
    assert due.any_feedback is None


def test_feedback_due_across_half_term(calendar: WorkingCalendar) -> None:
    """classic §5.2.4 counts working days: half-term holiday days do not count."""
    due = feedback_due(rules("classic-objectives"), at(2025, 10, 23), calendar)  # Thu before
    assert due.verbal is not None and due.written is not None
    assert due.verbal.date() == dt.date(2025, 11, 3)  # Fri 24 Oct, then Mon 3 Nov
    assert due.written.date() == dt.date(2025, 11, 6)


def test_feedback_due_across_christmas(calendar: WorkingCalendar) -> None:
    """classic §5.2.4 over the Christmas holiday and its bank holidays."""
    due = feedback_due(rules("classic-objectives"), at(2025, 12, 18), calendar)  # Thursday
    assert due.verbal is not None and due.written is not None
    assert due.verbal.date() == dt.date(2026, 1, 5)
    assert due.written.date() == dt.date(2026, 1, 8)


def test_feedback_within_48_hours_counts_working_days(calendar: WorkingCalendar) -> None:
    """staploe (Regular Review Meetings): feedback within 48 hours; Friday 10:00 is due
    Tuesday 10:00, not Sunday."""
    due = feedback_due(rules("staploe-associate"), at(2025, 10, 10), calendar)
    assert due.verbal is None and due.written is None
    assert due.any_feedback == at(2025, 10, 14)


def test_as_soon_as_practicable_sets_no_date(calendar: WorkingCalendar) -> None:
    """aspire §10: feedback as soon as practicable, no fixed date."""
    assert not feedback_due(rules("aspire-grow"), at(2025, 10, 9), calendar).is_set


def test_feedback_state() -> None:
    due = at(2025, 10, 13, 23)
    assert feedback_state(due, None, at(2025, 10, 13, 12)) is FeedbackState.DUE
    assert feedback_state(due, None, at(2025, 10, 14, 9)) is FeedbackState.OVERDUE
    assert feedback_state(due, at(2025, 10, 14), at(2025, 10, 20)) is FeedbackState.GIVEN
    assert feedback_state(None, None, at(2025, 10, 20)) is FeedbackState.NO_DEADLINE


# ----- The review and statement -----------------------------------------------------------


def test_framework_for_role() -> None:
    assert framework_for(staff_group="teaching", has_qts=True, is_headteacher_cycle=False) == (
        Framework.TEACHERS
    )
    assert framework_for(staff_group="leadership", has_qts=True, is_headteacher_cycle=True) == (
        Framework.HEADTEACHERS
    )
    assert framework_for(staff_group="support", has_qts=False, is_headteacher_cycle=False) == (
        Framework.KEY_ACCOUNTABILITIES
    )


def test_pay_reference_required_only_with_performance_related_pay() -> None:
    """classic §5.7.2 links the statement to pay; leger (pay not linked) does not."""
    assert pay_reference_required(rules("classic-objectives"))
    assert not pay_reference_required(rules("leger-pdp"))


def test_every_classic_statement_line_has_a_part() -> None:
    """classic §5.7.2 and §5.7.4: each listed content is answered by a part of the review."""
    review = rules("classic-objectives").review
    assert [statement_part_for(line) for line in review.statement_contents] == [
        StatementPart.OBJECTIVES,
        StatementPart.STANDARDS,
        StatementPart.EVIDENCE,
        StatementPart.OVERVIEW,
        StatementPart.PAY,
    ]
    assert [
        statement_part_for(line, new_cycle=True) for line in review.new_cycle_statement_contents
    ] == [
        StatementPart.NEXT_OBJECTIVES,
        StatementPart.NEXT_STANDARDS,
        StatementPart.DEVELOPMENT,
        StatementPart.MONITORING,
    ]


def test_default_statement_lines_have_parts() -> None:
    for line in PolicySettings().review.statement_contents:
        assert statement_part_for(line) is not None


# ----- Moderation -------------------------------------------------------------------------


def test_sample_is_reproducible_from_its_seed() -> None:
    """classic §5.8.1 / langley §5: a random sample that can be drawn again and checked."""
    population = list(range(1, 41))
    first = draw_sample(population, 5, seed=1234)
    assert len(first) == 5 and len(set(first)) == 5
    assert draw_sample(list(reversed(population)), 5, seed=1234) == first
    assert draw_sample(population, 5, seed=99) != first


def test_sample_never_larger_than_the_population() -> None:
    assert sorted(draw_sample([3, 1, 2], 10, seed=1)) == [1, 2, 3]
