"""The policies' objective, development-plan and meeting rules, as pure functions: no
database. Each test names the paragraph of the policy it checks."""

from __future__ import annotations

import datetime as dt

import pytest

from objectives.models import MeetingKind
from objectives.rules import (
    DevelopmentPlanFacts,
    ObjectiveFacts,
    PlanFacts,
    StaffCategory,
    check_development_plan,
    check_meeting,
    check_objective_plan,
    meeting_kinds,
)
from policies.presets import load_preset

WS = "whole_school_or_team"
PD = "professional_development"
LEAD = "leadership_role"
PROGRESS = "student_progress"
OUTCOMES = "student_outcomes"


def rules_and_sources(key: str):  # type: ignore[no-untyped-def]
    preset = load_preset(key)
    return preset.rules, preset.sources_for(None)


def obj(
    kind: str = "", *, title: str = "An objective", smart: bool = True, aligned: bool = True
) -> ObjectiveFacts:
    missing = () if smart else ("Measurable", "Time-bound")
    return ObjectiveFacts(title=title, kind=kind, missing_smart=missing, aligned=aligned)


def check(key: str, category: StaffCategory, *objectives: ObjectiveFacts, teaches: bool = False):  # type: ignore[no-untyped-def]
    rules, sources = rules_and_sources(key)
    return check_objective_plan(
        rules, PlanFacts(category=category, objectives=objectives, leader_teaches=teaches), sources
    )


def settings_of(breaches) -> list[str]:  # type: ignore[no-untyped-def]
    return [b.setting for b in breaches]


# ----- langley-interim ------------------------------------------------------------------


def test_langley_7_I_two_objectives_for_a_teacher() -> None:
    assert check("langley-interim", StaffCategory.TEACHER, obj(WS), obj(PD)) == []


def test_langley_7_I_a_third_objective_for_a_teacher_is_refused() -> None:
    breaches = check("langley-interim", StaffCategory.TEACHER, obj(WS), obj(PD), obj())
    assert settings_of(breaches) == ["objectives.maximum_count"]
    assert breaches[0].paragraph == "§7 I"
    assert "exactly 2" in breaches[0].message and "has 3" in breaches[0].message


def test_langley_7_I_ups_teachers_count_as_leaders_and_need_three() -> None:
    breaches = check("langley-interim", StaffCategory.UPS_TEACHER, obj(WS), obj(PD))
    assert "objectives.leader_minimum_count" in settings_of(breaches)
    count = next(b for b in breaches if b.setting == "objectives.leader_minimum_count")
    assert count.paragraph == "§7 I"
    assert "upper pay range" in count.message
    assert check("langley-interim", StaffCategory.UPS_TEACHER, obj(WS), obj(PD), obj(LEAD)) == []


def test_langley_7_I_leaders_have_three() -> None:
    assert check("langley-interim", StaffCategory.LEADER, obj(WS), obj(PD), obj(LEAD)) == []
    too_many = check("langley-interim", StaffCategory.LEADER, obj(WS), obj(PD), obj(LEAD), obj())
    assert settings_of(too_many) == ["objectives.leader_maximum_count"]


def test_langley_7_II_everyone_needs_whole_school_or_team_and_professional_development() -> None:
    breaches = check("langley-interim", StaffCategory.SUPPORT, obj(WS), obj(WS))
    assert settings_of(breaches) == ["objectives.required_kinds_everyone"]
    assert breaches[0].paragraph == "§7 II"
    assert "professional development" in breaches[0].message


def test_langley_7_III_leaders_need_a_leadership_objective() -> None:
    breaches = check("langley-interim", StaffCategory.LEADER, obj(WS), obj(PD), obj(PD))
    assert settings_of(breaches) == ["objectives.required_kinds_leaders"]
    assert breaches[0].paragraph == "§7 III"


def test_langley_7_IX_objectives_must_link_to_the_improvement_plans() -> None:
    breaches = check("langley-interim", StaffCategory.TEACHER, obj(WS), obj(PD, aligned=False))
    assert settings_of(breaches) == ["objectives.alignment_required"]
    assert breaches[0].paragraph == "§7 IX"
    assert "Trust Improvement Plan (TIP)" in breaches[0].message


