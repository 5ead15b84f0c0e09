"""The five real policies as presets: each value the policy matrix gives, with the
paragraph it comes from. Pure: no database."""

from __future__ import annotations

import datetime as dt

import pytest

from policies.presets import PRESET_KEYS, PresetError, all_presets, load_preset, parse_preset
from policies.schema import (
    AdviserUse,
    AppraisalInCapability,
    AppraisalModel,
    ConversationTerm,
    Decider,
    DueAnchor,
    HeadteacherAppraiser,
    ObjectiveKind,
    ObservationType,
    PartYearStart,
    PayCommitteeSees,
    PayProgression,
    PolicySettings,
    Reader,
    WithholdReason,
    md,
    partial_flatten,
)


def test_five_presets_load_and_validate() -> None:
    assert [p.key for p in all_presets()] == list(PRESET_KEYS)
    for preset in all_presets():
        assert isinstance(preset.rules, PolicySettings)
        assert preset.name and preset.description and preset.staff_groups


@pytest.mark.parametrize("key", PRESET_KEYS)
def test_every_fixed_setting_names_its_paragraph(key: str) -> None:
    preset = load_preset(key)
    assert set(preset.sources) == set(partial_flatten(preset.settings))
    for variant in preset.variants:
        assert set(variant.sources) == set(partial_flatten(variant.patch))


def test_a_setting_without_a_source_is_refused() -> None:
    text = 'key = "x"\nname = "X"\n[settings.cycle]\nlength_months = 12\n'
    with pytest.raises(PresetError, match="no source paragraph"):
        parse_preset(text)


def test_a_preset_with_an_unknown_setting_is_refused() -> None:
    text = (
        'key = "x"\nname = "X"\n[settings.cycle]\nlenght = 12\n[sources]\n"cycle.lenght" = "§1"\n'
    )
    with pytest.raises(PresetError, match="unknown settings"):
        parse_preset(text)


def test_silent_settings_are_the_trust_default() -> None:
    # langley is silent on retention: the default applies and carries no source.
    preset = load_preset("langley-interim")
    assert "retention.default_years" not in preset.sources
    assert preset.rules.retention.default_years == PolicySettings().retention.default_years


def test_langley_interim() -> None:
    preset = load_preset("langley-interim")
    r = preset.rules
    src = preset.sources
    assert r.model == AppraisalModel.OBJECTIVES
    # §7 I: leaders, including UPS teachers, have 3 objectives; everyone else 2.
    assert r.objectives.counts_for(is_leader=False) == (2, 2, 2)
    assert r.objectives.counts_for(is_leader=True) == (3, 3, 3)
    assert r.objectives.upper_pay_range_teachers_count_as_leaders
    assert src["objectives.normal_count"] == "§7 I"
    # §7 II: a whole-school or team objective and a professional development objective.
    assert r.objectives.required_kinds_everyone == (
        ObjectiveKind.WHOLE_SCHOOL_OR_TEAM,
        ObjectiveKind.PROFESSIONAL_DEVELOPMENT,
    )
    # §7 III: leaders a third on their leadership role.
    assert r.objectives.required_kinds(is_teacher=True, is_leader=True, is_headteacher=False) == (
        ObjectiveKind.WHOLE_SCHOOL_OR_TEAM,
        ObjectiveKind.PROFESSIONAL_DEVELOPMENT,
        ObjectiveKind.LEADERSHIP_ROLE,
    )
    # §7 VIII: shared objectives; criteria, actions, commitments, evidence stay individual.
    assert r.objectives.shared_objectives_allowed
    assert len(r.objectives.shared_objective_individual_parts) == 4
    # §7 IX: aligned to TIP, AIP, department/year objectives; §5 random alignment samples.
    assert any("TIP" in a for a in r.objectives.align_to)
    assert any("AIP" in a for a in r.objectives.align_to)
    assert r.review.alignment_sample_check and src["review.alignment_sample_check"] == "§5"
    # §7 X: no formal mid-year review; evidence reviewed throughout the year.
    assert not r.cycle.formal_mid_year_review
    assert not r.meetings.midpoint_check_in
    assert r.cycle.evidence_reviewed_through_year
    # §7 XI: 2021-22 onwards, September to July.
    assert r.cycle.dates_for(2021) == (dt.date(2021, 9, 1), dt.date(2022, 7, 31))
    assert src["cycle.ends_on"] == "§7 XI"
    # §9: probation 6 months, extendable by 6, three-monthly reviews.
    assert (
        r.scope.probation_months,
        r.scope.probation_extension_months,
        r.scope.probation_review_every_months,
    ) == (6, 6, 3)
    assert r.scope.exclude_probationers
    # §7 IV: everyone moves up unless evidence says otherwise.
    assert r.pay.teacher_progression == PayProgression.UNLESS_EVIDENCE
    assert r.pay.support_staff_progression == PayProgression.UNLESS_EVIDENCE
    assert not r.pay.performance_related_pay
    # §7 V and §6: threshold by application with a whole-school perspective.
    assert r.pay.threshold_applications
    assert any("whole-school" in e for e in r.pay.threshold_evidence)
    # §10: pay committee gets counts; other reasons for no increment; 2 years on UPS points.
    assert r.pay.pay_committee_sees == PayCommitteeSees.COUNTS_NOT_PROGRESSING
    assert len(r.pay.other_no_increment_reasons) == 3
    assert r.pay.years_between_upper_range_points == 2
    # §7 VII: support programme and termly HR director meetings with headteachers.
    assert [s.key for s in r.support.stages] == ["support_programme"]
    assert r.support.hr_meets_headteachers_termly


