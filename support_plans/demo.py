"""The demo trust's support cases: open cases at several stages, so the support plan and
escalations pages are not empty. A concern with no plan yet; a plan at the policy's first
stage whose first support meeting was held today, with its outcome letter stored on the
plan, and the next meeting coming up; and (classic, whose policy allows going straight to
capability) a case in the capability procedure. Each is made through the services a
manager uses; a person who already has a concern is left as they are, so running the
demo again adds nothing."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.models import User
from organisation.models import StaffMember

from . import rules, services
from .models import CAPABILITY, Concern, LetterKind, MeetingKind, SupportPlan

# What the demo outcome letter says for each thing the policy lists, by a word in it;
# anything else is answered from the meeting's notes.
_ANSWERS = {
    "reasons": "Pupils' books show marking has not been kept up since the start of term.",
    "next": "Weekly support with the head of department; the next meeting is on the plan.",
    "appeal": "This is informal support: there is no appeal, but you may add your comments "
    "to the plan at any time.",
    "outcome": "Informal support begins, with the targets agreed at the meeting.",
}


def _answer(item: str) -> str:
    lowered = item.lower()
    return next(
        (text for word, text in _ANSWERS.items() if word in lowered),
        "As agreed at the meeting: see its notes on the plan.",
    )


def _first_meeting_and_letter(actor: User, plan: SupportPlan, today: dt.date) -> None:
    """The plan's first support meeting, held today, and its outcome letter on the plan
    (where the first stage needs no notice and the academy is open today)."""
    try:
        meeting = services.meeting_schedule(
            actor=actor,
            plan=plan,
            kind=MeetingKind.SUPPORT,
            scheduled_for=today,
            notice_given_on=today,
        )
    except services.SupportPlanError:
        return
    meeting = services.meeting_record(
        actor=actor,
        meeting=meeting,
        expected_version=meeting.version,
        attendees="Line manager, the member of staff",
        companion="",
        papers_sent="The concern and the evidence",
        papers_sent_on=today,
        notes="Went through the marking expected and agreed weekly support.",
        outcome="Informal support begins.",
        held_on=today,
    )
    items = rules.letter_items(
        plan.policy_version.rules.support, LetterKind.OUTCOME, MeetingKind.SUPPORT
    )
    services.letter_write(
        actor=actor,
        plan=plan,
        meeting=meeting,
        kind=LetterKind.OUTCOME,
        answers=[_answer(item) for item in items],
    )


def seed_support_cases(*, preset: str, staff: dict[str, StaffMember]) -> None:
    today = timezone.localdate()

    def concern(key: str, detail: str, evidence: str) -> tuple[User, Concern] | None:
        member = staff[key]
        manager = member.line_manager
        if manager is None or manager.user is None:
            return None
        if Concern.objects.filter(staff=member).exists():
            return None
        recorded = services.concern_record(
            actor=manager.user,
            staff=member,
            about="standard",
            about_detail=detail,
            evidence=evidence,
            raised_with_them_on=today - dt.timedelta(days=7),
        )
        return manager.user, recorded

    concern(
        "a_t3",
        "Teachers' Standard 7: manage behaviour effectively",
        "Two lesson visits this half-term found low-level disruption not addressed.",
    )
    first = concern(
        "a_t2",
        "Teachers' Standard 6: make accurate and productive use of assessment",
        "Marking has not been kept up since the start of term; pupils' books show no feedback.",
    )
    if first is not None:
        actor, recorded = first
        plan = services.plan_open(actor=actor, concern=recorded)
        _first_meeting_and_letter(actor, plan, today)
        # Three weeks or so ahead, on the first day the academy is open.
        for ahead in range(21, 60):
            try:
                services.meeting_schedule(
                    actor=actor,
                    plan=plan,
                    kind=MeetingKind.SUPPORT,
                    scheduled_for=today + dt.timedelta(days=ahead),
                    notice_given_on=today,
                )
            except services.SupportPlanError:
                continue
            break
    if preset != "classic-objectives":
        return
    third = concern(
        "b_t1",
        "Teachers' Standard 2: promote good progress and outcomes by pupils",
        "Pupils' progress has been well below that of similar classes for two terms, and "
        "did not improve after an earlier support programme.",
    )
    if third is not None:
        actor, recorded = third
        plan = services.plan_open(actor=actor, concern=recorded)
        reasons = plan.policy_version.rules.support.skip_informal_when
        if reasons:
            services.plan_move(actor=actor, plan=plan, to=CAPABILITY, bypass_reason=reasons[-1])
