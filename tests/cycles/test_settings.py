"""Each setting of "Who the policy covers" and "The appraisal cycle", changed alone.

Every test starts from the default policy, changes one setting and shows what opening the
year (or the cycle page) then does differently: the pure rules, then the cycle page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cycles.models import AppraisalCycle
from cycles.rules import (
    CyclePlan,
    Exclusion,
    ExclusionReason,
    StaffFacts,
    academy_facts,
    cycle_plan_for,
    how_the_year_runs,
)
from cycles.services import first_period_latest_end
from policies.models import Policy, PolicyVersion
from policies.schema import PolicySettings, merge_settings
from tests.personas import World

D = dt.date
YEAR = 2026
TODAY = D(2026, 9, 1)
ACADEMY = academy_facts([], (2026, 2027, 2028))  # the usual three terms


def policy(**sections: dict[str, Any]) -> PolicySettings:
    """The default policy with the given settings changed (and nothing else)."""
    return PolicySettings.model_validate(
        merge_settings(PolicySettings().model_dump(mode="json"), sections)
    )


def staff(**kwargs: Any) -> StaffFacts:
    facts: dict[str, Any] = {"staff_id": 1, "start_date": D(2019, 9, 1), "line_manager_id": 7}
    facts.update(kwargs)
    return StaffFacts(**facts)


def outcome(s: StaffFacts, rules: PolicySettings) -> CyclePlan | Exclusion:
    return cycle_plan_for(s, rules, YEAR, ACADEMY, today=TODAY)


def dates(s: StaffFacts, rules: PolicySettings) -> tuple[dt.date, dt.date]:
    result = outcome(s, rules)
    assert isinstance(result, CyclePlan), result
    return result.starts_on, result.ends_on


def reason(s: StaffFacts, rules: PolicySettings) -> ExclusionReason | None:
    result = outcome(s, rules)
    return result.reason if isinstance(result, Exclusion) else None


# ----- Who the policy covers ---------------------------------------------------------------


@pytest.mark.policy_setting("scope.exclude_contracts_shorter_than_terms")
def test_contracts_shorter_than_the_set_number_of_terms_are_left_out() -> None:
    ten_weeks = staff(start_date=D(2026, 9, 1), contract_end_date=D(2026, 11, 9))
    two_terms = staff(start_date=D(2026, 9, 1), contract_end_date=D(2027, 3, 31))
    one = policy(scope={"exclude_contracts_shorter_than_terms": 1})
    three = policy(scope={"exclude_contracts_shorter_than_terms": 3})
    none = policy(scope={"exclude_contracts_shorter_than_terms": 0})
    assert reason(ten_weeks, one) == ExclusionReason.SHORT_CONTRACT
    assert reason(ten_weeks, none) is None
    assert reason(two_terms, one) is None
    three_out = outcome(two_terms, three)
    assert isinstance(three_out, Exclusion)
    assert three_out.reason == ExclusionReason.SHORT_CONTRACT
    assert "less than 3 terms" in three_out.detail


@pytest.mark.policy_setting("scope.exclude_ects_in_induction")
def test_ects_in_induction_are_left_out_only_when_the_policy_says() -> None:
    ect = staff(is_ect=True)
    assert reason(ect, policy(scope={"exclude_ects_in_induction": True})) == ExclusionReason.ECT
    assert reason(ect, policy(scope={"exclude_ects_in_induction": False})) is None


@pytest.mark.policy_setting("scope.exclude_probationers")
def test_probationers_are_left_out_only_when_the_policy_says() -> None:
    on_probation = staff(start_date=D(2026, 9, 1), probation_ends_on=D(2027, 2, 28))
    assert (
        reason(on_probation, policy(scope={"exclude_probationers": True}))
        == ExclusionReason.PROBATION
    )
    assert dates(on_probation, policy(scope={"exclude_probationers": False})) == (
        D(2026, 9, 1),
        D(2027, 8, 31),
    )


@pytest.mark.policy_setting("scope.exclude_staff_in_capability")
def test_staff_in_capability_are_left_out_only_when_the_policy_says() -> None:
    in_capability = staff(in_capability=True)
    assert (
        reason(in_capability, policy(scope={"exclude_staff_in_capability": True}))
        == ExclusionReason.CAPABILITY
    )
    assert reason(in_capability, policy(scope={"exclude_staff_in_capability": False})) is None


@pytest.mark.policy_setting("scope.fixed_term_cycle_matches_contract")
def test_a_short_fixed_term_cycle_ends_with_the_contract_only_when_the_policy_says() -> None:
    fixed_term = staff(contract_end_date=D(2027, 3, 31))
    matches = policy(scope={"fixed_term_cycle_matches_contract": True})
    full = policy(scope={"fixed_term_cycle_matches_contract": False})
    assert dates(fixed_term, matches) == (D(2026, 9, 1), D(2027, 3, 31))
    assert dates(fixed_term, full) == (D(2026, 9, 1), D(2027, 8, 31))


@pytest.mark.policy_setting("scope.part_year_starter")
def test_a_part_year_starter_gets_the_first_cycle_the_policy_says() -> None:
    joiner = staff(start_date=D(2027, 1, 4))
    short = outcome(joiner, policy(scope={"part_year_starter": "short_first_cycle"}))
    decides = outcome(joiner, policy(scope={"part_year_starter": "headteacher_decides"}))
    later = outcome(joiner, policy(scope={"part_year_starter": "join_next_cycle"}))
    assert isinstance(short, CyclePlan) and isinstance(decides, CyclePlan)
    assert (short.starts_on, short.ends_on) == (D(2027, 1, 4), D(2027, 8, 31))
    assert not short.length_set_by_headteacher
    assert decides.length_set_by_headteacher
    assert isinstance(later, Exclusion) and later.reason == ExclusionReason.JOINS_NEXT_CYCLE


@pytest.mark.policy_setting("scope.fixed_term_objectives_sized_to_contract")
def test_the_cycle_page_asks_for_objectives_sized_to_a_short_contract() -> None:
    def lines(sized: bool) -> list[str]:
        rules = policy(scope={"fixed_term_objectives_sized_to_contract": sized})
        starts_on, ends_on = dates(staff(contract_end_date=D(2027, 3, 31)), rules)
        return how_the_year_runs(
            rules, starts_on=starts_on, ends_on=ends_on, contract_end_date=D(2027, 3, 31)
        )

    sized = [line for line in lines(True) if "fixed-term contract" in line]
    assert sized == [
        "The fixed-term contract ends on 31 March 2027: set objectives that can be met by "
        "then, sized to the length of the contract."
    ]
    assert not [line for line in lines(False) if "fixed-term contract" in line]


def test_a_full_year_contract_is_not_asked_for_sized_objectives() -> None:
    rules = policy(scope={"fixed_term_objectives_sized_to_contract": True})
    lines = how_the_year_runs(
        rules, starts_on=D(2026, 9, 1), ends_on=D(2027, 8, 31), contract_end_date=D(2027, 8, 31)
    )
    assert not [line for line in lines if "fixed-term contract" in line]


# ----- The appraisal cycle -----------------------------------------------------------------


@pytest.mark.policy_setting("cycle.starts_on")
def test_the_cycle_starts_on_the_policys_day() -> None:
    assert dates(staff(), policy(cycle={"starts_on": {"month": 9, "day": 1}})) == (
        D(2026, 9, 1),
        D(2027, 8, 31),
    )
    assert dates(staff(), policy(cycle={"starts_on": {"month": 1, "day": 1}})) == (
        D(2027, 1, 1),
        D(2027, 12, 31),
    )


@pytest.mark.policy_setting("cycle.length_months")
def test_with_no_end_day_the_cycle_runs_the_policys_length() -> None:
    assert dates(staff(), policy(cycle={"length_months": 12})) == (D(2026, 9, 1), D(2027, 8, 31))
    assert dates(staff(), policy(cycle={"length_months": 10})) == (D(2026, 9, 1), D(2027, 6, 30))


@pytest.mark.policy_setting("cycle.length_months")
def test_a_first_cycle_may_run_to_the_end_of_the_next_cycle_of_the_policys_length() -> None:
    """A part-year starter's first cycle (aspire §4.3) may be set to run at most to the end
    of the next full cycle: its length is the policy's."""

    def latest(months: int) -> dt.date:
        rules = policy(cycle={"length_months": months})
        version = PolicyVersion(settings=rules.model_dump(mode="json"))
        version._rules = rules  # type: ignore[attr-defined]
        joined = AppraisalCycle(
            policy_version=version,
            starts_on=D(2027, 1, 4),
            ends_on=D(2027, 8, 31),
            part_year_start=True,
        )
        return first_period_latest_end(joined)

    assert latest(12) == D(2028, 8, 31)
    assert latest(10) == D(2028, 6, 30)


