"""Who is in an appraisal year and on what dates: the pure rules, for every preset.

Each test names the paragraph of the policy it checks. No database."""

from __future__ import annotations

import datetime as dt

import pytest

from cycles.rules import (
    AcademyFacts,
    CyclePlan,
    Exclusion,
    ExclusionReason,
    StaffFacts,
    academy_facts,
    cycle_plan_for,
    merge_terms,
    shorter_than_terms,
)
from policies.presets import load_preset
from policies.schema import PolicySettings, merge_settings

D = dt.date
YEAR = 2026
TODAY = D(2026, 9, 1)

# A typical English 2026-27 and 2027-28, entered as half-terms.
HALF_TERMS = [
    (D(2026, 9, 3), D(2026, 10, 23)),
    (D(2026, 11, 2), D(2026, 12, 18)),
    (D(2027, 1, 4), D(2027, 2, 12)),
    (D(2027, 2, 22), D(2027, 3, 25)),
    (D(2027, 4, 12), D(2027, 5, 28)),
    (D(2027, 6, 7), D(2027, 7, 21)),
]
ACADEMY = academy_facts(HALF_TERMS, (2026, 2027, 2028))


def rules(key: str, variant: str | None = None) -> PolicySettings:
    return load_preset(key).rules_for(variant)


def soham_rules() -> PolicySettings:
    """Staploe's learning support staff at Soham Village College: 1 June to 31 May, the
    preset's variant (a policy of its own assigned to that academy and role)."""
    return load_preset("staploe-associate").rules_for("learning-support")


def staff(**kwargs: object) -> StaffFacts:
    facts: dict[str, object] = {"staff_id": 1, "start_date": D(2019, 9, 1), "line_manager_id": 7}
    facts.update(kwargs)
    return StaffFacts(**facts)  # type: ignore[arg-type]


def plan(s: StaffFacts, r: PolicySettings, today: dt.date = TODAY) -> CyclePlan:
    outcome = cycle_plan_for(s, r, YEAR, ACADEMY, today=today)
    assert isinstance(outcome, CyclePlan), outcome
    return outcome


def excluded(s: StaffFacts, r: PolicySettings, today: dt.date = TODAY) -> Exclusion:
    outcome = cycle_plan_for(s, r, YEAR, ACADEMY, today=today)
    assert isinstance(outcome, Exclusion), outcome
    return outcome


# ----- Dates -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "variant", "starts", "ends", "paragraph"),
    [
        ("classic-objectives", None, D(2026, 9, 1), D(2027, 8, 31), "classic §2.1"),
        ("langley-interim", None, D(2026, 9, 1), D(2027, 7, 31), "langley §7 XI"),
        ("aspire-grow", None, D(2026, 9, 1), D(2027, 8, 31), "aspire §4.1"),
        ("leger-pdp", None, D(2026, 9, 1), D(2027, 8, 31), "leger §4 teaching"),
        ("leger-pdp", "support-staff", D(2027, 1, 1), D(2027, 12, 31), "leger §4 support"),
        ("staploe-associate", None, D(2027, 1, 1), D(2027, 12, 31), "staploe period"),
    ],
)
def test_cycle_dates_per_policy(
    key: str, variant: str | None, starts: dt.date, ends: dt.date, paragraph: str
) -> None:
    result = plan(staff(), rules(key, variant))
    assert (result.starts_on, result.ends_on) == (starts, ends), paragraph
    assert result.reviewer_id == 7
    assert not result.part_year_start


def test_staploe_soham_learning_support_runs_june_to_may() -> None:
    """staploe, Performance and Development Period: learning support staff at Soham
    Village College run 1 June to 31 May."""
    result = plan(staff(), soham_rules())
    assert (result.starts_on, result.ends_on) == (D(2027, 6, 1), D(2028, 5, 31))


