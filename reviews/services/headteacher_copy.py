"""The headteacher's copy."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from .. import rules as review_rules
from ..models import (
    AnnualReview,
)
from ..permissions import reads_headteacher_copy
from ._common import ReviewError, _principal, _with_actor
from .review import _lock_review

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)


def _require_copy_reader(actor: User, review: AnnualReview) -> None:
    if not reads_headteacher_copy(_principal(actor), review):
        raise ReviewError("Only the academy's headteacher reads the copy of a review.")


@transaction.atomic
def headteacher_copy_read(*, actor: User, review: AnnualReview) -> AnnualReview:
    """The headteacher says they have read the copy (it leaves their reviews to read)."""
    _require_copy_reader(actor, review)
    locked = AnnualReview.objects.select_for_update(of=("self",)).get(pk=review.pk)
    if locked.headteacher_read_at is not None:
        return locked
    locked.headteacher_read_at = timezone.now()
    locked.headteacher_read_by = actor
    _with_actor(locked, actor)
    locked.save(update_fields=["headteacher_read_at", "headteacher_read_by", "updated_at"])
    return locked


@dataclass(frozen=True)
class AdjustmentInput:
    next_objectives: str
    development_needs: str
    training: str
    reason: str
    discussed: bool


@transaction.atomic
def headteacher_adjust(
    *, actor: User, review: AnnualReview, expected_version: int, data: AdjustmentInput
) -> AnnualReview:
    """The headteacher adjusts the new cycle's objectives or the support offered in a
    completed review, where the policy allows it (staploe), having discussed it with the
    reviewer and reviewee. The change and its reason show on the review."""
    _require_copy_reader(actor, review)
    rules = review.cycle.policy_version.rules
    if not review_rules.headteacher_may_adjust(rules):
        raise ReviewError("The policy does not let the headteacher adjust objectives or support.")
    if not data.discussed:
        raise ReviewError(
            "Discuss the change with the reviewer and the member of staff before making it."
        )
    if not data.reason.strip():
        raise ReviewError("Say what you changed and why.")
    locked = _lock_review(review, expected_version)
    changed = [
        name
        for name in ("next_objectives", "development_needs", "training")
        if getattr(locked, name) != getattr(data, name)
    ]
    if not changed:
        raise ReviewError("Change the objectives or the support before saving.")
    for name in changed:
        setattr(locked, name, getattr(data, name))
    now = timezone.now()
    locked.headteacher_adjusted_at = now
    locked.headteacher_adjusted_by = actor
    locked.headteacher_adjustment = data.reason.strip()
    fields = [*changed, "headteacher_adjusted_at", "headteacher_adjusted_by"]
    fields += ["headteacher_adjustment", "version", "updated_at"]
    if locked.headteacher_read_at is None:
        locked.headteacher_read_at, locked.headteacher_read_by = now, actor
        fields += ["headteacher_read_at", "headteacher_read_by"]
    locked.version += 1
    _with_actor(locked, actor)
    locked.save(update_fields=fields)
    return locked