def test_classic_objectives() -> None:
    preset = load_preset("classic-objectives")
    r = preset.rules
    src = preset.sources
    # §1.4: normally three, a fourth allowed; teachers at least one on student progress.
    assert r.objectives.normal_count == 3 and r.objectives.maximum_count == 4
    assert src["objectives.maximum_count"] == "§1.4"
    assert r.objectives.required_kinds_teachers == (ObjectiveKind.STUDENT_PROGRESS,)
    # §4.1: the headteacher at least one on outcomes for students.
    assert r.objectives.required_kinds_headteacher == (ObjectiveKind.STUDENT_OUTCOMES,)
    # §4.2: set by 31 October.
    assert r.objectives.set_by == md(10, 31) and src["objectives.set_by"] == "§4.2"
    # §1.2: linked to the school improvement plan.
    assert r.objectives.alignment_required
    # §2.1, §2.3: twelve months to 31 August.
    assert r.cycle.dates_for(2025) == (dt.date(2025, 9, 1), dt.date(2026, 8, 31))
    # §2.2: fixed-term under a year: cycle is the contract's length.
    assert r.scope.fixed_term_cycle_matches_contract
    # §5.7.1: interim meetings at least every six months.
    assert r.meetings.interim_meeting_every_months == 6
    # §2.1: reviews by 16 Sep (staff), October (support staff), 31 Dec (headteacher).
    assert r.review.staff_review_due == md(9, 16)
    assert r.review.support_staff_review_due == md(10, 31)
    assert r.headteacher.review_due == md(12, 31)
    # §5.7.2: statement by 31 Oct (headteacher 31 Dec), its contents; §5.7.4 new cycle.
    assert r.review.statement_due == md(10, 31)
    assert r.headteacher.statement_due == md(12, 31)
    assert len(r.review.statement_contents) == 5
    assert len(r.review.new_cycle_statement_contents) == 4
    assert src["review.new_cycle_statement_contents"] == "§5.7.4"
    # §5.8.1: moderation of a sample of statements.
    assert r.review.moderation_sample
    # §5.2.2: observed by QTS holders; drop-ins allowed.
    assert r.observations.teacher_observer_needs_qts and r.observations.drop_ins_allowed
    # §5.2.4: verbal feedback within 2 working days, written within 5.
    assert r.observations.verbal_feedback_working_days == 2
    assert r.observations.written_feedback_working_days == 5
    assert src["observations.verbal_feedback_working_days"] == "§5.2.4"
    # §5.2.6: Ofsted, other monitoring and unannounced external observations not used.
    assert set(r.observations.not_usable_for_appraisal) == {
        ObservationType.OFSTED_INSPECTION,
        ObservationType.OTHER_MONITORING,
        ObservationType.EXTERNAL_UNANNOUNCED,
    }
    # §2.3: pay decided by 31 Oct (headteacher 31 Dec), backdated to September.
    assert r.pay.performance_related_pay
    assert r.pay.decision_due == md(10, 31)
    assert r.headteacher.pay_decision_due == md(12, 31)
    assert r.pay.backdated_to_cycle_start
    # §5.7.7: headteacher approves before the employee sees it, then the pay committee.
    assert r.pay.headteacher_approves_before_shared
    assert r.pay.pay_committee_sees == PayCommitteeSees.EACH_RECOMMENDATION
    # §5.7.8: progression normal unless capability or objectives significantly missed.
    assert set(r.pay.withhold_reasons) == {
        WithholdReason.FORMAL_CAPABILITY,
        WithholdReason.OBJECTIVES_SIGNIFICANTLY_MISSED,
    }
    # §6.9: early conversation → coaching → structured support (→ capability).
    assert [s.key for s in r.support.stages] == [
        "early_conversation",
        "coaching",
        "structured_support",
    ]
    structured = r.support.stage("structured_support")
    assert structured is not None
    # §6.12.2: typically 4 weeks, at most half a term; §6.10.1: what the record holds.
    assert structured.normal_weeks == 4 and structured.maximum_half_terms == 1
    assert len(structured.record_contents) == 6
    # §6.11: three reasons to skip; §6.10.7: sustained for up to 6 months.
    assert len(r.support.skip_informal_when) == 3
    assert r.support.sustain_months == 6
    # §6.12.4: appraisal suspended in capability.
    assert r.support.appraisal_in_capability == AppraisalInCapability.SUSPENDED
    # §1.8: reviewer, reviewee, headteacher, deputy and senior administrator; anonymised out.
    assert set(r.confidentiality.readers) == {
        Reader.REVIEWER,
        Reader.REVIEWEE,
        Reader.HEADTEACHER,
        Reader.APPRAISAL_DELEGATE,
    }
    assert r.confidentiality.outside_parties_anonymised
    assert r.confidentiality.governors_may_request_sample
    # §1.9: at least seven years.
    assert r.retention.default_years == 7 and r.retention.years_for("pay") == 7
    assert src["retention.default_years"] == "§1.9"
    # §3.1-§3.2: committee of three incl. the chair, optional external adviser.
    assert r.headteacher.appraised_by == HeadteacherAppraiser.GOVERNORS_COMMITTEE
    assert r.headteacher.committee_size == 3
    assert r.headteacher.committee_includes == ("Chair of governors",)
    assert not r.headteacher.ceo_on_committee and src["headteacher.ceo_on_committee"] == "§3.2"
    assert r.headteacher.external_adviser == AdviserUse.OPTIONAL
    # §4.1: the governing body sets the headteacher's objectives.
    assert r.headteacher.objectives_set_by == Decider.GOVERNING_BODY


