"""The objectives pages: who may see and do what, what the pages say, and that bad or
stale input saves nothing and never gives a server error."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape

from cycles.models import AppraisalCycle
from objectives import services
from objectives.models import (
    Conversation,
    DevelopmentPlan,
    ImprovementPriority,
    Meeting,
    Objective,
    ObjectiveComment,
    ObjectivePlan,
    PlanState,
    SharedObjective,
    WellbeingNote,
)
from organisation.models import StaffMember
from policies.schema import Reader
from tests.form_tokens import with_token

from .support import PRESETS, School, user
from .test_services import SMART, add

pytestmark = pytest.mark.django_db

SECRET = "WELLBEINGSECRET-caring-for-a-parent"


def client_for(member: StaffMember | Any) -> Client:
    client = Client()
    client.force_login(member.user if isinstance(member, StaffMember) else member)
    return client


def objective_post(version: int = 0, **kw: Any) -> dict[str, Any]:
    return {
        "version": version,
        "kind": "student_progress",
        "title": "Improve Year 4 reading",
        **SMART,
        "alignment": "School improvement/development plan",
        "status": "not_started",
        **kw,
    }


def cycle_pages(cycle: AppraisalCycle) -> list[str]:
    pages = [reverse("objectives:cycle", args=[cycle.pk])]
    with contextlib.suppress(NoReverseMatch):
        pages.append(reverse("cycles:detail", args=[cycle.pk]))
    return pages


# ----- Access --------------------------------------------------------------------------------


def test_reviewer_adds_an_objective(school: School) -> None:
    cycle = school.cycle("classic-objectives")
    client = client_for(school.reviewer)
    url = reverse("objectives:objective_add", args=[cycle.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, with_token(objective_post()))
    assert response.status_code == 302
    objective = Objective.objects.get(cycle=cycle)
    assert objective.title == "Improve Year 4 reading"
    page = client.get(reverse("objectives:cycle", args=[cycle.pk]))
    assert "Improve Year 4 reading" in page.content.decode()


def test_classic_smart_parts_are_required_on_the_form(school: School) -> None:
    cycle = school.cycle("staploe-associate", appraisee=school.support)
    client = client_for(school.reviewer)
    response = client.post(
        reverse("objectives:objective_add", args=[cycle.pk]),
        objective_post(kind="", measurable="", alignment="School improvement plan"),
    )
    assert response.status_code == 200
    assert "Say what makes it measurable" in response.content.decode()
    assert not Objective.objects.exists()


def test_appraisee_comments_but_cannot_set_or_agree_objectives(school: School) -> None:
    cycle = school.cycle("classic-objectives")
    objective = add(cycle, user(school.reviewer), "student_progress")
    client = client_for(school.teacher)
    assert client.get(reverse("objectives:objective_add", args=[cycle.pk])).status_code == 403
    assert (
        client.get(reverse("objectives:objective_edit", args=[cycle.pk, objective.pk])).status_code
        == 403
    )
    response = client.post(
        reverse("objectives:objective_comment", args=[cycle.pk, objective.pk]),
        with_token({"text": "I would like phonics training for this."}),
    )
    assert response.status_code == 302
    assert ObjectiveComment.objects.get().author_name == school.teacher.full_name
    plan_version = ObjectivePlan.objects.get(cycle=cycle).version
    response = client.post(
        reverse("objectives:plan_action", args=[cycle.pk, "agree"]),
        with_token({"agree-version": plan_version}),
    )
    assert response.status_code == 403
    assert ObjectivePlan.objects.get(cycle=cycle).state == PlanState.DRAFT


def test_the_plan_is_proposed_answered_and_agreed_through_the_pages(school: School) -> None:
    cycle = school.cycle("classic-objectives")
    add(cycle, user(school.reviewer), "student_progress")
    reviewer, teacher = client_for(school.reviewer), client_for(school.teacher)

    def version() -> int:
        return ObjectivePlan.objects.get(cycle=cycle).version

    def act(client: Client, action: str, **data: Any) -> Any:
        fields = {f"{action}-version": version(), **{f"{action}-{k}": v for k, v in data.items()}}
        return client.post(reverse("objectives:plan_action", args=[cycle.pk, action]), fields)

    assert act(reviewer, "propose").status_code == 302
    page = teacher.get(reverse("objectives:plan", args=[cycle.pk])).content.decode()
    assert "Do you agree these objectives?" in page
    assert act(teacher, "respond", agrees="yes").status_code == 302
    assert act(reviewer, "agree").status_code == 302
    assert ObjectivePlan.objects.get(cycle=cycle).state == PlanState.AGREED


def test_the_plan_page_says_which_rule_is_broken_and_why(school: School) -> None:
    cycle = school.cycle("classic-objectives")
    add(cycle, user(school.reviewer), title="Tidy the classroom")
    client = client_for(school.reviewer)
    page = client.get(reverse("objectives:plan", args=[cycle.pk])).content.decode()
    assert "A required kind of objective is missing" in page
    assert "student progress" in page
    assert "(policy §1.4)" in page
    plan_version = ObjectivePlan.objects.get(cycle=cycle).version
    response = client.post(
        reverse("objectives:plan_action", args=[cycle.pk, "propose"]),
        {"propose-version": plan_version},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "cannot be proposed yet" in body and "§1.4" in body
    assert ObjectivePlan.objects.get(cycle=cycle).state == PlanState.DRAFT


@pytest.mark.parametrize("who", ["colleague", "outsider"])
def test_colleagues_and_other_trusts_get_not_found(school: School, who: str) -> None:
    cycle = school.cycle("classic-objectives")
    objective = add(cycle, user(school.reviewer), "student_progress")
    meeting = services.meeting_schedule(
        actor=user(school.reviewer), cycle=cycle, kind="interim", scheduled_for=dt.date(2027, 2, 1)
    )
    client = client_for(getattr(school, who))
    urls = [
        reverse("objectives:cycle", args=[cycle.pk]),
        reverse("objectives:plan", args=[cycle.pk]),
        reverse("objectives:objective_add", args=[cycle.pk]),
        reverse("objectives:objective_edit", args=[cycle.pk, objective.pk]),
        reverse("objectives:objective_comment", args=[cycle.pk, objective.pk]),
        reverse("objectives:meeting_edit", args=[cycle.pk, meeting.pk]),
        reverse("objectives:wellbeing", args=[cycle.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.post(urls[4], {"text": "Sneaky"}).status_code == 404
    assert not ObjectiveComment.objects.exists()


def test_a_child_of_another_cycle_is_not_found_through_this_one(school: School) -> None:
    mine = school.cycle("classic-objectives", appraisee=school.teacher)
    theirs = school.cycle("classic-objectives", appraisee=school.ups_teacher)
    objective = add(theirs, user(school.reviewer), "student_progress")
    client = client_for(school.teacher)
    url = reverse("objectives:objective_comment", args=[mine.pk, objective.pk])
    assert client.get(url).status_code == 404


# ----- Stale edits ---------------------------------------------------------------------------


def test_a_stale_edit_says_someone_else_changed_it_and_saves_nothing(school: School) -> None:
    cycle = school.cycle("classic-objectives")
    objective = add(cycle, user(school.reviewer), "student_progress", title="Original")
    opened = objective.version
    services.objective_update(
        actor=user(school.headteacher),
        objective=objective,
        expected_version=opened,
        title="Changed by the headteacher",
    )
    response = client_for(school.reviewer).post(
        reverse("objectives:objective_edit", args=[cycle.pk, objective.pk]),
        objective_post(version=opened, title="Changed by the reviewer"),
    )
    assert response.status_code == 200
    assert "Someone else changed this" in response.content.decode()
    assert Objective.objects.get(pk=objective.pk).title == "Changed by the headteacher"


def test_a_tampered_version_is_a_form_error_not_a_server_error(school: School) -> None:
    cycle = school.cycle("classic-objectives")
    response = client_for(school.reviewer).post(
        reverse("objectives:objective_add", args=[cycle.pk]), objective_post(version="abc")
    )
    assert response.status_code == 200
    assert "This page is out of date" in response.content.decode()
    assert not Objective.objects.exists()


@time_machine.travel(dt.datetime(2026, 10, 20, 12, 0, tzinfo=dt.UTC))
def test_a_stale_conversation_edit_is_detected(school: School) -> None:
    cycle = school.cycle("aspire-grow")
    url = reverse("objectives:conversation", args=[cycle.pk, "autumn"])
    reviewer = client_for(school.reviewer)
    form = {"version": 0, "held_on": "2026-10-15", "growth_areas": "Phonics", "cpd_activities": ""}
    assert reviewer.post(url, with_token(form)).status_code == 302
    response = reviewer.post(url, with_token({**form, "growth_areas": "Overwrite"}))
    assert "Someone else changed this" in response.content.decode()
    assert Conversation.objects.get(cycle=cycle).growth_areas == "Phonics"


# ----- Wellbeing notes stay private (aspire §6.4a) -------------------------------------------


def test_wellbeing_notes_never_appear_on_the_cycle_page(school: School) -> None:
    cycle = school.cycle("aspire-grow")
    services.wellbeing_consent_give(actor=user(school.teacher), cycle=cycle)
    services.wellbeing_note_add(actor=user(school.reviewer), cycle=cycle, text=SECRET)
    services.wellbeing_note_add(actor=user(school.teacher), cycle=cycle, text=SECRET + "-own")
    for person in (school.reviewer, school.headteacher, school.hr, school.teacher):
        client = client_for(person)
        for url in cycle_pages(cycle):
            response = client.get(url)
            # HR is not among aspire's readers: it gets the cycle page without the record.
            assert response.status_code == 200 or person is school.hr, (person, url)
            assert SECRET not in response.content.decode(), (person, url)


def test_wellbeing_page_only_for_the_appraisee_and_the_notes_writer(school: School) -> None:
    cycle = school.cycle("aspire-grow")
    services.wellbeing_consent_give(actor=user(school.teacher), cycle=cycle)
    services.wellbeing_note_add(actor=user(school.reviewer), cycle=cycle, text=SECRET + "-rev")
    services.wellbeing_note_add(actor=user(school.teacher), cycle=cycle, text=SECRET + "-own")
    url = reverse("objectives:wellbeing", args=[cycle.pk])
    for person in (school.headteacher, school.hr):
        assert client_for(person).get(url).status_code == 404
    reviewer_page = client_for(school.reviewer).get(url).content.decode()
    assert SECRET + "-rev" in reviewer_page and SECRET + "-own" not in reviewer_page
    own_page = client_for(school.teacher).get(url).content.decode()
    assert SECRET + "-rev" in own_page and SECRET + "-own" in own_page


def test_consent_withdrawn_from_the_page_deletes_the_notes(school: School) -> None:
    cycle = school.cycle("aspire-grow")
    client = client_for(school.teacher)
    url = reverse("objectives:wellbeing", args=[cycle.pk])
    assert (
        client.post(url, with_token({"action": "add", "text": "Before consent"})).status_code == 400
    )
    assert not WellbeingNote.objects.exists()
    assert client.post(url, with_token({"action": "consent"})).status_code == 302
    assert client.post(url, with_token({"action": "add", "text": SECRET})).status_code == 302
    assert WellbeingNote.objects.count() == 1
    assert client.post(url, with_token({"action": "withdraw"})).status_code == 302
    assert not WellbeingNote.objects.exists()
    assert SECRET not in client.get(url).content.decode()
    # The reviewer cannot withdraw on the member of staff's behalf.
    assert (
        client_for(school.reviewer).post(url, with_token({"action": "withdraw"})).status_code == 403
    )


# ----- Conversations, development plans, meetings ---------------------------------------------


def test_aspire_6_4b_the_focus_is_worded_for_the_role(school: School) -> None:
    teacher_cycle = school.cycle("aspire-grow")
    support_cycle = school.cycle("aspire-grow", appraisee=school.support)
    rules = teacher_cycle.policy_version.rules
    teacher_page = client_for(school.teacher).get(
        reverse("objectives:cycle", args=[teacher_cycle.pk])
    )
    assert escape(rules.conversations.focus_wording_teachers) in teacher_page.content.decode()
    support_page = client_for(school.support).get(
        reverse("objectives:cycle", args=[support_cycle.pk])
    )
    body = support_page.content.decode()
    assert escape(rules.conversations.focus_wording_support) in body
    assert escape(rules.conversations.focus_wording_teachers) not in body


def test_aspire_6_5_the_appraisee_adds_their_own_growth_areas(school: School) -> None:
    cycle = school.cycle("aspire-grow")
    url = reverse("objectives:conversation", args=[cycle.pk, "autumn"])
    client = client_for(school.teacher)
    page = client.get(url).content.decode()
    assert "Your areas for professional growth" in page and "Agreed notes" not in page
    response = client.post(
        url,
        with_token({"version": 0, "growth_areas": "Questioning", "cpd_activities": "Walkthrus"}),
    )
    assert response.status_code == 302
    assert Conversation.objects.get(cycle=cycle).growth_areas == "Questioning"
    assert (
        client.get(reverse("objectives:conversation", args=[cycle.pk, "winter"])).status_code == 404
    )


def test_leger_2_the_development_plan_page(school: School) -> None:
    cycle = school.cycle("leger-pdp")
    url = reverse("objectives:pdp", args=[cycle.pk])
    teacher = client_for(school.teacher)
    page = teacher.get(url).content.decode()
    assert "How it will be shared across the school or wider trust" in page
    data = {
        "action": "save",
        "version": 0,
        "part_0": "Questioning",
        "part_1": "Rosenshine",
        "part_2": "Exit tickets",
        "part_3": "Briefing",
        "development_needs": "Coaching",
    }
    assert teacher.post(url, data).status_code == 302
    pdp = DevelopmentPlan.objects.get(cycle=cycle)
    reviewer = client_for(school.reviewer)
    response = reviewer.post(url, {"action": "agree", "version": pdp.version})
    assert response.status_code == 302
    assert DevelopmentPlan.objects.get(cycle=cycle).state == PlanState.AGREED
    assert client_for(school.colleague).get(url).status_code == 404


@time_machine.travel(dt.datetime(2027, 1, 5, 12, 0, tzinfo=dt.UTC))
def test_staploe_meeting_page_refuses_short_notice(school: School) -> None:
    cycle = school.cycle(
        "staploe-associate",
        appraisee=school.support,
        starts_on=dt.date(2027, 1, 1),
        ends_on=dt.date(2027, 12, 31),
    )
    client = client_for(school.reviewer)
    url = reverse("objectives:meeting_add", args=[cycle.pk])
    response = client.post(
        url,
        with_token(
            {"kind": "annual_review", "scheduled_for": "2027-01-12", "planned_minutes": "60"}
        ),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Give at least 14 days" in body and "Performance Management Review Meeting" in body
    assert not Meeting.objects.exists()
    response = client.post(
        url,
        with_token(
            {"kind": "annual_review", "scheduled_for": "2027-01-20", "planned_minutes": "60"}
        ),
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    edit = reverse("objectives:meeting_edit", args=[cycle.pk, meeting.pk])
    assert client_for(school.support).get(edit).status_code == 403


def test_nonsense_dates_are_form_errors(school: School) -> None:
    cycle = school.cycle("classic-objectives")
    response = client_for(school.reviewer).post(
        reverse("objectives:meeting_add", args=[cycle.pk]),
        {"kind": "interim", "scheduled_for": "31/02/2027"},
    )
    assert response.status_code == 200
    assert not Meeting.objects.exists()


# ----- Priorities and shared objectives -------------------------------------------------------


def test_priorities_page_for_hr_and_headteachers_only(school: School) -> None:
    url = reverse("objectives:priorities")
    assert client_for(school.teacher).get(url).status_code == 404
    assert client_for(school.outsider).get(reverse("objectives:priority_add")).status_code == 200
    head = client_for(school.headteacher)
    response = head.post(
        reverse("objectives:priority_add"),
        with_token(
            {
                "plan": str(school.academy.pk),
                "academic_year": 2026,
                "code": "AIP1",
                "title": "Reading",
            }
        ),
    )
    assert response.status_code == 302
    priority = ImprovementPriority.objects.get()
    assert priority.academy == school.academy and priority.trust == school.trust
    assert "Reading" in head.get(url + "?year=2026").content.decode()
    refused = head.post(
        reverse("objectives:priority_add"),
        with_token({"plan": "trust", "academic_year": 2026, "code": "TIP1", "title": "Not theirs"}),
    )
    assert refused.status_code == 200  # not a choice they have: a form error
    assert ImprovementPriority.objects.count() == 1
    assert (
        client_for(school.outsider)
        .get(reverse("objectives:priority_edit", args=[priority.pk]))
        .status_code
        == 404
    )


def test_shared_objective_created_and_given_to_several_at_once(school: School) -> None:
    cycles = [
        school.cycle("langley-interim", appraisee=school.teacher),
        school.cycle("langley-interim", appraisee=school.ups_teacher),
        school.cycle("langley-interim", appraisee=school.leader),
    ]
    head = client_for(school.headteacher)
    response = head.post(
        reverse("objectives:shared_add"),
        with_token(
            {
                "academy": str(school.academy.pk),
                "kind": "whole_school_or_team",
                "title": "Improve attendance",
                "description": "Whole-school attendance at 96%.",
                "priority": "",
            }
        ),
    )
    assert response.status_code == 302
    shared = SharedObjective.objects.get()
    detail = reverse("objectives:shared_detail", args=[shared.pk])
    response = head.post(detail, with_token({"cycles": [str(cycles[0].pk), str(cycles[1].pk)]}))
    assert response.status_code == 302
    assert set(Objective.objects.filter(shared=shared).values_list("cycle_id", flat=True)) == {
        cycles[0].pk,
        cycles[1].pk,
    }
    page = head.get(detail).content.decode()
    assert escape(school.teacher.full_name) in page and "Already has this objective" in page
    # A reviewer at the academy gives the headteacher's objective to the people they review.
    reviewer = client_for(school.reviewer)
    assert "Improve attendance" in reviewer.get(reverse("objectives:shared_list")).content.decode()
    assert reviewer.post(detail, with_token({"cycles": [str(cycles[2].pk)]})).status_code == 302
    assert Objective.objects.filter(shared=shared).count() == 3
    assert client_for(school.teacher).get(detail).status_code == 404
    assert client_for(school.outsider).get(detail).status_code == 404


# ----- The section costs the same whatever it holds ---------------------------------------------


def test_the_section_takes_a_fixed_number_of_queries(
    school: School, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cycle = school.cycle("classic-objectives")
    reviewer = user(school.reviewer)
    add(cycle, reviewer, "student_progress")
    client = client_for(school.reviewer)
    url = reverse("objectives:cycle", args=[cycle.pk])
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as first:
        assert client.get(url).status_code == 200
    for n in range(6):
        # Past the policy's most, which adding refuses: written directly, as the page must
        # stay flat whatever the number.
        objective = Objective.objects.create(
            trust_id=cycle.trust_id, cycle=cycle, title=f"More {n}", position=n + 2
        )
        services.objective_comment_add(actor=user(school.teacher), objective=objective, text="Ok")
        services.meeting_schedule(
            actor=reviewer, cycle=cycle, kind="interim", scheduled_for=dt.date(2027, 1, n + 1)
        )
    with django_assert_max_num_queries(len(first)):
        response = client.get(url)
    assert response.content.decode().count("More ") >= 6


def test_priorities_and_shared_objectives_are_linked_for_those_they_serve(
    school: School,
) -> None:
    """Improvement priorities are on the Administration page of those who set them; shared
    objectives are linked from a reviewer's "My reviewees"; a teacher sees neither."""
    school.cycle("langley-interim")
    admin_page = reverse("organisation:administration")
    reviewees = reverse("cycles:reviewees")
    nav_priorities = f'href="{reverse("objectives:priorities")}"'
    nav_shared = f'href="{reverse("objectives:shared_list")}"'
    assert nav_priorities in client_for(school.headteacher).get(admin_page).content.decode()
    reviewer = client_for(school.reviewer)
    assert nav_shared in reviewer.get(reviewees).content.decode()
    assert reviewer.get(admin_page).status_code == 404
    teacher = client_for(school.teacher)
    assert teacher.get(admin_page).status_code == 404
    home = teacher.get("/").content.decode()
    assert nav_shared not in home and nav_priorities not in home


