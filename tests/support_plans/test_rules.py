"""The support and capability rules as pure functions of each preset's settings: no
database. Each test names the paragraph of the policy it checks."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from calendars.working_days import WorkingCalendar
from policies.presets import load_preset
from policies.schema import AppraisalInCapability
from policies.schema.sections.support import SupportSettings
from support_plans import rules
from support_plans.models import CAPABILITY, AppraisalEffect, MeetingKind

SPRING_BANK_HOLIDAY = dt.date(2027, 5, 31)


def support(key: str) -> SupportSettings:
    return load_preset(key).rules.support


def calendar() -> WorkingCalendar:
    """Weekdays less one bank holiday (no terms entered, so every other weekday counts)."""
    return WorkingCalendar(
        first_day=dt.date(2027, 1, 1),
        last_day=dt.date(2027, 12, 31),
        bank_holidays={SPRING_BANK_HOLIDAY: "Spring bank holiday"},
    )


@pytest.mark.parametrize(
    ("key", "stages"),
    [
        ("langley-interim", ["support_programme", CAPABILITY]),
        (
            "classic-objectives",
            ["early_conversation", "coaching", "structured_support", CAPABILITY],
        ),
        ("aspire-grow", ["informal_support", CAPABILITY]),
        ("leger-pdp", ["informal_support", "formal_support_plan", "formal_review", CAPABILITY]),
        ("staploe-associate", ["support_plan", CAPABILITY]),
    ],
)
def test_each_preset_moves_along_its_own_stages_then_capability(
    key: str, stages: list[str]
) -> None:
    s = support(key)
    assert rules.stage_keys(s) == stages
    assert rules.first_stage(s) == stages[0]
    for here, there in itertools.pairwise(stages):
        assert rules.next_stage(s, here) == there
        assert rules.move_refusal(s, here, there) is None
    assert rules.next_stage(s, CAPABILITY) is None
    assert rules.move_refusal(s, CAPABILITY, stages[0]) is not None


@pytest.mark.policy_setting("support.stages")
def test_the_stages_setting_decides_what_comes_next() -> None:
    s = support("aspire-grow")
    assert rules.move_refusal(s, "informal_support", CAPABILITY) is None
    extra = s.stages[0].model_copy(update={"key": "formal_support", "name": "Formal support"})
    longer = s.model_copy(update={"stages": (*s.stages, extra)})
    refusal = rules.move_refusal(longer, "informal_support", CAPABILITY)
    assert refusal is not None and "Formal support" in refusal
    assert rules.move_refusal(longer, "informal_support", "formal_support") is None


def test_leger_refuses_a_skip_with_its_reason() -> None:
    # leger §8-§11: informal support, formal plan, formal review, then capability.
    s = support("leger-pdp")
    refusal = rules.move_refusal(s, "informal_support", CAPABILITY, "anything")
    assert refusal is not None and "may not be skipped" in refusal
    assert rules.move_refusal(s, "informal_support", "formal_review") is not None
    assert not rules.may_bypass(s, "informal_support")


@pytest.mark.policy_setting("support.skip_informal_when")
def test_classic_goes_straight_to_capability_only_for_a_reason_it_lists() -> None:
    # classic §6.11: health and safety; education in serious jeopardy; not sustained.
    s = support("classic-objectives")
    reason = s.skip_informal_when[0]
    assert rules.may_bypass(s, "early_conversation")
    assert rules.move_refusal(s, "early_conversation", CAPABILITY, reason) is None
    refusal = rules.move_refusal(s, "early_conversation", CAPABILITY, "not a listed reason")
    assert refusal is not None and "choose the reason" in refusal
    # Only going to capability may skip: never to a later support stage.
    assert rules.move_refusal(s, "early_conversation", "structured_support", reason) is not None
    # The same policy with no reasons listed never skips a stage.
    none = s.model_copy(update={"skip_informal_when": ()})
    assert not rules.may_bypass(none, "early_conversation")
    assert rules.move_refusal(none, "early_conversation", CAPABILITY, reason) is not None


@pytest.mark.policy_setting("support.capability_meeting_notice_working_days")
def test_capability_meeting_notice_counts_working_days_past_a_bank_holiday() -> None:
    # aspire §11.2: at least 10 working days; leger §11: at least 5.
    cal = calendar()
    notice = dt.date(2027, 5, 26)  # a Wednesday; the bank holiday falls inside the notice
    leger = support("leger-pdp")
    days = rules.notice_working_days(leger, CAPABILITY, MeetingKind.CAPABILITY)
    assert days == 5
    assert rules.earliest_meeting_date(cal, notice, days) == dt.date(2027, 6, 3)
    refusal = rules.notice_refusal(cal, notice, dt.date(2027, 6, 2), days)
    assert refusal is not None and "3 June 2027" in refusal and "5 working days" in refusal
    assert rules.notice_refusal(cal, notice, dt.date(2027, 6, 3), days) is None
    aspire = support("aspire-grow")
    ten = rules.notice_working_days(aspire, CAPABILITY, MeetingKind.CAPABILITY)
    assert ten == 10
    assert rules.notice_refusal(cal, notice, dt.date(2027, 6, 3), ten) is not None
    assert rules.earliest_meeting_date(cal, notice, ten) == dt.date(2027, 6, 10)
    # Changing only the setting moves the earliest date.
    shorter = aspire.model_copy(update={"capability_meeting_notice_working_days": 5})
    five = rules.notice_working_days(shorter, CAPABILITY, MeetingKind.CAPABILITY)
    assert rules.notice_refusal(cal, notice, dt.date(2027, 6, 3), five) is None


def test_a_stage_meeting_uses_the_stages_own_notice() -> None:
    # leger §9: at least 5 working days' notice of the formal support plan meeting.
    s = support("leger-pdp")
    assert rules.notice_working_days(s, "formal_support_plan", MeetingKind.FORMAL) == 5
    assert rules.notice_working_days(s, "informal_support", MeetingKind.SUPPORT) == 0
    assert MeetingKind.FORMAL in rules.meeting_kinds(s, "formal_support_plan")
    assert MeetingKind.FORMAL not in rules.meeting_kinds(s, "informal_support")
    assert rules.meeting_kinds(s, CAPABILITY)[0] == MeetingKind.CAPABILITY


@pytest.mark.policy_setting("support.sustain_months")
def test_sustain_period_follows_the_policy() -> None:
    # classic §6.10.7: up to 6 months after success.
    s = support("classic-objectives")
    assert rules.sustain_until(s, dt.date(2027, 3, 15)) == dt.date(2027, 9, 15)
    assert (
        rules.sustain_until(s.model_copy(update={"sustain_months": None}), dt.date(2027, 3, 15))
        is None
    )
    assert support("leger-pdp").sustain_months is None


@pytest.mark.policy_setting("support.appraisal_in_capability")
def test_appraisal_in_capability_is_suspended_or_no_longer_applies() -> None:
    classic = support("classic-objectives")
    assert rules.appraisal_effect(classic) == AppraisalEffect.SUSPENDED
    changed = classic.model_copy(
        update={"appraisal_in_capability": AppraisalInCapability.NO_LONGER_APPLIES}
    )
    assert rules.appraisal_effect(changed) == AppraisalEffect.NO_LONGER_APPLIES
    assert rules.appraisal_effect(support("aspire-grow")) == AppraisalEffect.NO_LONGER_APPLIES


@pytest.mark.policy_setting("support.stages")
def test_a_stage_in_working_weeks_skips_the_bank_holiday() -> None:
    # aspire §11.2: informal support for 12 working weeks; leger §8: normally 4 weeks.
    cal = calendar()
    start = dt.date(2027, 5, 3)  # Monday; the bank holidays of 3 and 31 May: only 31 loaded
    aspire = support("aspire-grow")
    ends = rules.stage_normally_ends(cal, aspire, "informal_support", start)
    assert ends == cal.add_working_days(start, 60)
    leger = support("leger-pdp")
    assert rules.stage_normally_ends(cal, leger, "informal_support", start) == dt.date(2027, 5, 31)
    calendar_weeks = aspire.stages[0].model_copy(update={"working_weeks": False})
    changed = aspire.model_copy(update={"stages": (calendar_weeks,)})
    assert rules.stage_normally_ends(cal, changed, "informal_support", start) == dt.date(
        2027, 7, 26
    )


@pytest.mark.policy_setting("support.capability_letter_within_working_days")
def test_the_capability_letter_is_due_in_working_days() -> None:
    # leger §11: the headteacher writes within 5 working days.
    cal = calendar()
    leger = support("leger-pdp")
    assert rules.capability_letter_due(cal, leger, dt.date(2027, 5, 26)) == dt.date(2027, 6, 3)
    unset = leger.model_copy(update={"capability_letter_within_working_days": None})
    assert rules.capability_letter_due(cal, unset, dt.date(2027, 5, 26)) is None


@pytest.mark.policy_setting("support.stages")
def test_a_stage_with_a_minimum_length_is_not_left_early() -> None:
    # leger §9: the formal support plan runs for at least 4 weeks.
    s = support("leger-pdp")
    start = dt.date(2027, 3, 1)
    refusal = rules.too_early_refusal(s, "formal_support_plan", start, dt.date(2027, 3, 26))
    assert refusal is not None and "29 March 2027" in refusal
    assert rules.too_early_refusal(s, "formal_support_plan", start, dt.date(2027, 3, 29)) is None
    assert rules.too_early_refusal(s, "informal_support", start, start) is None
    rule = s.stage("formal_support_plan").model_copy(update={"minimum_weeks": None})  # type: ignore[union-attr]
    unset = s.model_copy(update={"stages": (s.stages[0], rule, s.stages[2])})
    assert rules.too_early_refusal(unset, "formal_support_plan", start, start) is None


@pytest.mark.policy_setting("support.stages")
def test_weekly_progress_meetings_are_due_a_week_after_the_last() -> None:
    # aspire §11.2: informal support with weekly meetings; leger sets no frequency.
    aspire = support("aspire-grow")
    start = dt.date(2027, 3, 1)
    assert rules.progress_meeting_due(aspire, "informal_support", start, None) == dt.date(
        2027, 3, 8
    )
    last = dt.date(2027, 3, 10)
    assert rules.progress_meeting_due(aspire, "informal_support", start, last) == dt.date(
        2027, 3, 17
    )
    assert rules.progress_meeting_due(support("leger-pdp"), "informal_support", start, None) is None


# ----- The capability procedure's own stages, and letters ------------------------------------


def test_every_preset_runs_the_dfe_model_capability_procedure() -> None:
    # None of the five policies sets its own capability procedure: the DfE model's stages.
    for key in ("classic-objectives", "aspire-grow", "leger-pdp", "staploe-associate"):
        assert rules.capability_stage_keys(support(key)) == [
            "formal_capability_meeting",
            "monitoring_and_review",
            "formal_review_meeting",
            "decision_meeting",
            "outcome",
            "appeal",
        ]


def test_the_capability_procedure_moves_one_stage_at_a_time() -> None:
    rules_ = support("leger-pdp")
    assert (
        rules.capability_move_refusal(rules_, "formal_capability_meeting", "monitoring_and_review")
        is None
    )
    skip = rules.capability_move_refusal(rules_, "formal_capability_meeting", "decision_meeting")
    assert skip is not None and "“Monitoring and review period” comes next" in skip
    back = rules.capability_move_refusal(rules_, "decision_meeting", "monitoring_and_review")
    assert back is not None and "does not go back" in back
    assert rules.next_capability_stage(rules_, "appeal") is None
    assert "last stage" in (rules.capability_move_refusal(rules_, "appeal", "outcome") or "")


def test_a_capability_stage_without_a_meeting_holds_review_meetings_only() -> None:
    rules_ = support("aspire-grow")
    assert rules.meeting_kinds(rules_, CAPABILITY, "monitoring_and_review") == [MeetingKind.REVIEW]
    assert MeetingKind.CAPABILITY in rules.meeting_kinds(rules_, CAPABILITY, "decision_meeting")
    # aspire §11.2: at least 10 working days' notice of every capability meeting.
    assert rules.notice_working_days(rules_, CAPABILITY, MeetingKind.CAPABILITY, "appeal") == 10


def test_the_letters_say_what_the_policy_lists() -> None:
    leger = support("leger-pdp")
    # leger §11: the invitation to the capability meeting lists six things.
    items = rules.letter_items(leger, "invitation", MeetingKind.CAPABILITY)
    assert len(items) == 6 and "The names and roles of those who will be at the meeting" in items
    assert rules.letter_items(leger, "outcome", MeetingKind.REVIEW) == leger.outcome_letter_contents
    # leger §9: the formal support plan meeting: representation, feedback and a draft first.
    facts = rules.letter_facts(leger, "invitation", MeetingKind.FORMAL, "formal_support_plan", "")
    assert any("at least 5 working days" in f for f in facts)
    assert any("represented" in f for f in facts)
    assert any("draft support plan" in f for f in facts)
    assert rules.letter_refusal("invitation", MeetingKind.REVIEW, held=False) is not None
    assert rules.letter_refusal("invitation", MeetingKind.FORMAL, held=True) is not None
    assert rules.letter_refusal("outcome", MeetingKind.REVIEW, held=False) is not None
    assert rules.letter_refusal("outcome", MeetingKind.REVIEW, held=True) is None