def test_aspire_grow() -> None:
    preset = load_preset("aspire-grow")
    r = preset.rules
    src = preset.sources
    # §6.1: twice-yearly conversations replace objectives; §6.5 no measurable objectives.
    assert r.model == AppraisalModel.CONVERSATIONS
    assert r.conversations.per_year == 2
    assert r.objectives.maximum_count == 0 and src["objectives.maximum_count"] == "§6.5"
    # §3: contracts < 1 term, NQTs/ECTs in induction and probationers excluded.
    assert r.scope.exclude_contracts_shorter_than_terms == 1
    assert r.scope.exclude_ects_in_induction and r.scope.exclude_probationers
    # §4.1: 1 Sep - 31 Aug; §4.2 fixed term = contract; §4.3 part-year starters.
    assert r.cycle.dates_for(2025) == (dt.date(2025, 9, 1), dt.date(2026, 8, 31))
    assert r.scope.fixed_term_cycle_matches_contract
    assert r.scope.part_year_starter == PartYearStart.HEADTEACHER_DECIDES
    # §6.3: autumn before October half-term (headteachers by 31 Dec); spring/summer.
    autumn, mid_year = r.conversations.conversations
    assert autumn.term == ConversationTerm.AUTUMN
    assert autumn.staff_due == DueAnchor.OCTOBER_HALF_TERM
    assert autumn.headteacher_due_on == md(12, 31)
    assert mid_year.term == ConversationTerm.SPRING_OR_SUMMER
    assert src["conversations.conversations"] == "§6.3"
    # §6.4b: one trust-wide professional focus, worded per role.
    assert r.conversations.professional_focus.startswith("To accept the professional obligation")
    assert "Teachers' Standards" in r.conversations.focus_wording_teachers
    assert "Headteacher Standards" in r.conversations.focus_wording_leaders
    assert r.conversations.focus_wording_support
    # §6.4a: wellbeing notes never used for performance (kept only with consent under
    # every policy); §8.2: a conversation's agreed notes only with consent.
    assert r.wellbeing.never_used_for_performance
    assert "notes_only_with_consent" not in type(r.wellbeing).model_fields
    assert r.conversations.notes_need_consent
    assert src["conversations.notes_need_consent"] == "§8.2"
    # §7.2: at most three hours' observation a year; §7.3: QTS holders.
    assert r.observations.yearly_cap_minutes == 180
    assert r.observations.teacher_observer_needs_qts
    # §7.4: learning walks not used unless concerns arise.
    assert ObservationType.LEARNING_WALK in r.observations.not_usable_for_appraisal
    assert r.observations.learning_walks_usable_when_concerns
    # §10: feedback as soon as practicable (no fixed days).
    assert r.observations.verbal_feedback_working_days is None
    # §8.3: main pay range automatic unless live capability; §8.5 support staff not linked.
    assert r.pay.teacher_progression == PayProgression.AUTOMATIC
    assert r.pay.support_staff_progression == PayProgression.NOT_LINKED
    assert not r.pay.performance_related_pay
    # §11.2: informal support 12 working weeks, weekly meetings; 10 working days' notice.
    (informal,) = r.support.stages
    assert informal.normal_weeks == 12 and informal.working_weeks
    assert informal.meeting_every_weeks == 1
    assert r.support.capability_meeting_notice_working_days == 10
    # §12: appraisal no longer applies in capability.
    assert r.support.appraisal_in_capability == AppraisalInCapability.NO_LONGER_APPLIES
    # §6.2: headteacher's commitments shared with the local governing body.
    assert r.confidentiality.headteacher_commitments_shared_with_governors
    # §5.1: local governing body with the CEO; CEO by board nominees.
    assert r.headteacher.appraised_by == HeadteacherAppraiser.GOVERNING_BODY_WITH_CEO
    assert "Board of Directors" in r.headteacher.ceo_appraised_by
    assert r.headteacher.ceo_on_committee and src["headteacher.ceo_on_committee"] == "§5.1"