@pytest.mark.parametrize("key", PRESETS)
def test_every_policy_s_section_renders_for_everyone_who_may_read_it(
    school: School, key: str
) -> None:
    cycle = school.cycle(key)
    reviewer = user(school.reviewer)
    model = cycle.policy_version.rules.model
    if model == "objectives":
        add(cycle, reviewer, "whole_school_or_team", title="Shown objective")
    elif model == "pdp":
        add(cycle, reviewer, "subject_responsibility", title="Shown objective")
        services.development_plan_save(
            actor=reviewer,
            cycle=cycle,
            expected_version=0,
            answers=["Shown inquiry"],
            development_needs="",
        )
    else:
        services.conversation_record(
            actor=reviewer,
            cycle=cycle,
            key="autumn",
            expected_version=0,
            held_on=None,
            growth_areas="Shown growth area",
        )
    services.meeting_schedule(
        actor=reviewer, cycle=cycle, kind="other", scheduled_for=dt.date(2027, 2, 1)
    )
    readers = [school.reviewer, school.teacher, school.headteacher]
    if Reader.TRUST_STAFF in cycle.policy_version.rules.confidentiality.readers:
        readers.append(school.hr)
    else:  # HR runs the cycle but reads none of its record
        for url in cycle_pages(cycle):
            assert "Shown" not in client_for(school.hr).get(url).content.decode(), (key, url)
    for person in readers:
        client = client_for(person)
        for url in cycle_pages(cycle):
            response = client.get(url)
            assert response.status_code == 200, (key, person, url)
            body = response.content.decode()
            assert "Shown" in body, (key, person, url)
            assert "Another meeting" in body


