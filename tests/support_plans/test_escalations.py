"""HR's escalations page and its CSV export: every open concern, plan and capability case in
the trust (a headteacher's academy, never their own case), filtered by academy, stage and
staff group, with what is overdue; nobody else may open it; flat queries as cases grow."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AccessLogEntry
from organisation.models import StaffGroup, StaffMember
from support_plans.models import (
    CAPABILITY,
    Concern,
    MeetingKind,
    PlanStatus,
    SupportMeeting,
    SupportPlan,
)
from tests.factories import StaffMemberFactory
from tests.objectives.support import School, user
from tests.personas import ALL_PERSONAS, World

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2027, 5, 26, 10, 0, tzinfo=dt.UTC)


def client_for(member: StaffMember) -> Client:
    client = Client()
    client.force_login(user(member))
    return client


def concern_about(school: School, staff: StaffMember, key: str = "leger-pdp") -> Concern:
    return Concern.objects.create(
        trust=school.trust,
        academy=staff.academy,
        staff=staff,
        raised_by=school.reviewer,
        policy_version=school.version(key),
        about="role",
        about_detail="Lesson planning",
        evidence="Seen in three lessons.",
        raised_with_them_on=dt.date(2027, 5, 1),
    )


def plan_for(
    school: School,
    staff: StaffMember,
    *,
    stage: str = "informal_support",
    started: dt.date = dt.date(2027, 5, 10),
    key: str = "leger-pdp",
    with_concern: bool = True,
) -> SupportPlan:
    concern = concern_about(school, staff, key) if with_concern else None
    return SupportPlan.objects.create(
        trust=school.trust,
        academy=staff.academy,
        staff=staff,
        manager=school.reviewer,
        concern=concern,
        policy_version=school.version(key),
        stage=stage,
        stage_started_on=started,
        opened_on=started,
        capability_started_on=started if stage == CAPABILITY else None,
    )


def rows_of(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@time_machine.travel(TODAY, tick=False)
def test_hr_sees_every_open_case_with_stage_next_meeting_and_what_is_overdue(
    school: School,
) -> None:
    elsewhere = StaffMemberFactory(
        academy=school.other_academy, first_name="Olga", last_name="Tester"
    )
    # A plan at its first stage whose four normal weeks ended a week ago, with a meeting
    # that was due and not recorded and one coming up.
    late = plan_for(school, school.teacher, started=dt.date(2027, 4, 20))
    SupportMeeting.objects.create(
        trust=school.trust,
        plan=late,
        stage=late.stage,
        kind=MeetingKind.SUPPORT,
        scheduled_for=dt.date(2027, 5, 20),
        notice_given_on=dt.date(2027, 5, 10),
    )
    SupportMeeting.objects.create(
        trust=school.trust,
        plan=late,
        stage=late.stage,
        kind=MeetingKind.REVIEW,
        scheduled_for=dt.date(2027, 6, 9),
        notice_given_on=dt.date(2027, 5, 25),
    )
    # In capability since 10 May: leger's invitation letter was due within 5 working days.
    plan_for(school, elsewhere, stage=CAPABILITY)
    concern_about(school, school.support)
    closed = plan_for(school, school.leader)
    SupportPlan.objects.filter(pk=closed.pk).update(status=PlanStatus.CLOSED)

    page = client_for(school.hr).get(reverse("support_plans:escalations"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Tom Tester" in body and "Olga Tester" in body and "Sam Tester" in body
    assert "Leo Tester" not in body  # a closed plan is not an escalation
    assert "3 open cases" in body
    assert "9 June 2027" in body  # the next meeting
    assert "1 meeting held but not recorded" in body
    assert "Stage normally ended on 18 May 2027" in body
    assert "Capability meeting invitation was due by 17 May 2027" in body

    export = client_for(school.hr).get(reverse("support_plans:escalations_csv"))
    assert export["Content-Type"].startswith("text/csv")
    rows = rows_of(export)
    assert [(r["Member of staff"], r["Case"], r["Academy"]) for r in rows] == [
        ("Sam Tester", "Concern", "Willow Primary"),
        ("Tom Tester", "Support plan", "Willow Primary"),
        ("Olga Tester", "Capability", "Willow Secondary"),
    ]
    tom = next(r for r in rows if r["Member of staff"] == "Tom Tester")
    assert tom["Days in stage"] == "36" and tom["Next meeting"] == "2027-06-09"
    assert "Stage normally ended" in tom["Overdue"]
    assert AccessLogEntry.objects.filter(action="export").exists()


@time_machine.travel(TODAY, tick=False)
def test_the_filters_choose_by_academy_stage_and_staff_group_and_the_export_follows(
    school: School,
) -> None:
    elsewhere = StaffMemberFactory(
        academy=school.other_academy, first_name="Olga", last_name="Tester"
    )
    plan_for(school, school.teacher)
    plan_for(school, elsewhere, stage=CAPABILITY)
    plan_for(school, school.support, stage="formal_support_plan")
    concern_about(school, school.leader)
    hr = client_for(school.hr)

    def people(query: dict[str, object], csv_too: bool = True) -> set[str]:
        body = hr.get(reverse("support_plans:escalations"), query).content.decode()
        found = {n for n in ("Tom", "Olga", "Sam", "Leo") if f"{n} Tester</a>" in body}
        if csv_too:
            exported = rows_of(hr.get(reverse("support_plans:escalations_csv"), query))
            assert {r["Member of staff"].split()[0] for r in exported} == found
        return found

    assert people({}) == {"Tom", "Olga", "Sam", "Leo"}
    assert people({"academy": school.other_academy.pk}) == {"Olga"}
    assert people({"stage": CAPABILITY}) == {"Olga"}
    assert people({"stage": "concern"}) == {"Leo"}
    assert people({"stage": "support"}) == {"Tom", "Sam"}
    assert people({"stage": "formal_support_plan"}) == {"Sam"}
    assert people({"staff_group": StaffGroup.SUPPORT}) == {"Sam"}
    assert people({"staff_group": StaffGroup.LEADERSHIP, "stage": "concern"}) == {"Leo"}
    # A value that is not offered is refused next to its field, never a 500.
    bad = hr.get(reverse("support_plans:escalations"), {"academy": "x", "stage": "nope"})
    assert bad.status_code == 200
    assert "Select a valid choice" in bad.content.decode()


@time_machine.travel(TODAY, tick=False)
def test_the_headteacher_sees_their_academy_and_never_their_own_case(school: School) -> None:
    elsewhere = StaffMemberFactory(
        academy=school.other_academy, first_name="Olga", last_name="Tester"
    )
    plan_for(school, school.teacher)
    plan_for(school, elsewhere)
    own = plan_for(school, school.headteacher, key="leger-pdp")
    SupportPlan.objects.filter(pk=own.pk).update(manager=school.hr)
    head = client_for(school.headteacher)
    body = head.get(reverse("support_plans:escalations")).content.decode()
    assert "Tom Tester" in body
    assert "Olga Tester" not in body  # another academy
    assert "Hana Tester" not in body  # their own case
    exported = rows_of(head.get(reverse("support_plans:escalations_csv")))
    assert [r["Member of staff"] for r in exported] == ["Tom Tester"]
    # Asking for another academy is not offered to them.
    other = head.get(reverse("support_plans:escalations"), {"academy": school.other_academy.pk})
    assert "Olga Tester" not in other.content.decode()
    # HR sees the headteacher's case.
    assert (
        "Hana Tester"
        in client_for(school.hr).get(reverse("support_plans:escalations")).content.decode()
    )


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize("who", ["reviewer", "teacher", "colleague"])
def test_nobody_else_may_open_the_escalations_page(school: School, who: str) -> None:
    plan_for(school, school.ups_teacher)  # the reviewer manages it, but is not HR
    client = client_for(getattr(school, who))
    assert client.get(reverse("support_plans:escalations")).status_code == 404
    assert client.get(reverse("support_plans:escalations_csv")).status_code == 404
    home = client.get(reverse("home")).content.decode()
    assert reverse("support_plans:escalations") not in home


@time_machine.travel(TODAY, tick=False)
def test_another_trusts_hr_sees_only_their_own_trust(school: School) -> None:
    plan_for(school, school.ups_teacher)
    concern_about(school, school.support)
    client = client_for(school.outsider)  # HR of another trust
    for name in ("support_plans:escalations", "support_plans:escalations_csv"):
        response = client.get(reverse(name), {"academy": school.academy.pk})
        assert response.status_code == 200
        assert b"Ursula" not in response.content and b"Sam Tester" not in response.content


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize("who", ["hr", "headteacher"])
def test_hr_and_the_headteacher_find_it_from_their_home_page(school: School, who: str) -> None:
    home = client_for(getattr(school, who)).get(reverse("home")).content.decode()
    assert reverse("support_plans:escalations") in home


def _grow(school: School, n: int, start: int) -> None:
    for i in range(start, start + n):
        academy = school.academy if i % 2 else school.other_academy
        staff = StaffMemberFactory(academy=academy, first_name=f"P{i}", last_name="Tester")
        plan = plan_for(school, staff, stage=CAPABILITY if i % 3 == 0 else "informal_support")
        SupportMeeting.objects.create(
            trust=school.trust,
            plan=plan,
            stage=plan.stage,
            kind=MeetingKind.SUPPORT,
            scheduled_for=dt.date(2027, 6, 1 + i % 20),
            notice_given_on=dt.date(2027, 5, 20),
        )
        concern_about(school, staff)


@time_machine.travel(TODAY, tick=False)
def test_the_page_and_export_make_the_same_number_of_queries_however_many_cases(
    school: School, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    hr = client_for(school.hr)
    _grow(school, 2, 0)
    for name in ("support_plans:escalations", "support_plans:escalations_csv"):
        hr.get(reverse(name))  # warm the session and caches
    counted = {}
    for name in ("support_plans:escalations", "support_plans:escalations_csv"):
        with CaptureQueriesContext(connection) as queries:
            assert hr.get(reverse(name)).status_code == 200
        counted[name] = len(queries)
    _grow(school, 10, 2)
    for name, expected in counted.items():
        with django_assert_num_queries(expected):
            assert hr.get(reverse(name)).status_code == 200


OVERSEERS = {"hr", "headteacher"}
# They oversee cases elsewhere (another academy, another trust): the page opens, empty.
ELSEWHERE = {"sibling_head", "b_hr", "b_headteacher"}


@pytest.mark.parametrize("persona", [p for p in ALL_PERSONAS if p != "inactive"])
def test_the_role_matrix_of_the_escalations_page(world: World, persona: str) -> None:
    staff = world.staff["appraisee"]
    SupportPlan.objects.create(
        trust=world.trust,
        academy=staff.academy,
        staff=staff,
        manager=world.staff["line_manager"],
        policy_version=world.policy_version,
        stage="informal_support",
        stage_started_on=dt.date(2026, 10, 5),
        opened_on=dt.date(2026, 10, 5),
    )
    client = Client()
    client.force_login(world.user(persona))
    for name in ("support_plans:escalations", "support_plans:escalations_csv"):
        response = client.get(reverse(name))
        if persona in OVERSEERS:
            assert response.status_code == 200, persona
            assert staff.full_name in response.content.decode("utf-8-sig"), persona
        elif persona in ELSEWHERE:
            assert response.status_code == 200, persona
            assert staff.full_name not in response.content.decode("utf-8-sig"), persona
        else:
            assert response.status_code == 404, (persona, name)
