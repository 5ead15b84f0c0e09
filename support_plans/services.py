"""Every write to concerns and support plans.

Each change follows the same steps: check the actor may make it, lock the row
(``select_for_update(of=("self",))``), check the move against the table below and the
pinned policy's stages, save only the changed fields, write a typed ``PlanEvent`` in the
same transaction (simple-history keeps what the record looked like), and send any email
once the change is committed.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import logging
import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from calendars.models import Term
from calendars.selectors import load_calendar
from calendars.working_days import OutsideCalendarRange
from cycles.models import AppraisalCycle, CycleState, SuspensionReason
from cycles.services import CycleError, cycle_transition
from organisation.models import Academy, Role, RoleAssignment, StaffMember
from organisation.principal import principal_for
from policies.models import PolicyVersion
from policies.selectors import policy_for

from . import letters, rules, termly
from .models import (
    CAPABILITY,
    AppraisalEffect,
    Concern,
    ConcernAbout,
    LetterKind,
    PauseReason,
    PlanComment,
    PlanEvent,
    PlanEventKind,
    PlanLetter,
    PlanStatus,
    SupportMeeting,
    SupportPlan,
    TermlyReview,
    WrittenPlan,
)
from .permissions import (
    PlanAction,
    can,
    may_arrange_termly_reviews,
    may_raise_concern,
    may_write_letter,
)

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)


class SupportPlanError(Exception):
    """A refused change, with a message fit for the page and the form field it is about."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class Phase(enum.StrEnum):
    SUPPORT = "support"  # open, at one of the policy's support stages
    CAPABILITY = "capability"  # open, in the capability procedure
    PAUSED = "paused"  # open, paused for a grievance or long sickness
    CLOSED = "closed"


# Every allowed change of phase. Which support stage follows which is the policy's own
# order (``rules.move_refusal``); this table says what each kind of move is.
TRANSITIONS: dict[tuple[Phase, Phase], str] = {
    (Phase.SUPPORT, Phase.SUPPORT): "Move to the next stage of support",
    (Phase.SUPPORT, Phase.CAPABILITY): "Start the capability procedure",
    (Phase.CAPABILITY, Phase.CAPABILITY): "Move to the next stage of the capability procedure",
    (Phase.SUPPORT, Phase.CLOSED): "Close the plan: the support has succeeded",
    (Phase.CAPABILITY, Phase.CLOSED): "End capability and return to appraisal",
    (Phase.SUPPORT, Phase.PAUSED): "Pause the plan",
    (Phase.CAPABILITY, Phase.PAUSED): "Pause the plan",
    (Phase.PAUSED, Phase.SUPPORT): "Resume the plan",
    (Phase.PAUSED, Phase.CAPABILITY): "Resume the plan",
}


def phase_of(plan: SupportPlan) -> Phase:
    if not plan.is_open:
        return Phase.CLOSED
    if plan.paused_on is not None:
        return Phase.PAUSED
    return Phase.CAPABILITY if plan.stage == CAPABILITY else Phase.SUPPORT


def _event(
    *,
    trust_id: int,
    kind: str,
    actor: User | None,
    plan: SupportPlan | None = None,
    concern: Concern | None = None,
    from_stage: str = "",
    to_stage: str = "",
    reason: str = "",
) -> PlanEvent:
    return PlanEvent.objects.create(
        trust_id=trust_id,
        plan=plan,
        concern=concern,
        kind=kind,
        from_stage=from_stage,
        to_stage=to_stage,
        reason=reason[:300],
        actor=actor,
    )


def _history(obj: object, actor: User | None, reason: str) -> None:
    obj._change_reason = reason  # type: ignore[attr-defined]
    if actor is not None:
        obj._history_user = actor  # type: ignore[attr-defined]


def _policy_for(staff: StaffMember, on: dt.date) -> PolicyVersion:
    """The version the person's appraisal runs under: their live cycle's, else the policy
    in force for their staff group."""
    cycle = (
        AppraisalCycle.objects.filter(trust_id=staff.trust_id, appraisee=staff)
        .exclude(state=CycleState.CLOSED)
        .select_related("policy_version")
        .order_by("-starts_on")
        .first()
    )
    if cycle is not None:
        return cycle.policy_version
    version = policy_for(staff_member=staff, on=on)
    if version is None:
        raise SupportPlanError("No appraisal policy applies to this member of staff yet.")
    return version


