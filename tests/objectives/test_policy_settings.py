"""Each setting of the policy's Objectives and Personal development plan sections changes
what the product does: every test here changes that one setting and nothing else, and
shows the difference. Pure rule functions first (no database), then the pages and
services for settings that only a page or a service can show."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from objectives import services
from objectives.deadlines import plan_due_on
from objectives.models import DevelopmentPlan, Objective, ObjectivePlan, PlanState
from objectives.permissions import can_determine_objectives
from objectives.rules import (
    DevelopmentPlanFacts,
    ObjectiveFacts,
    PlanFacts,
    RuleBreach,
    StaffCategory,
    check_development_plan,
    check_objective_plan,
    check_usual_count,
)
from objectives.selectors import objective_rule_lines
from objectives.services import ObjectivesError
from organisation.principal import principal_for
from policies.schema import AppraisalModel, ObjectiveKind, PolicySettings
from policies.schema.base import md
from tests.form_tokens import with_token

from .support import School, make_cycle, user, version_with
from .test_services import SMART

PD = ObjectiveKind.PROFESSIONAL_DEVELOPMENT.value
PROGRESS = ObjectiveKind.STUDENT_PROGRESS.value


def changed(rules: PolicySettings, section: str, **fields: Any) -> PolicySettings:
    """``rules`` with only ``section``'s ``fields`` different."""
    return rules.model_copy(update={section: getattr(rules, section).model_copy(update=fields)})


def objectives_rules(**fields: Any) -> PolicySettings:
    """The trust defaults (an objectives policy), with some objective settings set."""
    return changed(PolicySettings(), "objectives", **fields)


def pdp_rules(**fields: Any) -> PolicySettings:
    return changed(PolicySettings(model=AppraisalModel.PDP), "pdp", **fields)


def good(kind: str = "", title: str = "An objective", **kw: Any) -> ObjectiveFacts:
    return ObjectiveFacts(title=title, kind=kind, aligned=True, **kw)


def plan(category: StaffCategory, *objectives: ObjectiveFacts) -> PlanFacts:
    return PlanFacts(category=category, objectives=objectives)


def settings_of(breaches: list[RuleBreach]) -> list[str]:
    return [b.setting for b in breaches]


# ----- How many objectives ----------------------------------------------------------------


@pytest.mark.policy_setting("objectives.minimum_count")
def test_minimum_count_refuses_a_plan_with_fewer() -> None:
    one = plan(StaffCategory.TEACHER, good())
    assert check_objective_plan(objectives_rules(minimum_count=1), one) == []
    assert settings_of(check_objective_plan(objectives_rules(minimum_count=2), one)) == [
        "objectives.minimum_count"
    ]


@pytest.mark.policy_setting("objectives.maximum_count")
def test_maximum_count_refuses_a_plan_with_more() -> None:
    four = plan(StaffCategory.TEACHER, *[good()] * 4)
    assert settings_of(check_objective_plan(objectives_rules(maximum_count=3), four)) == [
        "objectives.maximum_count"
    ]
    assert check_objective_plan(objectives_rules(maximum_count=4), four) == []


@pytest.mark.policy_setting("objectives.normal_count")
def test_normal_count_warns_without_refusing_and_is_said_on_the_page() -> None:
    four = plan(StaffCategory.TEACHER, *[good()] * 4)
    usual_three = objectives_rules(maximum_count=4, normal_count=3)
    usual_four = objectives_rules(maximum_count=4, normal_count=4)
    # Neither refuses: the fewest and most are the rules.
    assert check_objective_plan(usual_three, four) == []
    assert check_objective_plan(usual_four, four) == []
    warning = check_usual_count(usual_three, four)
    assert warning is not None and warning.setting == "objectives.normal_count"
    assert "normally have 3 objectives" in warning.message and "has 4" in warning.message
    assert check_usual_count(usual_four, four) is None
    lines = [
        line.text
        for line in objective_rule_lines(usual_three, StaffCategory.TEACHER, {}, teaches=True)
    ]
    assert any(text.startswith("Normally 3 objectives") for text in lines)
    lines = [
        line.text
        for line in objective_rule_lines(usual_four, StaffCategory.TEACHER, {}, teaches=True)
    ]
    assert any(text.startswith("Normally 4 objectives") for text in lines)


