"""One appraisee's whole year under each of the five policies, through the service layer:
the year is opened, started, planned (objectives, conversations or a development plan),
met about, observed with feedback, evidenced, reviewed, acknowledged, written up as a
statement PDF, and closed. Each step names the paragraph of the policy it follows."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import User
from cycles.deadlines import all_deadlines
from cycles.models import AppraisalCycle, CycleState
from cycles.rules import academic_year_of
from cycles.services import cycle_transition, cycles_open
from objectives import services as objectives
from objectives.models import DevelopmentPlan, MeetingKind, ObjectivePlan, PlanState
from organisation.models import Academy, PayRange, Role, StaffGroup, StaffMember, Trust
from organisation.services import rebuild_line_management, role_grant
from reviews.models import AnnualReview, ObservationKind, Outcome
from reviews.services import (
    Assessment,
    ObservationInput,
    ReviewInput,
    evidence_add_note,
    observation_record,
    observation_record_feedback,
    review_comment,
    review_save,
    review_start,
)
from reviews.statements import render_statement
from tests.factories import AcademyFactory, JobRoleFactory, StaffMemberFactory, UserFactory

from .factories import preset_version

pytestmark = pytest.mark.django_db

TZ = dt.UTC
EVIDENCE_SUMMARY = "Observation, feedback and reflections: EVIDENCEMARKER."
WELLBEING = "WELLBEINGNOTEMARKER"


@dataclass
class Year:
    """The people and the clock for one appraisee's year."""

    trust: Trust
    academy: Academy
    hr: User
    head: StaffMember
    reviewer: StaffMember
    appraisee: StaffMember
    clock: Any
    cycle: AppraisalCycle | None = None

    def at(self, year: int, month: int, day: int, hour: int = 12) -> None:
        self.clock.move_to(dt.datetime(year, month, day, hour, tzinfo=TZ))

    @property
    def c(self) -> AppraisalCycle:
        assert self.cycle is not None
        self.cycle.refresh_from_db()
        return self.cycle


def build(clock: Any, preset: str, *, support: bool = False) -> Year:
    trust_name = f"{preset} trust"
    academy = AcademyFactory(name="Soham Village College", trust__name=trust_name)
    trust = academy.trust
    preset_version(trust, preset)
    hr = UserFactory(trust=trust)
    role_grant(user=hr, role=Role.HR, trust=trust)
    head = StaffMemberFactory(
        academy=academy,
        first_name="Hana",
        last_name="Head",
        staff_group=StaffGroup.LEADERSHIP,
        pay_range=PayRange.LEADERSHIP,
    )
    role_grant(user=head.user, role=Role.HEADTEACHER, trust=trust, academy=academy)
    reviewer = StaffMemberFactory(
        academy=academy, first_name="Rita", last_name="Reviewer", line_manager=head
    )
    if support:
        role = JobRoleFactory(trust=trust, name="Office manager")
        appraisee = StaffMemberFactory(
            academy=academy,
            first_name="Sam",
            last_name="Appraisee",
            job_role=role,
            staff_group=StaffGroup.SUPPORT,
            has_qts=False,
            pay_range=PayRange.SUPPORT,
            pay_point="22",
            line_manager=reviewer,
        )
    else:
        appraisee = StaffMemberFactory(
            academy=academy, first_name="Tom", last_name="Appraisee", line_manager=reviewer
        )
    rebuild_line_management(trust=trust)
    return Year(trust, academy, hr, head, reviewer, appraisee, clock)


def u(member: StaffMember) -> User:
    assert member.user is not None
    return member.user


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


# ----- Steps every year shares -----------------------------------------------------------


def open_year(y: Year, academic_year: int, starts: dt.date, ends: dt.date) -> None:
    result = cycles_open(trust=y.trust, year=academic_year, actor=y.hr)
    assert y.appraisee.pk not in {p.staff_id for p in result.excluded}
    y.cycle = AppraisalCycle.objects.get(appraisee=y.appraisee)
    assert (y.c.starts_on, y.c.ends_on) == (starts, ends)
    assert y.c.reviewer == y.reviewer
    assert y.c.state == CycleState.PLANNING


def start_year(y: Year) -> None:
    cycle_transition(cycle=y.c, to=CycleState.ACTIVE, actor=u(y.reviewer))


def plan_version(cycle: AppraisalCycle) -> int:
    plan = ObjectivePlan.objects.filter(cycle=cycle).first()
    return plan.version if plan else 0


