"""The whole URLconf, walked: every route is public by name or probed here.

For every route this module knows how to fill in with one trust's objects:
- an anonymous visitor is sent to sign in (or gets 404) and never sees a page;
- every persona of trust A asking for trust B's objects gets 404, GET and POST alike;
- every persona of trust A visiting every route filled with trust A's objects never gets a
  500 and never sees the marker string planted in all of trust B's data.
A new route that is neither on the public list nor in ``ROUTES`` fails
``test_every_route_is_public_or_probed``: access to it must be thought about first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from calendars.models import CalendarDay, CalendarDayKind, Term
from colleague_feedback.models import FeedbackAnswer, FeedbackRequest, FeedbackRound
from cycles.models import AppraisalCycle, CycleAccessGrant, CycleOpening
from objectives.models import (
    ImprovementPriority,
    Meeting,
    Objective,
    SharedObjective,
    WellbeingConsent,
    WellbeingNote,
)
from organisation.models import Academy, RoleAssignment, RoleRequest, StaffMember, Trust
from pay_progression.models import PayRecommendation, PayReview, PayScaleSet
from policies.models import Policy, PolicyAssignment
from probation.models import Probation, ProbationReview
from reports.models import HeadteacherReport
from retention.models import LegalHold
from reviews.models import Evidence, ModerationItem, ModerationSample, Observation
from subject_access.models import AccessRequest
from support_plans.models import Concern, PlanLetter, SupportMeeting, SupportPlan
from tests.personas import MARKER, STAFF_PERSONAS, World

pytestmark = pytest.mark.django_db

# Routes anyone may reach: signing in and its recovery, and the calendar feed whose secret
# token is the credential. Matched by URL name (or, for allauth, by its path prefix).
# Every allauth route is walked and probed for every persona in
# test_sign_in_and_admin_sweep.py.
PUBLIC_NAMES = {"reminders:feed"}
PUBLIC_PREFIXES = ("accounts/",)
# The platform operators' Django admin: superusers only; every admin route is walked and
# probed for every persona and an operator in test_sign_in_and_admin_sweep.py.
ADMIN_PREFIX = settings.ADMIN_URL


def walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = entry.name or ""
            full = f"{namespace}:{name}" if namespace and name else name
            yield prefix + str(entry.pattern), full


@dataclass
class Side:
    """One trust's objects of every kind a URL can name."""

    trust: Trust
    academy: Academy
    staff: StaffMember
    cycle: AppraisalCycle
    role_assignment: RoleAssignment
    policy: Policy
    policy_assignment: PolicyAssignment
    term: Term
    day: CalendarDay
    priority: ImprovementPriority
    shared: SharedObjective
    objective: Objective
    meeting: Meeting
    wellbeing_note: WellbeingNote
    observation: Observation
    evidence: Evidence
    sample: ModerationSample
    item: ModerationItem
    hold: LegalHold
    opening: CycleOpening
    grant: CycleAccessGrant
    role_request: RoleRequest
    concern: Concern
    plan: SupportPlan
    probation: Probation
    support_meeting: SupportMeeting
    pay: PaySide
    support_letter: PlanLetter
    feedback_round: FeedbackRound
    feedback_request: FeedbackRequest
    access_request: AccessRequest
    termly_report: HeadteacherReport