@pytest.mark.policy_setting("objectives.leader_minimum_count")
def test_leader_minimum_count_applies_to_leaders_only() -> None:
    two_leader = plan(StaffCategory.LEADER, good(), good())
    two_teacher = plan(StaffCategory.TEACHER, good(), good())
    assert check_objective_plan(objectives_rules(leader_minimum_count=None), two_leader) == []
    stricter = objectives_rules(leader_minimum_count=3)
    breaches = check_objective_plan(stricter, two_leader)
    assert settings_of(breaches) == ["objectives.leader_minimum_count"]
    assert "Leaders have exactly 3" in breaches[0].message
    assert check_objective_plan(stricter, two_teacher) == []


@pytest.mark.policy_setting("objectives.leader_normal_count")
def test_leader_normal_count_is_the_usual_number_for_leaders() -> None:
    two_leader = plan(StaffCategory.LEADER, good(), good())
    same_as_everyone = check_usual_count(objectives_rules(leader_normal_count=None), two_leader)
    assert same_as_everyone is not None
    assert same_as_everyone.setting == "objectives.normal_count"
    assert check_usual_count(objectives_rules(leader_normal_count=2), two_leader) is None
    # Everyone else keeps the usual number.
    two_teacher = plan(StaffCategory.TEACHER, good(), good())
    assert check_usual_count(objectives_rules(leader_normal_count=2), two_teacher) is not None
    leaders_three = check_usual_count(
        objectives_rules(leader_normal_count=3, normal_count=2, minimum_count=1), two_leader
    )
    assert leaders_three is not None
    assert leaders_three.setting == "objectives.leader_normal_count"


@pytest.mark.policy_setting("objectives.leader_maximum_count")
def test_leader_maximum_count_lets_leaders_have_more() -> None:
    four_leader = plan(StaffCategory.LEADER, *[good()] * 4)
    assert settings_of(
        check_objective_plan(objectives_rules(leader_maximum_count=None), four_leader)
    ) == ["objectives.maximum_count"]
    assert check_objective_plan(objectives_rules(leader_maximum_count=4), four_leader) == []


@pytest.mark.policy_setting("objectives.upper_pay_range_teachers_count_as_leaders")
def test_upper_pay_range_teachers_follow_the_leaders_numbers_when_set() -> None:
    four_ups = plan(StaffCategory.UPS_TEACHER, *[good()] * 4)
    off = objectives_rules(leader_maximum_count=4, upper_pay_range_teachers_count_as_leaders=False)
    on = objectives_rules(leader_maximum_count=4, upper_pay_range_teachers_count_as_leaders=True)
    assert settings_of(check_objective_plan(off, four_ups)) == ["objectives.maximum_count"]
    assert check_objective_plan(on, four_ups) == []


# ----- Required kinds -----------------------------------------------------------------------


@pytest.mark.policy_setting("objectives.required_kinds_everyone")
def test_required_kinds_everyone() -> None:
    support = plan(StaffCategory.SUPPORT, good())
    assert check_objective_plan(objectives_rules(required_kinds_everyone=()), support) == []
    breaches = check_objective_plan(objectives_rules(required_kinds_everyone=(PD,)), support)
    assert settings_of(breaches) == ["objectives.required_kinds_everyone"]


@pytest.mark.policy_setting("objectives.required_kinds_teachers")
def test_required_kinds_teachers_apply_to_teachers_not_support_staff() -> None:
    rules = objectives_rules(required_kinds_teachers=(PROGRESS,))
    assert check_objective_plan(objectives_rules(), plan(StaffCategory.TEACHER, good())) == []
    assert settings_of(check_objective_plan(rules, plan(StaffCategory.TEACHER, good()))) == [
        "objectives.required_kinds_teachers"
    ]
    assert check_objective_plan(rules, plan(StaffCategory.SUPPORT, good())) == []


