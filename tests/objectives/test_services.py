"""The objectives app's services: each write checks permission, the pinned policy's rules
and the version the page showed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from cycles.models import AppraisalCycle, CycleState
from objectives import services
from objectives.models import (
    Conversation,
    DevelopmentPlan,
    ImprovementPriority,
    Objective,
    ObjectivePlan,
    PlanState,
    WellbeingConsent,
    WellbeingNote,
)
from objectives.services import ObjectivesError, StaleEditError

from .support import School, user

pytestmark = pytest.mark.django_db

SMART = {
    "specific": "Raise reading ages in Year 4.",
    "measurable": "Average reading age up by 12 months.",
    "achievable": "With weekly guided reading.",
    "relevant": "AIP priority 2.",
    "time_bound": "By July.",
}


def add(cycle: AppraisalCycle, actor: Any, kind: str = "", title: str = "", **kw: Any) -> Objective:
    fields = {**SMART, "alignment": "School improvement/development plan", **kw}
    return services.objective_create(
        actor=actor, cycle=cycle, kind=kind, title=title or f"Objective {kind}", **fields
    )


def version_of(cycle: AppraisalCycle) -> int:
    plan = ObjectivePlan.objects.filter(cycle=cycle).first()
    return plan.version if plan else 0


def propose_and_accept(cycle: AppraisalCycle, school: School) -> None:
    services.plan_propose(
        actor=user(school.reviewer), cycle=cycle, expected_version=version_of(cycle)
    )
    services.plan_respond(
        actor=user(cycle.appraisee), cycle=cycle, agrees=True, expected_version=version_of(cycle)
    )


# ----- Agreeing a plan ----------------------------------------------------------------------


def test_classic_1_4_agree_is_refused_listing_each_breach(school: School) -> None:
    cycle = school.cycle("classic-objectives")
    reviewer = user(school.reviewer)
    # A fifth objective is refused when it is added; one withdrawn and taken up again
    # (a change of progress only) still brings the plan to five, which agreeing refuses.
    withdrawn = add(cycle, reviewer, title="Objective 0", status="withdrawn")
    for n in range(1, 5):
        add(cycle, reviewer, title=f"Objective {n}")
    services.objective_update(
        actor=reviewer,
        objective=withdrawn,
        expected_version=withdrawn.version,
        status="not_started",
    )
    with pytest.raises(ObjectivesError) as refused:
        services.plan_agree(actor=reviewer, cycle=cycle, expected_version=version_of(cycle))
    breaches = refused.value.breaches
    assert [b.setting for b in breaches] == [
        "objectives.maximum_count",
        "objectives.required_kinds_teachers",
    ]
    assert [b.paragraph for b in breaches] == ["§1.4", "§1.4"]
    assert "2 rules" in str(refused.value)
    assert ObjectivePlan.objects.get(cycle=cycle).state == PlanState.DRAFT


def test_a_fifth_objective_under_most_4_is_refused_when_added(school: School) -> None:
    cycle = school.cycle("classic-objectives")
    reviewer = user(school.reviewer)
    most = cycle.policy_version.rules.objectives.maximum_count
    for n in range(most):
        add(cycle, reviewer, title=f"Objective {n}")
    with pytest.raises(ObjectivesError) as refused:
        add(cycle, reviewer, title="One too many")
    assert refused.value.field == "title"
    assert f"between 1 and {most}" in str(refused.value)
    assert f"already has {most}" in str(refused.value)
    assert "(policy §1.4)" in str(refused.value)
    assert cycle.objectives.count() == most


def test_classic_a_plan_that_keeps_the_rules_is_agreed_together(school: School) -> None:
    cycle = school.cycle("classic-objectives")
    reviewer = user(school.reviewer)
    add(cycle, reviewer, "student_progress")
    add(cycle, reviewer)
    add(cycle, reviewer)
    propose_and_accept(cycle, school)
    plan = services.plan_agree(actor=reviewer, cycle=cycle, expected_version=version_of(cycle))
    assert plan.state == PlanState.AGREED
    assert plan.agreed_by == reviewer
    assert plan.history.first().history_user == reviewer  # type: ignore[attr-defined]


def test_the_appraisee_cannot_agree_alone(school: School) -> None:
    cycle = school.cycle("classic-objectives")
    add(cycle, user(school.reviewer), "student_progress")
    with pytest.raises(PermissionDenied):
        services.plan_agree(
            actor=user(school.teacher), cycle=cycle, expected_version=version_of(cycle)
        )


def test_the_reviewer_cannot_agree_before_the_appraisee_has(school: School) -> None:
    cycle = school.cycle("classic-objectives")
    reviewer = user(school.reviewer)
    add(cycle, reviewer, "student_progress")
    services.plan_propose(actor=reviewer, cycle=cycle, expected_version=version_of(cycle))
    with pytest.raises(ObjectivesError, match="not yet said they agree"):
        services.plan_agree(actor=reviewer, cycle=cycle, expected_version=version_of(cycle))


def test_changing_a_proposed_objective_sends_the_plan_back_to_draft(school: School) -> None:
    cycle = school.cycle("classic-objectives")
    reviewer = user(school.reviewer)
    objective = add(cycle, reviewer, "student_progress")
    propose_and_accept(cycle, school)
    services.objective_update(
        actor=reviewer, objective=objective, expected_version=objective.version, title="Changed"
    )
    plan = ObjectivePlan.objects.get(cycle=cycle)
    assert plan.state == PlanState.DRAFT
    assert plan.appraisee_response == ""


def test_agreed_objectives_change_only_progress_until_reopened(school: School) -> None:
    cycle = school.cycle("classic-objectives")
    reviewer = user(school.reviewer)
    objective = add(cycle, reviewer, "student_progress")
    propose_and_accept(cycle, school)
    services.plan_agree(actor=reviewer, cycle=cycle, expected_version=version_of(cycle))
    objective = services.objective_update(
        actor=reviewer,
        objective=objective,
        expected_version=objective.version,
        status="in_progress",
    )
    assert objective.status == "in_progress"
    with pytest.raises(ObjectivesError, match="Reopen"):
        services.objective_update(
            actor=reviewer, objective=objective, expected_version=objective.version, title="New"
        )
    services.plan_reopen(
        actor=reviewer, cycle=cycle, reason="New role", expected_version=version_of(cycle)
    )
    services.objective_update(
        actor=reviewer, objective=objective, expected_version=objective.version, title="New"
    )


def test_a_stale_objective_edit_saves_nothing(school: School) -> None:
    cycle = school.cycle("classic-objectives")
    reviewer = user(school.reviewer)
    objective = add(cycle, reviewer, "student_progress", title="First")
    seen = objective.version
    services.objective_update(actor=reviewer, objective=objective, expected_version=seen, title="A")
    with pytest.raises(StaleEditError):
        services.objective_update(
            actor=reviewer, objective=objective, expected_version=seen, title="B"
        )
    assert Objective.objects.get(pk=objective.pk).title == "A"


def test_a_stale_plan_action_is_refused(school: School) -> None:
    cycle = school.cycle("classic-objectives")
    reviewer = user(school.reviewer)
    add(cycle, reviewer, "student_progress")
    seen = version_of(cycle)
    add(cycle, reviewer)  # someone adds an objective after the page was opened
    with pytest.raises(StaleEditError):
        services.plan_propose(actor=reviewer, cycle=cycle, expected_version=seen)


def test_a_closed_cycle_cannot_change(school: School) -> None:
    cycle = school.cycle("classic-objectives", state=CycleState.CLOSED)
    with pytest.raises(ObjectivesError, match="closed"):
        add(cycle, user(school.reviewer), "student_progress")


def test_only_the_reviewer_sets_objectives(school: School) -> None:
    cycle = school.cycle("classic-objectives")
    for person in (school.teacher, school.colleague, school.hr, school.outsider):
        with pytest.raises(PermissionDenied):
            add(cycle, user(person), "student_progress")


def test_aspire_6_5_has_no_objectives(school: School) -> None:
    cycle = school.cycle("aspire-grow")
    with pytest.raises(ObjectivesError, match="conversations"):
        add(cycle, user(school.reviewer))


# ----- The headteacher decides when the two cannot agree (staploe) --------------------------


def test_staploe_setting_objectives_headteacher_decides_a_disagreement(school: School) -> None:
    cycle = school.cycle(
        "staploe-associate",
        appraisee=school.support,
        starts_on=dt.date(2027, 1, 1),
        ends_on=dt.date(2027, 12, 31),
    )
    reviewer = user(school.reviewer)
    add(cycle, reviewer, title="Reorganise the library")
    services.plan_propose(actor=reviewer, cycle=cycle, expected_version=version_of(cycle))
    with pytest.raises(ObjectivesError, match="Say what"):
        services.plan_respond(
            actor=user(school.support),
            cycle=cycle,
            agrees=False,
            expected_version=version_of(cycle),
        )
    services.plan_respond(
        actor=user(school.support),
        cycle=cycle,
        agrees=False,
        comment="Too much for one term.",
        expected_version=version_of(cycle),
    )
    with pytest.raises(PermissionDenied):
        services.plan_determine(
            actor=reviewer, cycle=cycle, note="Decided", expected_version=version_of(cycle)
        )
    plan = services.plan_determine(
        actor=user(school.headteacher),
        cycle=cycle,
        note="The objective stands, with extra support.",
        expected_version=version_of(cycle),
    )
    assert plan.state == PlanState.AGREED
    assert plan.headteacher_determined is True
    assert plan.agreed_by == user(school.headteacher)


# ----- Shared objectives (langley §7 VIII) ---------------------------------------------------


def test_langley_7_VIII_one_shared_objective_many_individual_objectives(school: School) -> None:
    head = user(school.headteacher)
    priority = services.priority_create(
        actor=head, academy=school.academy, academic_year=2026, code="AIP1", title="Reading"
    )
    shared = services.shared_objective_create(
        actor=head,
        academy=school.academy,
        title="Every child reads daily",
        kind="whole_school_or_team",
        priority=priority,
    )
    cycles = [
        school.cycle("langley-interim", appraisee=school.teacher),
        school.cycle("langley-interim", appraisee=school.ups_teacher),
    ]
    created = services.shared_objective_assign(actor=head, shared=shared, cycles=cycles)
    assert [o.cycle_id for o in created] == sorted(c.pk for c in cycles)
    for objective in created:
        assert objective.shared == shared
        assert objective.title == "Every child reads daily"
        assert list(objective.priorities.all()) == [priority]
        assert ObjectivePlan.objects.get(cycle=objective.cycle).version == 1
    # Each person's own parts stay their own.
    first, second = created
    services.objective_update(
        actor=user(school.reviewer),
        objective=first,
        expected_version=first.version,
        success_criteria="Tom's class: 20 minutes a day",
        title="Someone tries to change the shared text",
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.success_criteria == "Tom's class: 20 minutes a day"
    assert second.success_criteria == ""
    assert first.title == "Every child reads daily"


def test_shared_objective_assignment_is_all_or_nothing(school: School) -> None:
    head = user(school.headteacher)
    shared = services.shared_objective_create(actor=head, academy=school.academy, title="Team")
    ok = school.cycle("langley-interim", appraisee=school.teacher)
    classic = school.cycle("classic-objectives", appraisee=school.support)
    with pytest.raises(ObjectivesError) as refused:
        services.shared_objective_assign(actor=head, shared=shared, cycles=[ok, classic])
    assert "does not have shared objectives" in str(refused.value)
    assert not Objective.objects.filter(shared=shared).exists()
    services.shared_objective_assign(actor=head, shared=shared, cycles=[ok])
    with pytest.raises(ObjectivesError, match="already has this objective"):
        services.shared_objective_assign(actor=head, shared=shared, cycles=[ok])


def test_shared_objectives_only_for_cycles_you_set_objectives_for(school: School) -> None:
    reviewer = user(school.reviewer)
    school.cycle("langley-interim", appraisee=school.teacher)  # a reviewer at the academy
    shared = services.shared_objective_create(actor=reviewer, academy=school.academy, title="Team")
    not_mine = school.cycle(
        "langley-interim", appraisee=school.colleague, reviewer=school.headteacher
    )
    with pytest.raises(ObjectivesError, match="You do not set"):
        services.shared_objective_assign(actor=reviewer, shared=shared, cycles=[not_mine])
    with pytest.raises(PermissionDenied):
        services.shared_objective_create(
            actor=user(school.teacher), academy=school.academy, title="Not a reviewer"
        )


# ----- Priorities ----------------------------------------------------------------------------


def test_priorities_are_managed_by_trust_hr_and_their_own_headteacher(school: School) -> None:
    hr = user(school.hr)
    tip = services.priority_create(
        actor=hr, academy=None, academic_year=2026, code="TIP1", title="Attendance"
    )
    assert tip.plan_label == "TIP"
    with pytest.raises(PermissionDenied):
        services.priority_create(
            actor=user(school.headteacher),
            academy=None,
            academic_year=2026,
            code="TIP2",
            title="Not theirs",
        )
    with pytest.raises(PermissionDenied):
        services.priority_create(
            actor=user(school.headteacher),
            academy=school.other_academy,
            academic_year=2026,
            code="AIP1",
            title="Another academy's",
        )
    with pytest.raises(ObjectivesError, match="already has a priority"):
        services.priority_create(
            actor=hr, academy=None, academic_year=2026, code="tip1", title="Twice"
        )


def test_a_priority_in_use_cannot_be_deleted(school: School) -> None:
    head = user(school.headteacher)
    priority = services.priority_create(
        actor=head, academy=school.academy, academic_year=2026, code="AIP1", title="Reading"
    )
    cycle = school.cycle("classic-objectives")
    add(cycle, user(school.reviewer), "student_progress", priorities=[priority])
    with pytest.raises(ObjectivesError, match="linked to 1 objective"):
        services.priority_delete(actor=head, priority=priority)
    assert ImprovementPriority.objects.filter(pk=priority.pk).exists()


def test_an_objective_cannot_align_to_another_academys_priority(school: School) -> None:
    other = services.priority_create(
        actor=user(school.hr),
        academy=school.other_academy,
        academic_year=2026,
        code="AIP9",
        title="Elsewhere",
    )
    with pytest.raises(ObjectivesError, match="not a priority of this academy"):
        add(school.cycle("classic-objectives"), user(school.reviewer), priorities=[other])


# ----- Conversations and wellbeing notes (aspire §6.3 to §6.5, §8.2) ------------------------


@time_machine.travel(dt.datetime(2026, 10, 20, 12, 0, tzinfo=dt.UTC))
def test_aspire_8_2_agreed_notes_need_consent(school: School) -> None:
    cycle = school.cycle("aspire-grow")
    reviewer = user(school.reviewer)
    with pytest.raises(ObjectivesError, match="consent"):
        services.conversation_record(
            actor=reviewer,
            cycle=cycle,
            key="autumn",
            expected_version=0,
            held_on=dt.date(2026, 10, 15),
            agreed_notes="Wants to lead phonics.",
        )
    conversation = services.conversation_record(
        actor=reviewer,
        cycle=cycle,
        key="autumn",
        expected_version=0,
        held_on=dt.date(2026, 10, 15),
        growth_areas="Phonics",
        agreed_notes="Wants to lead phonics.",
        notes_consent=True,
    )
    assert conversation.version == 1
    with pytest.raises(StaleEditError):
        services.conversation_contribute(
            actor=user(school.teacher),
            cycle=cycle,
            key="autumn",
            expected_version=0,
            growth_areas="Mine",
            cpd_activities="",
        )
    services.conversation_contribute(
        actor=user(school.teacher),
        cycle=cycle,
        key="autumn",
        expected_version=1,
        growth_areas="Phonics; questioning",
        cpd_activities="Walkthrus course",
    )
    conversation = Conversation.objects.get(cycle=cycle, key="autumn")
    assert conversation.growth_areas == "Phonics; questioning"
    assert conversation.agreed_notes == "Wants to lead phonics."


def test_aspire_a_conversation_the_policy_does_not_list_is_refused(school: School) -> None:
    cycle = school.cycle("aspire-grow")
    with pytest.raises(ObjectivesError, match="no such conversation"):
        services.conversation_record(
            actor=user(school.reviewer), cycle=cycle, key="winter", expected_version=0, held_on=None
        )


def test_aspire_6_4a_consent_then_notes_then_withdrawal_deletes_them(school: School) -> None:
    cycle = school.cycle("aspire-grow")
    teacher, reviewer = user(school.teacher), user(school.reviewer)
    with pytest.raises(ObjectivesError, match="consent"):
        services.wellbeing_note_add(actor=reviewer, cycle=cycle, text="Sleeping badly")
    with pytest.raises(PermissionDenied):
        services.wellbeing_consent_give(actor=reviewer, cycle=cycle)
    consent = services.wellbeing_consent_give(actor=teacher, cycle=cycle)
    assert consent.given_at is not None and consent.withdrawn_at is None
    services.wellbeing_note_add(actor=reviewer, cycle=cycle, text="Sleeping badly")
    services.wellbeing_note_add(actor=teacher, cycle=cycle, text="Caring for a parent")
    with pytest.raises(PermissionDenied):
        services.wellbeing_note_add(actor=user(school.headteacher), cycle=cycle, text="No")
    assert WellbeingNote.objects.filter(cycle=cycle).count() == 2

    deleted = services.wellbeing_consent_withdraw(actor=teacher, cycle=cycle)

    assert deleted == 2
    assert not WellbeingNote.objects.filter(cycle=cycle).exists()
    # Notes have no history table at all, so no copy of the text survives anywhere.
    assert not hasattr(WellbeingNote, "history")
    from django.apps import apps

    assert not any(
        "Sleeping badly" in str(row.__dict__)
        for model in apps.get_app_config("objectives").get_models()
        if model.__name__.startswith("Historical")
        for row in model.objects.all()
    )
    consent = WellbeingConsent.objects.get(pk=consent.pk)
    assert consent.withdrawn_at is not None and consent.notes_deleted == 2
    with pytest.raises(ObjectivesError, match="consent"):
        services.wellbeing_note_add(actor=reviewer, cycle=cycle, text="After withdrawal")


def test_only_the_appraisee_withdraws_consent(school: School) -> None:
    cycle = school.cycle("aspire-grow")
    services.wellbeing_consent_give(actor=user(school.teacher), cycle=cycle)
    for person in (school.reviewer, school.headteacher, school.hr):
        with pytest.raises(PermissionDenied):
            services.wellbeing_consent_withdraw(actor=user(person), cycle=cycle)


# ----- Personal development plan (leger §2, §5) ----------------------------------------------


def test_leger_2_the_appraisee_drafts_and_the_plan_is_agreed_when_complete(school: School) -> None:
    cycle = school.cycle("leger-pdp")
    teacher, reviewer = user(school.teacher), user(school.reviewer)
    pdp = services.development_plan_save(
        actor=teacher,
        cycle=cycle,
        expected_version=0,
        answers=["Questioning in maths", "", "", ""],
        development_needs="",
    )
    with pytest.raises(ObjectivesError) as refused:
        services.development_plan_agree(actor=reviewer, cycle=cycle, expected_version=pdp.version)
    assert {b.paragraph for b in refused.value.breaches} == {"§2"}
    with pytest.raises(PermissionDenied):
        services.development_plan_agree(actor=teacher, cycle=cycle, expected_version=pdp.version)
    pdp = services.development_plan_save(
        actor=teacher,
        cycle=cycle,
        expected_version=pdp.version,
        answers=["Questioning", "Rosenshine's principles", "Exit tickets", "Department meeting"],
        development_needs="Coaching skills",
    )
    assert pdp.inquiry[1] == {
        "part": "The research-informed strategy to improve it",
        "answer": "Rosenshine's principles",
    }
    pdp = services.development_plan_agree(actor=reviewer, cycle=cycle, expected_version=pdp.version)
    assert pdp.state == PlanState.AGREED
    with pytest.raises(ObjectivesError, match="agreed"):
        services.development_plan_save(
            actor=teacher,
            cycle=cycle,
            expected_version=pdp.version,
            answers=["x"],
            development_needs="",
        )
    assert DevelopmentPlan.objects.get(cycle=cycle).development_needs == "Coaching skills"


def test_leger_5_extra_targets_only_of_the_listed_kinds(school: School) -> None:
    cycle = school.cycle("leger-pdp")
    with pytest.raises(ObjectivesError, match="kinds the policy lists"):
        add(cycle, user(school.reviewer), "student_progress")
    add(cycle, user(school.reviewer), "subject_responsibility")


# ----- Meetings ------------------------------------------------------------------------------


@time_machine.travel(dt.datetime(2027, 1, 5, 12, 0, tzinfo=dt.UTC))
def test_staploe_review_meeting_notice_and_length_are_enforced(school: School) -> None:
    cycle = school.cycle(
        "staploe-associate",
        appraisee=school.support,
        starts_on=dt.date(2027, 1, 1),
        ends_on=dt.date(2027, 12, 31),
    )
    reviewer = user(school.reviewer)
    with pytest.raises(ObjectivesError) as refused:
        services.meeting_schedule(
            actor=reviewer,
            cycle=cycle,
            kind="annual_review",
            scheduled_for=dt.date(2027, 1, 12),
            notice_given_on=dt.date(2027, 1, 5),
            planned_minutes=30,
        )
    assert len(refused.value.breaches) == 2
    meeting = services.meeting_schedule(
        actor=reviewer,
        cycle=cycle,
        kind="annual_review",
        scheduled_for=dt.date(2027, 1, 19),
        notice_given_on=dt.date(2027, 1, 5),
        planned_minutes=60,
    )
    with pytest.raises(ObjectivesError, match="future"):
        services.meeting_record(
            actor=reviewer,
            meeting=meeting,
            expected_version=meeting.version,
            scheduled_for=meeting.scheduled_for,
            notice_given_on=meeting.notice_given_on,
            planned_minutes=60,
            held_on=dt.date(2027, 1, 19),
        )
    with pytest.raises(StaleEditError):
        services.meeting_record(
            actor=reviewer,
            meeting=meeting,
            expected_version=meeting.version + 1,
            scheduled_for=meeting.scheduled_for,
        )