def build_side(world: World, *, trust_b: bool) -> Side:
    text = f"Text {MARKER}" if trust_b else "Alder text"
    trust = world.other_trust if trust_b else world.trust
    academy = world.other_academy if trust_b else world.academy
    cycle = world.cycles["b_staff" if trust_b else "appraisee"]
    staff = cycle.appraisee
    observer = world.staff["b_headteacher" if trust_b else "line_manager"]
    policy = (world.other_policy_version if trust_b else world.policy_version).policy  # type: ignore[union-attr]
    consent = WellbeingConsent.objects.create(trust=trust, cycle=cycle, given_at=timezone.now())
    objective = Objective.objects.create(trust=trust, cycle=cycle, title=text)
    sample = ModerationSample.objects.create(
        trust=trust,
        academy=academy,
        year=2026,
        kind="statements",
        requested_size=1,
        population_size=1,
        seed=1,
    )
    concern = Concern.objects.create(
        trust=trust,
        academy=academy,
        staff=staff,
        raised_by=observer,
        policy_version=cycle.policy_version,
        about="role",
        about_detail=text,
        evidence=text,
        raised_with_them_on=dt.date(2026, 10, 1),
    )
    plan = SupportPlan.objects.create(
        trust=trust,
        academy=academy,
        staff=staff,
        manager=observer,
        concern=concern,
        policy_version=cycle.policy_version,
        stage="informal_support",
        stage_started_on=dt.date(2026, 10, 5),
        opened_on=dt.date(2026, 10, 5),
        bypass_reason=text,
    )
    feedback_round = FeedbackRound.objects.create(
        trust=trust,
        academy=academy,
        cycle=cycle,
        asked_by=observer,
        question=text,
        status="open",
        asked_on=dt.date(2026, 11, 2),
        opened_on=dt.date(2026, 11, 2),
        closes_on=dt.date(2027, 7, 1),
    )
    FeedbackAnswer.objects.create(trust=trust, round=feedback_round, text=text)
    asked = world.staff["b_hr" if trust_b else "colleague"]
    return Side(
        trust=trust,
        academy=academy,
        staff=staff,
        cycle=cycle,
        role_assignment=RoleAssignment.objects.filter(trust=trust).first(),  # type: ignore[arg-type]
        policy=policy,
        policy_assignment=PolicyAssignment.objects.create(
            trust=trust, staff_group="teaching", policy=policy
        ),
        term=Term.objects.create(
            academy=academy,
            name=text[:60],
            starts_on=dt.date(2026, 9, 2),
            ends_on=dt.date(2026, 10, 23),
        ),
        day=CalendarDay.objects.create(
            academy=academy, date=dt.date(2026, 9, 1), kind=CalendarDayKind.INSET, description=text
        ),
        priority=ImprovementPriority.objects.create(
            trust=trust, academic_year=2026, code="P1", title=text
        ),
        shared=SharedObjective.objects.create(trust=trust, title=text),
        objective=objective,
        meeting=Meeting.objects.create(
            trust=trust, cycle=cycle, kind="interim", scheduled_for=dt.date(2026, 11, 2), notes=text
        ),
        wellbeing_note=WellbeingNote.objects.create(
            trust=trust, cycle=cycle, consent=consent, text=text
        ),
        observation=Observation.objects.create(
            trust=trust,
            cycle=cycle,
            observer=observer,
            observed_at=timezone.now(),
            duration_minutes=30,
            kind="formal",
            focus=text[:300],
        ),
        evidence=Evidence.objects.create(
            trust=trust, cycle=cycle, kind="note", title=text, note=text
        ),
        sample=sample,
        item=ModerationItem.objects.create(sample=sample, cycle=cycle, position=1),
        hold=LegalHold.objects.create(trust=trust, reason=text, staff_member=staff),
        opening=CycleOpening.objects.create(trust=trust, academy=academy, year=2026),
        grant=CycleAccessGrant.objects.create(
            cycle=cycle,
            user=staff.user,
            permission="view_cycle_as_adviser",
            reason=text,
            expires_at=timezone.now() + dt.timedelta(days=5),
        ),
        role_request=RoleRequest.objects.create(
            trust=trust, user=staff.user, role="hr", reason=text, requested_by=observer.user
        ),
        pay=_pay_side(trust, academy, staff, cycle, text),
        concern=concern,
        plan=plan,
        probation=_probation_side(trust, academy, staff, cycle, text),
        support_meeting=SupportMeeting.objects.create(
            trust=trust,
            plan=plan,
            stage="informal_support",
            kind="support",
            scheduled_for=dt.date(2026, 10, 12),
            notice_given_on=dt.date(2026, 10, 5),
            notes=text,
        ),
        support_letter=_support_letter(trust, plan, text),
        feedback_round=feedback_round,
        feedback_request=FeedbackRequest.objects.create(
            trust=trust, round=feedback_round, colleague=asked
        ),
        access_request=AccessRequest.objects.create(
            trust=trust,
            staff=staff,
            on_behalf=True,
            asked_by=text,
            received_on=dt.date(2026, 11, 2),
            due_on=dt.date(2026, 12, 2),
        ),
        termly_report=HeadteacherReport.objects.create(
            trust=trust,
            academy=academy,
            year=2026,
            term="autumn",
            commentary=text,
            state="issued",
            written_by=world.user("b_headteacher" if trust_b else "headteacher"),
        ),
    )