# ----- classic-objectives ---------------------------------------------------------------


def test_classic_1_4_normally_three_and_a_fourth_is_allowed() -> None:
    three = (obj(PROGRESS), obj(), obj())
    assert check("classic-objectives", StaffCategory.TEACHER, *three) == []
    assert check("classic-objectives", StaffCategory.TEACHER, *three, obj()) == []


def test_classic_1_4_a_fifth_is_refused() -> None:
    breaches = check("classic-objectives", StaffCategory.TEACHER, obj(PROGRESS), *[obj()] * 4)
    assert settings_of(breaches) == ["objectives.maximum_count"]
    assert breaches[0].paragraph == "§1.4"


def test_classic_1_4_teachers_need_a_student_progress_objective() -> None:
    breaches = check("classic-objectives", StaffCategory.TEACHER, obj(), obj(), obj())
    assert settings_of(breaches) == ["objectives.required_kinds_teachers"]
    assert breaches[0].paragraph == "§1.4"
    assert "student progress" in breaches[0].message


def test_classic_1_4_support_staff_need_no_student_progress_objective() -> None:
    assert check("classic-objectives", StaffCategory.SUPPORT, obj(), obj(), obj()) == []


def test_classic_1_4_a_leader_who_teaches_needs_student_progress() -> None:
    breaches = check("classic-objectives", StaffCategory.LEADER, obj(), obj(), teaches=True)
    assert settings_of(breaches) == ["objectives.required_kinds_teachers"]
    assert check("classic-objectives", StaffCategory.LEADER, obj(), obj(), teaches=False) == []


def test_classic_4_1_the_headteacher_needs_a_student_outcomes_objective() -> None:
    breaches = check("classic-objectives", StaffCategory.HEADTEACHER, obj(), obj(), obj())
    assert settings_of(breaches) == ["objectives.required_kinds_headteacher"]
    assert breaches[0].paragraph == "§4.1"
    assert check("classic-objectives", StaffCategory.HEADTEACHER, obj(OUTCOMES), obj(), obj()) == []


def test_classic_1_2_objectives_link_to_the_school_improvement_plan() -> None:
    breaches = check("classic-objectives", StaffCategory.TEACHER, obj(PROGRESS), obj(aligned=False))
    assert settings_of(breaches) == ["objectives.alignment_required"]
    assert breaches[0].paragraph == "§1.2"


def test_classic_smart_is_the_trust_default_and_quotes_no_paragraph() -> None:
    breaches = check("classic-objectives", StaffCategory.SUPPORT, obj(smart=False, title="Filing"))
    assert settings_of(breaches) == ["objectives.smart_required"]
    assert breaches[0].paragraph == ""
    assert "“Filing”" in breaches[0].message and "measurable and time-bound" in breaches[0].message


# ----- staploe-associate ----------------------------------------------------------------


def test_staploe_setting_objectives_no_more_than_three() -> None:
    assert check("staploe-associate", StaffCategory.SUPPORT, obj(), obj(), obj()) == []
    breaches = check("staploe-associate", StaffCategory.SUPPORT, *[obj()] * 4)
    assert settings_of(breaches) == ["objectives.maximum_count"]
    assert breaches[0].paragraph == "Setting Objectives"


def test_staploe_setting_objectives_must_be_smart_and_linked() -> None:
    breaches = check(
        "staploe-associate", StaffCategory.SUPPORT, obj(smart=False), obj(aligned=False)
    )
    assert settings_of(breaches) == ["objectives.smart_required", "objectives.alignment_required"]
    assert {b.paragraph for b in breaches} == {"Setting Objectives"}


def test_staploe_an_empty_plan_is_too_few() -> None:
    breaches = check("staploe-associate", StaffCategory.SUPPORT)
    assert settings_of(breaches) == ["objectives.minimum_count"]


# ----- aspire-grow and leger-pdp -----------------------------------------------------------


def test_aspire_6_5_no_objectives_under_a_conversation_policy() -> None:
    breaches = check("aspire-grow", StaffCategory.TEACHER, obj())
    assert settings_of(breaches) == ["model"]
    assert breaches[0].paragraph == "§6.1"