# ----- Exclusions ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "paragraph"),
    [("aspire-grow", "aspire §3"), ("leger-pdp", "leger §3"), ("staploe-associate", "Scope")],
)
def test_contract_shorter_than_a_term_is_left_out(key: str, paragraph: str) -> None:
    r = rules(key)
    start = plan(staff(), r).starts_on
    # Ten weeks from the cycle's first day: shorter than the term it starts in.
    short = staff(start_date=start, contract_end_date=start + dt.timedelta(days=70))
    outcome = excluded(short, r)
    assert outcome.reason == ExclusionReason.SHORT_CONTRACT, paragraph
    assert "less than a term" in outcome.detail


def test_contract_of_a_whole_term_is_in() -> None:
    """aspire §3 leaves out contracts *shorter* than one term: a full autumn term is in."""
    whole_term = staff(start_date=D(2026, 9, 3), contract_end_date=D(2026, 12, 18))
    result = plan(whole_term, rules("aspire-grow"))
    assert result.ends_on == D(2026, 12, 18)


@pytest.mark.parametrize(
    ("key", "paragraph"),
    [("aspire-grow", "aspire §3"), ("leger-pdp", "leger §3"), ("classic-objectives", "national")],
)
def test_ects_in_induction_are_left_out(key: str, paragraph: str) -> None:
    assert excluded(staff(is_ect=True), rules(key)).reason == ExclusionReason.ECT, paragraph


@pytest.mark.parametrize(
    ("key", "paragraph"),
    [
        ("aspire-grow", "aspire §3"),
        ("staploe-associate", "staploe Scope"),
        ("langley-interim", "langley §9"),
    ],
)
def test_probationers_are_left_out(key: str, paragraph: str) -> None:
    r = rules(key)
    first_day = plan(staff(), r).starts_on
    on_probation = staff(start_date=first_day, probation_ends_on=first_day + dt.timedelta(180))
    outcome = excluded(on_probation, r, today=first_day)
    assert outcome.reason == ExclusionReason.PROBATION, paragraph


def test_probation_ended_part_way_joins_from_the_day_after() -> None:
    """langley §9: probationers follow probation; once it ends (and the year is opened
    again) appraisal starts the day after."""
    s = staff(start_date=D(2026, 6, 1), probation_ends_on=D(2026, 11, 30))
    result = plan(s, rules("langley-interim"), today=D(2026, 12, 7))
    assert result.starts_on == D(2026, 12, 1)
    assert result.part_year_start


@pytest.mark.parametrize(
    ("key", "paragraph"),
    [
        ("leger-pdp", "leger §3"),
        ("classic-objectives", "classic §6.12.4"),
        ("aspire-grow", "aspire §12"),
    ],
)
def test_staff_in_capability_are_left_out(key: str, paragraph: str) -> None:
    outcome = excluded(staff(in_capability=True), rules(key))
    assert outcome.reason == ExclusionReason.CAPABILITY, paragraph


def test_a_policy_that_appraises_everyone_keeps_short_contracts() -> None:
    r = PolicySettings.model_validate(
        merge_settings(
            load_preset("aspire-grow").settings_for(),
            {"scope": {"exclude_contracts_shorter_than_terms": 0, "exclude_probationers": False}},
        )
    )
    result = plan(staff(start_date=D(2026, 9, 1), contract_end_date=D(2026, 10, 1)), r)
    assert result.ends_on == D(2026, 10, 1)


# ----- Fixed-term contracts and part-year starters ---------------------------------------


@pytest.mark.parametrize(
    ("key", "paragraph"),
    [
        ("classic-objectives", "classic §2.2"),
        ("aspire-grow", "aspire §4.2"),
        ("staploe-associate", "staploe Performance and Development Period"),
    ],
)
def test_fixed_term_under_a_year_ends_with_the_contract(key: str, paragraph: str) -> None:
    r = rules(key)
    first_day = plan(staff(), r).starts_on
    contract_end = first_day + dt.timedelta(days=200)
    result = plan(staff(start_date=first_day, contract_end_date=contract_end), r)
    assert (result.starts_on, result.ends_on) == (first_day, contract_end), paragraph
    assert any("Fixed-term" in note for note in result.notes)


