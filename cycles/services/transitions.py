"""Stages: the moves a cycle may make, who may make each, and making one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from organisation.principal import principal_for

from .. import order, permissions
from ..models import AppraisalCycle, CycleState, SuspensionReason
from ._common import _after_change
from .errors import CycleError

if TYPE_CHECKING:
    from accounts.models import User

S = CycleState
REVIEWER = "reviewer"  # the reviewer may make the move (and so may whoever manages)
MANAGER = "manager"  # only whoever manages the cycle: HR, the academy's leads


@dataclass(frozen=True)
class Move:
    label: str
    by: str
    needs_reason: bool = False


# Every allowed move. A suspended cycle resumes at the stage it was suspended from.
TRANSITIONS: dict[tuple[str, str], Move] = {
    (S.PLANNING, S.ACTIVE): Move("Start the appraisal year", REVIEWER),
    (S.ACTIVE, S.REVIEW): Move("Begin the annual review", REVIEWER),
    (S.REVIEW, S.CLOSED): Move("Close the appraisal year", MANAGER),
    (S.PLANNING, S.SUSPENDED): Move("Suspend appraisal", MANAGER, needs_reason=True),
    (S.ACTIVE, S.SUSPENDED): Move("Suspend appraisal", MANAGER, needs_reason=True),
    (S.REVIEW, S.SUSPENDED): Move("Suspend appraisal", MANAGER, needs_reason=True),
    (S.SUSPENDED, S.PLANNING): Move("Resume appraisal", MANAGER),
    (S.SUSPENDED, S.ACTIVE): Move("Resume appraisal", MANAGER),
    (S.SUSPENDED, S.REVIEW): Move("Resume appraisal", MANAGER),
}


def suspension_reasons_allowed(cycle: AppraisalCycle) -> list[SuspensionReason]:
    """Why this cycle's policy lets appraisal pause: capability always stops appraisal
    (suspended, classic §6.12.4 and staploe; or no longer applies, aspire §12, leger §10);
    a grievance only where the policy says so (staploe, Grievance)."""
    allowed = [SuspensionReason.CAPABILITY]
    if cycle.policy_version.rules.support.suspend_for_grievance:
        allowed.append(SuspensionReason.GRIEVANCE)
    return allowed


def move_refusal(cycle: AppraisalCycle, to: str, *, early_reason: str = "") -> str | None:
    """Why the cycle cannot move to ``to`` now, or None if it can (whoever asks). The
    annual review begins in the window the pinned policy gives it (or early with
    ``early_reason`` where the policy allows); the year closes after its last day."""
    current = CycleState(cycle.state)
    try:
        target = CycleState(to)
    except ValueError:
        return "Choose a stage."
    if (current, target) not in TRANSITIONS:
        return f"A cycle at “{current.label}” cannot move to “{target.label}”."
    if current == S.SUSPENDED and target != cycle.suspended_from:
        resume = CycleState(cycle.suspended_from).label if cycle.suspended_from else "?"
        return f"A suspended cycle resumes at the stage it was suspended from ({resume})."
    today = timezone.localdate()
    if (current, target) == (S.ACTIVE, S.REVIEW):
        return order.review_begin_refusal(
            cycle.policy_version.rules,
            today=today,
            ends_on=cycle.ends_on,
            early_reason=early_reason,
        )
    if (current, target) == (S.REVIEW, S.CLOSED):
        return order.close_refusal(
            today=today, ends_on=cycle.ends_on, begun_early=bool(cycle.review_begun_early_reason)
        )
    return None


def early_review_possible(cycle: AppraisalCycle) -> bool:
    """Whether "Begin the annual review" needs a reason today (its window is not open yet)
    and the policy allows one."""
    rules = cycle.policy_version.rules
    return (
        cycle.state == S.ACTIVE
        and rules.review.early_review_with_reason
        and timezone.localdate() < order.review_window_opens(rules, ends_on=cycle.ends_on)
    )


def _may_move(actor: User | None, cycle: AppraisalCycle, move: Move) -> bool:
    if actor is None:
        return True
    principal = principal_for(actor)
    if move.by == REVIEWER:
        return permissions.may_move_as_reviewer(principal, cycle)
    return permissions.can(principal, permissions.CycleAction.MANAGE, cycle)


def moves_for(actor: User, cycle: AppraisalCycle) -> list[tuple[str, Move]]:
    """The moves ``actor`` may make to ``cycle`` now, for buttons on its page."""
    return [
        (to, move)
        for (frm, to), move in TRANSITIONS.items()
        if frm == cycle.state
        and (move_refusal(cycle, to) is None or (to == S.REVIEW and early_review_possible(cycle)))
        and _may_move(actor, cycle, move)
    ]


@transaction.atomic
def cycle_transition(
    *,
    cycle: AppraisalCycle,
    to: str,
    actor: User | None,
    reason: str = "",
    note: str = "",
) -> AppraisalCycle:
    """Move ``cycle`` to stage ``to``. Suspending needs a ``reason`` the policy allows
    ("capability", or "grievance" where the policy provides for it); resuming returns the
    cycle to the stage it was suspended from. ``note`` adds words to the history."""
    locked = (
        AppraisalCycle.objects.select_for_update(of=("self",))
        .select_related("policy_version")
        .get(pk=cycle.pk)
    )
    note = note.strip()[:200]
    refusal = move_refusal(locked, to, early_reason=note)
    if refusal is not None:
        raise CycleError(refusal)
    frm, target = CycleState(locked.state), CycleState(to)
    move = TRANSITIONS[(frm, target)]
    if not _may_move(actor, locked, move):
        raise CycleError("You cannot move this appraisal to that stage.")
    fields = ["state", "suspended_from", "suspension_reason", "suspended_at"]
    if target == S.SUSPENDED:
        allowed = suspension_reasons_allowed(locked)
        if reason not in allowed:
            if reason == SuspensionReason.GRIEVANCE:
                raise CycleError(
                    "This cycle's policy does not provide for pausing appraisal while a "
                    "grievance is dealt with."
                )
            raise CycleError("Say why appraisal is being suspended.")
        locked.suspended_from = frm
        locked.suspension_reason = SuspensionReason(reason)
        locked.suspended_at = timezone.now()
        why = f"Suspended: {SuspensionReason(reason).label}"
    elif frm == S.SUSPENDED:
        why = f"Resumed at {target.label} after: {locked.get_suspension_reason_display()}"
        locked.suspended_from = ""
        locked.suspension_reason = ""
        locked.suspended_at = None
    elif (frm, target) == (S.ACTIVE, S.REVIEW) and early_review_possible(locked):
        locked.review_begun_early_reason = note
        why, note = f"{move.label} early: {note}", ""
        fields = ["state", "review_begun_early_reason"]
    else:
        why = move.label
        fields = ["state"]
    locked.state = target
    locked._change_reason = f"{why}. {note}" if note else why  # type: ignore[attr-defined]
    if actor is not None:
        locked._history_user = actor  # type: ignore[attr-defined]
    locked.save(update_fields=fields)
    cycle_id = locked.pk
    transaction.on_commit(lambda: _after_change(cycle_id, f"{frm}->{target}"))
    return locked