def test_leger_2_the_professional_iq_inquiry_must_be_complete() -> None:
    rules, sources = rules_and_sources("leger-pdp")
    facts = DevelopmentPlanFacts(answers=("Questioning", "", "", ""), development_needs="")
    breaches = check_development_plan(rules, facts, sources)
    parts = [b for b in breaches if b.setting == "pdp.professional_iq_parts"]
    assert len(parts) == 3
    assert {b.paragraph for b in parts} == {"§2"}
    assert "The research-informed strategy to improve it" in parts[0].message
    assert "pdp.development_needs_required" in settings_of(breaches)


def test_leger_2_5_extra_targets_of_the_listed_kinds_relate_to_academy_priorities() -> None:
    rules, sources = rules_and_sources("leger-pdp")
    complete = ("a", "b", "c", "d")
    ok = DevelopmentPlanFacts(
        answers=complete, development_needs="x", targets=(obj("subject_responsibility"),)
    )
    assert check_development_plan(rules, ok, sources) == []
    unaligned = DevelopmentPlanFacts(
        answers=complete,
        development_needs="x",
        targets=(obj("post_threshold", aligned=False), obj(PROGRESS)),
    )
    breaches = check_development_plan(rules, unaligned, sources)
    assert settings_of(breaches) == ["pdp.extra_targets_link_to", "pdp.extra_target_kinds"]
    assert breaches[0].paragraph == "§5"
    assert "individual academy's improvement priorities" in breaches[0].message


# ----- Meetings ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("classic-objectives", [MeetingKind.INTERIM, MeetingKind.ANNUAL_REVIEW]),  # §5.7.1
        ("staploe-associate", [MeetingKind.TERMLY, MeetingKind.ANNUAL_REVIEW]),  # termly reviews
        ("leger-pdp", [MeetingKind.MIDPOINT, MeetingKind.ANNUAL_REVIEW]),  # §4 check-in
        ("langley-interim", [MeetingKind.ANNUAL_REVIEW]),  # §7 X: no formal mid-year review
        ("aspire-grow", []),  # §6.3, §8.1: the conversations replace in-year and review meetings
    ],
)
def test_meeting_kinds_follow_the_policy(key: str, expected: list[MeetingKind]) -> None:
    rules, _ = rules_and_sources(key)
    assert meeting_kinds(rules) == [*expected, MeetingKind.OTHER]


def test_staploe_review_meeting_needs_two_weeks_notice_and_an_hour() -> None:
    rules, sources = rules_and_sources("staploe-associate")
    meeting_day = dt.date(2027, 1, 20)
    short = check_meeting(
        rules,
        kind=MeetingKind.ANNUAL_REVIEW,
        scheduled_for=meeting_day,
        notice_given_on=meeting_day - dt.timedelta(days=13),
        planned_minutes=45,
        sources=sources,
    )
    assert settings_of(short) == [
        "meetings.annual_review_notice_days",
        "meetings.annual_review_minutes",
    ]
    assert {b.paragraph for b in short} == {"Performance Management Review Meeting"}
    assert "14 days" in short[0].message and "60 minutes" in short[1].message
    ok = check_meeting(
        rules,
        kind=MeetingKind.ANNUAL_REVIEW,
        scheduled_for=meeting_day,
        notice_given_on=meeting_day - dt.timedelta(days=14),
        planned_minutes=60,
        sources=sources,
    )
    assert ok == []


def test_classic_sets_no_notice_for_the_review_meeting() -> None:
    rules, _ = rules_and_sources("classic-objectives")
    day = dt.date(2027, 7, 1)
    assert (
        check_meeting(
            rules,
            kind=MeetingKind.ANNUAL_REVIEW,
            scheduled_for=day,
            notice_given_on=day,
            planned_minutes=None,
        )
        == []
    )


def test_a_meeting_the_policy_does_not_have_is_refused() -> None:
    rules, _ = rules_and_sources("langley-interim")  # §7 X: no interim reviews
    breaches = check_meeting(
        rules,
        kind=MeetingKind.INTERIM,
        scheduled_for=dt.date(2027, 2, 1),
        notice_given_on=None,
        planned_minutes=None,
    )
    assert len(breaches) == 1
