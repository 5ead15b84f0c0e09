"""Retention periods from each policy's schedule (pure rules, no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from policies.presets import load_preset
from policies.schema import RetentionFrom, RetentionSettings
from retention.rules import add_years, cycle_retention

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