def test_leger_pdp() -> None:
    preset = load_preset("leger-pdp")
    r = preset.rules
    src = preset.sources
    # §2: a PDP with a Professional IQ of four parts.
    assert r.model == AppraisalModel.PDP
    assert r.pdp.professional_iq_required and len(r.pdp.professional_iq_parts) == 4
    assert r.pdp.development_needs_required
    # §5: some have subject / post-threshold / leadership targets linked to academy priorities.
    assert {
        ObjectiveKind.SUBJECT_RESPONSIBILITY,
        ObjectiveKind.POST_THRESHOLD,
        ObjectiveKind.LEADERSHIP_ROLE,
    } <= set(r.pdp.extra_target_kinds)
    assert "improvement priorities" in r.pdp.extra_targets_link_to
    # §3: contracts < 1 term, ECTs and staff under capability excluded.
    assert r.scope.exclude_contracts_shorter_than_terms == 1
    assert r.scope.exclude_ects_in_induction and r.scope.exclude_staff_in_capability
    # §4: teaching staff from September, with a midpoint check-in.
    assert r.cycle.starts_on == md(9, 1) and src["cycle.starts_on"] == "§4"
    assert r.meetings.midpoint_check_in
    # §4: support staff from January (a variant of its own).
    support = preset.rules_for("support-staff")
    assert support.cycle.starts_on == md(1, 1)
    assert preset.variant("support-staff").staff_groups == ("support",)
    assert preset.sources_for("support-staff")["cycle.starts_on"] == "§4"
    # Not linked to pay.
    assert r.pay.teacher_progression == PayProgression.NOT_LINKED
    # §8-§10: informal (normally 4 weeks) → formal plan → formal review meeting.
    informal, formal, review = r.support.stages
    assert informal.normal_weeks == 4 and not informal.formal
    # §9: at least 5 working days' notice, feedback and draft plan first, representation,
    # at least 4 weeks.
    assert formal.formal and formal.meeting_notice_working_days == 5
    assert formal.written_feedback_first and formal.draft_plan_first
    assert formal.right_to_representation and formal.minimum_weeks == 4
    assert review.meeting_notice_working_days == 5 and review.right_to_representation
    # §11: headteacher writes within 5 working days giving at least 5 working days' notice.
    assert r.support.capability_letter_within_working_days == 5
    assert r.support.capability_meeting_notice_working_days == 5
    assert len(r.support.capability_letter_contents) == 6
    # §10: appraisal no longer applies.
    assert r.support.appraisal_in_capability == AppraisalInCapability.NO_LONGER_APPLIES
    # §12: the person, line manager, headteacher/nominated leader, trust staff (and the
    # governing body, who see anonymised information only: never a reader).
    assert {Reader.TRUST_STAFF, Reader.REVIEWEE, Reader.APPRAISAL_DELEGATE} <= set(
        r.confidentiality.readers
    )
    assert r.review.overview_shared_with_staff
    # §13: reports to governors carry no individual details.
    assert r.confidentiality.governor_reports_without_individuals
    # §14: six years.
    assert r.retention.default_years == 6 and src["retention.default_years"] == "§14"
    # §7: sub-group of three incl. the trust CEO, with an external adviser.
    assert r.headteacher.committee_size == 3
    assert r.headteacher.committee_includes == ("The trust CEO",)
    assert r.headteacher.ceo_on_committee and src["headteacher.ceo_on_committee"] == "§7"
    assert r.headteacher.external_adviser == AdviserUse.REQUIRED


