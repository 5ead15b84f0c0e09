"""The support plan pages in the browser's place: what each person sees and may do, form
errors next to their fields, and capability reaching the appraisal cycle."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from cycles.models import AppraisalCycle, CycleState
from support_plans import services
from support_plans.models import CAPABILITY, Concern, PlanComment, SupportPlan
from tests.objectives.support import School, make_cycle, user, version_with
from tests.support_plans.support import stage_has_run

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2027, 5, 26, 10, 0, tzinfo=dt.UTC)


def client_for(member) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user(member))
    return client


def record_concern(school: School) -> Concern:
    return services.concern_record(
        actor=user(school.reviewer),
        staff=school.teacher,
        about="objective",
        about_detail="Objective 2: reading ages",
        evidence="No progress at the mid-year review.",
        raised_with_them_on=dt.date(2027, 5, 20),
    )


@time_machine.travel(TODAY, tick=False)
def test_a_reviewer_records_a_concern_and_opens_a_plan_from_the_cycle_page(school: School) -> None:
    cycle = school.cycle("leger-pdp")
    reviewer = client_for(school.reviewer)
    page = reviewer.get(reverse("cycles:detail", args=[cycle.pk])).content.decode()
    add = reverse("support_plans:concern_add") + f"?staff={school.teacher.pk}"
    assert add.replace("?", "?") in page.replace("&amp;", "&")
    form = reviewer.get(add).content.decode()
    assert "Record a concern" in form
    token = form.split('name="submission_token" value="')[1].split('"')[0]
    response = reviewer.post(
        reverse("support_plans:concern_add"),
        {
            "submission_token": token,
            "staff": school.teacher.pk,
            "about": "standard",
            "about_detail": "Standard 4",
            "evidence": "Lessons without structure.",
            "raised_with_them_on": "2027-05-21",
        },
    )
    concern = Concern.objects.get()
    assert response["Location"] == reverse("support_plans:concern_detail", args=[concern.pk])
    opened = reviewer.get(reverse("support_plans:plan_open", args=[concern.pk])).content.decode()
    assert "Informal support" in opened and "Formal support plan" in opened
    token = opened.split('name="submission_token" value="')[1].split('"')[0]
    open_url = reverse("support_plans:plan_open", args=[concern.pk])
    reviewer.post(open_url, {"submission_token": token})
    plan = SupportPlan.objects.get()
    assert plan.stage == "informal_support" and plan.manager == school.reviewer


@time_machine.travel(TODAY, tick=False)
def test_a_bad_concern_form_is_an_error_not_a_failure(school: School) -> None:
    school.cycle("leger-pdp")
    response = client_for(school.reviewer).post(
        reverse("support_plans:concern_add"),
        {"staff": "nonsense", "about": "x", "raised_with_them_on": "2099-13-01"},
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert not Concern.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_a_skip_is_refused_next_to_the_field_with_the_policys_reason(school: School) -> None:
    school.cycle("classic-objectives")
    plan = services.plan_open(actor=user(school.reviewer), concern=record_concern(school))
    url = reverse("support_plans:plan_move", args=[plan.pk])
    head = client_for(school.headteacher)
    page = head.get(url).content.decode()
    reasons = plan.policy_version.rules.support.skip_informal_when
    assert all(r in page for r in reasons)
    response = head.post(url, {"to": CAPABILITY})
    body = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in body
    assert 'href="#id_bypass_reason"' in body
    assert SupportPlan.objects.get().stage == "early_conversation"
    head.post(url, {"to": CAPABILITY, "bypass_reason": reasons[1]})
    assert SupportPlan.objects.get().stage == CAPABILITY


@time_machine.travel(TODAY, tick=False)
def test_too_little_notice_shows_the_earliest_date_next_to_the_field(school: School) -> None:
    school.cycle("aspire-grow")
    plan = services.plan_open(actor=user(school.reviewer), concern=record_concern(school))
    plan = services.plan_move(actor=user(school.reviewer), plan=plan, to=CAPABILITY)
    reviewer = client_for(school.reviewer)
    url = reverse("support_plans:meeting_add", args=[plan.pk])
    page = reviewer.get(url).content.decode()
    assert "at least 10 working days" in page
    token = page.split('name="submission_token" value="')[1].split('"')[0]
    response = reviewer.post(
        url,
        {
            "submission_token": token,
            "kind": "capability",
            "notice_given_on": "2027-05-26",
            "scheduled_for": "2027-06-09",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_scheduled_for-error"' in body and "10 June 2027" in body


@time_machine.travel(TODAY, tick=False)
def test_capability_suspends_the_cycle_and_ending_it_resumes_it(school: School) -> None:
    cycle = school.cycle("staploe-associate")
    plan = services.plan_open(actor=user(school.reviewer), concern=record_concern(school))
    reviewer = client_for(school.reviewer)
    reviewer.post(reverse("support_plans:plan_move", args=[plan.pk]), {"to": CAPABILITY})
    cycle.refresh_from_db()
    assert cycle.state == CycleState.SUSPENDED
    page = reviewer.get(reverse("support_plans:plan_detail", args=[plan.pk])).content.decode()
    assert "Appraisal is suspended until the capability matter ends" in page
    reviewer.post(reverse("support_plans:plan_close", args=[plan.pk]), {"outcome": "Sustained."})
    cycle.refresh_from_db()
    assert cycle.state == CycleState.ACTIVE


@time_machine.travel(TODAY, tick=False)
def test_the_member_of_staff_reads_their_plan_and_adds_comments(school: School) -> None:
    school.cycle("leger-pdp")
    plan = services.plan_open(actor=user(school.reviewer), concern=record_concern(school))
    teacher = client_for(school.teacher)
    index = teacher.get(reverse("support_plans:index")).content.decode()
    assert "Your support plans" in index and "Concerns about your work" in index
    page = teacher.get(reverse("support_plans:plan_detail", args=[plan.pk])).content.decode()
    assert "Add your comments" in page and "Schedule a meeting" not in page
    url = reverse("support_plans:comment_add", args=[plan.pk])
    token = teacher.get(url).content.decode().split('name="submission_token" value="')[1]
    teacher.post(url, {"submission_token": token.split('"')[0], "text": "I need more time."})
    assert PlanComment.objects.get().text == "I need more time."
    assert teacher.get(reverse("support_plans:plan_move", args=[plan.pk])).status_code == 403
    home = teacher.get(reverse("home")).content.decode()
    assert reverse("support_plans:index") in home


@time_machine.travel(TODAY, tick=False)
@pytest.mark.policy_setting("support.accompanied_at_capability_meeting")
@pytest.mark.parametrize("accompanied", [True, False])
def test_the_plan_says_whether_they_may_be_accompanied_at_capability(
    school: School, accompanied: bool
) -> None:
    version = version_with(
        school.trust,
        "aspire-grow",
        {"support.accompanied_at_capability_meeting": accompanied},
        label=str(accompanied),
    )
    make_cycle(school.teacher, version, reviewer=school.reviewer)
    plan = services.plan_open(actor=user(school.reviewer), concern=record_concern(school))
    page = client_for(school.reviewer).get(reverse("support_plans:plan_detail", args=[plan.pk]))
    assert ("may be accompanied" in page.content.decode()) is accompanied


@time_machine.travel(TODAY, tick=False)
@pytest.mark.policy_setting("support.stages")
def test_the_plan_page_lists_the_policys_stages(school: School) -> None:
    version = version_with(
        school.trust,
        "staploe-associate",
        {
            "support.stages": [
                {"key": "first_talk", "name": "First talk"},
                {"key": "support_plan", "name": "Support plan", "normal_weeks": 4},
            ]
        },
    )
    make_cycle(school.teacher, version, reviewer=school.reviewer)
    plan = services.plan_open(actor=user(school.reviewer), concern=record_concern(school))
    assert plan.stage == "first_talk"
    page = client_for(school.reviewer).get(reverse("support_plans:plan_detail", args=[plan.pk]))
    assert "First talk (now)" in page.content.decode()


@time_machine.travel(TODAY, tick=False)
@pytest.mark.policy_setting("support.capability_letter_contents")
def test_in_capability_the_plan_lists_what_the_invitation_letter_includes(
    school: School,
) -> None:
    # leger §11: the letter's contents; the same policy with none listed shows no list.
    for contents in (["The concerns", "The right to be accompanied"], []):
        SupportPlan.objects.all().delete()
        AppraisalCycle.objects.all().delete()
        version = version_with(
            school.trust,
            "leger-pdp",
            {"support.capability_letter_contents": contents},
            label=str(len(contents)),
        )
        make_cycle(school.teacher, version, reviewer=school.reviewer)
        plan = services.plan_open(actor=user(school.reviewer), concern=record_concern(school))
        for target in ("formal_support_plan", "formal_review", CAPABILITY):
            plan = services.plan_move(
                actor=user(school.reviewer), plan=stage_has_run(plan), to=target
            )
        body = (
            client_for(school.reviewer)
            .get(reverse("support_plans:plan_detail", args=[plan.pk]))
            .content.decode()
        )
        assert ("The right to be accompanied" in body) is bool(contents)
        assert ("The invitation to the capability meeting includes" in body) is bool(contents)
        # leger §11: within 5 working days, past the spring bank holiday.
        assert "The headteacher writes by 3 June 2027" in body
        services.plan_close(actor=user(school.reviewer), plan=plan, outcome="Sustained.")


@time_machine.travel(TODAY, tick=False)
def test_classic_structured_support_has_a_written_plan_the_member_of_staff_reads(
    school: School,
) -> None:
    # classic §6.10.1: the structured support record's contents; §6.10.3 shared with them.
    school.cycle("classic-objectives")
    plan = services.plan_open(actor=user(school.reviewer), concern=record_concern(school))
    reviewer = client_for(school.reviewer)
    url = reverse("support_plans:written_plan", args=[plan.pk])
    assert reviewer.get(url).status_code == 403  # the early conversation has no written plan
    for target in ("coaching", "structured_support"):
        plan = services.plan_move(actor=user(school.reviewer), plan=plan, to=target)
    items = plan.policy_version.rules.support.stage("structured_support").record_contents
    page = reviewer.get(url).content.decode()
    assert all(item in page for item in items)
    data = {"version": "0", **{f"item_{i}": f"Answer {i}" for i in range(len(items))}}
    assert reviewer.post(url, data).status_code == 302
    again = {**data, "item_0": "Changed"}
    stale = reviewer.post(url, again)  # version 0 again: someone saved since
    assert stale.status_code == 200 and "reload the page" in stale.content.decode()
    teacher = client_for(school.teacher)
    body = teacher.get(reverse("support_plans:plan_detail", args=[plan.pk])).content.decode()
    assert "Answer 1" in body and items[1] in body
    assert teacher.get(url).status_code == 403


@time_machine.travel(TODAY, tick=False)
def test_the_staff_record_links_to_the_plans_the_viewer_may_read(school: School) -> None:
    school.cycle("staploe-associate")
    plan = services.plan_open(actor=user(school.reviewer), concern=record_concern(school))
    link = reverse("support_plans:plan_detail", args=[plan.pk])
    record = reverse("organisation:staff_detail", args=[school.teacher.pk])
    assert link in client_for(school.hr).get(record).content.decode()
    assert link in client_for(school.teacher).get(record).content.decode()
    other = client_for(school.colleague).get(record)
    assert link not in other.content.decode()


@time_machine.travel(TODAY, tick=False)
def test_the_manager_pauses_and_resumes_a_plan(school: School) -> None:
    school.cycle("staploe-associate")
    plan = services.plan_open(actor=user(school.reviewer), concern=record_concern(school))
    reviewer = client_for(school.reviewer)
    url = reverse("support_plans:plan_pause", args=[plan.pk])
    assert reviewer.post(url, {"reason": "nonsense"}).status_code == 200
    assert reviewer.post(url, {"reason": "grievance"}).status_code == 302
    page = reviewer.get(reverse("support_plans:plan_detail", args=[plan.pk])).content.decode()
    assert "a grievance is being dealt with" in page and "Resume the plan" in page
    assert client_for(school.teacher).get(url).status_code == 403
    assert reviewer.post(url, {}).status_code == 302
    assert not SupportPlan.objects.get().is_paused


@time_machine.travel(TODAY, tick=False)
def test_the_list_makes_as_many_queries_for_many_plans_as_for_one(
    school: School,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    hr = client_for(school.hr)
    url = reverse("support_plans:index")
    people = [school.teacher, school.ups_teacher, school.leader, school.colleague]
    for member in people:
        school.cycle("leger-pdp", appraisee=member)

    def add(member) -> None:  # type: ignore[no-untyped-def]
        concern = services.concern_record(
            actor=user(school.headteacher),
            staff=member,
            about="role",
            about_detail="Planning",
            evidence="Seen.",
            raised_with_them_on=dt.date(2027, 5, 20),
        )
        services.plan_open(actor=user(school.headteacher), concern=concern)

    add(people[0])
    with django_assert_max_num_queries(40) as few:
        hr.get(url)
    for member in people[1:]:
        add(member)
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = hr.get(url).content.decode()
    assert body.count("Informal support plan") == len(people)


@pytest.mark.policy_setting("support.sustain_months")
@pytest.mark.parametrize("months", [6, None])
def test_a_new_plan_within_the_sustain_period_says_so(school: School, months: int | None) -> None:
    # classic §6.10.7 and §6.11: improvement not sustained within 6 months.
    version = version_with(
        school.trust, "classic-objectives", {"support.sustain_months": months}, label=str(months)
    )
    make_cycle(school.teacher, version, reviewer=school.reviewer)
    with time_machine.travel(TODAY, tick=False):
        first = services.plan_open(actor=user(school.reviewer), concern=record_concern(school))
        services.plan_close(actor=user(school.reviewer), plan=first, outcome="Improved.")
    with time_machine.travel(TODAY + dt.timedelta(days=90), tick=False):
        again = services.plan_open(actor=user(school.reviewer), concern=record_concern(school))
        page = client_for(school.reviewer).get(
            reverse("support_plans:plan_detail", args=[again.pk])
        )
    assert ("This plan opened within that period" in page.content.decode()) is bool(months)