@pytest.mark.policy_setting("objectives.required_kinds_leaders")
def test_required_kinds_leaders() -> None:
    leader = plan(StaffCategory.LEADER, good())
    assert check_objective_plan(objectives_rules(), leader) == []
    rules = objectives_rules(required_kinds_leaders=(ObjectiveKind.LEADERSHIP_ROLE.value,))
    assert settings_of(check_objective_plan(rules, leader)) == ["objectives.required_kinds_leaders"]


@pytest.mark.policy_setting("objectives.required_kinds_headteacher")
def test_required_kinds_headteacher() -> None:
    head = plan(StaffCategory.HEADTEACHER, good())
    assert check_objective_plan(objectives_rules(), head) == []
    rules = objectives_rules(required_kinds_headteacher=(ObjectiveKind.STUDENT_OUTCOMES.value,))
    assert settings_of(check_objective_plan(rules, head)) == [
        "objectives.required_kinds_headteacher"
    ]


# ----- SMART, alignment, shared -------------------------------------------------------------


@pytest.mark.policy_setting("objectives.smart_required")
def test_smart_required() -> None:
    vague = plan(StaffCategory.TEACHER, good(missing_smart=("Measurable",)))
    assert settings_of(check_objective_plan(objectives_rules(smart_required=True), vague)) == [
        "objectives.smart_required"
    ]
    assert check_objective_plan(objectives_rules(smart_required=False), vague) == []


@pytest.mark.policy_setting("objectives.alignment_required")
def test_alignment_required() -> None:
    loose = plan(StaffCategory.TEACHER, ObjectiveFacts(title="Unlinked", aligned=False))
    assert settings_of(check_objective_plan(objectives_rules(alignment_required=True), loose)) == [
        "objectives.alignment_required"
    ]
    assert check_objective_plan(objectives_rules(alignment_required=False), loose) == []


@pytest.mark.policy_setting("objectives.align_to")
def test_align_to_names_the_plans_in_the_rule_and_on_the_page() -> None:
    loose = plan(StaffCategory.TEACHER, ObjectiveFacts(title="Unlinked", aligned=False))
    sip = objectives_rules(align_to=("School improvement plan",))
    tip = objectives_rules(align_to=("Trust Improvement Plan (TIP)",))
    assert "School improvement plan" in check_objective_plan(sip, loose)[0].message
    assert "Trust Improvement Plan (TIP)" in check_objective_plan(tip, loose)[0].message
    lines = objective_rule_lines(tip, StaffCategory.TEACHER, {}, teaches=True)
    assert any("Trust Improvement Plan (TIP)" in line.text for line in lines)


@pytest.mark.policy_setting("objectives.shared_objective_individual_parts")
def test_a_shared_objective_needs_its_own_part_where_the_policy_lists_parts() -> None:
    shared = plan(StaffCategory.TEACHER, good(title="Every child reads", shared=True))
    none_listed = objectives_rules(shared_objectives_allowed=True)
    listed = objectives_rules(
        shared_objectives_allowed=True, shared_objective_individual_parts=("Actions", "Evidence")
    )
    assert check_objective_plan(none_listed, shared) == []
    breaches = check_objective_plan(listed, shared)
    assert settings_of(breaches) == ["objectives.shared_objective_individual_parts"]
    assert "actions or evidence" in breaches[0].message
    written = plan(
        StaffCategory.TEACHER,
        good(title="Every child reads", shared=True, individual_parts_written=1),
    )
    assert check_objective_plan(listed, written) == []


# ----- When objectives are due --------------------------------------------------------------


@pytest.mark.policy_setting("objectives.set_by")
def test_set_by_moves_the_day_objectives_are_due() -> None:
    start = dt.date(2026, 9, 1)
    assert plan_due_on(objectives_rules(set_by=md(10, 31)), start) == (
        dt.date(2026, 10, 31),
        "objectives.set_by",
    )
    assert plan_due_on(objectives_rules(set_by=md(11, 30)), start) == (
        dt.date(2026, 11, 30),
        "objectives.set_by",
    )
    assert plan_due_on(objectives_rules(set_by=None), start) is None