def agree_objectives(y: Year, objectives_to_add: list[dict[str, str]]) -> None:
    reviewer, appraisee = u(y.reviewer), u(y.appraisee)
    for fields in objectives_to_add:
        objectives.objective_create(actor=reviewer, cycle=y.c, **fields)
    objectives.plan_propose(actor=reviewer, cycle=y.c, expected_version=plan_version(y.c))
    objectives.plan_respond(
        actor=appraisee, cycle=y.c, agrees=True, expected_version=plan_version(y.c)
    )
    plan = objectives.plan_agree(actor=reviewer, cycle=y.c, expected_version=plan_version(y.c))
    assert plan.state == PlanState.AGREED
    assert _deadline(y, "objectives_agreed").done


def hold_meeting(y: Year, kind: str, on: dt.date, **kw: Any) -> None:
    meeting = objectives.meeting_schedule(
        actor=u(y.reviewer), cycle=y.c, kind=kind, scheduled_for=on, **kw
    )
    objectives.meeting_record(
        actor=u(y.reviewer),
        meeting=meeting,
        expected_version=meeting.version,
        scheduled_for=on,
        notice_given_on=kw.get("notice_given_on"),
        planned_minutes=kw.get("planned_minutes"),
        held_on=on,
        notes="Progress discussed.",
        agreed_actions="Carry on.",
        record_complete=True,
    )


def observe(y: Year, kind: str, minutes: int, **kw: Any) -> None:
    """An observation yesterday, its feedback given today."""
    from django.utils import timezone

    now = timezone.now()
    observation = observation_record(
        actor=u(y.reviewer),
        cycle=y.c,
        data=ObservationInput(y.reviewer, now - dt.timedelta(days=1), minutes, kind, **kw),
    )
    assert observation.usable_for_appraisal
    observation_record_feedback(
        actor=u(y.reviewer),
        observation=observation,
        verbal_feedback_at=now - dt.timedelta(hours=20),
        written_feedback_at=now,
        feedback_notes="Clear routines; questioning to stretch the most able.",
    )
    evidence_add_note(
        actor=u(y.appraisee), cycle=y.c, title="Reflection", note="What I changed after feedback."
    )


def review_and_close(
    y: Year, *, pay_reference: str = "", accountabilities: list[str] | None = None
) -> str:
    """Begin the review, complete it, the appraisee acknowledges, the statement PDF is
    written, the headteacher closes the year. Returns the statement's text."""
    cycle_transition(cycle=y.c, to=CycleState.REVIEW, actor=u(y.reviewer))
    reviewer = u(y.reviewer)
    review = review_start(actor=reviewer, cycle=y.c)
    data = ReviewInput(
        evidence_summary=EVIDENCE_SUMMARY,
        overview="A strong year.",
        development_needs="Coaching others.",
        training="Middle leadership course.",
        pay_reference=pay_reference,
        next_objectives="Build on this year's work.",
        monitoring_plan="Termly.",
    )
    if accountabilities is not None:
        review = review_save(
            actor=reviewer,
            review=review,
            expected_version=review.version,
            data=data,
            objectives={},
            standards={},
            accountabilities=accountabilities,
        )
    review = review_save(
        actor=reviewer,
        review=review,
        expected_version=review.version,
        data=data,
        objectives={
            a.pk: Assessment(Outcome.MET, "Met.") for a in review.objective_assessments.all()
        },
        standards={a.pk: Assessment(Outcome.MET, "") for a in review.standard_assessments.all()},
        complete=True,
    )
    assert review.is_completed
    review = review_comment(
        actor=u(y.appraisee),
        review=review,
        expected_version=review.version,
        comments="Thank you.",
        acknowledge=True,
    )
    assert review.acknowledged_at is not None
    text = pdf_text(render_statement(y.c, AnnualReview.objects.get(pk=review.pk)))
    assert y.appraisee.full_name in text
    assert "EVIDENCEMARKER" in text  # every policy's statement summarises the evidence
    assert "Thank you." in text
    assert WELLBEING not in text
    for line in y.c.policy_version.rules.review.statement_contents:
        assert " ".join(line.split()) in text, line
    # The year closes after its last day (cycles.order).
    after = y.c.ends_on + dt.timedelta(days=1)
    if timezone.localdate() < after:
        y.at(after.year, after.month, after.day)
    cycle_transition(cycle=y.c, to=CycleState.CLOSED, actor=u(y.head))
    assert y.c.state == CycleState.CLOSED
    assert all_deadlines([y.c]) == []  # a closed year has nothing due
    reasons = [h.history_change_reason for h in y.c.history.order_by("history_id")]
    opened = academic_year_of(y.c.starts_on)
    assert reasons == [
        f"Opened for {opened} to {opened + 1}",
        "Start the appraisal year",
        "Begin the annual review",
        "Close the appraisal year",
    ]
    return text