# ----- The policy's number and kinds on the add-an-objective page -------------------------


def test_the_kind_list_offers_only_the_kinds_the_pinned_policy_uses(school: School) -> None:
    from objectives.rules import kinds_in_use
    from policies.schema import ObjectiveKind

    cycle = school.cycle("classic-objectives")
    used = {str(k) for k in kinds_in_use(cycle.policy_version.rules)}
    assert used and used != {str(k) for k in ObjectiveKind}
    client = client_for(school.reviewer)
    url = reverse("objectives:objective_add", args=[cycle.pk])
    page = client.get(url).content.decode()
    for kind in ObjectiveKind:
        assert (f'value="{kind}"' in page) == (str(kind) in used), kind
    assert "Another objective for their role" in page
    unused = next(str(k) for k in ObjectiveKind if str(k) not in used)
    response = client.post(url, with_token(objective_post(kind=unused)))
    assert response.status_code == 200
    assert 'href="#id_kind"' in response.content.decode()
    assert not Objective.objects.filter(cycle=cycle).exists()


def test_a_fifth_objective_is_refused_at_save_with_the_policy_s_number(school: School) -> None:
    cycle = school.cycle("classic-objectives")
    most = cycle.policy_version.rules.objectives.maximum_count
    for n in range(most):
        add(cycle, user(school.reviewer), title=f"Objective {n}")
    client = client_for(school.reviewer)
    url = reverse("objectives:objective_add", args=[cycle.pk])
    warning = client.get(url).content.decode()
    assert f"at most {most} objectives under this policy (policy §1.4)" in warning
    response = client.post(url, with_token(objective_post(title="One too many")))
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page and 'href="#id_title"' in page
    assert f"already has {most}" in page and "(policy §1.4)" in page
    assert cycle.objectives.count() == most