@pytest.mark.policy_setting("objectives.set_at_annual_review_meeting")
def test_set_at_annual_review_meeting_makes_them_due_at_the_review() -> None:
    start = dt.date(2026, 9, 1)
    base = changed(objectives_rules(set_by=md(9, 30)), "review", staff_review_due=md(10, 31))
    off = changed(base, "objectives", set_at_annual_review_meeting=False)
    on = changed(base, "objectives", set_at_annual_review_meeting=True)
    assert plan_due_on(off, start) == (dt.date(2026, 9, 30), "objectives.set_by")
    assert plan_due_on(on, start) == (
        dt.date(2026, 10, 31),
        "objectives.set_at_annual_review_meeting",
    )


# ----- Personal development plan ------------------------------------------------------------

COMPLETE = ("a", "b", "c", "d")


@pytest.mark.policy_setting("pdp.professional_iq_required")
def test_professional_iq_required() -> None:
    blank = DevelopmentPlanFacts(answers=(), development_needs="Needs")
    assert "pdp.professional_iq_parts" in settings_of(
        check_development_plan(pdp_rules(professional_iq_required=True), blank)
    )
    assert check_development_plan(pdp_rules(professional_iq_required=False), blank) == []


@pytest.mark.policy_setting("pdp.professional_iq_parts")
def test_professional_iq_parts_are_the_questions_to_answer() -> None:
    one_answer = DevelopmentPlanFacts(answers=("Questioning",), development_needs="Needs")
    assert check_development_plan(pdp_rules(professional_iq_parts=("Focus",)), one_answer) == []
    breaches = check_development_plan(
        pdp_rules(professional_iq_parts=("Focus", "How impact is assessed")), one_answer
    )
    assert settings_of(breaches) == ["pdp.professional_iq_parts"]
    assert "How impact is assessed" in breaches[0].message


@pytest.mark.policy_setting("pdp.development_needs_required")
def test_development_needs_required() -> None:
    no_needs = DevelopmentPlanFacts(answers=COMPLETE)
    assert settings_of(
        check_development_plan(pdp_rules(development_needs_required=True), no_needs)
    ) == ["pdp.development_needs_required"]
    assert check_development_plan(pdp_rules(development_needs_required=False), no_needs) == []


@pytest.mark.policy_setting("pdp.extra_target_kinds")
def test_extra_target_kinds_are_the_only_targets_a_plan_holds() -> None:
    facts = DevelopmentPlanFacts(
        answers=COMPLETE, development_needs="x", targets=(good("post_threshold"),)
    )
    assert settings_of(check_development_plan(pdp_rules(extra_target_kinds=()), facts)) == [
        "pdp.extra_target_kinds"
    ]
    assert check_development_plan(pdp_rules(extra_target_kinds=("post_threshold",)), facts) == []


@pytest.mark.policy_setting("pdp.extra_targets_link_to")
def test_extra_targets_link_to_names_what_targets_relate_to() -> None:
    facts = DevelopmentPlanFacts(
        answers=COMPLETE,
        development_needs="x",
        targets=(ObjectiveFacts(title="Lead maths", kind="post_threshold", aligned=False),),
    )
    kinds = {"extra_target_kinds": ("post_threshold",)}
    academy = check_development_plan(
        pdp_rules(**kinds, extra_targets_link_to="Academy improvement priorities"), facts
    )
    trust = check_development_plan(
        pdp_rules(**kinds, extra_targets_link_to="Trust strategic priorities"), facts
    )
    assert "academy improvement priorities" in academy[0].message
    assert "trust strategic priorities" in trust[0].message


@pytest.mark.policy_setting("pdp.differentiated_for_support_roles")
def test_support_staff_plans_say_how_they_suit_the_role_where_differentiated() -> None:
    support = DevelopmentPlanFacts(answers=COMPLETE, development_needs="x", support_staff=True)
    assert settings_of(
        check_development_plan(pdp_rules(differentiated_for_support_roles=True), support)
    ) == ["pdp.differentiated_for_support_roles"]
    assert check_development_plan(pdp_rules(differentiated_for_support_roles=False), support) == []
    teacher = DevelopmentPlanFacts(answers=COMPLETE, development_needs="x")
    assert check_development_plan(pdp_rules(differentiated_for_support_roles=True), teacher) == []