def _deadline(y: Year, kind: str) -> Any:
    found = [d for d in all_deadlines([y.c]) if d.kind == kind]
    assert found, kind
    return found[0]


SMART = {
    "specific": "Raise reading ages in Year 4.",
    "measurable": "Average reading age up by 12 months.",
    "achievable": "With weekly guided reading.",
    "relevant": "Improvement plan priority 2.",
    "time_bound": "By July.",
}


CLASSIC_PLAN = "School improvement/development plan"


# ----- The five years --------------------------------------------------------------------


def langley_year(clock: Any) -> None:
    """langley-interim: two objectives for a main-scale teacher (§7 I), one whole-school
    or team and one professional development (§7 II), each linked to the TIP/AIP (§7 IX);
    no formal mid-year review (§7 X); September to July (§7 XI)."""
    y = build(clock, "langley-interim")
    y.at(2026, 8, 25)
    open_year(y, 2026, dt.date(2026, 9, 1), dt.date(2027, 7, 31))
    y.at(2026, 9, 2)
    start_year(y)
    y.at(2026, 10, 5)
    agree_objectives(
        y,
        [
            {
                "title": "Whole-school reading",
                "kind": "whole_school_or_team",
                **SMART,
                "alignment": "Trust Improvement Plan (TIP)",
            },
            {
                "title": "Questioning",
                "kind": "professional_development",
                **SMART,
                "alignment": "Academy Improvement Plan (AIP)",
            },
        ],
    )
    assert not [d for d in all_deadlines([y.c]) if d.kind == "interim_meeting"]
    y.at(2027, 2, 3)
    observe(y, ObservationKind.FORMAL, 50, advance_notice_given=True)
    y.at(2027, 7, 20)
    text = review_and_close(y)
    assert "Whole-school reading" in text


def classic_year(clock: Any) -> None:
    """classic-objectives: three objectives, one on student progress (§1.4), set by
    31 October (§4.2); interim meetings at least every six months (§5.7.1); observation by
    a QTS holder with feedback in 2 and 5 working days (§5.2.2, §5.2.4); a review and a
    statement with the §5.7.2 and §5.7.4 contents, with a reference to pay (§5.7.2)."""
    y = build(clock, "classic-objectives")
    y.at(2026, 8, 28)
    open_year(y, 2026, dt.date(2026, 9, 1), dt.date(2027, 8, 31))
    y.at(2026, 9, 7)
    start_year(y)
    assert _deadline(y, "objectives_agreed").due_on == dt.date(2026, 10, 31)
    y.at(2026, 10, 12)
    agree_objectives(
        y,
        [
            {
                "title": "Year 4 reading progress",
                "kind": "student_progress",
                **SMART,
                "alignment": "School improvement/development plan",
            },
            {
                "title": "Phonics leadership",
                **SMART,
                "alignment": "School improvement/development plan",
            },
            {
                "title": "Feedback policy",
                **SMART,
                "alignment": "School improvement/development plan",
            },
        ],
    )
    y.at(2027, 1, 14)
    observe(y, ObservationKind.FORMAL, 60, advance_notice_given=True)
    y.at(2027, 3, 1)
    hold_meeting(y, MeetingKind.INTERIM, dt.date(2027, 3, 1))
    assert _deadline(y, "interim_meeting").done
    y.at(2027, 9, 10)
    assert _deadline(y, "annual_review").due_on == dt.date(2027, 9, 16)  # §2.1
    text = review_and_close(y, pay_reference="Recommended to progress to M4.")
    for line in y.c.policy_version.rules.review.new_cycle_statement_contents:
        assert " ".join(line.split()) in text, line
    assert "Recommended to progress to M4." in text
    assert "Year 4 reading progress" in text


