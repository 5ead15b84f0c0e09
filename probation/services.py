"""Every write to a probation (langley §9).

Each change follows the same steps: check the actor may make it, lock the row
(``select_for_update(of=("self",))``), check the move against the table below and the
pinned policy's ``scope.probation_*`` settings, save only the changed fields, write a
typed ``ProbationEvent`` in the same transaction (simple-history keeps what the record
looked like), and send any email once the change is committed.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from organisation.models import Role, RoleAssignment, StaffMember
from organisation.principal import principal_for
from policies.models import PolicyVersion
from policies.selectors import policy_for

from . import rules
from .models import (
    RUNNING,
    Probation,
    ProbationEvent,
    ProbationEventKind,
    ProbationReview,
    ProbationStatus,
)
from .permissions import ProbationAction, can, may_start

if TYPE_CHECKING:
    from accounts.models import User


class ProbationError(Exception):
    """A refused change, with a message fit for the page and the form field it is about."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


# Every allowed change of status, and what it is called in the history.
TRANSITIONS: dict[tuple[ProbationStatus, ProbationStatus], str] = {
    (ProbationStatus.IN_PROGRESS, ProbationStatus.EXTENDED): "Probation extended",
    (ProbationStatus.IN_PROGRESS, ProbationStatus.CONFIRMED): "Confirmed in post",
    (ProbationStatus.IN_PROGRESS, ProbationStatus.NOT_CONFIRMED): "Not confirmed in post",
    (ProbationStatus.EXTENDED, ProbationStatus.CONFIRMED): "Confirmed in post",
    (ProbationStatus.EXTENDED, ProbationStatus.NOT_CONFIRMED): "Not confirmed in post",
}

# The outcomes a manager may record; "extended" moves the end date (and needs a reason).
OUTCOMES = (ProbationStatus.CONFIRMED, ProbationStatus.EXTENDED, ProbationStatus.NOT_CONFIRMED)


def _event(
    probation: Probation,
    kind: str,
    actor: User | None,
    *,
    frm: str = "",
    to: str = "",
    reason: str = "",
) -> ProbationEvent:
    return ProbationEvent.objects.create(
        trust_id=probation.trust_id,
        probation=probation,
        kind=kind,
        from_status=frm,
        to_status=to,
        reason=reason[:300],
        actor=actor,
    )


def _history(obj: object, actor: User | None, reason: str) -> None:
    obj._change_reason = reason  # type: ignore[attr-defined]
    if actor is not None:
        obj._history_user = actor  # type: ignore[attr-defined]


def policy_with_probation(staff: StaffMember, on: dt.date) -> PolicyVersion:
    """The policy version in force for ``staff`` on ``on``, if it has a probation."""
    version = policy_for(staff_member=staff, on=on)
    if version is None:
        raise ProbationError("No policy applies to this member of staff yet.", field="staff")
    if not rules.has_probation(version.rules.scope):
        raise ProbationError(f"“{version.policy.name}” has no probationary period.", field="staff")
    return version


@transaction.atomic
def probation_start(*, actor: User, staff: StaffMember, starts_on: dt.date) -> Probation:
    """Start ``staff``'s probation on ``starts_on``: it runs for the policy's
    ``scope.probation_months`` (langley §9: six months) under the version in force that
    day, which it pins. HR or the person's line manager starts it; one runs at a time."""
    principal = principal_for(actor)
    if staff.trust_id != principal.trust_id or not may_start(principal, staff):
        raise ProbationError(
            "Only HR or their line manager can start a member of staff's probation.",
            field="staff",
        )
    locked = StaffMember.objects.select_for_update(of=("self",)).get(pk=staff.pk)
    refusal = rules.start_date_refusal(starts_on, locked.start_date)
    if refusal is not None:
        raise ProbationError(refusal, field="starts_on")
    if Probation.objects.filter(staff=locked, status__in=RUNNING).exists():
        raise ProbationError("They are already on probation.", field="staff")
    version = policy_with_probation(locked, starts_on)
    ends_on = rules.probation_ends_on(version.rules.scope, starts_on)
    probation = Probation(
        trust_id=locked.trust_id,
        academy_id=locked.academy_id,
        staff=locked,
        policy_version=version,
        starts_on=starts_on,
        ends_on=ends_on,
        original_ends_on=ends_on,
        created_by=actor,
    )
    _history(probation, actor, "Probation started")
    probation.save()
    _event(probation, ProbationEventKind.STARTED, actor, to=probation.status)
    return probation


def _lock(probation: Probation) -> Probation:
    return (
        Probation.objects.select_for_update(of=("self",))
        .select_related("policy_version", "staff")
        .get(pk=probation.pk)
    )


def _require_manage(actor: User, probation: Probation) -> None:
    if not can(principal_for(actor), ProbationAction.MANAGE, probation):
        raise ProbationError("You cannot change this probation.")