# ----- Pages and services (database) --------------------------------------------------------


def client_for(member: Any) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def staploe_cycle(school: School, changes: dict[str, Any], label: str, year: int = 2027) -> Any:
    version = version_with(school.trust, "staploe-associate", changes, label=label)
    return make_cycle(
        school.support,
        version,
        reviewer=school.reviewer,
        starts_on=dt.date(year, 1, 1),
        ends_on=dt.date(year, 12, 31),
    )


def year_cycle(school: School, member: Any, version: Any, year: int) -> Any:
    """A September-to-August cycle starting in ``year``: one person can have one a year."""
    return make_cycle(
        member,
        version,
        reviewer=school.reviewer,
        starts_on=dt.date(year, 9, 1),
        ends_on=dt.date(year + 1, 8, 31),
    )


def agreed_plan(cycle: Any) -> ObjectivePlan:
    return ObjectivePlan.objects.create(
        trust_id=cycle.trust_id, cycle=cycle, state=PlanState.AGREED, version=3
    )


@pytest.mark.django_db
@pytest.mark.policy_setting("objectives.either_party_may_ask_for_review")
def test_either_party_may_ask_for_agreed_objectives_to_be_reviewed(school: School) -> None:
    on = staploe_cycle(school, {"objectives.either_party_may_ask_for_review": True}, "on")
    off = staploe_cycle(school, {"objectives.either_party_may_ask_for_review": False}, "off", 2028)
    for cycle in (on, off):
        agreed_plan(cycle)
    page_on = client_for(school.support).get(reverse("objectives:plan", args=[on.pk]))
    page_off = client_for(school.support).get(reverse("objectives:plan", args=[off.pk]))
    assert "Ask for the objectives to be reviewed" in page_on.content.decode()
    assert "Ask for the objectives to be reviewed" not in page_off.content.decode()

    asked = services.plan_request_review(
        actor=user(school.support), cycle=on, reason="My role changed in March.", expected_version=3
    )
    assert asked.review_requested_by == user(school.support)
    reviewer_page = client_for(school.reviewer).get(reverse("objectives:plan", args=[on.pk]))
    assert "My role changed in March." in reviewer_page.content.decode()
    with pytest.raises(ObjectivesError, match="does not let"):
        services.plan_request_review(
            actor=user(school.reviewer), cycle=off, reason="Restructure.", expected_version=3
        )
    # Posting the form anyway is refused with the reason on the page, not a server error.
    refused = client_for(school.support).post(
        reverse("objectives:plan_action", args=[off.pk, "ask_review"]),
        {"ask_review-version": 3, "ask_review-reason": "Restructure."},
    )
    assert refused.status_code == 400
    assert "does not let" in refused.content.decode()
    assert not ObjectivePlan.objects.get(cycle=off).review_requested
    # Reopening answers the request.
    services.plan_reopen(
        actor=user(school.reviewer), cycle=on, reason="Reviewing as asked", expected_version=4
    )
    assert not ObjectivePlan.objects.get(cycle=on).review_requested


@pytest.mark.django_db
@pytest.mark.policy_setting("objectives.account_for_absence")
def test_absence_to_take_into_account_is_recorded_where_the_policy_says(school: School) -> None:
    on = staploe_cycle(school, {"objectives.account_for_absence": True}, "on")
    off = staploe_cycle(school, {"objectives.account_for_absence": False}, "off", 2028)
    for cycle in (on, off):
        agreed_plan(cycle)
    page_on = client_for(school.reviewer).get(reverse("objectives:plan", args=[on.pk]))
    page_off = client_for(school.reviewer).get(reverse("objectives:plan", args=[off.pk]))
    assert "Absence to take into account" in page_on.content.decode()
    assert "Absence to take into account" not in page_off.content.decode()

    saved = client_for(school.support).post(
        reverse("objectives:plan_action", args=[on.pk, "absence"]),
        {"absence-version": 3, "absence-note": "Sickness absence, 3 to 28 February."},
    )
    assert saved.status_code == 302
    assert ObjectivePlan.objects.get(cycle=on).absence_note.startswith("Sickness absence")
    record = client_for(school.reviewer).get(reverse("objectives:cycle", args=[on.pk]))
    assert "Sickness absence, 3 to 28 February." in record.content.decode()
    with pytest.raises(ObjectivesError, match="does not record absence"):
        services.plan_record_absence(
            actor=user(school.reviewer), cycle=off, note="Sick", expected_version=3
        )


