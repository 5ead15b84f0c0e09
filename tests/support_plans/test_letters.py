"""A support plan's letters: the invitation to a formal or capability meeting and the
outcome of a meeting, written from the plan page with what the policy lists (leger §11),
kept as tagged PDFs on the plan, read by the member of staff, destroyed with the plan; and
the capability procedure's own stages as the policy sets them."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from audit.models import AccessLogEntry
from cycles.deadlines import all_deadlines
from retention import services as retention_services
from support_plans import rules, services
from support_plans.models import (
    CAPABILITY,
    LetterKind,
    MeetingKind,
    PlanLetter,
    PlanStatus,
    SupportMeeting,
    SupportPlan,
)
from tests.objectives.support import School, make_cycle, user, version_with
from tests.support_plans.support import stage_has_run

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2027, 5, 26, 10, 0, tzinfo=dt.UTC)  # 31 May 2027 is a bank holiday


def client_for(member) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user(member))
    return client


def in_capability(school: School, version_key: str = "leger-pdp", **changes: object) -> SupportPlan:
    if changes:
        version = version_with(
            school.trust, version_key, dict(changes), label=str(len(str(changes)))
        )
        make_cycle(school.teacher, version, reviewer=school.reviewer)
    else:
        school.cycle(version_key)
    concern = services.concern_record(
        actor=user(school.reviewer),
        staff=school.teacher,
        about="standard",
        about_detail="Standard 4",
        evidence="Lessons without structure.",
        raised_with_them_on=dt.date(2027, 5, 20),
    )
    plan = services.plan_open(actor=user(school.reviewer), concern=concern)
    for target in rules.stage_keys(plan.policy_version.rules.support)[1:]:
        plan = services.plan_move(actor=user(school.reviewer), plan=stage_has_run(plan), to=target)
    return plan


def capability_meeting(school: School, plan: SupportPlan) -> SupportMeeting:
    return services.meeting_schedule(
        actor=user(school.reviewer),
        plan=plan,
        kind=MeetingKind.CAPABILITY,
        scheduled_for=dt.date(2027, 6, 7),
        notice_given_on=TODAY.date(),
    )


def token(page: str) -> str:
    return page.split('name="submission_token" value="')[1].split('"')[0]


@time_machine.travel(TODAY, tick=False)
@pytest.mark.policy_setting("support.capability_letter_contents")
def test_the_headteacher_writes_the_capability_invitation_and_the_member_of_staff_reads_it(
    school: School,
) -> None:
    plan = in_capability(school)
    meeting = capability_meeting(school, plan)
    add = reverse("support_plans:letter_add", args=[plan.pk, meeting.pk, "invitation"])
    # leger §11: the headteacher writes it; the plan's manager is not offered it.
    detail = client_for(school.reviewer).get(reverse("support_plans:plan_detail", args=[plan.pk]))
    assert add not in detail.content.decode()
    manager = client_for(school.headteacher)
    detail = manager.get(reverse("support_plans:plan_detail", args=[plan.pk]))
    assert add in detail.content.decode()
    form = manager.get(add).content.decode()
    items = plan.policy_version.rules.support.capability_letter_contents
    assert len(items) == 6  # leger §11
    for item in items:
        assert item in form
    # One listed item left empty: the error is next to its field, nothing is written.
    data = {"submission_token": token(form), "details": "3.30pm, the main office."}
    data.update({f"item_{i}": f"About: {item}" for i, item in enumerate(items)})
    data["item_2"] = ""
    refused = manager.post(add, data).content.decode()
    assert 'href="#id_item_2"' in refused
    assert not PlanLetter.objects.exists()
    data["item_2"] = "Monday 7 June 2027"
    data["submission_token"] = token(refused)
    assert manager.post(add, data).status_code == 302
    letter = PlanLetter.objects.get()
    assert letter.kind == LetterKind.INVITATION and letter.meeting_id == meeting.pk
    assert [c["item"] for c in letter.contents] == list(items)
    # The member of staff sees it on their plan and reads the tagged PDF.
    staff = client_for(school.teacher)
    page = staff.get(reverse("support_plans:plan_detail", args=[plan.pk])).content.decode()
    url = reverse("support_plans:letter", args=[plan.pk, letter.pk])
    assert url in page and "Invitation to a capability meeting on 7 June 2027" in page
    response = staff.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]  # tagged (PDF/UA-1)
    text = "".join(page.extract_text() for page in reader.pages)
    assert school.teacher.full_name in text and "About: " + items[0] in text
    assert AccessLogEntry.objects.filter(action="download", object_id=str(letter.pk)).exists()
    # Nobody else: a colleague, and the manager of another trust's plan, get not found.
    assert client_for(school.colleague).get(url).status_code == 404
    assert client_for(school.outsider).get(url).status_code == 404


@time_machine.travel(TODAY, tick=False)
def test_the_capability_letter_reminder_is_done_once_the_invitation_is_written(
    school: School,
) -> None:
    plan = in_capability(school)
    meeting = capability_meeting(school, plan)

    def letter_done() -> set[bool]:
        return {
            d.done
            for d in all_deadlines([plan.cycle])  # type: ignore[list-item]
            if d.kind == "support_capability_letter"
        }

    assert letter_done() == {False}
    items = rules.letter_items(
        plan.policy_version.rules.support, LetterKind.INVITATION, MeetingKind.CAPABILITY
    )
    services.letter_write(
        actor=user(school.headteacher),
        plan=plan,
        meeting=meeting,
        kind=LetterKind.INVITATION,
        answers=["Written."] * len(items),
        details="3.30pm, the main office.",
    )
    assert letter_done() == {True}


@time_machine.travel(TODAY, tick=False)
@pytest.mark.policy_setting("support.outcome_letter_contents")
@pytest.mark.parametrize(
    "contents", [["The decision", "The right of appeal"], ["What happens next"]]
)
def test_the_outcome_letter_sets_out_what_the_policy_lists(
    school: School, contents: list[str]
) -> None:
    plan = in_capability(school, **{"support.outcome_letter_contents": contents})
    meeting = capability_meeting(school, plan)
    with pytest.raises(services.SupportPlanError, match="held"):
        services.letter_write(
            actor=user(school.reviewer),
            plan=plan,
            meeting=meeting,
            kind=LetterKind.OUTCOME,
            answers=["x"] * len(contents),
        )
    SupportMeeting.objects.filter(pk=meeting.pk).update(held_on=TODAY.date())
    meeting.refresh_from_db()
    form = client_for(school.reviewer).get(
        reverse("support_plans:letter_add", args=[plan.pk, meeting.pk, "outcome"])
    )
    for item in contents:
        assert item in form.content.decode()
    letter = services.letter_write(
        actor=user(school.reviewer),
        plan=plan,
        meeting=meeting,
        kind=LetterKind.OUTCOME,
        answers=[f"Answer {i}" for i in range(len(contents))],
    )
    assert [c["item"] for c in letter.contents] == contents
    assert letter.title.startswith("Outcome of the capability meeting")


@time_machine.travel(TODAY, tick=False)
def test_an_invitation_goes_only_to_a_formal_or_capability_meeting(school: School) -> None:
    plan = in_capability(school)
    review = services.meeting_schedule(
        actor=user(school.reviewer),
        plan=plan,
        kind=MeetingKind.REVIEW,
        scheduled_for=dt.date(2027, 6, 7),
        notice_given_on=TODAY.date(),
    )
    with pytest.raises(services.SupportPlanError, match="formal or capability"):
        services.letter_write(
            actor=user(school.reviewer),
            plan=plan,
            meeting=review,
            kind=LetterKind.INVITATION,
            answers=[],
            details="x",
        )
    add = reverse("support_plans:letter_add", args=[plan.pk, review.pk, "invitation"])
    assert client_for(school.reviewer).get(add).status_code == 403
    assert client_for(school.teacher).get(add).status_code == 403
    assert client_for(school.colleague).get(add).status_code == 404


@time_machine.travel(TODAY, tick=False)
@pytest.mark.policy_setting("support.capability_stages")
def test_the_capability_procedure_runs_the_stages_the_policy_sets(school: School) -> None:
    stages = [
        {"key": "hearing", "name": "Capability hearing", "meeting_notice_working_days": 3},
        {"key": "monitoring", "name": "Monitoring", "holds_meeting": False},
        {"key": "final", "name": "Final hearing"},
    ]
    plan = in_capability(school, **{"support.capability_stages": stages})
    assert plan.capability_stage == "hearing"
    assert plan.stage_name() == "Capability procedure: Capability hearing"
    manager = user(school.reviewer)
    # The hearing's own notice: 3 working days, past the bank holiday of 31 May.
    with pytest.raises(services.SupportPlanError, match=r"3 working days.*1 June 2027"):
        services.meeting_schedule(
            actor=manager,
            plan=plan,
            kind=MeetingKind.CAPABILITY,
            scheduled_for=dt.date(2027, 5, 28),
            notice_given_on=TODAY.date(),
        )
    services.meeting_schedule(
        actor=manager,
        plan=plan,
        kind=MeetingKind.CAPABILITY,
        scheduled_for=dt.date(2027, 6, 1),
        notice_given_on=TODAY.date(),
    )
    with pytest.raises(services.SupportPlanError, match="“Monitoring” comes next"):
        services.plan_move(actor=manager, plan=plan, to="final")
    plan = services.plan_move(actor=manager, plan=plan, to="monitoring")
    with pytest.raises(services.SupportPlanError, match="kind of meeting"):
        services.meeting_schedule(
            actor=manager,
            plan=plan,
            kind=MeetingKind.CAPABILITY,
            scheduled_for=dt.date(2027, 6, 14),
            notice_given_on=TODAY.date(),
        )
    page = client_for(school.reviewer).get(reverse("support_plans:plan_detail", args=[plan.pk]))
    body = page.content.decode()
    assert "The capability procedure" in body and "<strong>Monitoring (now)</strong>" in body
    assert "Move to “Final hearing”" in body
    # The final hearing's notice is the capability meeting's own (leger: 5 working days).
    plan = services.plan_move(actor=manager, plan=plan, to="final")
    with pytest.raises(services.SupportPlanError, match="at least 5 working days"):
        services.meeting_schedule(
            actor=manager,
            plan=plan,
            kind=MeetingKind.CAPABILITY,
            scheduled_for=dt.date(2027, 6, 2),
            notice_given_on=TODAY.date(),
        )


def test_a_destroyed_plan_takes_its_letters_and_their_files(school: School) -> None:
    with time_machine.travel(TODAY, tick=False):
        plan = in_capability(school)
        meeting = capability_meeting(school, plan)
        items = rules.letter_items(
            plan.policy_version.rules.support, LetterKind.INVITATION, MeetingKind.CAPABILITY
        )
        letter = services.letter_write(
            actor=user(school.headteacher),
            plan=plan,
            meeting=meeting,
            kind=LetterKind.INVITATION,
            answers=["Written."] * len(items),
            details="3.30pm.",
        )
        name = letter.file.name
        assert default_storage.exists(name)
        plan = services.plan_close(actor=user(school.reviewer), plan=plan, outcome="Sustained.")
    assert plan.status == PlanStatus.CLOSED
    years = plan.policy_version.rules.retention
    kept = max(
        years.support_plan_years or years.default_years,
        years.capability_years or years.default_years,
    )
    retention_services.purge_expired_records(
        as_of=TODAY.date() + dt.timedelta(days=366 * (kept + 1))
    )
    retention_services.delete_pending_files()
    assert not SupportPlan.objects.filter(pk=plan.pk).exists()
    assert not PlanLetter.objects.exists() and not PlanLetter.history.exists()
    assert not default_storage.exists(name)
    assert CAPABILITY  # the plan reached capability, so its capability years counted


def _invite(school: School, plan: SupportPlan, meeting: SupportMeeting, who: object) -> PlanLetter:
    items = rules.letter_items(
        plan.policy_version.rules.support, LetterKind.INVITATION, MeetingKind.CAPABILITY
    )
    return services.letter_write(
        actor=user(who),
        plan=plan,
        meeting=meeting,
        kind=LetterKind.INVITATION,
        answers=["Written."] * len(items),
        details="3.30pm, the main office.",
    )


@time_machine.travel(TODAY, tick=False)
@pytest.mark.policy_setting("support.capability_letter_written_by")
@pytest.mark.parametrize("writer", ["plan", "headteacher"])
def test_the_policy_says_who_writes_the_invitation_to_the_capability_meeting(
    school: School, writer: str
) -> None:
    plan = in_capability(school, **{"support.capability_letter_written_by": writer})
    meeting = capability_meeting(school, plan)
    add = reverse("support_plans:letter_add", args=[plan.pk, meeting.pk, "invitation"])
    detail = reverse("support_plans:plan_detail", args=[plan.pk])
    for who in (school.reviewer, school.hr):
        offered = add in client_for(who).get(detail).content.decode()
        assert offered is (writer == "plan")
        assert client_for(who).get(add).status_code == (200 if writer == "plan" else 403)
    if writer == "headteacher":
        refused = client_for(school.reviewer).get(add)
        assert "the headteacher writes the invitation" in refused.content.decode()
        for who in (school.reviewer, school.hr):
            with pytest.raises(services.SupportPlanError, match="headteacher writes"):
                _invite(school, plan, meeting, who)
        assert not PlanLetter.objects.exists()
    # The headteacher writes it either way; outsiders still get not found.
    assert add in client_for(school.headteacher).get(detail).content.decode()
    letter = _invite(school, plan, meeting, school.headteacher)
    assert letter.signed_by == school.headteacher.full_name
    assert client_for(school.colleague).get(add).status_code == 404


@time_machine.travel(TODAY, tick=False)
def test_other_letters_stay_with_whoever_runs_the_plan_when_the_headteacher_writes_the_invitation(
    school: School,
) -> None:
    plan = in_capability(school)  # leger: the headteacher writes the capability invitation
    meeting = capability_meeting(school, plan)
    SupportMeeting.objects.filter(pk=meeting.pk).update(held_on=TODAY.date())
    meeting.refresh_from_db()
    outcome = reverse("support_plans:letter_add", args=[plan.pk, meeting.pk, "outcome"])
    body = (
        client_for(school.reviewer)
        .get(reverse("support_plans:plan_detail", args=[plan.pk]))
        .content.decode()
    )
    assert outcome in body
    assert client_for(school.reviewer).get(outcome).status_code == 200


def test_for_the_headteachers_own_case_the_chair_of_governors_writes_the_invitation(
    school: School,
) -> None:
    from organisation.models import Role
    from organisation.principal import principal_for
    from organisation.services import role_grant
    from support_plans.permissions import may_write_letter
    from tests.factories import UserFactory

    chair = UserFactory(trust=school.trust)
    for role in (Role.GOVERNOR, Role.CHAIR_OF_GOVERNORS):
        role_grant(user=chair, role=role, trust=school.trust, academy=school.academy)
    plan = SupportPlan.objects.create(
        trust=school.trust,
        academy=school.academy,
        staff=school.headteacher,
        manager=school.hr,
        policy_version=school.version("leger-pdp"),
        stage=CAPABILITY,
        capability_stage="formal_capability_meeting",
        stage_started_on=TODAY.date(),
        capability_started_on=TODAY.date(),
        opened_on=TODAY.date(),
    )

    def writes(who: object) -> bool:
        return may_write_letter(
            principal_for(who),  # type: ignore[arg-type]
            plan,
            LetterKind.INVITATION,
            MeetingKind.CAPABILITY,
        )

    assert writes(chair)
    # HR runs the case with the chair, but the letter is the chair's in the headteacher's
    # place; the headteacher never acts on their own case.
    assert not writes(user(school.hr)) and not writes(user(school.headteacher))
    assert may_write_letter(
        principal_for(user(school.hr)), plan, LetterKind.OUTCOME, MeetingKind.CAPABILITY
    )