def test_staploe_associate() -> None:
    preset = load_preset("staploe-associate")
    r = preset.rules
    src = preset.sources
    assert preset.staff_groups == ("support",)
    # Scope: fixed-term < 1 term and those in six-month probation excluded.
    assert r.scope.exclude_contracts_shorter_than_terms == 1 and r.scope.exclude_probationers
    assert r.scope.probation_months == 6
    # Performance and Development Period: 1 Jan - 31 Dec; fixed-term = contract length,
    # objectives sized to it.
    assert r.cycle.dates_for(2026) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert r.scope.fixed_term_objectives_sized_to_contract
    assert src["cycle.starts_on"] == "Performance and Development Period"
    # Setting Objectives: SMART, normally no more than three, agreed at the review meeting;
    # headteacher decides on disagreement.
    assert r.objectives.smart_required and r.objectives.maximum_count == 3
    assert r.objectives.set_at_annual_review_meeting and r.objectives.set_by is None
    assert r.objectives.disagreement_decided_by == Decider.HEADTEACHER
    assert "Trust strategic priorities" in r.objectives.align_to
    # Performance Management Review Meeting: January, 2 weeks' notice, an hour, record
    # within 2 weeks, copy to the headteacher who may adjust objectives; termly reviews.
    assert r.review.staff_review_due == md(1, 31)
    assert r.meetings.annual_review_notice_days == 14
    assert r.meetings.annual_review_minutes == 60
    assert r.meetings.record_completed_within_days == 14
    assert r.review.copy_to_headteacher and r.review.headteacher_may_adjust_objectives
    assert r.meetings.termly_review_meetings
    assert r.wellbeing.discussed_at_review
    # Regular Review Meetings: one formal observation a cycle, discussed in advance,
    # feedback within 48 hours.
    assert r.observations.formal_per_cycle == 1
    assert r.observations.advance_notice_required
    assert r.observations.feedback_within_hours == 48
    # Links to Pay: headteacher recommends, honorarium, withheld only after support, appeal.
    assert r.pay.support_staff_progression == PayProgression.HEADTEACHER_RECOMMENDS
    assert r.pay.recommended_by == Decider.HEADTEACHER
    assert r.pay.honorarium_allowed and r.pay.appeal_allowed
    assert r.pay.withhold_reasons == (WithholdReason.UNSATISFACTORY_AFTER_SUPPORT,)
    # Employees Experiencing Difficulties: support plan, normally 4 weeks; cycle suspended.
    (plan,) = r.support.stages
    assert plan.normal_weeks == 4
    assert r.support.appraisal_in_capability == AppraisalInCapability.SUSPENDED
    # Confidentiality: reviewer's line managers and the headteacher; ask before colleagues.
    assert Reader.REVIEWER_LINE_MANAGERS in r.confidentiality.readers
    assert r.confidentiality.reviewee_agrees_before_colleagues_asked
    # Retention of Records: six years.
    assert r.retention.default_years == 6
    # Learning support staff at Soham Village College: 1 Jun - 31 May.
    variant = preset.variant("learning-support")
    assert variant.academy == "Soham Village College"
    learning = preset.rules_for("learning-support")
    assert learning.cycle.dates_for(2026) == (dt.date(2026, 6, 1), dt.date(2027, 5, 31))
    assert learning.objectives.maximum_count == 3  # everything else as the main policy
    assert preset.policy_key("learning-support") == "staploe-associate--learning-support"
