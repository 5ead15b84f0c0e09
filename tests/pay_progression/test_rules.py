"""The pay rules, pure (no database): each test names the policy paragraph it checks."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from pay_progression import rules
from policies.presets import load_preset
from policies.schema.sections.pay import PaySettings

MAIN = ["M1", "M2", "M3", "M4", "M5", "M6"]
UPPER = ["U1", "U2", "U3"]
SPINE = [str(n) for n in range(1, 44)]
SEPT_2026 = dt.date(2026, 9, 1)


def pay(key: str, **changes: Any) -> PaySettings:
    settings = load_preset(key).rules_for(None).pay
    return PaySettings.model_validate({**settings.model_dump(), **changes})


def teacher(**kw: Any) -> rules.Facts:
    values: dict[str, Any] = {
        "staff_group": "teaching",
        "pay_range": "MPR",
        "point": "M3",
        "since": dt.date(2025, 9, 1),
        "start_date": dt.date(2020, 9, 1),
        "has_qts": True,
    }
    values.update(kw)
    return rules.Facts(**values)


def support(**kw: Any) -> rules.Facts:
    values: dict[str, Any] = {
        "staff_group": "support",
        "pay_range": "SCP",
        "point": "12",
        "since": dt.date(2025, 4, 1),
        "start_date": dt.date(2019, 1, 1),
    }
    values.update(kw)
    return rules.Facts(**values)


# The paragraph each setting comes from, as the langley preset cites them.
SOURCES = load_preset("langley-interim").sources_for(None)


def suggest(settings: PaySettings, facts: rules.Facts, on: dt.date = SEPT_2026):  # type: ignore[no-untyped-def]
    points = {"MPR": MAIN, "UPR": UPPER, "SCP": SPINE}.get(facts.pay_range, [])
    return rules.suggest(
        settings, facts, effective_on=on, points=points, upper_first="U1", sources=SOURCES
    )


def keys(suggestion) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.key for r in suggestion.reasons]


# ----- The national rule from 1 September 2024 ---------------------------------------------


def test_national_rule_a_teacher_progresses_unless_in_capability() -> None:
    result = suggest(pay("langley-interim"), teacher())
    assert result.outcome == rules.PROGRESS and result.next_point == "M4"
    assert "1 September 2024" in result.basis
    held = suggest(pay("langley-interim"), teacher(in_capability=True))
    assert held.outcome == rules.NO_PROGRESSION
    assert keys(held) == ["formal_capability"]


def test_national_rule_an_ect_is_not_progressed_by_default() -> None:
    result = suggest(pay("aspire-grow"), teacher(is_ect=True))
    assert result.outcome == rules.NO_PROGRESSION
    assert keys(result) == [rules.ECT]


def test_national_rule_performance_reasons_do_not_hold_back_a_teacher_without_prp() -> None:
    # langley keeps no performance-related pay: "fell short" (§10) is not applied to a
    # teacher from 1 September 2024, only capability is.
    result = suggest(pay("langley-interim"), teacher(standards_not_met=True))
    assert result.outcome == rules.PROGRESS


def test_before_september_2024_the_policy_reasons_apply_and_evidence_is_required() -> None:
    # langley §10: "fell short of the required standards" in the 2023/24 pay year.
    result = suggest(pay("langley-interim"), teacher(standards_not_met=True), dt.date(2023, 9, 1))
    assert result.outcome == rules.NO_PROGRESSION
    assert keys(result) == ["fell_short_of_standards"]
    assert result.evidence_required


@pytest.mark.policy_setting("pay.teacher_progression")
def test_teacher_progression_decides_which_reasons_apply_with_prp() -> None:
    # classic §5.7.8 with performance-related pay kept: objectives significantly missed.
    facts = teacher(objectives_significantly_missed=True)
    kept = suggest(pay("classic-objectives"), facts)
    assert keys(kept) == ["objectives_significantly_missed"]
    automatic = suggest(pay("classic-objectives", teacher_progression="automatic"), facts)
    assert automatic.outcome == rules.PROGRESS


@pytest.mark.policy_setting("pay.performance_related_pay")
def test_prp_switch_makes_evidence_required_and_keeps_the_policy_reasons() -> None:
    facts = teacher(objectives_significantly_missed=True)
    off = suggest(pay("classic-objectives", performance_related_pay=False), facts)
    assert off.outcome == rules.PROGRESS and not off.evidence_required
    on = suggest(pay("classic-objectives"), facts)
    assert on.outcome == rules.NO_PROGRESSION and on.evidence_required


# ----- aspire §8.3 / §8.5 -----------------------------------------------------------------


def test_aspire_8_3_automatic_unless_live_capability_or_managing_underperformance() -> None:
    settings = pay("aspire-grow")
    assert suggest(settings, teacher()).outcome == rules.PROGRESS
    assert keys(suggest(settings, teacher(in_capability=True))) == ["formal_capability"]


@pytest.mark.policy_setting("pay.support_staff_progression")
def test_aspire_8_5_support_staff_withheld_only_under_formal_capability() -> None:
    settings = pay("aspire-grow")
    # Under support short of capability: still progresses (§8.5).
    assert suggest(settings, support(under_support=True)).outcome == rules.PROGRESS
    assert keys(suggest(settings, support(in_capability=True))) == ["formal_capability"]
    # The same person where support staff progression is "automatic" (managing
    # underperformance counts too).
    automatic = pay("aspire-grow", support_staff_progression="automatic")
    assert keys(suggest(automatic, support(under_support=True))) == ["managing_underperformance"]


# ----- langley §7 IV and §10 --------------------------------------------------------------


def test_langley_7_iv_support_staff_move_up_unless_evidence_says_otherwise() -> None:
    settings = pay("langley-interim")
    assert suggest(settings, support()).outcome == rules.PROGRESS
    assert keys(suggest(settings, support(standards_not_met=True))) == ["fell_short_of_standards"]


@pytest.mark.policy_setting("pay.withhold_reasons")
def test_withhold_reasons_listed_are_the_only_ones_computed() -> None:
    facts = support(standards_not_met=True)
    assert suggest(pay("langley-interim", withhold_reasons=()), facts).outcome == rules.PROGRESS


def test_langley_10_top_of_scale() -> None:
    result = suggest(pay("langley-interim"), support(point="43"))
    assert keys(result) == [rules.TOP_OF_SCALE]
    assert result.reasons[0].paragraph == "§10"


@pytest.mark.policy_setting("pay.other_no_increment_reasons")
def test_langley_10_appointed_part_way_through_the_year() -> None:
    late = support(start_date=dt.date(2026, 1, 5))
    assert keys(suggest(pay("langley-interim"), late)) == [rules.APPOINTED_PART_WAY]
    # A policy that does not list it gives no such reason.
    unlisted = pay("langley-interim", other_no_increment_reasons=("Already at the top",))
    assert suggest(unlisted, late).outcome == rules.PROGRESS


@pytest.mark.policy_setting("pay.years_between_upper_range_points")
def test_langley_10_under_two_years_on_an_upper_point() -> None:
    facts = teacher(pay_range="UPR", point="U1", since=dt.date(2025, 9, 1))
    result = suggest(pay("langley-interim", performance_related_pay=False), facts)
    assert keys(result) == [rules.UNDER_YEARS_ON_UPPER_POINT]
    two_years = teacher(pay_range="UPR", point="U1", since=dt.date(2024, 9, 1))
    assert suggest(pay("langley-interim"), two_years).next_point == "U2"
    assert (
        suggest(pay("langley-interim", years_between_upper_range_points=0), facts).next_point
        == "U2"
    )


@pytest.mark.policy_setting("pay.threshold_applications")
def test_top_of_the_main_range_goes_to_the_upper_range_only_by_application() -> None:
    facts = teacher(point="M6")
    by_application = suggest(pay("langley-interim"), facts)
    assert keys(by_application) == [rules.TOP_OF_MAIN_RANGE]
    assert by_application.reasons[0].paragraph == "§7 V"
    assessed = suggest(pay("langley-interim", threshold_applications=False), facts)
    assert assessed.outcome == rules.PROGRESS and assessed.next_point == "U1"


# ----- classic §5.7.7 / §5.7.8 ------------------------------------------------------------


def test_classic_5_7_8_normal_unless_capability_or_objectives_significantly_missed() -> None:
    settings = pay("classic-objectives")
    assert suggest(settings, support()).outcome == rules.PROGRESS
    assert keys(suggest(settings, support(in_capability=True))) == ["formal_capability"]
    assert keys(suggest(settings, support(objectives_significantly_missed=True))) == [
        "objectives_significantly_missed"
    ]
    assert rules.objectives_significantly_missed(["not_met", "not_met", "met"])
    assert not rules.objectives_significantly_missed(["not_met", "met"])


@pytest.mark.policy_setting("pay.headteacher_approves_before_shared")
def test_classic_5_7_7_approval_before_sharing_except_the_headteachers_own() -> None:
    assert rules.approval_needed(pay("classic-objectives"), is_headteacher=False)
    assert not rules.approval_needed(pay("classic-objectives"), is_headteacher=True)
    off = pay("classic-objectives", headteacher_approves_before_shared=False)
    assert not rules.approval_needed(off, is_headteacher=False)


# ----- staploe "Links to Pay" --------------------------------------------------------------


@pytest.mark.policy_setting("pay.recommended_by")
def test_staploe_the_headteacher_recommends() -> None:
    assert rules.recommender_kind(pay("staploe-associate"), is_headteacher=False) == "headteacher"
    assert rules.recommender_kind(pay("classic-objectives"), is_headteacher=False) == "reviewer"
    assert rules.recommender_kind(pay("classic-objectives"), is_headteacher=True) == "committee"


def test_staploe_withheld_only_where_concerns_were_raised_and_support_given() -> None:
    settings = pay("staploe-associate")
    facts = support()
    refusal = rules.withhold_refusal(
        settings, facts, reason_key="unsatisfactory_after_support", effective_on=SEPT_2026
    )
    assert refusal and "support given first" in refusal
    supported = support(concern_raised_and_supported=True)
    assert (
        rules.withhold_refusal(
            settings, supported, reason_key="unsatisfactory_after_support", effective_on=SEPT_2026
        )
        is None
    )
    assert keys(suggest(settings, supported)) == ["unsatisfactory_after_support"]


@pytest.mark.policy_setting("pay.honorarium_allowed")
def test_staploe_an_honorarium_only_where_the_policy_allows() -> None:
    assert rules.honorarium_refusal(pay("staploe-associate"), True) is None
    assert rules.honorarium_refusal(pay("classic-objectives"), True)


# ----- Dates ------------------------------------------------------------------------------


@pytest.mark.policy_setting("pay.decision_due")
def test_classic_2_3_pay_decided_by_31_october() -> None:
    settings = pay("classic-objectives")
    due = rules.decision_due(settings.decision_due, None, pay_year=2026, is_headteacher=False)
    assert due == dt.date(2026, 10, 31)
    changed = pay("langley-interim", decision_due=None)
    assert (
        rules.decision_due(changed.decision_due, None, pay_year=2026, is_headteacher=False) is None
    )


@pytest.mark.policy_setting("headteacher.pay_decision_due")
def test_classic_2_3_the_headteachers_pay_by_31_december() -> None:
    headteacher = load_preset("classic-objectives").rules_for(None).headteacher
    settings = pay("classic-objectives")
    due = rules.decision_due(
        settings.decision_due, headteacher.pay_decision_due, pay_year=2026, is_headteacher=True
    )
    assert due == dt.date(2026, 12, 31)
    assert rules.decision_due(settings.decision_due, None, pay_year=2026, is_headteacher=True) == (
        dt.date(2026, 10, 31)
    )


@pytest.mark.policy_setting("pay.backdated_to_cycle_start")
def test_classic_2_3_awards_backdated_to_september() -> None:
    start, decided = dt.date(2026, 9, 1), dt.date(2026, 10, 20)
    assert (
        rules.effective_from(pay("classic-objectives"), pay_year_starts=start, decided_on=decided)
        == start
    )
    later = pay("classic-objectives", backdated_to_cycle_start=False)
    assert rules.effective_from(later, pay_year_starts=start, decided_on=decided) == decided


def test_a_withhold_reason_the_policy_does_not_allow_is_refused() -> None:
    refusal = rules.withhold_refusal(
        pay("aspire-grow"),
        teacher(),
        reason_key="objectives_significantly_missed",
        effective_on=SEPT_2026,
    )
    assert refusal and "policy allows" in refusal
    not_in_capability = rules.withhold_refusal(
        pay("aspire-grow"), teacher(), reason_key="formal_capability", effective_on=SEPT_2026
    )
    assert not_in_capability and "not in the capability" in not_in_capability