def _probation_side(
    trust: Trust, academy: Academy, staff: StaffMember, cycle: AppraisalCycle, text: str
) -> Probation:
    probation = Probation.objects.create(
        trust=trust,
        academy=academy,
        staff=staff,
        policy_version=cycle.policy_version,
        starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2027, 2, 28),
        original_ends_on=dt.date(2027, 2, 28),
        extension_reason=text,
        outcome_note=text,
    )
    ProbationReview.objects.create(
        trust=trust,
        probation=probation,
        held_on=dt.date(2026, 11, 30),
        successes=text,
        development_areas=text,
        training=text,
    )
    return probation


def _support_letter(trust: Trust, plan: SupportPlan, text: str) -> PlanLetter:
    import hashlib

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    body = f"%PDF-1.7 {text}".encode()
    name = default_storage.save(f"support_letters/{trust.pk}/sweep.pdf", ContentFile(body))
    meeting = SupportMeeting.objects.create(
        trust=trust,
        plan=plan,
        stage="informal_support",
        kind="formal",
        scheduled_for=dt.date(2026, 10, 19),
        notice_given_on=dt.date(2026, 10, 5),
    )
    return PlanLetter.objects.create(
        trust=trust,
        plan=plan,
        meeting=meeting,
        kind="invitation",
        title=text,
        signed_by=text,
        written_on=dt.date(2026, 10, 5),
        file=name,
        file_sha256=hashlib.sha256(body).hexdigest(),
    )


@dataclass
class PaySide:
    scale_set: PayScaleSet
    review: PayReview
    recommendation: PayRecommendation


def _pay_side(
    trust: Trust, academy: Academy, staff: StaffMember, cycle: AppraisalCycle, text: str
) -> PaySide:
    """A pay review with the member of staff's recommendation decided and its statement
    issued (a stored file holding the marker), so every pay page has something to show."""
    import hashlib

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from pay_progression.models import PayPoint, PayStatementFile

    scale_set = PayScaleSet.objects.create(
        trust=trust, pay_year=2026, effective_from=dt.date(2026, 9, 1), name=text[:120]
    )
    PayPoint.objects.create(
        trust=trust, scale_set=scale_set, pay_range="MPR", code="M3", position=2, grade=text[:40]
    )
    review = PayReview.objects.create(
        trust=trust, academy=academy, pay_year=2026, scale_set=scale_set
    )
    rec = PayRecommendation.objects.create(
        trust=trust,
        academy=academy,
        review=review,
        staff=staff,
        policy_version=cycle.policy_version,
        stage="statement_issued",
        current_range="MPR",
        current_point="M3",
        suggested_outcome="no_progression",
        outcome="no_progression",
        reason=text[:300],
        evidence=text,
        rule_basis=text[:300],
        decision_note=text,
        decided_at=timezone.now(),
        effective_from=dt.date(2026, 9, 1),
    )
    body = f"%PDF-1.7 {text}".encode()
    name = default_storage.save(f"pay_statements/{trust.pk}/sweep.pdf", ContentFile(body))
    PayStatementFile.objects.create(
        trust=trust,
        recommendation=rec,
        file=name,
        file_sha256=hashlib.sha256(body).hexdigest(),
        rendered_at=timezone.now(),
    )
    return PaySide(scale_set=scale_set, review=review, recommendation=rec)


K = Callable[[Side], dict[str, Any]]


def none(s: Side) -> dict[str, Any]:
    return {}


def cycle_kw(s: Side) -> dict[str, Any]:
    return {"cycle_id": s.cycle.pk}