def _require_version(probation: Probation, expected_version: int | None) -> None:
    if expected_version is not None and probation.version != expected_version:
        raise ProbationError(
            "Someone else changed this probation since you opened the page. Open it again."
        )


@transaction.atomic
def probation_review_record(
    *,
    actor: User,
    probation: Probation,
    held_on: dt.date,
    successes: str,
    development_areas: str,
    training: str,
) -> ProbationReview:
    """Record a review meeting (langley §9: every three months, by the policy's
    ``scope.probation_review_every_months``): the successes, the areas for development
    and the training agreed. Its date must fall within the probation and not be ahead."""
    locked = _lock(probation)
    _require_manage(actor, locked)
    refusal = rules.review_date_refusal(
        held_on, locked.starts_on, locked.ends_on, timezone.localdate()
    )
    if refusal is not None:
        raise ProbationError(refusal, field="held_on")
    successes = successes.strip()
    if not successes:
        raise ProbationError("Say what has gone well.", field="successes")
    review = ProbationReview(
        trust_id=locked.trust_id,
        probation=locked,
        held_on=held_on,
        successes=successes,
        development_areas=development_areas.strip(),
        training=training.strip(),
        recorded_by=actor,
    )
    _history(review, actor, "Review meeting recorded")
    review.save()
    locked.version += 1
    _history(locked, actor, "Review meeting recorded")
    locked.save(update_fields=["version"])
    _event(locked, ProbationEventKind.REVIEW_RECORDED, actor, reason=f"Held {held_on:%d %b %Y}")
    return review


def _hr_emails(trust_id: int) -> list[str]:
    rows = (
        RoleAssignment.objects.active()
        .filter(trust_id=trust_id, role=Role.HR)
        .values_list("user__email", flat=True)
    )
    return sorted({email for email in rows if email})


def _tell_hr(probation_id: int, emails: list[str]) -> None:
    path = reverse("probation:detail", args=[probation_id])
    link = settings.SITE_URL.rstrip("/") + path
    send_mail(
        subject="A member of staff's probation has been extended",
        message=(
            "The probation of a member of staff has been extended. Sign in to read the "
            f"reason and the new end date: {link}\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=emails,
    )


@transaction.atomic
def probation_decide(
    *,
    actor: User,
    probation: Probation,
    outcome: str,
    note: str = "",
    expected_version: int | None = None,
) -> Probation:
    """Record the outcome: confirmed in post, not confirmed, or extended.

    Extending needs a reason and is allowed once, by the policy's
    ``scope.probation_extension_months`` (langley §9: by up to six months; a policy with
    0 cannot be extended); HR is told by email once it is committed (langley §9). A
    confirmed probation ends that day: appraisal starts at the next cycle by the policy's
    part-year rule."""
    locked = _lock(probation)
    _require_manage(actor, locked)
    _require_version(locked, expected_version)
    if outcome not in OUTCOMES:
        raise ProbationError("Choose the outcome.", field="outcome")
    target = ProbationStatus(outcome)
    current = ProbationStatus(locked.status)
    note = note.strip()
    scope = locked.policy_version.rules.scope
    if target == ProbationStatus.EXTENDED:
        if not rules.may_extend(scope):
            raise ProbationError(
                "The policy does not allow probation to be extended.", field="outcome"
            )
        if (current, target) not in TRANSITIONS:
            raise ProbationError("Probation has already been extended once.", field="outcome")
        if not note:
            raise ProbationError("Say why probation is extended.", field="note")
    elif target == ProbationStatus.NOT_CONFIRMED and not note:
        raise ProbationError("Say why they are not confirmed in post.", field="note")
    label = TRANSITIONS[(current, target)]
    today = timezone.localdate()
    locked.status = target
    fields = ["status", "version"]
    emails: list[str] = []
    if target == ProbationStatus.EXTENDED:
        locked.ends_on = rules.extended_ends_on(scope, locked.starts_on)
        locked.extended_on = today
        locked.extension_reason = note
        fields += ["ends_on", "extended_on", "extension_reason"]
        emails = _hr_emails(locked.trust_id)
        if emails:
            locked.hr_told_at = timezone.now()
            fields.append("hr_told_at")
    else:
        locked.decided_on = today
        locked.outcome_note = note
        fields += ["decided_on", "outcome_note"]
    locked.version += 1
    _history(locked, actor, label)
    locked.save(update_fields=fields)
    kind = {
        ProbationStatus.EXTENDED: ProbationEventKind.EXTENDED,
        ProbationStatus.CONFIRMED: ProbationEventKind.CONFIRMED,
        ProbationStatus.NOT_CONFIRMED: ProbationEventKind.NOT_CONFIRMED,
    }[target]
    _event(locked, kind, actor, frm=current, to=target, reason=note)
    if emails:
        _event(locked, ProbationEventKind.HR_TOLD, actor)
        probation_id = locked.pk
        transaction.on_commit(lambda: _tell_hr(probation_id, emails))
    return locked
