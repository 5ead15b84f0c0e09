"""Changing a cycle's reviewer part-way through the year."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from organisation.models import StaffMember
from organisation.principal import principal_for

from .. import permissions
from ..models import AppraisalCycle
from ._common import _after_change
from .errors import CycleError
from .transitions import S

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def cycle_change_reviewer(
    *,
    cycle: AppraisalCycle,
    reviewer: StaffMember,
    actor: User | None,
    reason: str,
) -> AppraisalCycle:
    """Give ``cycle`` a new reviewer (a new line manager, or a move to another academy
    part-way through the year). The cycle keeps everything recorded under it and its
    history; when the appraisee now works at another academy, the cycle moves with them."""
    locked = (
        AppraisalCycle.objects.select_for_update(of=("self",))
        .select_related("appraisee")
        .get(pk=cycle.pk)
    )
    if actor is not None and not permissions.may_change_reviewer(principal_for(actor), locked):
        raise CycleError("You cannot change the reviewer of this appraisal.")
    if locked.state == S.CLOSED:
        raise CycleError("This appraisal year is closed: its reviewer can no longer change.")
    if locked.is_headteacher_cycle:
        raise CycleError(
            "The headteacher is reviewed by the governors' committee: give its members "
            "access to the record instead."
        )
    if reviewer.trust_id != locked.trust_id:
        raise CycleError("The reviewer must work for the same trust.")
    if reviewer.pk == locked.appraisee_id:
        raise CycleError("Nobody can review their own appraisal.")
    if reviewer.left_on is not None and reviewer.left_on < timezone.localdate():
        raise CycleError(f"{reviewer.full_name} no longer works for the trust.")
    if not reason.strip():
        raise CycleError("Say why the reviewer is changing.")
    fields = []
    if locked.reviewer_id != reviewer.pk:
        locked.reviewer = reviewer
        fields.append("reviewer")
    if locked.academy_id != locked.appraisee.academy_id:
        locked.academy_id = locked.appraisee.academy_id
        fields.append("academy")
    if not fields:
        return locked
    locked._change_reason = f"Reviewer changed: {reason.strip()[:200]}"  # type: ignore[attr-defined]
    if actor is not None:
        locked._history_user = actor  # type: ignore[attr-defined]
    locked.save(update_fields=fields)
    cycle_id = locked.pk
    transaction.on_commit(lambda: _after_change(cycle_id, "reviewer"))
    return locked