# url name -> the kwargs naming one side's objects. ``none`` marks routes without objects.
ROUTES: dict[str, K] = {
    "home": none,
    # cycles
    "cycles:mine": none,
    "cycles:reviewees": none,
    "cycles:bulk_move": lambda s: {"move": "start"},
    "cycles:academies": none,
    "cycles:academy": lambda s: {"academy_id": s.academy.pk},
    "cycles:open": none,
    "cycles:opening": lambda s: {"opening_id": s.opening.pk},
    "cycles:detail": lambda s: {"pk": s.cycle.pk},
    "cycles:transition": lambda s: {"pk": s.cycle.pk},
    "cycles:change_reviewer": lambda s: {"pk": s.cycle.pk},
    "cycles:first_period": lambda s: {"pk": s.cycle.pk},
    "cycles:access": lambda s: {"pk": s.cycle.pk},
    "cycles:revoke_access": lambda s: {"pk": s.cycle.pk, "grant_id": s.grant.pk},
    "cycles:leader_reviews": none,
    "cycles:committee": lambda s: {"pk": s.cycle.pk},
    "cycles:committee_adviser": lambda s: {"pk": s.cycle.pk},
    "cycles:committee_adviser_withdraw": lambda s: {"pk": s.cycle.pk, "grant_id": s.grant.pk},
    # organisation
    "organisation:trust": none,
    "organisation:trust_edit": none,
    "organisation:academy_add": none,
    "organisation:academy_edit": lambda s: {"pk": s.academy.pk},
    "organisation:line_management": lambda s: {"pk": s.academy.pk},
    "organisation:line_management_index": none,
    "organisation:staff_list": none,
    "organisation:staff_add": none,
    "organisation:staff_import": none,
    "organisation:staff_import_done": none,
    "organisation:staff_import_example": none,
    "organisation:staff_detail": lambda s: {"pk": s.staff.pk},
    "organisation:staff_edit": lambda s: {"pk": s.staff.pk},
    "organisation:staff_line_manager": lambda s: {"pk": s.staff.pk},
    "organisation:staff_account": lambda s: {"pk": s.staff.pk, "action": "reset-two-step"},
    "organisation:staff_invitation": lambda s: {"pk": s.staff.pk},
    "organisation:administration": none,
    "organisation:roles": none,
    "organisation:role_grant": none,
    "organisation:role_revoke": lambda s: {"pk": s.role_assignment.pk},
    "organisation:role_requests": none,
    "organisation:role_request": lambda s: {"pk": s.role_request.pk},
    "organisation:job_roles": none,
    # policies
    "policies:index": none,
    "policies:choose": lambda s: {"staff_group": "teaching"},
    "policies:unassign": lambda s: {"assignment_id": s.policy_assignment.pk},
    "policies:detail": lambda s: {"policy_id": s.policy.pk},
    "policies:version": lambda s: {"policy_id": s.policy.pk, "number": 1},
    "policies:edit": lambda s: {"policy_id": s.policy.pk},
    "policies:section_edit": lambda s: {"policy_id": s.policy.pk, "section": "pay"},
    # calendars
    "calendars:index": none,
    "calendars:detail": lambda s: {"academy_id": s.academy.pk},
    "calendars:term_add": lambda s: {"academy_id": s.academy.pk},
    "calendars:term_edit": lambda s: {"academy_id": s.academy.pk, "term_id": s.term.pk},
    "calendars:term_delete": lambda s: {"academy_id": s.academy.pk, "term_id": s.term.pk},
    "calendars:day_add": lambda s: {"academy_id": s.academy.pk},
    "calendars:day_remove": lambda s: {"academy_id": s.academy.pk, "day_id": s.day.pk},
    # audit
    "audit:index": none,
    "audit:security_events": none,
    # objectives
    "objectives:priorities": none,
    "objectives:priority_add": none,
    "objectives:priority_edit": lambda s: {"pk": s.priority.pk},
    "objectives:priority_delete": lambda s: {"pk": s.priority.pk},
    "objectives:shared_list": none,
    "objectives:shared_add": none,
    "objectives:shared_detail": lambda s: {"pk": s.shared.pk},
    "objectives:cycle": cycle_kw,
    "objectives:objective_add": cycle_kw,
    "objectives:objective_edit": lambda s: {"cycle_id": s.cycle.pk, "pk": s.objective.pk},
    "objectives:objective_delete": lambda s: {"cycle_id": s.cycle.pk, "pk": s.objective.pk},
    "objectives:objective_comment": lambda s: {"cycle_id": s.cycle.pk, "pk": s.objective.pk},
    "objectives:plan": cycle_kw,
    "objectives:plan_action": lambda s: {"cycle_id": s.cycle.pk, "action": "agree"},
    "objectives:conversation": lambda s: {"cycle_id": s.cycle.pk, "key": "autumn"},
    "objectives:wellbeing": cycle_kw,
    "objectives:wellbeing_note_delete": lambda s: {
        "cycle_id": s.cycle.pk,
        "pk": s.wellbeing_note.pk,
    },
    "objectives:pdp": cycle_kw,
    "objectives:meeting_add": cycle_kw,
    "objectives:meeting_edit": lambda s: {"cycle_id": s.cycle.pk, "pk": s.meeting.pk},
    # reviews
    "reviews:observation_add": cycle_kw,
    "reviews:observation_feedback": lambda s: {
        "cycle_id": s.cycle.pk,
        "observation_id": s.observation.pk,
    },
    "reviews:evidence_add": cycle_kw,
    "reviews:evidence_note_add": cycle_kw,
    "reviews:evidence_detail": lambda s: {"cycle_id": s.cycle.pk, "evidence_id": s.evidence.pk},
    "reviews:evidence_change": lambda s: {"cycle_id": s.cycle.pk, "evidence_id": s.evidence.pk},
    "reviews:evidence_withdraw": lambda s: {"cycle_id": s.cycle.pk, "evidence_id": s.evidence.pk},
    "reviews:evidence_download": lambda s: {
        "cycle_id": s.cycle.pk,
        "evidence_id": s.evidence.pk,
    },
    "reviews:review_edit": cycle_kw,
    "reviews:review_reopen": cycle_kw,
    "reviews:review_comment": cycle_kw,
    "reviews:statement": cycle_kw,
    "reviews:headteacher_copies": none,
    "reviews:headteacher_copy": cycle_kw,
    "reviews:headteacher_adjust": cycle_kw,
    "reviews:moderation_index": none,
    "reviews:moderation_detail": lambda s: {"sample_id": s.sample.pk},
    "reviews:moderation_item": lambda s: {"sample_id": s.sample.pk, "item_id": s.item.pk},
    # reminders and retention
    "reminders:mine": none,
    "reminders:feed_reset": none,
    "retention:index": none,
    "retention:hold_add": none,
    "retention:hold_lift": lambda s: {"pk": s.hold.pk},
    # pay progression
    "pay_progression:index": none,
    "pay_progression:mine": none,
    "pay_progression:scales": none,
    "pay_progression:scale_set_add": none,
    "pay_progression:scale_set": lambda s: {"pk": s.pay.scale_set.pk},
    "pay_progression:scale_range_edit": lambda s: {"pk": s.pay.scale_set.pk, "pay_range": "MPR"},
    "pay_progression:pay_history": lambda s: {"staff_id": s.staff.pk},
    "pay_progression:placement_add": lambda s: {"staff_id": s.staff.pk},
    "pay_progression:review_open_trust": none,
    "pay_progression:review_open": lambda s: {"academy_id": s.academy.pk},
    "pay_progression:review": lambda s: {"pk": s.pay.review.pk},
    "pay_progression:payroll_csv": lambda s: {"pk": s.pay.review.pk},
    "pay_progression:recommendation": lambda s: {"pk": s.pay.recommendation.pk},
    "pay_progression:draft": lambda s: {"pk": s.pay.recommendation.pk},
    "pay_progression:approve": lambda s: {"pk": s.pay.recommendation.pk},
    "pay_progression:share": lambda s: {"pk": s.pay.recommendation.pk},
    "pay_progression:decide": lambda s: {"pk": s.pay.recommendation.pk},
    "pay_progression:statement_issue": lambda s: {"pk": s.pay.recommendation.pk},
    "pay_progression:statement_pdf": lambda s: {"pk": s.pay.recommendation.pk},
    # support plans
    "support_plans:index": none,
    "support_plans:escalations": none,
    "support_plans:escalations_csv": none,
    # reports
    "reports:year": none,
    "reports:year_csv": none,
    "reports:year_pdf": none,
    "reports:termly_index": none,
    "reports:termly_write": none,
    "reports:termly_detail": lambda s: {"pk": s.termly_report.pk},
    "reports:termly_edit": lambda s: {"pk": s.termly_report.pk},
    "reports:termly_issue": lambda s: {"pk": s.termly_report.pk},
    "reports:termly_pdf": lambda s: {"pk": s.termly_report.pk},
    "support_plans:concern_add": none,
    "support_plans:concern_detail": lambda s: {"pk": s.concern.pk},
    "support_plans:plan_open": lambda s: {"pk": s.concern.pk},
    "support_plans:plan_detail": lambda s: {"pk": s.plan.pk},
    "support_plans:plan_move": lambda s: {"pk": s.plan.pk},
    "support_plans:plan_close": lambda s: {"pk": s.plan.pk},
    "support_plans:written_plan": lambda s: {"pk": s.plan.pk},
    "support_plans:plan_pause": lambda s: {"pk": s.plan.pk},
    "support_plans:comment_add": lambda s: {"pk": s.plan.pk},
    "support_plans:meeting_add": lambda s: {"pk": s.plan.pk},
    "support_plans:meeting_edit": lambda s: {"pk": s.plan.pk, "meeting_id": s.support_meeting.pk},
    "support_plans:letter_add": lambda s: {
        "pk": s.plan.pk,
        "meeting_id": s.support_letter.meeting_id,
        "kind": "invitation",
    },
    "support_plans:letter": lambda s: {"pk": s.plan.pk, "letter_id": s.support_letter.pk},
    "support_plans:termly_review": lambda s: {"academy_id": s.academy.pk, "term_id": s.term.pk},
    "probation:index": none,
    "probation:trust": none,
    "probation:start": none,
    "probation:detail": lambda s: {"pk": s.probation.pk},
    "probation:review_add": lambda s: {"pk": s.probation.pk},
    "probation:decide": lambda s: {"pk": s.probation.pk},
    # colleague feedback
    "colleague_feedback:ask": cycle_kw,
    "colleague_feedback:round_detail": lambda s: {"pk": s.feedback_round.pk},
    "colleague_feedback:my_requests": none,
    "colleague_feedback:request_detail": lambda s: {"pk": s.feedback_request.pk},
    "colleague_feedback:request_decline": lambda s: {"pk": s.feedback_request.pk},
    # a copy of one's personal data
    "subject_access:mine": none,
    "subject_access:request_new": none,
    "subject_access:trust": none,
    "subject_access:on_behalf_new": none,
    "subject_access:detail": lambda s: {"pk": s.access_request.pk},
    "subject_access:download": lambda s: {"pk": s.access_request.pk},
    "subject_access:respond": lambda s: {"pk": s.access_request.pk},
}