# ----- Concerns ------------------------------------------------------------------------------


def _headteacher_emails(academy_id: int, trust_id: int, exclude_staff_id: int) -> list[str]:
    rows = (
        RoleAssignment.objects.active()
        .filter(trust_id=trust_id, academy_id=academy_id, role=Role.HEADTEACHER)
        .exclude(user__staff_member__id=exclude_staff_id)
        .values_list("user__email", flat=True)
    )
    return sorted({email for email in rows if email})


def _tell_headteacher(concern_id: int, emails: list[str]) -> None:
    path = reverse("support_plans:concern_detail", args=[concern_id])
    send_mail(
        subject="A concern about a member of staff's performance has been recorded",
        message=(
            "A concern about the performance of a member of staff at your academy has been "
            f"recorded. Sign in to read it: {path}\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=emails,
    )


@transaction.atomic
def concern_record(
    *,
    actor: User,
    staff: StaffMember,
    about: str,
    about_detail: str,
    evidence: str,
    raised_with_them_on: dt.date,
) -> Concern:
    """Record a concern about ``staff``. Where the pinned policy says so
    (``support.concerns_reported_to_headteacher``, classic §6.3) the academy's headteacher
    is told at once, by email, and the concern says when."""
    principal = principal_for(actor)
    if staff.trust_id != principal.trust_id or not may_raise_concern(principal, staff):
        raise SupportPlanError(
            "Only their reviewer, line manager or headteacher can record a concern about "
            "a member of staff."
        )
    if about not in ConcernAbout.values:
        raise SupportPlanError("Say what the concern is about.", field="about")
    today = timezone.localdate()
    if raised_with_them_on > today:
        raise SupportPlanError(
            "The date it was raised with them cannot be in the future.",
            field="raised_with_them_on",
        )
    version = _policy_for(staff, today)
    concern = Concern(
        trust_id=staff.trust_id,
        academy_id=staff.academy_id,
        staff=staff,
        raised_by=principal.staff,
        policy_version=version,
        about=about,
        about_detail=about_detail.strip(),
        evidence=evidence.strip(),
        raised_with_them_on=raised_with_them_on,
    )
    emails: list[str] = []
    if rules.headteacher_told(version.rules.support):
        emails = _headteacher_emails(staff.academy_id, staff.trust_id, exclude_staff_id=staff.pk)
        if emails:
            concern.headteacher_told_at = timezone.now()
    _history(concern, actor, "Concern recorded")
    concern.save()
    _event(
        trust_id=concern.trust_id, kind=PlanEventKind.CONCERN_RECORDED, actor=actor, concern=concern
    )
    if emails:
        _event(
            trust_id=concern.trust_id,
            kind=PlanEventKind.HEADTEACHER_TOLD,
            actor=actor,
            concern=concern,
        )
        concern_id = concern.pk
        transaction.on_commit(lambda: _tell_headteacher(concern_id, emails))
    return concern


# ----- Plans ---------------------------------------------------------------------------------


@transaction.atomic
def plan_open(*, actor: User, concern: Concern) -> SupportPlan:
    """Open a support plan from ``concern`` at the first stage of the policy version the
    plan pins (the one the person's appraisal runs under today). The actor manages it."""
    principal = principal_for(actor)
    locked = Concern.objects.select_for_update(of=("self",)).get(pk=concern.pk)
    if not can(principal, PlanAction.OPEN_PLAN, locked):
        raise SupportPlanError("You cannot open a support plan for this member of staff.")
    staff = StaffMember.objects.get(pk=locked.staff_id)
    if SupportPlan.objects.filter(staff=staff, status=PlanStatus.OPEN).exists():
        raise SupportPlanError("This member of staff already has an open support plan.")
    today = timezone.localdate()
    version = _policy_for(staff, today)
    manager = principal.staff or locked.raised_by
    plan = SupportPlan(
        trust_id=staff.trust_id,
        academy_id=staff.academy_id,
        staff=staff,
        manager=manager,
        concern=locked,
        policy_version=version,
        stage=rules.first_stage(version.rules.support),
        stage_started_on=today,
        opened_on=today,
    )
    _history(plan, actor, "Support plan opened")
    plan.save()
    _event(
        trust_id=plan.trust_id,
        kind=PlanEventKind.OPENED,
        actor=actor,
        plan=plan,
        concern=locked,
        to_stage=plan.stage,
    )
    return plan


def _lock(plan: SupportPlan) -> SupportPlan:
    return (
        SupportPlan.objects.select_for_update(of=("self",))
        .select_related("policy_version")
        .get(pk=plan.pk)
    )


def _require_manage(actor: User, plan: SupportPlan) -> None:
    if not can(principal_for(actor), PlanAction.MANAGE, plan):
        raise SupportPlanError("You cannot change this support plan.")


def _require_running(plan: SupportPlan) -> None:
    if plan.is_paused:
        raise SupportPlanError(
            f"The plan is paused ({plan.get_pause_reason_display().lower()}): resume it first."
        )


def _live_cycle(plan: SupportPlan) -> AppraisalCycle | None:
    return (
        AppraisalCycle.objects.filter(trust_id=plan.trust_id, appraisee_id=plan.staff_id)
        .exclude(state=CycleState.CLOSED)
        .order_by("-starts_on")
        .first()
    )


def _enter_capability(plan: SupportPlan, on: dt.date) -> None:
    """Apply ``support.appraisal_in_capability`` to the person's appraisal cycle, in the
    caller's transaction: the cycle is suspended for capability either way (its deadlines
    and reminders stop), and the plan records whether the policy says appraisal is
    suspended (classic §6.12.4, staploe) or no longer applies (aspire §12, leger §10)."""
    effect = rules.appraisal_effect(plan.policy_version.rules.support)
    cycle = _live_cycle(plan)
    if cycle is not None and cycle.state != CycleState.SUSPENDED:
        note = (
            "Appraisal no longer applies while the capability procedure runs"
            if effect == AppraisalEffect.NO_LONGER_APPLIES
            else "Appraisal suspended while the capability procedure runs"
        )
        try:
            cycle_transition(
                cycle=cycle,
                to=CycleState.SUSPENDED,
                actor=None,  # the plan's own permission check has passed
                reason=SuspensionReason.CAPABILITY,
                note=f"{note} (support plan {plan.pk}).",
            )
        except CycleError as error:
            raise SupportPlanError(str(error)) from error
    plan.cycle = cycle
    plan.appraisal_effect = effect
    plan.capability_started_on = on
    plan.capability_stage = rules.first_capability_stage(plan.policy_version.rules.support)


def _leave_capability(plan: SupportPlan) -> None:
    """Return the person to appraisal: resume the cycle capability suspended."""
    if plan.cycle_id is None:
        return
    cycle = AppraisalCycle.objects.get(pk=plan.cycle_id)
    if (
        cycle.state == CycleState.SUSPENDED
        and cycle.suspension_reason == SuspensionReason.CAPABILITY
    ):
        try:
            cycle_transition(
                cycle=cycle,
                to=cycle.suspended_from,
                actor=None,
                note=f"Capability ended (support plan {plan.pk}).",
            )
        except CycleError as error:
            raise SupportPlanError(str(error)) from error


@transaction.atomic
def plan_move(*, actor: User, plan: SupportPlan, to: str, bypass_reason: str = "") -> SupportPlan:
    """Move the plan to stage ``to``: the next of the pinned policy's stages, or straight
    to capability with one of the bypass reasons the policy lists. Entering capability
    applies the policy's rule to the appraisal cycle in the same transaction and opens the
    capability procedure's first stage; in capability, ``to`` is the procedure's next
    stage (``support.capability_stages``)."""
    locked = _lock(plan)
    _require_manage(actor, locked)
    _require_running(locked)
    support = locked.policy_version.rules.support
    if locked.stage == CAPABILITY:
        return _capability_move(actor, locked, to)
    refusal = rules.move_refusal(support, locked.stage, to, bypass_reason)
    if refusal is not None:
        field = "bypass_reason" if "reason" in refusal and support.skip_informal_when else "to"
        raise SupportPlanError(refusal, field=field)
    target = Phase.CAPABILITY if to == CAPABILITY else Phase.SUPPORT
    label = TRANSITIONS[(phase_of(locked), target)]
    frm = locked.stage
    bypassed = to != rules.next_stage(support, frm)
    today = timezone.localdate()
    # A listed bypass reason (a risk to health and safety, say) does not wait out a stage.
    early = (
        None if bypassed else rules.too_early_refusal(support, frm, locked.stage_started_on, today)
    )
    if early is not None:
        raise SupportPlanError(early, field="to")
    locked.stage = to
    locked.stage_started_on = today
    fields = ["stage", "stage_started_on", "version"]
    if bypassed:
        locked.bypass_reason = bypass_reason
        fields.append("bypass_reason")
    if target == Phase.CAPABILITY:
        _enter_capability(locked, today)
        fields += ["cycle", "appraisal_effect", "capability_started_on", "capability_stage"]
    locked.version += 1
    _history(locked, actor, label)
    locked.save(update_fields=fields)
    _event(
        trust_id=locked.trust_id,
        kind=PlanEventKind.BYPASSED if bypassed else PlanEventKind.MOVED,
        actor=actor,
        plan=locked,
        from_stage=frm,
        to_stage=to,
        reason=bypass_reason if bypassed else "",
    )
    if target == Phase.CAPABILITY:
        _event(
            trust_id=locked.trust_id,
            kind=PlanEventKind.CAPABILITY_STARTED,
            actor=actor,
            plan=locked,
            reason=locked.get_appraisal_effect_display(),
        )
    return locked


def _capability_move(actor: User, locked: SupportPlan, to: str) -> SupportPlan:
    """One stage on along the capability procedure, in the caller's transaction."""
    support = locked.policy_version.rules.support
    refusal = rules.capability_move_refusal(support, locked.capability_stage, to)
    if refusal is not None:
        raise SupportPlanError(refusal, field="to")
    frm = locked.capability_stage
    locked.capability_stage = to
    locked.stage_started_on = timezone.localdate()
    locked.version += 1
    _history(locked, actor, TRANSITIONS[(Phase.CAPABILITY, Phase.CAPABILITY)])
    locked.save(update_fields=["capability_stage", "stage_started_on", "version"])
    _event(
        trust_id=locked.trust_id,
        kind=PlanEventKind.CAPABILITY_MOVED,
        actor=actor,
        plan=locked,
        from_stage=frm,
        to_stage=to,
    )
    return locked


@transaction.atomic
def plan_close(*, actor: User, plan: SupportPlan, outcome: str) -> SupportPlan:
    """Close the plan. At a support stage: the support has succeeded, and improvement must
    be sustained for the policy's ``sustain_months``. In capability: improvement is
    sustained and the person returns to appraisal (the suspended cycle resumes)."""
    locked = _lock(plan)
    _require_manage(actor, locked)
    _require_running(locked)
    outcome = outcome.strip()
    if not outcome:
        raise SupportPlanError("Say what the outcome is.", field="outcome")
    phase = phase_of(locked)
    label = TRANSITIONS[(phase, Phase.CLOSED)]
    today = timezone.localdate()
    fields = ["status", "closed_on", "outcome", "version"]
    if phase == Phase.CAPABILITY:
        _leave_capability(locked)
        locked.capability_ended_on = today
        fields.append("capability_ended_on")
        kind = PlanEventKind.CAPABILITY_ENDED
    else:
        locked.sustain_until = rules.sustain_until(locked.policy_version.rules.support, today)
        fields.append("sustain_until")
        kind = PlanEventKind.CLOSED
    locked.status = PlanStatus.CLOSED
    locked.closed_on = today
    locked.outcome = outcome
    locked.version += 1
    _history(locked, actor, label)
    locked.save(update_fields=fields)
    _event(trust_id=locked.trust_id, kind=kind, actor=actor, plan=locked, from_stage=locked.stage)
    return locked


@transaction.atomic
def plan_pause(*, actor: User, plan: SupportPlan, reason: str) -> SupportPlan:
    """Pause the plan while a grievance is dealt with or during long-term sickness
    (staploe, Links to other policies): no move, meeting or closing until it resumes."""
    locked = _lock(plan)
    _require_manage(actor, locked)
    if reason not in PauseReason.values:
        raise SupportPlanError("Say why the plan is paused.", field="reason")
    phase = phase_of(locked)
    if (phase, Phase.PAUSED) not in TRANSITIONS:
        raise SupportPlanError("The plan is already paused.")
    locked.paused_on = timezone.localdate()
    locked.pause_reason = reason
    locked.version += 1
    _history(locked, actor, TRANSITIONS[(phase, Phase.PAUSED)])
    locked.save(update_fields=["paused_on", "pause_reason", "version"])
    _event(
        trust_id=locked.trust_id,
        kind=PlanEventKind.PAUSED,
        actor=actor,
        plan=locked,
        reason=locked.get_pause_reason_display(),
    )
    return locked


@transaction.atomic
def plan_resume(*, actor: User, plan: SupportPlan) -> SupportPlan:
    """Resume a paused plan at its stage; the stage's clock moves on by the days paused,
    so the date it normally ends moves with it."""
    locked = _lock(plan)
    _require_manage(actor, locked)
    if locked.paused_on is None:
        raise SupportPlanError("The plan is not paused.")
    today = timezone.localdate()
    locked.stage_started_on += today - locked.paused_on
    locked.paused_on = None
    locked.pause_reason = ""
    target = Phase.CAPABILITY if locked.stage == CAPABILITY else Phase.SUPPORT
    locked.version += 1
    _history(locked, actor, TRANSITIONS[(Phase.PAUSED, target)])
    locked.save(update_fields=["paused_on", "pause_reason", "stage_started_on", "version"])
    _event(trust_id=locked.trust_id, kind=PlanEventKind.RESUMED, actor=actor, plan=locked)
    return locked


# ----- Meetings and comments -----------------------------------------------------------------


@transaction.atomic
def meeting_schedule(
    *,
    actor: User,
    plan: SupportPlan,
    kind: str,
    scheduled_for: dt.date,
    notice_given_on: dt.date,
) -> SupportMeeting:
    """Schedule a meeting of the plan's current stage, refused when the notice is less
    than the policy's in working days on the academy's calendar (the earliest allowed
    date is in the message)."""
    locked = _lock(plan)
    _require_manage(actor, locked)
    _require_running(locked)
    support = locked.policy_version.rules.support
    step = locked.capability_stage if locked.stage == CAPABILITY else ""
    if kind not in rules.meeting_kinds(support, locked.stage, step):
        raise SupportPlanError("Choose a kind of meeting for this stage.", field="kind")
    days = rules.notice_working_days(support, locked.stage, kind, step)
    try:
        calendar = load_calendar(locked.academy_id, notice_given_on, scheduled_for)
        refusal = rules.notice_refusal(calendar, notice_given_on, scheduled_for, days)
    except OutsideCalendarRange:
        refusal = "Choose a date within the next year."
    if refusal is not None:
        raise SupportPlanError(refusal, field="scheduled_for")
    meeting = SupportMeeting(
        trust_id=locked.trust_id,
        plan=locked,
        stage=locked.stage,
        capability_stage=step,
        kind=kind,
        scheduled_for=scheduled_for,
        notice_given_on=notice_given_on,
    )
    _history(meeting, actor, "Meeting scheduled")
    meeting.save()
    staff_email = StaffMember.objects.filter(pk=locked.staff_id).values_list("email", flat=True)
    email = next(iter(staff_email), "")
    if email:
        when = f"{scheduled_for:%-d %B %Y}"
        kind_label = meeting.get_kind_display().lower()
        plan_id = locked.pk
        transaction.on_commit(lambda: _tell_of_meeting(plan_id, email, kind_label, when))
    _event(
        trust_id=locked.trust_id,
        kind=PlanEventKind.MEETING_SCHEDULED,
        actor=actor,
        plan=locked,
        reason=f"{meeting.get_kind_display()} on {scheduled_for:%-d %B %Y}",
    )
    return meeting


def _tell_of_meeting(plan_id: int, email: str, kind: str, when: str) -> None:
    """Tell the member of staff of a meeting of their plan (they are told of each one)."""
    path = reverse("support_plans:plan_detail", args=[plan_id])
    send_mail(
        subject=f"A {kind} has been arranged for {when}",
        message=(
            f"A {kind} about your support plan has been arranged for {when}. "
            f"Sign in to read your plan and add your comments: {path}\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[email],
    )


MEETING_RECORD_FIELDS = (
    "attendees",
    "companion",
    "papers_sent",
    "papers_sent_on",
    "notes",
    "outcome",
    "held_on",
)


@transaction.atomic
def meeting_record(
    *,
    actor: User,
    meeting: SupportMeeting,
    expected_version: int,
    attendees: str,
    companion: str,
    papers_sent: str,
    papers_sent_on: dt.date | None,
    notes: str,
    outcome: str,
    held_on: dt.date | None,
) -> SupportMeeting:
    """Record who attended, who accompanied the member of staff, the papers sent and
    when, the notes and the outcome."""
    locked = SupportMeeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)
    plan = SupportPlan.objects.get(pk=locked.plan_id)
    _require_manage(actor, plan)
    if locked.version != expected_version:
        raise SupportPlanError(
            "Someone else saved this meeting since you opened it: reload the page."
        )
    today = timezone.localdate()
    if held_on is not None and held_on > today:
        raise SupportPlanError("The meeting cannot have been held in the future.", field="held_on")
    if papers_sent_on is not None and papers_sent_on > today:
        raise SupportPlanError(
            "Papers cannot have been sent in the future.", field="papers_sent_on"
        )
    locked.attendees = attendees.strip()
    locked.companion = companion.strip()
    locked.papers_sent = papers_sent.strip()
    locked.papers_sent_on = papers_sent_on
    locked.notes = notes.strip()
    locked.outcome = outcome.strip()
    locked.held_on = held_on
    locked.version += 1
    _history(locked, actor, "Meeting recorded")
    locked.save(update_fields=[*MEETING_RECORD_FIELDS, "version"])
    _event(
        trust_id=plan.trust_id,
        kind=PlanEventKind.MEETING_RECORDED,
        actor=actor,
        plan=plan,
        reason=str(locked),
    )
    return locked


@transaction.atomic
def comment_add(*, actor: User, plan: SupportPlan, text: str) -> PlanComment:
    """The member of staff's own comment on their plan."""
    if not can(principal_for(actor), PlanAction.COMMENT, plan):
        raise SupportPlanError("Only the member of staff can add their comments to their plan.")
    text = text.strip()
    if not text:
        raise SupportPlanError("Write your comment.", field="text")
    comment = PlanComment(trust_id=plan.trust_id, plan=plan, author=actor, text=text)
    _history(comment, actor, "Comment added")
    comment.save()
    _event(trust_id=plan.trust_id, kind=PlanEventKind.COMMENTED, actor=actor, plan=plan)
    return comment


# ----- Letters -------------------------------------------------------------------------------


def letter_write(
    *,
    actor: User,
    plan: SupportPlan,
    meeting: SupportMeeting,
    kind: str,
    answers: list[str],
    details: str = "",
) -> PlanLetter:
    """Write a letter of the plan for ``meeting``: the invitation to a formal or capability
    meeting not yet held, or the outcome of one held. ``answers`` are one for each thing
    the pinned policy says the letter includes (``rules.letter_items``), in its order. The
    letter is laid out as a tagged PDF, signed with the writer's name, and kept on the
    plan; the member of staff reads it there."""
    stored: list[str] = []
    try:
        with transaction.atomic():
            return _letter_write(actor, plan, meeting, kind, answers, details, stored)
    except Exception:
        # The change did not commit: its file goes too.
        for name in stored:
            default_storage.delete(name)
        raise


def _letter_write(
    actor: User,
    plan: SupportPlan,
    meeting: SupportMeeting,
    kind: str,
    answers: list[str],
    details: str,
    stored: list[str],
) -> PlanLetter:
    locked = _lock(plan)
    _require_manage(actor, locked)
    _require_running(locked)
    found = (
        SupportMeeting.objects.select_for_update(of=("self",))
        .filter(pk=meeting.pk, plan=locked)
        .first()
    )
    if found is None:
        raise SupportPlanError("Choose a meeting of this plan.", field="kind")
    meeting = found
    support = locked.policy_version.rules.support
    refusal = rules.letter_refusal(kind, meeting.kind, meeting.held_on is not None)
    if refusal is not None:
        raise SupportPlanError(refusal, field="kind")
    if not may_write_letter(principal_for(actor), locked, kind, meeting.kind):
        raise SupportPlanError(
            rules.letter_writer_refusal(rules.letter_writer(support, kind, meeting.kind)),
            field="kind",
        )
    if kind == LetterKind.INVITATION and not details.strip():
        raise SupportPlanError(
            "Say the time and place of the meeting, and what it is about.", field="details"
        )
    items = rules.letter_items(support, kind, meeting.kind)
    if len(answers) != len(items):
        raise SupportPlanError(STALE)
    for index, (item, text) in enumerate(zip(items, answers, strict=True)):
        if not text.strip():
            raise SupportPlanError(f"Write what the letter says: {item}.", field=f"item_{index}")
    principal = principal_for(actor)
    signer = principal.staff.full_name if principal.staff else actor.get_username()
    today = timezone.localdate()
    contents = [
        {"item": item, "text": text.strip()} for item, text in zip(items, answers, strict=True)
    ]
    full = SupportPlan.objects.select_related("staff", "academy", "policy_version").get(
        pk=locked.pk
    )
    context = letters.letter_context(
        plan=full,
        meeting=meeting,
        kind=kind,
        contents=contents,
        details=details.strip(),
        signed_by=signer,
        written_on=today,
    )
    pdf = letters.letter_pdf(context)
    name = default_storage.save(
        f"support_letters/{locked.trust_id}/{uuid.uuid4().hex}.pdf", ContentFile(pdf)
    )
    stored.append(name)
    letter = PlanLetter(
        trust_id=locked.trust_id,
        plan=locked,
        meeting=meeting,
        kind=kind,
        title=context["title"],
        contents=contents,
        signed_by=signer,
        written_by=actor,
        written_on=today,
        file=name,
        file_sha256=hashlib.sha256(pdf).hexdigest(),
    )
    _history(letter, actor, "Letter written")
    letter.save()
    _event(
        trust_id=locked.trust_id,
        kind=PlanEventKind.LETTER_WRITTEN,
        actor=actor,
        plan=locked,
        reason=letter.title,
    )
    return letter


# ----- The written plan ----------------------------------------------------------------------


@transaction.atomic
def written_plan_save(
    *, actor: User, plan: SupportPlan, answers: list[str], expected_version: int
) -> WrittenPlan:
    """Save the written plan of the plan's current stage: one answer for each thing the
    pinned policy says the stage's plan sets out (``record_contents``), in its order."""
    locked = _lock(plan)
    _require_manage(actor, locked)
    rule = locked.policy_version.rules.support.stage(locked.stage)
    items = rule.record_contents if rule is not None else ()
    if not items:
        raise SupportPlanError("The policy sets no written plan for this stage.")
    if len(answers) != len(items):
        raise SupportPlanError(STALE)
    written, created = WrittenPlan.objects.select_for_update(of=("self",)).get_or_create(
        plan=locked, stage=locked.stage, defaults={"trust_id": locked.trust_id, "version": 0}
    )
    if not created and written.version != expected_version:
        raise SupportPlanError(STALE)
    written.answers = [
        {"item": item, "text": text.strip()} for item, text in zip(items, answers, strict=True)
    ]
    written.version += 1
    _history(written, actor, "Written plan saved")
    written.save()
    return written


STALE = "Someone else saved this since you opened it: reload the page."


# ----- The HR director's termly meetings with headteachers -----------------------------------

TERMLY_RECORD_FIELDS = ("scheduled_for", "held_on", "attendees", "action_agreed")


def _require_termly(actor: User, academy: Academy, term: Term, on: dt.date) -> PolicyVersion:
    """The academy's policy version in force on ``on``, when it asks for the termly
    meeting and the actor is the trust's HR."""
    principal = principal_for(actor)
    if not may_arrange_termly_reviews(principal) or academy.trust_id != principal.trust_id:
        raise SupportPlanError("Only HR arranges the termly meetings with headteachers.")
    if term.academy_id != academy.pk:
        raise SupportPlanError("That term is not on the academy's calendar.")
    version = termly.academy_policy(academy, on)
    if version is None or not version.rules.support.hr_meets_headteachers_termly:
        raise SupportPlanError("The academy's policy does not ask for a termly meeting.")
    return version


def _within_term(term: Term, day: dt.date, field: str) -> None:
    if not term.starts_on <= day <= term.ends_on:
        raise SupportPlanError(
            f"The date must be in {term.name}: between {term.starts_on:%d %B %Y} and "
            f"{term.ends_on:%d %B %Y}.",
            field=field,
        )


@transaction.atomic
def termly_review_schedule(
    *, actor: User, academy: Academy, term: Term, scheduled_for: dt.date
) -> TermlyReview:
    """Schedule HR's meeting with the academy's headteacher for ``term`` (one a term). It
    pins the academy's policy version in force today, as a plan pins its own: that
    version's retention years decide when the meeting is destroyed."""
    locked = Academy.objects.select_for_update(of=("self",)).get(pk=academy.pk)
    version = _require_termly(actor, locked, term, timezone.localdate())
    if TermlyReview.objects.filter(academy=locked, term=term).exists():
        raise SupportPlanError("This term's meeting is already scheduled.")
    _within_term(term, scheduled_for, "scheduled_for")
    review = TermlyReview(
        trust_id=locked.trust_id,
        academy=locked,
        term=term,
        scheduled_for=scheduled_for,
        policy_version=version,
    )
    _history(review, actor, "Termly meeting scheduled")
    review.save()
    return review


@transaction.atomic
def termly_review_record(
    *,
    actor: User,
    review: TermlyReview,
    expected_version: int,
    scheduled_for: dt.date,
    held_on: dt.date | None,
    attendees: str,
    staff_discussed: list[StaffMember],
    action_agreed: str,
) -> TermlyReview:
    """Record when the meeting was held, who attended, whom it discussed and the action
    agreed (or move its date within the term)."""
    locked = (
        TermlyReview.objects.select_for_update(of=("self",))
        .select_related("academy", "term")
        .get(pk=review.pk)
    )
    _require_termly(actor, locked.academy, locked.term, timezone.localdate())
    if locked.version != expected_version:
        raise SupportPlanError(
            "Someone else saved this meeting since you opened it: reload the page."
        )
    _within_term(locked.term, scheduled_for, "scheduled_for")
    if held_on is not None:
        if held_on > timezone.localdate():
            raise SupportPlanError(
                "The meeting cannot have been held in the future.", field="held_on"
            )
        _within_term(locked.term, held_on, "held_on")
    if any(
        s.academy_id != locked.academy_id or s.trust_id != locked.trust_id for s in staff_discussed
    ):
        raise SupportPlanError(
            "Choose only members of staff of the academy.", field="staff_discussed"
        )
    locked.scheduled_for = scheduled_for
    locked.held_on = held_on
    locked.attendees = attendees.strip()
    locked.action_agreed = action_agreed.strip()
    locked.version += 1
    _history(locked, actor, "Termly meeting recorded")
    locked.save(update_fields=[*TERMLY_RECORD_FIELDS, "version"])
    locked.staff_discussed.set(staff_discussed)
    return locked