@pytest.mark.policy_setting("cycle.ends_on")
def test_the_cycle_ends_on_the_policys_end_day() -> None:
    assert dates(staff(), policy(cycle={"ends_on": None})) == (D(2026, 9, 1), D(2027, 8, 31))
    assert dates(staff(), policy(cycle={"ends_on": {"month": 7, "day": 31}})) == (
        D(2026, 9, 1),
        D(2027, 7, 31),
    )


def year_lines(**cycle: Any) -> list[str]:
    return how_the_year_runs(
        policy(cycle=cycle), starts_on=D(2026, 9, 1), ends_on=D(2027, 8, 31), contract_end_date=None
    )


@pytest.mark.policy_setting("cycle.evidence_reviewed_through_year")
def test_the_cycle_page_says_when_evidence_is_looked_at() -> None:
    through = year_lines(evidence_reviewed_through_year=True)
    at_end = year_lines(evidence_reviewed_through_year=False)
    assert any("as it is added, through the year" in line for line in through)
    assert "Evidence is looked at at the end-of-year review." in at_end
    assert not any("through the year" in line for line in at_end)


@pytest.mark.policy_setting("cycle.formal_mid_year_review")
def test_the_cycle_page_says_when_there_is_no_formal_mid_year_review() -> None:
    assert "There is no formal mid-year review." in year_lines(formal_mid_year_review=False)
    assert "There is no formal mid-year review." not in year_lines(formal_mid_year_review=True)