def all_routes() -> list[tuple[str, str]]:
    return [
        (route, name)
        for route, name in walk(get_resolver().url_patterns)
        if not route.startswith(PUBLIC_PREFIXES) and not route.startswith(ADMIN_PREFIX)
    ]


def test_every_route_is_public_or_probed() -> None:
    unnamed = [route for route, name in all_routes() if not name]
    assert not unnamed, f"Routes need a name to be probed: {unnamed}"
    uncovered = sorted(
        name for _, name in all_routes() if name not in ROUTES and name not in PUBLIC_NAMES
    )
    assert not uncovered, f"Routes with no access probe: {uncovered}"


def test_probe_list_has_no_stale_entries() -> None:
    names = {name for _, name in all_routes()}
    assert not set(ROUTES) - names


@pytest.fixture
def sides(world: World) -> tuple[Side, Side]:
    return build_side(world, trust_b=False), build_side(world, trust_b=True)


def _url(name: str, side: Side) -> str:
    return reverse(name, kwargs=ROUTES[name](side))


def test_anonymous_visitors_see_nothing(sides: tuple[Side, Side]) -> None:
    client = Client()
    own, _ = sides
    for name in ROUTES:
        response = client.get(_url(name, own))
        assert response.status_code in (302, 404), name
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("account_login")), name