@pytest.mark.django_db
@pytest.mark.policy_setting("objectives.normal_count")
def test_the_add_objective_page_says_the_usual_number_and_warns(school: School) -> None:
    three = version_with(school.trust, "classic-objectives", {"objectives.normal_count": 3})
    four = version_with(
        school.trust, "classic-objectives", {"objectives.normal_count": 4}, label="four"
    )
    for year, version, warned in ((2026, three, False), (2027, four, True)):
        cycle = year_cycle(school, school.teacher, version, year)
        for n in range(2):
            Objective.objects.create(trust_id=cycle.trust_id, cycle=cycle, title=f"Obj {n}")
        page = client_for(school.reviewer).get(reverse("objectives:objective_add", args=[cycle.pk]))
        text = page.content.decode()
        usual = 3 if version is three else 4
        assert f"normally have {usual} objectives" in text
        assert ("not the usual number" in text) is warned
        plan_page = client_for(school.reviewer).get(reverse("objectives:plan", args=[cycle.pk]))
        assert f"normally have {usual} objectives under this policy; this plan has 2" in (
            plan_page.content.decode()
        )


@pytest.mark.django_db
@pytest.mark.policy_setting("objectives.shared_objective_individual_parts")
def test_a_shared_objective_form_has_a_field_for_each_individual_part(school: School) -> None:
    head = user(school.headteacher)
    shared = services.shared_objective_create(actor=head, academy=school.academy, title="Team")
    parts = version_with(school.trust, "langley-interim", {})
    no_parts = version_with(
        school.trust,
        "langley-interim",
        {"objectives.shared_objective_individual_parts": []},
        label="no parts",
    )
    with_parts = make_cycle(school.teacher, parts, reviewer=school.reviewer)
    without = make_cycle(school.support, no_parts, reviewer=school.reviewer)
    one, two = services.shared_objective_assign(
        actor=head, shared=shared, cycles=[with_parts, without]
    )
    reviewer = client_for(school.reviewer)
    form_with = reviewer.get(reverse("objectives:objective_edit", args=[with_parts.pk, one.pk]))
    form_without = reviewer.get(reverse("objectives:objective_edit", args=[without.pk, two.pk]))
    assert "Evidence (their own)" in form_with.content.decode()
    assert "Evidence (their own)" not in form_without.content.decode()
    saved = reviewer.post(
        reverse("objectives:objective_edit", args=[with_parts.pk, one.pk]),
        {
            **SMART,
            "version": one.version,
            "status": "not_started",
            "individual_part_0": "Tom's class reads 20 minutes a day",
        },
    )
    assert saved.status_code == 302
    one.refresh_from_db()
    assert one.individual_part_text("Performance (success) criteria").startswith("Tom's class")
    assert one.individual_part_text("Evidence") == ""
    record = reviewer.get(reverse("objectives:cycle", args=[with_parts.pk])).content.decode()
    assert "Performance (success) criteria (their own)" in record


@pytest.mark.django_db
@pytest.mark.policy_setting("objectives.shared_objectives_allowed")
def test_shared_objectives_are_given_only_under_a_policy_that_allows_them(school: School) -> None:
    head = user(school.headteacher)
    shared = services.shared_objective_create(actor=head, academy=school.academy, title="Team")
    allowed = version_with(school.trust, "langley-interim", {})
    refused = version_with(
        school.trust, "langley-interim", {"objectives.shared_objectives_allowed": False}, label="no"
    )
    ok = make_cycle(school.teacher, allowed, reviewer=school.reviewer)
    not_ok = make_cycle(school.support, refused, reviewer=school.reviewer)
    with pytest.raises(ObjectivesError, match="does not have shared objectives"):
        services.shared_objective_assign(actor=head, shared=shared, cycles=[not_ok])
    assert services.shared_objective_assign(actor=head, shared=shared, cycles=[ok])