def test_part_year_starter_aspire_headteacher_sets_first_cycle() -> None:
    """aspire §4.3: someone who joins part-way has a first cycle whose length the
    headteacher sets to align with others (provisionally the normal end)."""
    result = plan(staff(start_date=D(2027, 1, 4)), rules("aspire-grow"))
    assert (result.starts_on, result.ends_on) == (D(2027, 1, 4), D(2027, 8, 31))
    assert result.part_year_start and result.length_set_by_headteacher


def test_part_year_starter_classic_has_a_shorter_first_cycle() -> None:
    """classic is silent: the trust default is a shorter first cycle ending with others'."""
    result = plan(staff(start_date=D(2027, 1, 4)), rules("classic-objectives"))
    assert (result.starts_on, result.ends_on) == (D(2027, 1, 4), D(2027, 8, 31))
    assert result.part_year_start and not result.length_set_by_headteacher


def test_part_year_starter_who_joins_the_next_cycle_is_left_out() -> None:
    r = PolicySettings.model_validate(
        merge_settings(
            load_preset("classic-objectives").settings_for(),
            {"scope": {"part_year_starter": "join_next_cycle"}},
        )
    )
    outcome = excluded(staff(start_date=D(2027, 1, 4)), r)
    assert outcome.reason == ExclusionReason.JOINS_NEXT_CYCLE
    assert "1 September 2027" in outcome.detail


def test_leaver_and_future_starter() -> None:
    r = rules("classic-objectives")
    assert excluded(staff(left_on=D(2026, 8, 20)), r).reason == ExclusionReason.LEFT
    assert excluded(staff(start_date=D(2027, 9, 6)), r).reason == ExclusionReason.NOT_STARTED
    leaving = plan(staff(left_on=D(2027, 4, 30)), r)
    assert leaving.ends_on == D(2027, 4, 30)


def test_headteacher_cycle_has_no_academy_reviewer() -> None:
    """classic §3.1-3.2: the governors' committee reviews the headteacher."""
    result = plan(staff(is_headteacher=True), rules("classic-objectives"))
    assert result.is_headteacher_cycle
    assert result.reviewer_id is None


# ----- Terms -----------------------------------------------------------------------------


def test_half_terms_merge_into_three_terms() -> None:
    assert merge_terms(HALF_TERMS) == [
        (D(2026, 9, 3), D(2026, 12, 18)),
        (D(2027, 1, 4), D(2027, 3, 25)),
        (D(2027, 4, 12), D(2027, 7, 21)),
    ]


def test_shorter_than_terms_counts_from_the_term_it_starts_in() -> None:
    # Autumn 2026 runs 3 September to 18 December: 107 days.
    assert shorter_than_terms(D(2026, 9, 3), D(2026, 12, 17), 1, ACADEMY)
    assert not shorter_than_terms(D(2026, 9, 3), D(2026, 12, 18), 1, ACADEMY)
    assert not shorter_than_terms(D(2026, 9, 3), D(2026, 10, 1), 0, ACADEMY)
    # Two terms: autumn plus spring.
    assert shorter_than_terms(D(2026, 9, 3), D(2027, 3, 1), 2, ACADEMY)


def test_year_without_term_dates_uses_the_usual_three_terms() -> None:
    facts = academy_facts([], (2026,))
    assert facts.terms[0] == (D(2026, 9, 1), D(2026, 12, 31))
    assert shorter_than_terms(D(2026, 9, 1), D(2026, 11, 30), 1, facts)
    assert not shorter_than_terms(D(2026, 9, 1), D(2026, 12, 31), 1, AcademyFacts(facts.terms))