OBJECT_ROUTES = [name for name, kw in ROUTES.items() if kw not in (none,)]
# Routes whose only argument is not an object (a staff group, a plan action) are the same
# for every trust; they are covered by the marker sweep below.
OBJECT_ROUTES.remove("policies:choose")
OBJECT_ROUTES.remove("cycles:bulk_move")  # a stage move: the person's own reviewees only

TRUST_A_PERSONAS = (
    *(p for p in STAFF_PERSONAS if p != "inactive"),
    "governor",
    "chair",
    "adviser",
)


@pytest.mark.parametrize("persona", TRUST_A_PERSONAS)
def test_other_trusts_objects_are_not_found(
    world: World, sides: tuple[Side, Side], persona: str
) -> None:
    _, theirs = sides
    client = Client()
    client.force_login(world.user(persona))
    for name in OBJECT_ROUTES:
        url = _url(name, theirs)
        get = client.get(url)
        post = client.post(url, {})
        assert get.status_code in (404, 405), f"GET {name} gave {get.status_code}"
        assert post.status_code in (404, 405), f"POST {name} gave {post.status_code}"
        assert 404 in (get.status_code, post.status_code), name
        assert MARKER not in get.content.decode(errors="replace"), name


@pytest.mark.parametrize("persona", TRUST_A_PERSONAS)
def test_no_page_shows_another_trusts_data_or_fails(
    world: World, sides: tuple[Side, Side], persona: str
) -> None:
    own, _ = sides
    client = Client()
    client.force_login(world.user(persona))
    for name in ROUTES:
        response = client.get(_url(name, own))
        assert response.status_code < 500, f"{name} gave {response.status_code}"
        body = b"".join(response) if response.streaming else response.content  # type: ignore[attr-defined]
        assert MARKER.encode() not in body, f"{name} showed trust B's data to {persona}"