@pytest.mark.django_db
@pytest.mark.policy_setting("objectives.disagreement_decided_by")
def test_the_headteacher_decides_disagreements_only_where_the_policy_says(school: School) -> None:
    head = principal_for(user(school.headteacher))
    by_head = version_with(school.trust, "staploe-associate", {})
    by_nobody = version_with(
        school.trust,
        "staploe-associate",
        {"objectives.disagreement_decided_by": "not_set"},
        label="nobody",
    )
    assert can_determine_objectives(
        head, make_cycle(school.support, by_head, reviewer=school.reviewer)
    )
    assert not can_determine_objectives(
        head, make_cycle(school.teacher, by_nobody, reviewer=school.reviewer)
    )


@pytest.mark.django_db
@pytest.mark.policy_setting("pdp.pedagogical_approach_for_student_facing_only")
def test_the_plan_form_says_the_teaching_approach_is_for_student_facing_staff(
    school: School,
) -> None:
    sentence = "A teaching approach is part of it only for teachers"
    for year, value in ((2026, True), (2027, False)):
        version = version_with(
            school.trust,
            "leger-pdp",
            {"pdp.pedagogical_approach_for_student_facing_only": value},
            label=str(value),
        )
        cycle = year_cycle(school, school.teacher, version, year)
        page = client_for(school.teacher).get(reverse("objectives:pdp", args=[cycle.pk]))
        assert page.status_code == 200
        assert (sentence in page.content.decode()) is value


@pytest.mark.django_db
@pytest.mark.policy_setting("pdp.differentiated_for_support_roles")
def test_a_support_member_of_staff_s_plan_says_how_it_suits_their_role(school: School) -> None:
    cycles = {}
    for year, value in ((2026, True), (2027, False)):
        version = version_with(
            school.trust,
            "leger-pdp",
            {"pdp.differentiated_for_support_roles": value},
            label=str(value),
        )
        cycles[value] = year_cycle(school, school.support, version, year)
    client = client_for(school.support)
    on = client.get(reverse("objectives:pdp", args=[cycles[True].pk])).content.decode()
    off = client.get(reverse("objectives:pdp", args=[cycles[False].pk])).content.decode()
    assert "How this plan suits the role" in on
    assert "How this plan suits the role" not in off
    answers = {f"part_{i}": "Answer" for i in range(4)}
    saved = client.post(
        reverse("objectives:pdp", args=[cycles[True].pk]),
        with_token(
            {
                "action": "save",
                "version": 0,
                **answers,
                "development_needs": "Training in first aid",
                "role_fit": "Library assistant: reading for pleasure",
            }
        ),
    )
    assert saved.status_code == 302
    assert DevelopmentPlan.objects.get(cycle=cycles[True]).role_fit.startswith("Library")
    with pytest.raises(ObjectivesError) as refused:
        services.development_plan_agree(
            actor=user(school.reviewer), cycle=cycles[False], expected_version=None
        )
    assert "pdp.differentiated_for_support_roles" not in [b.setting for b in refused.value.breaches]


@pytest.mark.django_db
def test_asking_for_a_review_without_saying_why_is_a_form_error(school: School) -> None:
    cycle = staploe_cycle(school, {}, "default")
    agreed_plan(cycle)
    response = client_for(school.support).post(
        reverse("objectives:plan_action", args=[cycle.pk, "ask_review"]),
        {"ask_review-version": 3, "ask_review-reason": "  "},
    )
    assert response.status_code == 400
    assert "Say what has changed, so the objectives can be reviewed." in response.content.decode()
    assert not ObjectivePlan.objects.get(cycle=cycle).review_requested
    nonsense = client_for(school.support).post(
        reverse("objectives:plan_action", args=[cycle.pk, "absence"]),
        {"absence-version": "x", "absence-note": "n" * 6000},
    )
    assert nonsense.status_code == 400
