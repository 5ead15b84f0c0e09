"""Retention periods from each policy's schedule (pure rules, no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from policies.presets import load_preset
from policies.schema import RetentionFrom, RetentionSettings
from retention.rules import add_years, cycle_retention, separately_destroyed

D = dt.date
ENDED = D(2018, 8, 31)


@pytest.mark.parametrize(
    ("preset", "years", "paragraph"),
    [
        ("classic-objectives", 7, "classic §1.9: at least 7 years, then destroyed"),
        ("leger-pdp", 6, "leger §14: 6 years, then destroyed"),
        ("staploe-associate", 6, "staploe, Retention of Records: 6 years"),
        ("aspire-grow", 6, "aspire is silent: the trust default"),
        ("langley-interim", 6, "langley is silent: the trust default"),
    ],
)
def test_each_preset_keeps_a_cycle_for_its_years(preset: str, years: int, paragraph: str) -> None:
    schedule = load_preset(preset).rules.retention
    decision = cycle_retention(schedule, cycle_ends_on=ENDED, left_on=None, as_of=D(2030, 1, 1))
    assert decision.years == years, paragraph
    assert decision.keep_until == D(2018 + years, 8, 31)
    assert not decision.expired(D(2018 + years, 8, 31))
    assert decision.expired(D(2018 + years, 9, 1))


def test_the_longest_type_in_the_tree_wins() -> None:
    # Observations live inside the cycle's tree: a longer observation period keeps it all.
    schedule = RetentionSettings(default_years=6, observation_years=8)
    decision = cycle_retention(schedule, cycle_ends_on=ENDED, left_on=None, as_of=D(2030, 1, 1))
    assert decision.years == 8


def test_counted_from_the_end_of_employment() -> None:
    schedule = RetentionSettings(default_years=6, counted_from=RetentionFrom.END_OF_EMPLOYMENT)
    still_employed = cycle_retention(
        schedule, cycle_ends_on=ENDED, left_on=None, as_of=D(2040, 1, 1)
    )
    assert still_employed.keep_until is None and not still_employed.expired(D(2040, 1, 1))
    left = cycle_retention(
        schedule, cycle_ends_on=ENDED, left_on=D(2021, 3, 31), as_of=D(2030, 1, 1)
    )
    assert left.keep_until == D(2027, 3, 31)
    # Leaving in future (notice given) is not leaving yet.
    leaving = cycle_retention(
        schedule, cycle_ends_on=ENDED, left_on=D(2031, 3, 31), as_of=D(2030, 1, 1)
    )
    assert leaving.keep_until is None


def test_add_years_on_29_february() -> None:
    assert add_years(D(2024, 2, 29), 7) == D(2031, 2, 28)
    assert add_years(D(2024, 2, 29), 4) == D(2028, 2, 29)
    assert add_years(D(2031, 3, 1), -7) == D(2024, 3, 1)


CYCLE_TYPES = ("appraisal_record", "observation")


@pytest.mark.policy_setting("retention.default_years")
def test_default_years_sets_every_empty_type() -> None:
    def keep_until(schedule: RetentionSettings) -> dt.date | None:
        return cycle_retention(schedule, cycle_ends_on=ENDED, left_on=None, as_of=ENDED).keep_until

    base = RetentionSettings()
    assert keep_until(base) == D(2024, 8, 31)
    assert keep_until(base.model_copy(update={"default_years": 9})) == D(2027, 8, 31)


@pytest.mark.policy_setting("retention.appraisal_record_years")
def test_appraisal_record_years_sets_the_record_and_leaves_observations_apart() -> None:
    base = RetentionSettings(default_years=6)
    longer = base.model_copy(update={"appraisal_record_years": 9})
    assert cycle_retention(base, cycle_ends_on=ENDED, left_on=None, as_of=ENDED).years == 6
    assert cycle_retention(longer, cycle_ends_on=ENDED, left_on=None, as_of=ENDED).years == 9
    # Observations keep the trust's 6 years: they now go on their own, before the record.
    assert not separately_destroyed(base, root_types=CYCLE_TYPES, record_type="observation")
    assert separately_destroyed(longer, root_types=CYCLE_TYPES, record_type="observation")


@pytest.mark.policy_setting("retention.observation_years")
def test_a_shorter_observation_period_destroys_observations_on_their_own() -> None:
    base = RetentionSettings(default_years=6)
    shorter = base.model_copy(update={"observation_years": 3})
    assert not separately_destroyed(base, root_types=CYCLE_TYPES, record_type="observation")
    assert separately_destroyed(shorter, root_types=CYCLE_TYPES, record_type="observation")
    # The record itself is still kept for its own 6 years.
    assert cycle_retention(shorter, cycle_ends_on=ENDED, left_on=None, as_of=ENDED).years == 6