class _Probe:
    """Stands in for a Side when only the shape of a route's arguments is wanted."""

    def __getattr__(self, name: str) -> Any:
        return self

    pk = 0


MIXED_ROUTES = [
    name
    for name in OBJECT_ROUTES
    if name.split(":")[0] in {"objectives", "reviews", "calendars", "cycles", "support_plans"}
    and len(ROUTES[name](_Probe())) > 1
    and name not in {"objectives:plan_action", "objectives:conversation"}  # not objects
]


@pytest.mark.parametrize("persona", ["hr", "headteacher", "line_manager", "appraisee"])
def test_another_trusts_child_under_your_own_parent_is_not_found(
    world: World, sides: tuple[Side, Side], persona: str
) -> None:
    """Own cycle (or academy, or sample) in the address, another trust's record under it."""
    own, theirs = sides
    client = Client()
    client.force_login(world.user(persona))
    for name in MIXED_ROUTES:
        kwargs = ROUTES[name](theirs)
        parent_kwargs = ROUTES[name](own)
        first = next(iter(parent_kwargs))
        kwargs[first] = parent_kwargs[first]
        url = reverse(name, kwargs=kwargs)
        # Someone refused the action on their own parent whatever the child (403 for a child
        # that does not exist at all) learns nothing from the same refusal here; anyone else
        # must get "not found".
        missing = dict(kwargs)
        missing[list(kwargs)[-1]] = 0
        missing[first] = parent_kwargs[first]
        no_child = reverse(name, kwargs=missing)
        for method in ("get", "post"):
            refused = getattr(client, method)(no_child).status_code == 403
            response = getattr(client, method)(url)
            allowed = (403, 404, 405) if refused else (404, 405)
            assert response.status_code in allowed, f"{method} {name}: {response.status_code}"
            assert MARKER not in response.content.decode(errors="replace"), name


@pytest.mark.parametrize("persona", ["hr", "trust_admin", "headteacher", "line_manager"])
def test_searching_for_another_trusts_data_finds_nothing(
    world: World, sides: tuple[Side, Side], persona: str
) -> None:
    """Every list page searched and filtered for the other trust's names: the search term is
    echoed back, the other trust's data (the whole marker) never is."""
    client = Client()
    client.force_login(world.user(persona))
    fragment = MARKER[:8]
    query = {"q": fragment, "search": fragment, "person": fragment, "name": fragment}
    for name, kwargs in ROUTES.items():
        if kwargs is not none:
            continue
        response = client.get(reverse(name), query)
        assert response.status_code < 500, name
        body = b"".join(response) if response.streaming else response.content  # type: ignore[attr-defined]
        assert MARKER.encode() not in body, f"{name} searched by {persona} showed trust B's data"