# ----- On the cycle page -----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.policy_setting("cycle.evidence_reviewed_through_year")
def test_the_cycle_page_tells_both_sides_when_evidence_is_looked_at(world: World) -> None:
    cycle = world.cycles["appraisee"]
    assert world.policy_version is not None
    base = world.policy_version.settings
    pages = {}
    for through_year in (True, False):
        settings = merge_settings(base, {"cycle": {"evidence_reviewed_through_year": through_year}})
        version = PolicyVersion.objects.create(
            policy=Policy.objects.create(trust=world.trust, name=f"Evidence {through_year}"),
            number=1,
            effective_from=D(2020, 9, 1),
            settings=settings,
        )
        AppraisalCycle.objects.filter(pk=cycle.pk).update(policy_version=version)
        for persona in ("appraisee", "line_manager"):
            client = Client()
            client.force_login(world.user(persona))
            response = client.get(reverse("cycles:detail", args=[cycle.pk]))
            assert response.status_code == 200
            pages[through_year, persona] = response.content.decode()
    for persona in ("appraisee", "line_manager"):
        assert "How this year runs" in pages[True, persona]
        assert "as it is added, through the year" in pages[True, persona]
        assert "Evidence is looked at at the end-of-year review." in pages[False, persona]
        assert "as it is added, through the year" not in pages[False, persona]