def aspire_year(clock: Any) -> None:
    """aspire-grow: no objectives (§6.5); an autumn conversation before October
    half-term and a spring/summer one (§6.3), growth areas and CPD recorded, agreed notes
    kept only with consent (§8.2); at most three hours of observation (§7.2)."""
    y = build(clock, "aspire-grow")
    y.at(2026, 8, 27)
    open_year(y, 2026, dt.date(2026, 9, 1), dt.date(2027, 8, 31))
    y.at(2026, 9, 3)
    start_year(y)
    y.at(2026, 10, 15)
    conversation = objectives.conversation_record(
        actor=u(y.reviewer),
        cycle=y.c,
        key="autumn",
        expected_version=None,
        held_on=dt.date(2026, 10, 15),
        growth_areas="Adaptive teaching.",
        cpd_activities="Walkthrus coaching.",
        agreed_notes="Agreed: half-termly coaching.",
        notes_consent=True,
    )
    assert conversation.notes_consent
    objectives.wellbeing_consent_give(actor=u(y.appraisee), cycle=y.c)
    objectives.wellbeing_note_add(actor=u(y.appraisee), cycle=y.c, text=WELLBEING)
    y.at(2027, 3, 10)
    observe(y, ObservationKind.FORMAL, 60, advance_notice_given=True)
    y.at(2027, 5, 12)
    objectives.conversation_record(
        actor=u(y.reviewer),
        cycle=y.c,
        key="spring_summer",
        expected_version=None,
        held_on=dt.date(2027, 5, 12),
        growth_areas="Adaptive teaching: next steps.",
        cpd_activities="Lead a staff session.",
    )
    y.at(2027, 7, 15)
    review_and_close(y)


def leger_year(clock: Any) -> None:
    """leger-pdp: a personal development plan with the four Professional IQ parts and
    development needs (§2), a mid-point check-in and an end-of-year review (§4)."""
    y = build(clock, "leger-pdp")
    y.at(2026, 8, 26)
    open_year(y, 2026, dt.date(2026, 9, 1), dt.date(2027, 8, 31))
    y.at(2026, 9, 4)
    start_year(y)
    y.at(2026, 9, 30)
    pdp = objectives.development_plan_save(
        actor=u(y.appraisee),
        cycle=y.c,
        expected_version=None,
        answers=[
            "Questioning in Year 9 maths",
            "Rosenshine's principles of instruction",
            "Exit tickets each lesson",
            "A department meeting in the summer term",
        ],
        development_needs="Coaching skills.",
    )
    pdp = objectives.development_plan_agree(
        actor=u(y.reviewer), cycle=y.c, expected_version=pdp.version
    )
    assert DevelopmentPlan.objects.get(cycle=y.c).state == PlanState.AGREED
    y.at(2027, 2, 1)
    hold_meeting(y, MeetingKind.MIDPOINT, dt.date(2027, 2, 1))
    y.at(2027, 3, 3)
    observe(y, ObservationKind.FORMAL, 45, advance_notice_given=True)
    y.at(2027, 7, 12)
    review_and_close(y)


def staploe_year(clock: Any) -> None:
    """staploe-associate: a support member of staff's January to December year; SMART
    objectives, no more than three, linked to priorities, agreed at the annual review
    meeting with at least two weeks' notice and about an hour (Setting Objectives,
    Performance Management Review Meeting); termly reviews; one work observation with
    feedback within 48 hours (Regular Review Meetings); the review in January."""
    y = build(clock, "staploe-associate", support=True)
    y.at(2026, 12, 1)
    open_year(y, 2026, dt.date(2027, 1, 1), dt.date(2027, 12, 31))
    y.at(2027, 1, 4)
    start_year(y)
    y.at(2027, 1, 20)
    hold_meeting(
        y,
        MeetingKind.ANNUAL_REVIEW,
        dt.date(2027, 1, 20),
        notice_given_on=dt.date(2027, 1, 5),
        planned_minutes=60,
    )
    agree_objectives(
        y,
        [
            {"title": "New finance system", **SMART, "alignment": "Trust strategic priorities"},
            {"title": "Admissions process", **SMART, "alignment": "School improvement plan"},
        ],
    )
    y.at(2027, 4, 21)
    hold_meeting(y, MeetingKind.TERMLY, dt.date(2027, 4, 21))
    y.at(2027, 6, 9)
    observe(y, ObservationKind.WORK_OBSERVATION, 40, advance_notice_given=True)
    y.at(2028, 1, 12)
    text = review_and_close(
        y, accountabilities=["Manage the school office", "Keep financial records"]
    )
    assert "Manage the school office" in text


YEARS: dict[str, Callable[[Any], None]] = {
    "langley-interim": langley_year,
    "classic-objectives": classic_year,
    "aspire-grow": aspire_year,
    "leger-pdp": leger_year,
    "staploe-associate": staploe_year,
}


@pytest.mark.parametrize("preset", YEARS)
def test_a_whole_year(preset: str) -> None:
    with time_machine.travel(dt.datetime(2026, 8, 1, 12, tzinfo=TZ), tick=False) as clock:
        YEARS[preset](clock)
