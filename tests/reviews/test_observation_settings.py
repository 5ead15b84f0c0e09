"""Each observation setting, changed on its own, changes what recording an observation
does (pure rules, no database)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from calendars.working_days import WorkingCalendar, england_bank_holidays
from policies.schema import ObservationType, PolicySettings, default_settings
from reviews.models import ObservationKind
from reviews.rules import ObservationFacts, appraisal_use, check_observation, feedback_due

LONDON = ZoneInfo("Europe/London")


def observations(**changes: object) -> PolicySettings:
    """The default settings with only these observation settings changed."""
    rules = default_settings()
    return rules.model_copy(update={"observations": rules.observations.model_copy(update=changes)})


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


def codes(rules: PolicySettings, f: ObservationFacts) -> set[str]:
    return {b.code for b in check_observation(rules, f)}


@pytest.mark.policy_setting("observations.teacher_observer_needs_qts")
def test_qts_observer_rule_follows_the_setting() -> None:
    f = facts(observer_has_qts=False)
    assert "observer_needs_qts" in codes(observations(teacher_observer_needs_qts=True), f)
    assert "observer_needs_qts" not in codes(observations(teacher_observer_needs_qts=False), f)


@pytest.mark.policy_setting("observations.yearly_cap_minutes")
def test_yearly_cap_follows_the_setting() -> None:
    f = facts(minutes_used_this_year=150, duration_minutes=60)
    assert "yearly_cap" in codes(observations(yearly_cap_minutes=180), f)
    assert "yearly_cap" not in codes(observations(yearly_cap_minutes=240), f)
    assert "yearly_cap" not in codes(observations(yearly_cap_minutes=None), f)


@pytest.mark.policy_setting("observations.formal_per_cycle")
def test_formal_observations_a_cycle_follow_the_setting() -> None:
    f = facts(formal_this_cycle=1)
    (warning,) = check_observation(observations(formal_per_cycle=1), f)
    assert warning.code == "formal_per_cycle" and not warning.refuses
    assert check_observation(observations(formal_per_cycle=2), f) == []
    assert check_observation(observations(formal_per_cycle=None), f) == []


@pytest.mark.policy_setting("observations.drop_ins_allowed")
def test_drop_ins_follow_the_setting() -> None:
    f = facts(kind=ObservationKind.DROP_IN)
    assert "drop_in_not_allowed" not in codes(observations(drop_ins_allowed=True), f)
    assert "drop_in_not_allowed" in codes(observations(drop_ins_allowed=False), f)


@pytest.mark.policy_setting("observations.advance_notice_required")
def test_advance_notice_follows_the_setting() -> None:
    f = facts(advance_notice_given=False)
    use = appraisal_use(observations(advance_notice_required=True), f)
    assert not use.usable and "in advance" in use.reason
    assert appraisal_use(observations(advance_notice_required=False), f).usable


@pytest.mark.policy_setting("observations.not_usable_for_appraisal")
def test_kinds_not_used_for_appraisal_follow_the_setting() -> None:
    f = facts(kind=ObservationKind.OTHER_MONITORING)
    assert appraisal_use(
        observations(not_usable_for_appraisal=(ObservationType.OFSTED_INSPECTION,)), f
    ).usable
    use = appraisal_use(
        observations(
            not_usable_for_appraisal=(
                ObservationType.OFSTED_INSPECTION,
                ObservationType.OTHER_MONITORING,
            )
        ),
        f,
    )
    assert not use.usable and "does not use" in use.reason


@pytest.mark.policy_setting("observations.learning_walks_usable_when_concerns")
def test_learning_walks_with_concerns_follow_the_setting() -> None:
    walks_out = (ObservationType.LEARNING_WALK,)
    f = facts(kind=ObservationKind.LEARNING_WALK, concerns_arose=True)
    assert appraisal_use(
        observations(not_usable_for_appraisal=walks_out, learning_walks_usable_when_concerns=True),
        f,
    ).usable
    assert not appraisal_use(
        observations(not_usable_for_appraisal=walks_out, learning_walks_usable_when_concerns=False),
        f,
    ).usable


# ----- Feedback due dates ---------------------------------------------------------------


@pytest.fixture
def calendar() -> WorkingCalendar:
    first, last = dt.date(2025, 9, 1), dt.date(2026, 8, 31)
    return WorkingCalendar(
        first_day=first,
        last_day=last,
        bank_holidays=england_bank_holidays(first, last),
        terms=[(dt.date(2025, 9, 3), dt.date(2025, 10, 24))],
    )


THURSDAY = dt.datetime(2025, 10, 9, 10, tzinfo=LONDON)


@pytest.mark.policy_setting("observations.verbal_feedback_working_days")
def test_spoken_feedback_due_follows_the_setting(calendar: WorkingCalendar) -> None:
    two = feedback_due(observations(verbal_feedback_working_days=2), THURSDAY, calendar)
    four = feedback_due(observations(verbal_feedback_working_days=4), THURSDAY, calendar)
    none = feedback_due(observations(verbal_feedback_working_days=None), THURSDAY, calendar)
    assert two.verbal is not None and two.verbal.date() == dt.date(2025, 10, 13)
    assert four.verbal is not None and four.verbal.date() == dt.date(2025, 10, 15)
    assert none.verbal is None


@pytest.mark.policy_setting("observations.written_feedback_working_days")
def test_written_feedback_due_follows_the_setting(calendar: WorkingCalendar) -> None:
    five = feedback_due(observations(written_feedback_working_days=5), THURSDAY, calendar)
    one = feedback_due(observations(written_feedback_working_days=1), THURSDAY, calendar)
    none = feedback_due(observations(written_feedback_working_days=None), THURSDAY, calendar)
    assert five.written is not None and five.written.date() == dt.date(2025, 10, 16)
    assert one.written is not None and one.written.date() == dt.date(2025, 10, 10)
    assert none.written is None


@pytest.mark.policy_setting("observations.feedback_within_hours")
def test_feedback_within_hours_follows_the_setting(calendar: WorkingCalendar) -> None:
    friday = dt.datetime(2025, 10, 10, 10, tzinfo=LONDON)
    due48 = feedback_due(observations(feedback_within_hours=48), friday, calendar)
    due24 = feedback_due(observations(feedback_within_hours=24), friday, calendar)
    unset = feedback_due(observations(feedback_within_hours=None), friday, calendar)
    assert due48.any_feedback == dt.datetime(2025, 10, 14, 10, tzinfo=LONDON)
    assert due24.any_feedback == dt.datetime(2025, 10, 13, 10, tzinfo=LONDON)
    assert unset.any_feedback is None
